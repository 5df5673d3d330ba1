"""/topics counts every comment of the period from the term rollup: true counts, no sample."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.ingest.pipeline import import_bulk
from vocsvc.models import Response, Stage
from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.sentiment.service import read_comments
from vocsvc.text.keywords import clause_terms

Headers = dict[str, dict[str, str]]
TZ = ZoneInfo("Asia/Shanghai")

COMMENTS = {
    "checkout": ["排队时间太长了，收银员态度很差", "排队时间太长，收银台太少", "排队太久了",
                 "收银员态度很差", "结账很快，收银员很热情", "排队时间太长了"],
    "parking": ["停车位太少了", "找不到停车位", "停车位太少，收费太贵", "停车很方便"],
}  # fmt: skip


def load(session: Session) -> None:
    rows = []
    for day in range(0, 92, 3):  # every comment of the quarter, from its first day to its last
        for tp, texts in COMMENTS.items():
            at = datetime(2026, 7, 1, 9, tzinfo=TZ) + timedelta(days=day)
            text = texts[day // 3 % len(texts)]
            rows.append({"journey": "retail", "touchpoint": tp, "submitted_at": at, "csat": 2,
                         "comment": text})  # fmt: skip
    # the quarter before: counted only when asked for
    june = datetime(2026, 6, 30, 23, 59, tzinfo=TZ)
    rows.append({"journey": "retail", "touchpoint": "checkout", "csat": 1, "submitted_at": june,
                 "comment": "排队太久了"})  # fmt: skip
    import_bulk(session, [ImportedResponseIn.model_validate(r) for r in rows])
    session.commit()


def recount(session: Session, stage: str, polarity: str) -> tuple[Counter[str], int, set[str]]:
    """(comments per term, comments, clauses of `polarity`) of a stage in 2026Q3, from the
    answers: their comments analysed again."""
    start, end = datetime(2026, 7, 1, tzinfo=TZ), datetime(2026, 10, 1, tzinfo=TZ)
    comments = list(
        session.scalars(
            select(Response.comment)
            .join(Stage, Stage.id == Response.stage_id)
            .where(
                Stage.key == stage,
                Response.submitted_at >= start,
                Response.submitted_at < end,
                Response.comment.is_not(None),
            )
        )
    )
    counts: Counter[str] = Counter()
    clauses: set[str] = set()
    for reading in read_comments([c or "" for c in comments]):
        counts.update({t.term for t in clause_terms(reading.clauses) if t.polarity == polarity})
        clauses |= {c for c, p in reading.clauses if p == polarity}
    return counts, len(comments), clauses


def test_pain_points_count_every_comment_of_the_period(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    load(session)
    url = "/v1/journeys/retail/topics?by=stage&period=2026Q3&polarity=negative&top=5"
    body = client.get(url, headers=keys["viewer"]).json()
    assert body["sampled"] is False
    assert body["comments"] == 62  # 31 days x 2 touchpoints; the June answer is not in Q3
    groups = {g["key"]: g for g in body["groups"]}
    assert groups["awareness"]["comments"] == 0 and groups["awareness"]["terms"] == []
    for stage in ("checkout", "arrival"):
        counts, n, negative_clauses = recount(session, stage, "negative")
        group = groups[stage]
        assert group["comments"] == n
        assert group["terms"], stage
        seen: list[str] = []
        for term in group["terms"]:
            assert term["count"] == counts[term["term"]], term
            assert term["share"] == round(counts[term["term"]] / n, 4)
            assert len(term["examples"]) <= 3
            for example in term["examples"]:
                assert example in negative_clauses  # a clause the model read as negative
                assert term["term"] in example
            seen += term["examples"]
        assert len(seen) == len(set(seen))  # each example once
        assert group["terms"][0]["examples"]
    checkout = [t["term"] for t in groups["checkout"]["terms"]]
    assert checkout[0] == "排队时间"  # the phrase, not 排队 and 时间 apart
    assert "时间" not in checkout
    assert groups["arrival"]["terms"][0]["term"] == "停车位"
    assert "不到停车位" not in [t["term"] for t in groups["arrival"]["terms"]]


def test_delights_come_from_positive_clauses(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    load(session)
    url = "/v1/journeys/retail/topics?by=touchpoint&period=2026Q3&polarity=positive"
    body = client.get(url, headers=keys["viewer"]).json()
    checkout = next(g for g in body["groups"] if g["key"] == "checkout")
    _, _, positive = recount(session, "checkout", "positive")
    examples = [e for t in checkout["terms"] for e in t["examples"]]
    assert examples and all(e in positive for e in examples)
    assert not any("排队" in e for e in examples)  # the complaint half of a comment is not praise


def test_topics_validation(client: TestClient, keys: Headers, retail: str) -> None:
    base = "/v1/journeys/retail/topics"
    assert client.get(f"{base}?polarity=angry", headers=keys["viewer"]).status_code == 422
    assert client.get(f"{base}?by=segment", headers=keys["viewer"]).status_code == 422
    assert client.get(base).status_code == 401
