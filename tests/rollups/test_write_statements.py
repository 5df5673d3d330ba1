"""The write path's PostgreSQL statements stay ones psycopg parses once and prepares."""

from typing import Any

from psycopg import _queries
from sqlalchemy import create_engine

from vocsvc.responses.repository import _insert_facts_statement
from vocsvc.rollups.repository import _upsert_all_statement


def test_every_rollup_upsert_is_one_statement_psycopg_caches() -> None:
    dialect = create_engine("postgresql+psycopg://").dialect  # no connection is made
    # Over 4 kB or 50 parameters, psycopg converts the query again on every execution.
    for statement in (_upsert_all_statement(), _insert_facts_statement()):
        compiled: Any = statement.compile(dialect=dialect)
        assert len(str(compiled).encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
        assert len(compiled.binds) <= _queries.MAX_CACHED_STATEMENT_PARAMS
    sql = str(_upsert_all_statement().compile(dialect=dialect))
    for table in ("counts", "dimensions", "stats", "terms", "aspects"):
        assert f"INSERT INTO response_daily_{table} " in sql
