"""The write side of the daily rollup: counted with every insert, rebuilt when the zone changes.

Reads (vocsvc.analytics) use it only when the zone it was counted in is the service's zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from vocsvc.ingest.repository import RollupKey, RollupRepository
from vocsvc.installation.service import record_rollup_timezone, rollup_timezone
from vocsvc.responses.records import SCORE_FIELDS, StoredResponse


def record(session: Session, stored: Iterable[StoredResponse], tz: ZoneInfo) -> None:
    """Count freshly inserted responses into the rollup (same transaction as the insert)."""
    counts: Counter[RollupKey] = Counter()
    for item in stored:
        r = item.response
        _count(counts, r.journey_id, r.stage_id, r.touchpoint_id, r.submitted_at,
               [getattr(r, m) for m in SCORE_FIELDS], tz)  # fmt: skip
    RollupRepository(session).add_counts(sorted(counts.items()))  # sorted: a stable lock order


def _count(
    counts: Counter[RollupKey],
    journey_id: int,
    stage_id: int,
    touchpoint_id: int,
    submitted_at: datetime,
    scores: Sequence[int | None],
    tz: ZoneInfo,
) -> None:
    day = submitted_at.astimezone(tz).date()
    for metric, value in zip(SCORE_FIELDS, scores, strict=True):
        if value is not None:
            counts[(journey_id, metric, day, stage_id, touchpoint_id, value)] += 1


def rebuild(session: Session, tz: ZoneInfo, batch: int = 20_000) -> int:
    """Recount the rollup from every stored response in zone `tz`; returns responses read."""
    repo = RollupRepository(session)
    repo.clear()
    total = 0
    pending: Counter[RollupKey] = Counter()
    for partition in repo.scored_rows(batch):
        total += len(partition)
        for row in partition:
            _count(pending, row[0], row[1], row[2], row[3], row[4:], tz)
    items = sorted(pending.items())
    for offset in range(0, len(items), 5_000):
        repo.add_counts(items[offset : offset + 5_000])
    record_rollup_timezone(session, tz.key)
    return total


def ensure_rollup(session: Session, tz: ZoneInfo) -> int | None:
    """Rebuild when the rollup was counted in another zone (or never); returns rows read or None."""
    if rollup_timezone(session) == tz.key:
        return None
    return rebuild(session, tz)
