"""The weakest-stage ranking and the card rule (pure), and the journey map's API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.analytics.test_analytics_api import answers  # noqa: F401 - the fixture
from vocsvc.analytics import views
from vocsvc.analytics.cards import Miss, Score, card_status
from vocsvc.analytics.ranking import MetricEstimate, StageEvidence, rank_stages
from vocsvc.analytics.readmodel import journey_view
from vocsvc.aspects.service import aspect_problems
from vocsvc.config import get_settings
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.periods import parse_period
from vocsvc.responses.schemas import ImportedResponseIn

Headers = dict[str, dict[str, str]]
TZ = get_settings().tz


def est(
    kind: str, value: float, lo: float | None, hi: float | None, n: int = 100
) -> MetricEstimate:
    return MetricEstimate(kind, value, lo, hi, n, n < 30)  # type: ignore[arg-type]


def test_a_clearly_weakest_stage_is_named_alone() -> None:
    ranking = rank_stages([
        StageEvidence("a", "甲", [est("nps", 40, 35, 45), est("csat", 4.4, 4.3, 4.5)]),
        StageEvidence("b", "乙", [est("nps", -30, -36, -24), est("csat", 3.0, 2.9, 3.1)]),
        StageEvidence("c", "丙", [est("nps", 10, 4, 16)]),
    ])  # fmt: skip
    assert [s.key for s in ranking.stages] == ["b", "c", "a"]
    assert ranking.weakest == ("b",) and ranking.distinguishable
    assert [s.verdict for s in ranking.stages] == ["weakest", "stronger", "stronger"]
    assert ranking.stages[0].score == pytest.approx(((-30 + 100) / 200 + 2.0 / 4) / 2, abs=1e-4)


def test_overlapping_intervals_cannot_be_told_apart() -> None:
    ranking = rank_stages([
        StageEvidence("a", "甲", [est("nps", 5, -15, 25, n=40)]),
        StageEvidence("b", "乙", [est("nps", 0, -20, 20, n=40)]),
        StageEvidence("c", "丙", [est("nps", 60, 50, 70)]),
    ])  # fmt: skip
    assert ranking.stages[0].key == "b"
    assert set(ranking.weakest) == {"a", "b"} and not ranking.distinguishable
    assert {s.key: s.verdict for s in ranking.stages} == {
        "a": "tied_weakest", "b": "tied_weakest", "c": "stronger"}  # fmt: skip


def test_a_stage_without_nps_is_ranked_on_what_it_has() -> None:
    no_nps = [est("csat", 2.2, 2.1, 2.3), est("sentiment", 0.2, 0.1, 0.3)]
    ranking = rank_stages([
        StageEvidence("arrival", "到店", no_nps),
        StageEvidence("checkout", "结账", [est("nps", 20, 15, 25), est("csat", 3.9, 3.8, 4.0)]),
        StageEvidence("empty", "空", []),
    ])  # fmt: skip
    assert ranking.weakest == ("arrival",)
    assert ranking.stages[0].metrics == ("csat", "sentiment")
    assert ranking.stages[-1].key == "empty" and ranking.stages[-1].verdict == "no_data"
    assert ranking.stages[-1].rank is None


def test_aspects_count_when_given_and_a_single_answer_separates_nothing() -> None:
    aspect = MetricEstimate("aspect", 0.1, 0.05, 0.15, 80, False, name="排队")
    plain = StageEvidence("a", "甲", [est("csat", 4.0, 3.9, 4.1)])
    with_aspect = StageEvidence("a", "甲", [est("csat", 4.0, 3.9, 4.1)], aspects=[aspect])
    other = StageEvidence("b", "乙", [est("csat", 3.5, 3.4, 3.6)])
    assert rank_stages([plain, other]).weakest == ("b",)
    assert rank_stages([with_aspect, other]).weakest == ("a",)
    # one answer has no interval: it is no evidence
    lone = StageEvidence("z", "孤", [est("csat", 1.0, None, None, n=1)])
    ranking = rank_stages([lone, other])
    assert ranking.weakest == ("b",) and ranking.stages[-1].verdict == "no_data"
    # a stage resting only on small samples comes after the judged ones, not named weakest
    small = StageEvidence("s", "少", [est("csat", 2.0, 1.5, 2.5, n=12)])
    ranking = rank_stages([small, other])
    assert ranking.weakest == ("b",)
    assert [(s.key, s.verdict) for s in ranking.stages] == [("b", "weakest"), ("s", "small_sample")]
    assert rank_stages([small]).weakest == ("s",)


def test_no_data_at_all() -> None:
    ranking = rank_stages([StageEvidence("a", "甲", [])])
    assert ranking.weakest == () and not ranking.distinguishable
    assert ranking.stages[0].verdict == "no_data"


@pytest.mark.parametrize(
    ("nps", "misses", "band", "kinds"),
    [
        (Score(45, 200, False), [], "good", []),
        # a non-significant miss caps a good card at fair, a significant one makes it poor
        (Score(45, 200, False), [Miss("nps", 50, False)], "fair", ["below_target"]),
        (Score(45, 200, False), [Miss("nps", 60, True)], "poor", ["significantly_below_target"]),
        (Score(10, 200, False), [Miss("nps", 60, False)], "fair", ["below_target"]),
        (Score(-20, 200, False), [Miss("nps", 30, False)], "poor", ["below_target"]),
        # a small sample never calls a miss significant, and says it is small
        (Score(45, 12, True), [Miss("nps", 60, True)], "fair", ["low_sample", "below_target"]),
    ],
)
def test_card_colour_and_flags_follow_one_rule(
    nps: Score, misses: list[Miss], band: str, kinds: list[str]
) -> None:
    status = card_status(nps, None, misses)
    assert status.band == band and status.basis == "nps"
    assert [f.kind for f in status.flags] == kinds
    assert status.capped == (band != card_status(nps, None, []).band)


def test_card_without_nps_reads_csat_and_without_data_is_none() -> None:
    assert card_status(None, Score(4.5, 50, False), []).band == "good"
    assert card_status(Score(0, 0, True), Score(3.0, 50, False), []).basis == "csat"
    assert card_status(None, None, []).band == "none"


def test_the_journey_map_ranks_every_stage(
    client: TestClient,
    keys: Headers,
    answers: None,  # noqa: F811
) -> None:
    body = client.get("/v1/journeys/retail/overview?period=2026Q3", headers=keys["viewer"]).json()
    ranking = body["ranking"]
    ranked = {s["key"]: s for s in ranking["stages"]}
    assert set(ranked) == {"awareness", "arrival", "shopping", "checkout", "after_sales"}
    # one answer each (no interval) is no evidence; awareness has no answers at all
    assert ranked["arrival"]["verdict"] == ranked["awareness"]["verdict"] == "no_data"
    assert body["weakest_stage"] == "checkout"
    assert body["weakest_stage"] == ranking["stages"][0]["key"]
    assert set(ranking["weakest"]) >= {body["weakest_stage"]}
    cards = {c["key"]: c for c in body["touchpoints"]}
    # checkout misses its NPS target 30 (16.7 on 12 answers): never a good card
    assert cards["checkout"]["band"] in ("fair", "poor")
    assert [f["kind"] for f in cards["checkout"]["flags"]][:1] == ["low_sample"]
    assert cards["social_media"]["band"] == "none"


def _quarter_with_aspects(session: Session) -> None:
    """2026Q3: checkout and parking rated alike, checkout's comments complain about the queue
    (in 2026Q2 they praised it), parking's praise the store; staff help has ratings and no
    comments at all."""
    rows = [
        {"journey": "retail", "touchpoint": "checkout", "csat": 2 + i % 4,
         "submitted_at": datetime(2026, 4, 1, 10, tzinfo=TZ) + timedelta(days=i),
         "comment": ["不用排队，很快就结账了", "结账很快，不用等"][i % 2]}
        for i in range(60)
    ]  # fmt: skip
    for i in range(60):
        at = datetime(2026, 7, 1, 10, tzinfo=TZ) + timedelta(days=i)
        csat = 2 + i % 4
        queue = ["排队太久了，等了四十分钟", "收银台只开两个，排队排了半小时"][i % 2]
        rows += [
            {"journey": "retail", "touchpoint": "checkout", "submitted_at": at, "csat": csat,
             "comment": queue},
            {"journey": "retail", "touchpoint": "parking", "submitted_at": at, "csat": csat,
             "comment": ["环境很干净", "店里很整洁，环境好"][i % 2]},
            {"journey": "retail", "touchpoint": "staff_help", "submitted_at": at, "csat": csat},
        ]  # fmt: skip
    import_bulk(session, [ImportedResponseIn.model_validate(r) for r in rows])
    session.commit()


def test_aspect_evidence_ranks_the_stage_it_belongs_to(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    _quarter_with_aspects(session)
    viewer = keys["viewer"]
    board = client.get("/v1/journeys/retail/overview?period=2026Q3", headers=viewer).json()
    aspects = client.get(
        "/v1/journeys/retail/aspects?by=stage&period=2026Q3", headers=viewer
    ).json()
    ranked = {s["key"]: s for s in board["ranking"]["stages"]}
    stages = {s["key"]: s for s in board["stages"]}
    # The score is the mean over the stage's metrics and each aspect's positive share (aspects
    # under 30 mentions are shown elsewhere but are no evidence here).
    for key in ("checkout", "arrival"):
        row = stages[key]
        scaled = [(row["csat"]["mean"] - 1) / 4, row["sentiment"]["mean"]]
        group = next(g for g in aspects["groups"] if g["key"] == key)
        shares = [a["positive"]["share"] for a in group["aspects"] if a["comments"] >= 30]
        assert shares, key
        assert "aspect" in ranked[key]["metrics"]
        assert ranked[key]["score"] == pytest.approx(
            sum(scaled + shares) / len(scaled + shares), abs=1e-3
        )
    # Checkout's queue turned bad (a significant aspect problem): it is the weakest, clearly.
    problems = aspect_problems(session, journey_view(session, "retail"), parse_period("2026Q3", TZ))
    assert any(p.group_key == "checkout" and p.aspect == "waiting" for p in problems)
    assert board["weakest_stage"] == "checkout" and board["ranking"]["weakest"] == ["checkout"]
    without = views.journey_map(
        session, journey_view(session, "retail"), parse_period("2026Q3", TZ)
    )
    plain = {s.key: s for s in without.ranking.stages}
    assert ranked["checkout"]["score"] < plain["checkout"].score  # the aspects weigh in
    assert "aspect" not in plain["checkout"].metrics
    # A stage with ratings and no comments (so no aspects) is still ranked, on what it has.
    assert ranked["shopping"]["rank"] is not None and ranked["shopping"]["metrics"] == ["csat"]
    assert ranked["shopping"]["verdict"] == "stronger"
