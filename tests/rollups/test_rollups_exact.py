"""Every rollup equals a recount from the answers: after imports, re-scoring and deletions.

The recount here reads the stored answers and analyses their comments again (the model is the
one that read them), without the facts tables or the rollup code, so a wrong increment, a lost
decrement or a stale example shows up as a difference.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vocsvc.analytics.repository import AnalyticsRepository
from vocsvc.analytics.service import load_paired_counts
from vocsvc.config import get_settings
from vocsvc.ingest.erase import delete_responses, erase_respondent
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.installation.service import record_rollup_state
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.models import (
    Response,
    ResponseDailyAspect,
    ResponseDailyCount,
    ResponseDailyDimension,
    ResponseDailyStats,
    ResponseDailyTerm,
)
from vocsvc.periods import parse_period
from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.rollups import service as rollup
from vocsvc.rollups.repository import PAIRED_METRIC, paired_value
from vocsvc.sentiment.service import read_comments, rescore
from vocsvc.text.keywords import clause_terms

TOUCHPOINTS = ["checkout", "returns", "fresh_produce", "hotline", "parking"]
COMMENTS = [
    "排队时间太长了，收银员态度很差",
    "退款一直没到账，客服电话打不通",
    "小程序老是闪退，下单很麻烦",
    "环境很干净，店员很热情",
    "水果很新鲜，价格也实惠",
    "停车位太少，找了半天",
    "退货很方便，当场就退了款",
    "请问几点关门？",
    "排队太久了，建议多开几个收银台",
    "菜品一般，服务还可以",
    "还行",
    "客服态度很好，问题很快就解决了",
]


def rows(n: int, seed: int) -> list[ImportedResponseIn]:
    rng = np.random.default_rng(seed)
    start = datetime(2026, 3, 25, tzinfo=UTC)
    out: list[dict[str, Any]] = []
    for i in range(n):
        tp = TOUCHPOINTS[int(rng.integers(len(TOUCHPOINTS)))]
        row: dict[str, Any] = {
            "journey": "retail",
            "touchpoint": tp,
            "submitted_at": start + timedelta(minutes=int(rng.integers(0, 150 * 24 * 60))),
            "nps": int(rng.integers(0, 11)),
            "csat": int(rng.integers(1, 6)),
            "respondent": f"r{i % 40}",
        }
        if tp == "parking":
            del row["nps"]
        if rng.random() < 0.7:
            row["comment"] = COMMENTS[int(rng.integers(len(COMMENTS)))]
        if rng.random() < 0.8:
            row["segment"] = ["会员", "新客", "企业"][int(rng.integers(3))]
        if rng.random() < 0.8:
            row["channel"] = ["门店", "app"][int(rng.integers(2))]
        out.append(row)
    return [ImportedResponseIn.model_validate(r) for r in out]


def recount(session: Session) -> dict[str, dict[tuple[Any, ...], Any]]:
    """The rollups as they should be, from the answers alone."""
    tz = get_settings().tz
    answers = session.execute(select(Response).order_by(Response.id)).scalars().all()
    commented = [a for a in answers if a.comment and a.sentiment is not None]
    readings = dict(
        zip(
            [a.id for a in commented],
            read_comments([a.comment or "" for a in commented]),
            strict=True,
        )
    )
    scores: Counter[tuple[Any, ...]] = Counter()
    dims: Counter[tuple[Any, ...]] = Counter()
    stats: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0.0] * 8)
    terms: dict[tuple[Any, ...], list[Any]] = {}
    aspects: dict[tuple[Any, ...], list[Any]] = {}

    def counted(into: dict[tuple[Any, ...], list[Any]], key: tuple[Any, ...], clause: str,
                rid: int) -> None:  # fmt: skip
        rank = rollup.example_rank(clause, rid)
        kept = into.setdefault(key, [0, rank, clause])
        kept[0] += 1
        if rank < kept[1]:
            kept[1], kept[2] = rank, clause

    for a in answers:
        day = a.submitted_at.astimezone(tz).date()
        place = (a.journey_id, day, a.stage_id, a.touchpoint_id)
        for metric in ("nps", "csat", "ces", "importance"):
            value = getattr(a, metric)
            if value is None:
                continue
            scores[(a.journey_id, metric, day, a.stage_id, a.touchpoint_id, value)] += 1
            if metric in ("nps", "csat"):
                dims[(a.journey_id, metric, day, "segment", a.segment or "", value)] += 1
                dims[(a.journey_id, metric, day, "channel", a.channel or "", value)] += 1
        if a.csat is not None and a.nps is not None:  # the gap analysis's CSAT x NPS pairs
            pair = paired_value(a.csat, a.nps)
            scores[(a.journey_id, PAIRED_METRIC, day, a.stage_id, a.touchpoint_id, pair)] += 1
        s = stats[place]
        s[0] += 1
        if a.sentiment is None:
            continue
        s[1] += 1
        if a.opinion is False:
            s[7] += 0 if a.mixed else 1
        elif not a.mixed:
            s[2] += 1
            s[3] += a.sentiment
            s[4] += a.sentiment**2
            s[5] += a.sentiment_label == "negative"
        s[6] += a.mixed
        reading = readings[a.id]
        for t in clause_terms(reading.clauses):
            counted(terms, (*place, t.polarity, t.term), t.clause, a.id)
        best: dict[tuple[str, str], str] = {}
        for m in reading.aspects:
            for polarity in (m.polarity, "any"):
                old = best.get((m.aspect, polarity))
                if old is None or abs(len(m.text) - 14) < abs(len(old) - 14):
                    best[(m.aspect, polarity)] = m.text
        for (aspect, polarity), clause in best.items():
            counted(aspects, (*place, aspect, polarity), clause, a.id)
    return {
        "scores": dict(scores),
        "dims": dict(dims),
        "stats": {k: tuple(v) for k, v in stats.items()},
        "terms": {k: tuple(v) for k, v in terms.items()},
        "aspects": {k: tuple(v) for k, v in aspects.items()},
    }


def stored(session: Session) -> dict[str, dict[tuple[Any, ...], Any]]:
    def read(stmt: Any, keys: int) -> dict[tuple[Any, ...], Any]:
        out = {}
        for row in session.execute(stmt):
            values = tuple(row[keys:])
            out[tuple(row[:keys])] = values[0] if len(values) == 1 else values
        return out

    c, d, s = ResponseDailyCount, ResponseDailyDimension, ResponseDailyStats
    t, a = ResponseDailyTerm, ResponseDailyAspect
    day = (s.journey_id, s.day, s.stage_id, s.touchpoint_id)
    return {
        "scores": read(select(c.journey_id, c.metric, c.day, c.stage_id, c.touchpoint_id,
                              c.value, c.count), 6),
        "dims": read(select(d.journey_id, d.metric, d.day, d.dimension, d.value_key, d.value,
                            d.count), 6),
        "stats": read(select(*day, s.answers, s.comments, s.n, s.total, s.total_sq,
                             s.negatives, s.mixed, s.no_opinion), 4),
        "terms": read(select(t.journey_id, t.day, t.stage_id, t.touchpoint_id, t.polarity,
                             t.term, t.count, t.example_rank, t.example), 6),
        "aspects": read(select(a.journey_id, a.day, a.stage_id, a.touchpoint_id, a.aspect,
                               a.polarity, a.count, a.example_rank, a.example), 6),
    }  # fmt: skip


def assert_exact(session: Session) -> None:
    session.flush()
    want, have = recount(session), stored(session)
    for name in ("scores", "dims", "terms", "aspects"):
        assert have[name] == want[name], name
    assert have["stats"].keys() == want["stats"].keys()
    for key, values in want["stats"].items():
        assert have["stats"][key] == pytest.approx(values, rel=1e-9, abs=1e-9), key


def test_imports_are_counted_exactly(session: Session, retail: str) -> None:
    for seed in (1, 2):  # two batches: the upserts add, they do not overwrite
        import_bulk(session, rows(250, seed))
    assert_exact(session)
    # a rebuild (db upgrade, a zone change) counts the same
    rollup.rebuild(session, get_settings().tz)
    assert_exact(session)


def test_rescoring_moves_every_count(session: Session, retail: str) -> None:
    import_bulk(session, rows(300, 3))
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    # As if an older model had read a third of the comments differently: flip their readings,
    # drop their facts, and count the rollups with that state.
    ids = list(session.scalars(select(Response.id).where(Response.comment.is_not(None)).limit(100)))
    session.execute(
        update(Response)
        .where(Response.id.in_(ids))
        .values(sentiment_model="older", sentiment=0.9, sentiment_label="positive", opinion=True)
    )
    from vocsvc.models import ResponseAspect, ResponseTerm

    session.execute(ResponseTerm.__table__.delete().where(ResponseTerm.response_id.in_(ids)))
    session.execute(ResponseAspect.__table__.delete().where(ResponseAspect.response_id.in_(ids)))
    rollup.rebuild(session, get_settings().tz)
    assert rescore(session, only_missing=False, batch=37) == len(ids)
    assert_exact(session)


def test_deletions_leave_nothing_behind(session: Session, retail: str) -> None:
    import_bulk(session, rows(300, 4))
    from vocsvc.installation.service import hash_respondent, respondent_hash_key

    erased = erase_respondent(session, hash_respondent(respondent_hash_key(session), "r7") or "")
    assert erased > 0
    assert_exact(session)
    ids = list(session.scalars(select(Response.id).order_by(Response.id)))
    assert delete_responses(session, ids[::3]) == len(ids[::3])
    assert_exact(session)
    delete_responses(session, ids)
    assert_exact(session)
    assert stored(session)["terms"] == {}


def test_the_gap_analysis_reads_its_pairs_from_the_rollup(
    session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_bulk(session, rows(300, 5))
    session.flush()
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    period = parse_period("2026Q2", get_settings().tz)
    repo = AnalyticsRepository(session)
    window = (period.start, period.end)
    scanned = repo.paired_counts(journey.id, window, "csat", "nps")
    assert sum(sum(c.values()) for c in scanned.values()) > 100  # the quarter has pairs

    def scan(*_: object) -> None:
        raise AssertionError("the answers were scanned")

    monkeypatch.setattr(AnalyticsRepository, "paired_counts", scan)
    assert load_paired_counts(repo, journey.id, window) == scanned


def test_rollups_counted_before_the_pairs_are_rebuilt_once(session: Session, retail: str) -> None:
    import_bulk(session, rows(60, 6))
    tz = get_settings().tz
    record_rollup_state(session, f"{tz.key}|m")  # as layout 1, without the pairs, recorded it
    assert rollup.ensure_rollup(session, tz, "m") == 60
    assert rollup.ensure_rollup(session, tz, "m") is None
    assert_exact(session)
