"""The daily rollup of score counts: updated with every insert, rebuilt when the zone changes."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from vocsvc.models import InstanceSecret, Response, ResponseDailyCount
from vocsvc.sqlutil import as_arrays, insert_for_dialect, insert_from_arrays

SCORE_METRICS = ("nps", "csat", "ces", "importance")
ROLLUP_ZONE = "rollup_timezone"
RollupKey = tuple[int, str, date, int, int, int]  # journey, metric, day, stage, touchpoint, value


def count_rows(rows: Iterable[Mapping[str, Any]], tz: ZoneInfo) -> Counter[RollupKey]:
    """Rollup increments for a batch of response rows (dicts with ids, scores and submitted_at)."""
    counts: Counter[RollupKey] = Counter()
    for row in rows:
        day = row["submitted_at"].astimezone(tz).date()
        for metric in SCORE_METRICS:
            value = row.get(metric)
            if value is not None:
                key = (row["journey_id"], metric, day, row["stage_id"], row["touchpoint_id"], value)
                counts[key] += 1
    return counts


_KEY_COLUMNS = ("journey_id", "metric", "day", "stage_id", "touchpoint_id", "value")
_COLUMNS = (*_KEY_COLUMNS, "count")


def add_counts(session: Session, counts: Counter[RollupKey]) -> None:
    """Add increments with one atomic upsert, safe under concurrent writers."""
    if not counts:
        return
    values = [
        {**dict(zip(_KEY_COLUMNS, key, strict=True)), "count": count}
        for key, count in sorted(counts.items())  # sorted: a stable lock order
    ]
    connection = session.connection()  # Core: the ORM's bulk path costs more than the upsert
    dialect = connection.dialect.name
    # PostgreSQL: one statement over arrays (each key once in `counts`, so no row is updated
    # twice); SQLite: an executemany of the compiled statement, cheap in-process.
    params = as_arrays(values, _COLUMNS) if dialect == "postgresql" else values
    connection.execute(_upsert_statement(dialect), params)


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


def record(session: Session, rows: Iterable[Mapping[str, Any]], tz: ZoneInfo) -> None:
    """Count freshly inserted responses into the rollup (same transaction as the insert)."""
    add_counts(session, count_rows(rows, tz))


def rebuild(session: Session, tz: ZoneInfo, batch: int = 20_000) -> int:
    """Recount the rollup from every stored response in zone `tz`; returns responses read."""
    session.execute(delete(ResponseDailyCount))
    columns = (Response.journey_id, Response.stage_id, Response.touchpoint_id,
               Response.submitted_at, *(getattr(Response, m) for m in SCORE_METRICS))  # fmt: skip
    stmt = select(*columns).execution_options(yield_per=batch)
    total = 0
    pending: Counter[RollupKey] = Counter()
    for partition in session.execute(stmt).partitions(batch):
        rows = [dict(r._mapping) for r in partition]
        total += len(rows)
        pending.update(count_rows(rows, tz))
    for chunk in _chunks(pending, 5_000):
        add_counts(session, chunk)
    set_zone(session, tz)
    return total


def _chunks(counts: Counter[RollupKey], size: int) -> Iterable[Counter[RollupKey]]:
    items = list(counts.items())
    for offset in range(0, len(items), size):
        yield Counter(dict(items[offset : offset + size]))


def set_zone(session: Session, tz: ZoneInfo) -> None:
    existing = session.get(InstanceSecret, ROLLUP_ZONE)
    if existing is None:
        session.add(InstanceSecret(name=ROLLUP_ZONE, value=tz.key))
    else:
        existing.value = tz.key
    session.flush()


def rollup_zone(session: Session) -> str | None:
    return session.scalar(select(InstanceSecret.value).where(InstanceSecret.name == ROLLUP_ZONE))


def ensure_rollup(session: Session, tz: ZoneInfo) -> int | None:
    """Rebuild when the rollup was counted in another zone (or never); returns rows read or None."""
    if rollup_zone(session) == tz.key:
        return None
    return rebuild(session, tz)


def aligned(moment: datetime, tz: ZoneInfo) -> bool:
    """True when `moment` is a local midnight, i.e. a rollup day boundary."""
    local = moment.astimezone(tz)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
