"""/aspects: comments per aspect and group from the rollup, shares with Wilson intervals,
changes with p and one BH family per response, examples of the stated polarity."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import journey_view
from vocsvc.aspects.service import aspect_problems
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.models import Response, Stage
from vocsvc.periods import parse_period
from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.sentiment.service import read_comments
from vocsvc.stats import benjamini_hochberg, proportion_difference, wilson_interval

Headers = dict[str, dict[str, str]]
TZ = ZoneInfo("Asia/Shanghai")
WAITING_BAD = ["排队太久了，等了四十分钟", "收银台只开两个，排队排了半小时", "排长队，太慢了"]
WAITING_GOOD = ["不用排队，很快就结账了", "结账很快，不用等"]
OTHER = ["收银员很热情", "环境很干净", "停车位太少了", "水果不新鲜"]


def load(session: Session) -> None:
    rows = []
    for quarter_start, bad_every in ((datetime(2026, 4, 1, 10, tzinfo=TZ), 5),
                                     (datetime(2026, 7, 1, 10, tzinfo=TZ), 2)):  # fmt: skip
        for i in range(60):
            at = quarter_start + timedelta(days=i)
            waiting = WAITING_BAD if i % bad_every == 0 else WAITING_GOOD
            rows.append({"journey": "retail", "touchpoint": "checkout", "submitted_at": at,
                         "csat": 3, "comment": waiting[i % len(waiting)]})  # fmt: skip
            rows.append({"journey": "retail", "touchpoint": "parking", "submitted_at": at,
                         "csat": 3, "comment": OTHER[i % len(OTHER)]})  # fmt: skip
    import_bulk(session, [ImportedResponseIn.model_validate(r) for r in rows])
    session.commit()


def recount(session: Session, label: str) -> dict[tuple[str, str], Counter[str]]:
    """{(stage, aspect): comments per polarity and 'any'} of a period, from the answers."""
    period = parse_period(label, TZ)
    rows = session.execute(
        select(Stage.key, Response.comment)
        .join(Stage, Stage.id == Response.stage_id)
        .where(
            Response.submitted_at >= period.start,
            Response.submitted_at < period.end,
            Response.comment.is_not(None),
        )
    ).all()
    out: dict[tuple[str, str], Counter[str]] = {}
    for (stage, _), reading in zip(rows, read_comments([c for _, c in rows]), strict=True):
        for aspect in {m.aspect for m in reading.aspects}:
            polarities = {m.polarity for m in reading.aspects if m.aspect == aspect}
            out.setdefault((stage, aspect), Counter()).update(polarities | {"any"})
    return out


def test_aspects_per_stage(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    load(session)
    body = client.get(
        "/v1/journeys/retail/aspects?by=stage&period=2026Q3", headers=keys["viewer"]
    ).json()
    assert body["comments"] == 120
    now, before = recount(session, "2026Q3"), recount(session, "2026Q2")
    p_values = []
    flagged = None
    for group in body["groups"]:
        for row in group["aspects"]:
            counts = now[(group["key"], row["aspect"])]
            assert row["comments"] == counts["any"]
            for side in ("negative", "positive"):
                want = wilson_interval(counts[side], counts["any"])
                assert row[side]["count"] == counts[side]
                assert row[side]["share"] == pytest.approx(want.share, abs=1e-4)
                assert row[side]["ci_low"] == pytest.approx(want.low, abs=1e-4)
                assert row[side]["ci_high"] == pytest.approx(want.high, abs=1e-4)
            previous = before.get((group["key"], row["aspect"]), Counter())
            change = next(c for c in row["changes"]
                          if c["against"] == "previous" and c["side"] == "negative")  # fmt: skip
            assert change["baseline_comments"] == previous["any"]
            if previous["any"]:
                want_d = proportion_difference(
                    (counts["negative"], counts["any"]), (previous["negative"], previous["any"])
                )
                assert change["difference"] == pytest.approx(want_d.difference, abs=1e-4)
            p_values += [c["p_value"] for c in row["changes"]]
            assert 1 <= len(row["examples"]) <= 3
            texts = [e["text"] for e in row["examples"]]
            assert len(texts) == len(set(texts))
            if group["key"] == "checkout" and row["aspect"] == "waiting":
                flagged = row
    # one family: every comparison of the response
    q_values = [c["q_value"] for g in body["groups"] for r in g["aspects"] for c in r["changes"]]
    assert q_values == pytest.approx(benjamini_hochberg(p_values), abs=1e-12)
    assert flagged is not None
    rise = next(c for c in flagged["changes"]
                if c["against"] == "previous" and c["side"] == "negative")  # fmt: skip
    assert rise["difference"] > 0 and rise["significant"]
    # Examples are clauses: any clause of a waiting complaint (收银台只开两个 is one too).
    bad_clauses = {clause for text in WAITING_BAD for clause in text.split("，")}
    assert any(
        e["polarity"] == "negative" and e["text"] in bad_clauses for e in flagged["examples"]
    )


def test_problems_for_the_review(session: Session, retail: str) -> None:
    load(session)
    problems = aspect_problems(session, journey_view(session, "retail"), parse_period("2026Q3", TZ))
    assert problems, "the waiting rise at checkout is significant"
    top = next(p for p in problems if p.aspect == "waiting" and p.against == "previous")
    assert top.group_key == "checkout" and top.difference > 0 and top.q_value < 0.05
    assert "排队等待" in top.headline and "上一期" in top.headline
    assert top.examples and all(isinstance(e, str) for e in top.examples)
    assert [p.q_value for p in problems] == sorted(p.q_value for p in problems)


def test_aspects_validation(client: TestClient, keys: Headers, retail: str) -> None:
    base = "/v1/journeys/retail/aspects"
    assert client.get(f"{base}?by=segment", headers=keys["viewer"]).status_code == 422
    assert client.get(f"{base}?period=2026Q9", headers=keys["viewer"]).status_code in (400, 422)
    assert client.get(base).status_code == 401
    assert client.get("/v1/journeys/nope/aspects", headers=keys["viewer"]).status_code == 404
