"""The write side of the daily rollups: counted with every insert, re-scoring and deletion, in
the same transaction; rebuilt when the zone or the model changes.

Every rollup is a sum over answers of what one answer contributes (`contributions`): adding an
answer adds its part, removing or re-reading one takes its old part away first. So the rollups
stay exactly what a recount from the answers gives (tests/rollups/test_rollups_exact.py), and no
scheduler lag or second count is possible. Reads (vocsvc.analytics, topics, aspects) use them
only when the zone they were counted in is the service's zone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from vocsvc.errors import RollupRebuilding
from vocsvc.installation.service import (
    record_rollup_state,
    record_rollup_timezone,
    rollup_state,
    rollup_timezone,
)
from vocsvc.periods import Period
from vocsvc.responses.records import SCORE_FIELDS, StoredResponse
from vocsvc.rollups.repository import (
    DIMENSION_METRICS,
    DIMENSIONS,
    PAIRED_FIELDS,
    PAIRED_METRIC,
    STATS_FIELDS,
    AnswerFacts,
    DayKey,
    Delta,
    Example,
    RollupRepository,
    paired_value,
)
from vocsvc.text.keywords import example_fit

ANY_POLARITY = "any"  # an aspect row counting comments that mention it in any clause
# Example ranks: fit first, then the answer's id, so the example a row keeps is the same
# whichever order its answers came in.
_ID_SPAN = 1 << 40
_K = TypeVar("_K", bound=tuple[object, ...])
_PAIRED_AT = tuple(SCORE_FIELDS.index(m) for m in PAIRED_FIELDS)
# Part of the recorded rollup state: a database counted before the rollups held what this code
# reads (the CSAT x NPS pairs came with layout 2) is rebuilt once at start-up, like a zone change.
ROLLUP_LAYOUT = "2"


def example_rank(clause: str, response_id: int) -> int:
    return example_fit(clause) * _ID_SPAN + response_id


def record(session: Session, stored: Iterable[StoredResponse], tz: ZoneInfo) -> None:
    """Count freshly inserted responses into the rollups (same transaction as the insert)."""
    delta = contributions((AnswerFacts.of_stored(s) for s in stored), tz)
    RollupRepository(session).apply(delta)


def remove(session: Session, facts: Sequence[AnswerFacts], tz: ZoneInfo) -> None:
    """Take answers' parts out of the rollups, after their rows (and facts) are gone or changed.

    `facts` are the answers as they were. Where a removed clause was a row's example, the row
    gets the best remaining one from the facts still stored.
    """
    if not facts:
        return
    repo = RollupRepository(session)
    delta = contributions(facts, tz, sign=-1)
    repo.apply(delta)
    repo.drop_empty(delta)
    repo.replace_examples(delta, tz, example_rank)


def replace(
    session: Session, before: Sequence[AnswerFacts], after: Sequence[AnswerFacts], tz: ZoneInfo
) -> None:
    """Answers re-read: take their old parts out, count the new ones in."""
    remove(session, before, tz)
    RollupRepository(session).apply(contributions(after, tz))


def contributions(
    facts: Iterable[AnswerFacts], tz: ZoneInfo, sign: int = 1, into: Delta | None = None
) -> Delta:
    """What the answers add to every rollup (sign -1: what their removal takes away), added to
    `into` when given."""
    delta = into if into is not None else Delta()
    for f in facts:
        day = f.submitted_at.astimezone(tz).date()
        _count_scores(delta, f, day, sign)
        key: DayKey = (f.journey_id, day, f.stage_id, f.touchpoint_id)
        stats = delta.stats.setdefault(key, [0.0] * len(STATS_FIELDS))
        for i, v in enumerate(_stats_of(f)):
            stats[i] += sign * v
        terms = {(t.polarity, t.term): t.clause for t in f.terms}
        for (polarity, term), clause in terms.items():
            _add_example(delta.terms, (*key, polarity, term), clause, f.id, sign)
        aspects: dict[tuple[str, str], str] = {}
        for a in f.aspects:
            for polarity in (a.polarity, ANY_POLARITY):
                kept = aspects.get((a.aspect, polarity))
                if kept is None or example_fit(a.text) < example_fit(kept):
                    aspects[(a.aspect, polarity)] = a.text
        for (aspect, polarity), clause in aspects.items():
            _add_example(delta.aspects, (*key, aspect, polarity), clause, f.id, sign)
    return delta


def _count_scores(delta: Delta, f: AnswerFacts, day: date, sign: int) -> None:
    for metric, value in zip(SCORE_FIELDS, f.scores, strict=True):
        if value is None:
            continue
        delta.scores[(f.journey_id, metric, day, f.stage_id, f.touchpoint_id, value)] += sign
        if metric in DIMENSION_METRICS:
            for dimension, label in zip(DIMENSIONS, (f.segment, f.channel), strict=True):
                delta.dimensions[(f.journey_id, metric, day, dimension, label or "", value)] += sign
    first, second = (f.scores[i] for i in _PAIRED_AT)
    if first is not None and second is not None:
        pair = paired_value(first, second)
        delta.scores[(f.journey_id, PAIRED_METRIC, day, f.stage_id, f.touchpoint_id, pair)] += sign


def _stats_of(f: AnswerFacts) -> tuple[float, ...]:
    """answers, comments, n, total, total_sq, negatives, mixed, no_opinion: the rules of
    AnalyticsRepository.sentiment_sums, for one answer."""
    if f.sentiment is None:
        return (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    no_opinion = f.opinion is False
    counted = not f.mixed and not no_opinion
    p = f.sentiment if counted else 0.0
    return (
        1.0, 1.0, float(counted), p, p * p,
        float(counted and f.label == "negative"), float(f.mixed), float(no_opinion and not f.mixed),
    )  # fmt: skip


def _add_example(into: dict[_K, Example], key: _K, clause: str, rid: int, sign: int) -> None:
    example = into.setdefault(key, Example())
    example.count += sign
    rank = example_rank(clause, rid)
    if sign < 0:
        example.removed.add(rank)
    elif rank < example.rank:
        example.rank, example.clause = rank, clause


def rebuild(session: Session, tz: ZoneInfo, batch: int = 20_000, state: str | None = None) -> int:
    """Recount every rollup from every stored response in zone `tz`; returns responses read."""
    repo = RollupRepository(session)
    repo.clear()
    total = 0
    delta = Delta()
    for facts in repo.stored_facts(batch):
        total += len(facts)
        contributions(facts, tz, into=delta)
    repo.insert_new(delta)
    record_rollup_timezone(session, tz.key)
    record_rollup_state(session, state or _state(tz, ""))
    return total


def ensure_rollup(session: Session, tz: ZoneInfo, model_version: str = "") -> int | None:
    """Rebuild when the rollups were counted in another zone, with another comment model
    (`model_version`, the one stored comments are read by), or never; returns rows read or None."""
    state = _state(tz, model_version)
    if rollup_timezone(session) == tz.key and rollup_state(session) == state:
        return None
    return rebuild(session, tz, state=state)


def _state(tz: ZoneInfo, model_version: str) -> str:
    return f"{tz.key}|{model_version}|{ROLLUP_LAYOUT}"


def facts_of(session: Session, ids: Collection[int]) -> list[AnswerFacts]:
    """The answers with these ids as the rollups see them (before a change, to remove them)."""
    return RollupRepository(session).facts(ids)


def period_days(session: Session, period: Period | None, tz: ZoneInfo) -> tuple[date, date] | None:
    """The local days [first, end) a read of the text rollups covers (None: every day).

    Periods start and end at local midnights, so a period is a whole number of rollup days;
    rollups counted in another zone cannot answer exactly (RollupRebuilding).
    """
    if rollup_timezone(session) != tz.key:
        raise RollupRebuilding()
    if period is None:
        return None
    return period.start.astimezone(tz).date(), period.end.astimezone(tz).date()
