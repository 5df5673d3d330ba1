"""One significance rule: the same change carries the same q in /nps, /csat, /trend and the review.

The family (README, "Statistics"): every period-over-period change of one metric in one journey
for one pair of periods, over the journey, its stages and its touchpoints; a segment or channel
cut is a family of its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vocsvc.ingest.pipeline import import_bulk
from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.stats import benjamini_hochberg

Headers = dict[str, dict[str, str]]
DAYS = {"2026Q1": "2026-02-10T10:00:00+08:00", "2026Q2": "2026-05-10T10:00:00+08:00",
        "2026Q3": "2026-08-10T10:00:00+08:00"}  # fmt: skip
# touchpoint -> quarter -> (promoters, passives, detractors): moderate changes, so q-values
# fall on both sides of 0.05 and depend on what they are adjusted with.
PLAN = {
    "checkout": {"2026Q1": (20, 20, 20), "2026Q2": (15, 20, 25), "2026Q3": (27, 18, 15)},
    "fresh_produce": {"2026Q1": (25, 20, 15), "2026Q2": (24, 20, 16), "2026Q3": (31, 17, 12)},
    "returns": {"2026Q1": (20, 20, 20), "2026Q2": (23, 20, 17), "2026Q3": (15, 20, 25)},
    "hotline": {"2026Q1": (18, 22, 20), "2026Q2": (18, 22, 20), "2026Q3": (21, 21, 18)},
    "word_of_mouth": {"2026Q1": (30, 15, 15), "2026Q2": (26, 16, 18), "2026Q3": (33, 15, 12)},
}
CSAT_OF = {10: 5, 8: 4, 3: 2}


@pytest.fixture
def quarters(session: Session, retail: str) -> None:
    rows: list[dict[str, Any]] = []
    for touchpoint, plan in PLAN.items():
        for quarter, (promoters, passives, detractors) in plan.items():
            scores = [10] * promoters + [8] * passives + [3] * detractors
            for i, nps in enumerate(scores):
                rows.append({
                    "journey": "retail", "touchpoint": touchpoint, "submitted_at": DAYS[quarter],
                    "nps": nps, "csat": CSAT_OF[nps] if touchpoint != "word_of_mouth" else None,
                    "segment": ("family", "senior")[i % 2],
                })  # fmt: skip
    import_bulk(session, [ImportedResponseIn.model_validate(r) for r in rows])
    session.commit()


def _get(client: TestClient, keys: Headers, url: str) -> Any:
    reply = client.get(url, headers=keys["viewer"])
    assert reply.status_code == 200, reply.text
    return reply.json()


def _last_points(trend: Any) -> dict[str, Any]:
    """Each series' 2026Q3 point's change (the Q2 -> Q3 comparison)."""
    out = {}
    for series in trend["series"]:
        (point,) = [p for p in series["points"] if p["period"] == "2026Q3"]
        out[series["key"]] = point["change"]
    return out


def _q(change: Any) -> float | None:
    return change["q_value"] if change else None


@pytest.mark.parametrize("metric", ["nps", "csat"])
def test_the_same_change_has_the_same_q_in_every_view(
    client: TestClient, keys: Headers, quarters: None, metric: str
) -> None:
    base = "/v1/journeys/retail"
    by_stage = _get(client, keys, f"{base}/{metric}?by=stage&period=2026Q3")
    by_touchpoint = _get(client, keys, f"{base}/{metric}?by=touchpoint&period=2026Q3")
    trend = f"{base}/trend?metric={metric}&interval=quarter&periods=3&until=2026-08-10&by="
    trend_stage = _last_points(_get(client, keys, trend + "stage"))
    trend_touchpoint = _last_points(_get(client, keys, trend + "touchpoint"))
    trend_journey = _last_points(_get(client, keys, trend + "journey"))
    review = _get(client, keys, f"{base}/reports/2026Q3.json")
    overview = {s["key"]: s[metric] for s in review["overview"]["stages"] if s[metric]}

    stage_q = {r["key"]: _q(r["change"]) for r in by_stage["rows"]}
    touchpoint_q = {r["key"]: _q(r["change"]) for r in by_touchpoint["rows"]}
    assert len([q for q in stage_q.values() if q is not None]) >= 3
    assert {k: _q(c) for k, c in trend_stage.items()} == stage_q
    assert {k: _q(c) for k, c in trend_touchpoint.items()} == touchpoint_q
    assert {k: _q(row["change"]) for k, row in overview.items()} == stage_q
    section = review[metric]
    assert {r["key"]: _q(r["change"]) for r in section["by_stage"]} == stage_q
    overall_q = by_stage["overall"]["change"]["q_value"]
    assert _q(trend_journey["all"]) == by_touchpoint["overall"]["change"]["q_value"]
    assert section["overall"]["change"]["q_value"] == overall_q == _q(trend_journey["all"])
    for mover in review["movers"]:
        if mover["metric"] == metric:
            assert mover["q_value"] == touchpoint_q[mover["touchpoint"]]

    # The q-values are BH over exactly that family: the journey, its stages, its touchpoints.
    family = [by_stage["overall"], *by_stage["rows"], *by_touchpoint["rows"]]
    family = [row for row in family if row["change"]["p_value"] is not None]
    assert len(family) >= 8
    expected = benjamini_hochberg([row["change"]["p_value"] for row in family])
    assert [row["change"]["q_value"] for row in family] == pytest.approx(expected, rel=1e-9)
    for row in family:
        q = row["change"]["q_value"]
        assert row["change"]["significant"] is (q is not None and q < 0.05)
    # The data tells the rules apart: adjusted within checkout's series (the old /trend rule) or
    # across stages only (the old /nps rule), its Q2 -> Q3 change gets another q.
    checkout = next(r for r in by_stage["rows"] if r["key"] == "checkout")["change"]
    series = next(
        s for s in _get(client, keys, trend + "stage")["series"] if s["key"] == "checkout"
    )
    within_series = benjamini_hochberg(
        [p["change"]["p_value"] for p in series["points"] if p["change"]]
    )
    across_stages = benjamini_hochberg([r["change"]["p_value"] for r in by_stage["rows"]])
    stage_keys = [r["key"] for r in by_stage["rows"]]
    assert within_series[-1] != pytest.approx(checkout["q_value"])
    assert across_stages[stage_keys.index("checkout")] != pytest.approx(checkout["q_value"])


def test_a_segment_cut_is_a_family_of_its_own(
    client: TestClient, keys: Headers, quarters: None
) -> None:
    base = "/v1/journeys/retail"
    cut = _get(client, keys, f"{base}/nps?by=segment&period=2026Q3")
    trend = _last_points(
        _get(client, keys, f"{base}/trend?metric=nps&periods=2&until=2026-08-10&by=segment")
    )
    assert {r["key"]: r["change"]["q_value"] for r in cut["rows"]} == {
        k: c["q_value"] for k, c in trend.items()
    }
    expected = benjamini_hochberg([r["change"]["p_value"] for r in cut["rows"]])
    assert [r["change"]["q_value"] for r in cut["rows"]] == pytest.approx(expected, rel=1e-9)
    # The overall row is the journey's comparison: the same q as in the stage view.
    by_stage = _get(client, keys, f"{base}/nps?by=stage&period=2026Q3")
    assert cut["overall"]["change"] == by_stage["overall"]["change"]
