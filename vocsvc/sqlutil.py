"""Dialect-aware statements shared by repositories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Table, bindparam, func, literal_column, select
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


def insert_from_arrays(table: Table, columns: Sequence[str], prefix: str = "") -> Any:
    """PostgreSQL: INSERT INTO table (columns) SELECT * FROM unnest(:column, ...), one array per
    column (see `arrays_of`), bound as `prefix` + the column's position (short names keep the
    text short).

    However many rows, the SQL text is the same, so it is compiled and prepared once; a
    multi-row VALUES is new text for each number of rows, parsed again by the driver and the
    server, and an executemany is one execution per row.
    """
    arrays = [
        bindparam(f"{prefix}{i}", type_=ARRAY(table.c[name].type)) for i, name in enumerate(columns)
    ]
    # SELECT *, not each column again: psycopg re-parses every statement over 4 kB, which the
    # rollups' five upserts in one (vocsvc.rollups.repository) would otherwise be.
    unnested = func.unnest(*arrays).table_valued(*columns).render_derived(name="a")
    rows: Select[Any] = select(literal_column("*")).select_from(unnested)
    return pg_insert(table).from_select(list(columns), rows)


def arrays_of(
    rows: Sequence[Sequence[Any]], columns: Sequence[str], prefix: str = ""
) -> dict[str, list[Any]]:
    """The parameters of `insert_from_arrays` from rows in `columns` order (none: empty arrays)."""
    arrays = zip(*rows, strict=True) if rows else ([] for _ in columns)
    return {f"{prefix}{i}": list(a) for i, (_, a) in enumerate(zip(columns, arrays, strict=True))}
