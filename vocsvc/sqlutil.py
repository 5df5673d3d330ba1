"""Dialect-aware statements shared by repositories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Any:
    """The INSERT construct with ON CONFLICT support for the session's database."""
    return insert_for_dialect(session.get_bind().dialect.name)


def insert_for_dialect(dialect: str) -> Any:
    """The INSERT construct with ON CONFLICT support for a dialect name."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def insert_from_arrays(table: Table, columns: Sequence[str]) -> Any:
    """PostgreSQL: INSERT INTO table (columns) SELECT * FROM unnest(:column, ...), one array per
    column (see `as_arrays`).

    However many rows, the SQL text is the same, so it is compiled and prepared once; a
    multi-row VALUES is new text for each number of rows, parsed again by the driver and the
    server, and an executemany is one execution per row.
    """
    arrays = [bindparam(name, type_=ARRAY(table.c[name].type)) for name in columns]
    rows = select(func.unnest(*arrays).table_valued(*columns).render_derived())
    return pg_insert(table).from_select(list(columns), rows)


def as_arrays(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> dict[str, list[Any]]:
    """The parameters of `insert_from_arrays`: one list per column."""
    return {name: [row[name] for row in rows] for name in columns}
