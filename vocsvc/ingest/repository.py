"""Queries of the write side: the daily rollup's upsert, its rebuild reads."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from vocsvc.models import Response, ResponseDailyCount
from vocsvc.responses.records import SCORE_FIELDS
from vocsvc.sqlutil import as_arrays, insert_for_dialect, insert_from_arrays

RollupKey = tuple[int, str, date, int, int, int]  # journey, metric, day, stage, touchpoint, value

_KEY_COLUMNS = ("journey_id", "metric", "day", "stage_id", "touchpoint_id", "value")
_COLUMNS = (*_KEY_COLUMNS, "count")


class RollupRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_counts(self, counts: Sequence[tuple[RollupKey, int]]) -> None:
        """Add increments (keys unique, sorted) with one atomic upsert, safe under concurrent
        writers."""
        if not counts:
            return
        values = [
            {**dict(zip(_KEY_COLUMNS, key, strict=True)), "count": count} for key, count in counts
        ]
        connection = self.session.connection()  # Core: the ORM's bulk path costs more
        dialect = connection.dialect.name
        # PostgreSQL: one statement over arrays (each key once, so no row is updated twice);
        # SQLite: an executemany of the compiled statement, cheap in-process.
        params = as_arrays(values, _COLUMNS) if dialect == "postgresql" else values
        connection.execute(_upsert_statement(dialect), params)

    def clear(self) -> None:
        self.session.execute(delete(ResponseDailyCount))

    def scored_rows(self, batch: int) -> Iterator[Sequence[Any]]:
        """Every stored response's journey, stage, touchpoint, time and scores (SCORE_FIELDS
        order), in partitions of `batch` rows."""
        scores = [getattr(Response, m) for m in SCORE_FIELDS]
        ids = (Response.journey_id, Response.stage_id, Response.touchpoint_id)
        columns = (*ids, Response.submitted_at, *scores)
        stmt = select(*columns).execution_options(yield_per=batch)
        yield from self.session.execute(stmt).partitions(batch)


@functools.cache
def _upsert_statement(dialect: str) -> Any:
    # One statement object: compiled once and reused, where inline VALUES would be rebuilt and
    # its cache key recomputed on every answer.
    table = cast(Table, ResponseDailyCount.__table__)
    if dialect == "postgresql":
        stmt = insert_from_arrays(table, _COLUMNS)
    else:
        stmt = insert_for_dialect(dialect)(table)
    return stmt.on_conflict_do_update(
        index_elements=list(_KEY_COLUMNS),
        set_={"count": table.c.count + stmt.excluded.count},
    )
