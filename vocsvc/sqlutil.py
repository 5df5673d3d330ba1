"""Dialect-aware statements shared by repositories."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Select, Table, bindparam, func, literal_column, select
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


class DriverStatement:
    """A Core statement compiled once for one dialect, run through `exec_driver_sql` with plain
    values: SQLAlchemy's own execution (a parameter dict per row, every value through its type,
    the compiled cache's key) costs more than a small upsert does (a batch's five rollup upserts
    on SQLite: 250 µs against 70). Values still go through their types' bind processing where
    the type has one (SQLite's dates and times, UTCDateTime; on PostgreSQL an array's items)."""

    def __init__(self, statement: Any, dialect: Dialect, columns: Sequence[str] = ()) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(columns) or None)
        self.sql = str(compiled)
        processors = {name: _processor(bind.type, dialect) for name, bind in compiled.binds.items()}
        self._named = {n: p for n, p in processors.items() if p is not None}
        # Positional (SQLite's qmark): each placeholder's place in a row in `columns` order.
        names = (compiled.positiontup or []) if compiled.positional else []
        self._order = [(list(columns).index(n), processors[n]) for n in names]

    def executemany(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Rows in `columns` order (a positional dialect's executemany)."""
        params = [tuple(row[i] if p is None else p(row[i]) for i, p in self._order) for row in rows]
        connection.exec_driver_sql(self.sql, params)

    def execute(self, connection: Connection, params: Mapping[str, Any]) -> None:
        """One execution with named parameters (PostgreSQL's pyformat)."""
        processed = {n: self._named[n](v) if n in self._named else v for n, v in params.items()}
        connection.exec_driver_sql(self.sql, processed)


def _processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """How a value of `type_` is bound by `dialect` (None: as it is); an array's items each."""
    if isinstance(type_, ARRAY):
        item = type_.item_type.dialect_impl(dialect).bind_processor(dialect)
        return None if item is None else (lambda values: [item(v) for v in values])
    processor: Callable[[Any], Any] | None = type_.dialect_impl(dialect).bind_processor(dialect)
    return processor
