from typing import Any

import pytest
from fastapi.testclient import TestClient
from scipy import stats as scipy_stats
from sqlalchemy.orm import Session

from vocsvc.ingest.pipeline import import_bulk
from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.stats import nps_interval

Headers = dict[str, dict[str, str]]
Q3 = "2026-08-10T10:00:00+08:00"
Q2 = "2026-05-10T10:00:00+08:00"


def add(session: Session, touchpoint: str, at: str, **scores: Any) -> dict[str, Any]:
    return {"journey": "retail", "touchpoint": touchpoint, "submitted_at": at, **scores}


def load(session: Session, rows: list[dict[str, Any]]) -> None:
    import_bulk(session, [ImportedResponseIn.model_validate(r) for r in rows])
    session.commit()


@pytest.fixture
def answers(session: Session, retail: str) -> None:
    rows = (
        # checkout, Q3: 6 promoters, 2 passives, 4 detractors -> NPS 16.67
        [add(session, "checkout", Q3, nps=10, csat=5)] * 6
        + [add(session, "checkout", Q3, nps=7, csat=4)] * 2
        + [add(session, "checkout", Q3, nps=2, csat=1)] * 4
        # checkout, Q2: all detractors -> a significant rise in Q3
        + [add(session, "checkout", Q2, nps=3, csat=2)] * 40
        # returns (after_sales), Q3
        + [add(session, "returns", Q3, nps=9, segment="family")] * 3
        # 23:30 on 30 June in Shanghai is still Q2
        + [add(session, "checkout", "2026-06-30T23:30:00+08:00", nps=10)]
        + [add(session, "parking", Q3, csat=3, comment="停车场太挤了，找不到车位")]
    )
    load(session, rows)


def test_nps_by_stage(client: TestClient, keys: Headers, answers: None) -> None:
    body = client.get(
        "/v1/journeys/retail/nps?by=stage&period=2026Q3", headers=keys["viewer"]
    ).json()
    assert body["by"] == "stage" and body["period"]["label"] == "2026Q3"
    assert body["period"]["previous"] == "2026Q2"
    # Stages that ask NPS, in journey order (arrival asks none).
    assert [r["key"] for r in body["rows"]] == ["awareness", "shopping", "checkout", "after_sales"]
    checkout = next(r for r in body["rows"] if r["key"] == "checkout")
    assert (checkout["promoters"], checkout["passives"], checkout["detractors"]) == (6, 2, 4)
    expected = nps_interval(6, 2, 4)
    assert checkout["nps"] == pytest.approx(100 * 2 / 12, abs=0.01)
    assert checkout["ci_low"] == pytest.approx(expected.low, abs=0.01)
    assert checkout["ci_high"] == pytest.approx(expected.high, abs=0.01)
    assert checkout["low_sample"] is True
    assert checkout["change"]["previous"] == pytest.approx(-100 * 40 / 41 + 100 / 41, abs=0.01)
    assert checkout["change"]["significant"] is True
    assert body["overall"]["n"] == 15
    empty = next(r for r in body["rows"] if r["key"] == "awareness")
    assert empty["n"] == 0 and empty["nps"] is None


def test_touchpoint_without_nps_has_no_nps_row(
    client: TestClient, keys: Headers, answers: None
) -> None:
    body = client.get(
        "/v1/journeys/retail/nps?by=touchpoint&period=2026Q3", headers=keys["viewer"]
    ).json()
    keys_seen = [r["key"] for r in body["rows"]]
    assert "parking" not in keys_seen and "social_media" not in keys_seen
    assert (
        keys_seen.index("fresh_produce") < keys_seen.index("checkout") < keys_seen.index("returns")
    )


def test_by_segment(client: TestClient, keys: Headers, answers: None) -> None:
    body = client.get(
        "/v1/journeys/retail/nps?by=segment&period=2026Q3", headers=keys["viewer"]
    ).json()
    by_key = {r["key"]: r for r in body["rows"]}
    assert by_key["family"]["n"] == 3 and by_key[""]["label"] == "(未标注)"


def test_csat_matches_scipy(client: TestClient, keys: Headers, answers: None) -> None:
    body = client.get(
        "/v1/journeys/retail/csat?by=touchpoint&period=2026Q3", headers=keys["viewer"]
    ).json()
    checkout = next(r for r in body["rows"] if r["key"] == "checkout")
    values = [5] * 6 + [4] * 2 + [1] * 4
    low, high = scipy_stats.t.interval(0.95, len(values) - 1, loc=sum(values) / 12,
                                       scale=scipy_stats.sem(values))  # fmt: skip
    assert checkout["mean"] == pytest.approx(sum(values) / 12, abs=1e-3)
    assert (checkout["ci_low"], checkout["ci_high"]) == (
        pytest.approx(low, abs=1e-3),
        pytest.approx(high, abs=1e-3),
    )
    wilson = scipy_stats.binomtest(8, 12).proportion_ci(method="wilson")
    assert checkout["top2"] == pytest.approx(8 / 12, abs=1e-4)
    assert checkout["top2_ci_low"] == pytest.approx(wilson.low, abs=1e-4)


def test_period_cut_in_local_time(client: TestClient, keys: Headers, answers: None) -> None:
    q2 = client.get("/v1/journeys/retail/nps?by=stage&period=2026Q2", headers=keys["viewer"]).json()
    checkout = next(r for r in q2["rows"] if r["key"] == "checkout")
    assert checkout["n"] == 41 and checkout["promoters"] == 1


def test_sentiment(client: TestClient, keys: Headers, answers: None) -> None:
    body = client.get(
        "/v1/journeys/retail/sentiment?by=touchpoint&period=2026Q3", headers=keys["viewer"]
    ).json()
    parking = next(r for r in body["rows"] if r["key"] == "parking")
    assert parking["n"] == 1 and parking["mean"] < 0.5 and parking["negative_share"] == 1.0


def test_trend(client: TestClient, keys: Headers, answers: None) -> None:
    url = (
        "/v1/journeys/retail/trend?metric=nps&interval=quarter&by=stage&periods=2&until=2026-08-01"
    )
    body = client.get(url, headers=keys["viewer"]).json()
    checkout = next(s for s in body["series"] if s["key"] == "checkout")
    assert [p["period"] for p in checkout["points"]] == ["2026Q2", "2026Q3"]
    q3 = checkout["points"][1]
    assert q3["n"] == 12 and q3["change"]["significant"] is True and q3["change"]["difference"] > 0
    monthly = client.get(
        url.replace("quarter", "month").replace("periods=2", "periods=3"), headers=keys["viewer"]
    )
    assert [p["period"] for p in monthly.json()["series"][0]["points"]] == [
        "2026-06",
        "2026-07",
        "2026-08",
    ]


def test_overview(client: TestClient, keys: Headers, answers: None) -> None:
    body = client.get("/v1/journeys/retail/overview?period=2026Q3", headers=keys["viewer"]).json()
    assert [s["key"] for s in body["stages"]] == [
        "awareness",
        "arrival",
        "shopping",
        "checkout",
        "after_sales",
    ]
    checkout = body["stages"][3]
    assert checkout["n"] == 12 and checkout["nps"]["n"] == 12 and checkout["csat"]["n"] == 12
    assert body["stages"][1]["sentiment"]["n"] == 1
    assert body["weakest_stage"] == "checkout"
    misses = {(m["touchpoint"], m["metric"]) for m in body["moments_of_truth_below_target"]}
    assert ("checkout", "nps") in misses  # target 30, got 16.7
    assert ("returns", "nps") not in misses  # target 50, got 100


def test_analytics_errors(client: TestClient, keys: Headers, retail: str) -> None:
    viewer = keys["viewer"]
    assert client.get("/v1/journeys/retail/nps?by=colour", headers=viewer).status_code == 422
    assert client.get("/v1/journeys/retail/nps?period=2026Q9", headers=viewer).status_code == 422
    assert client.get("/v1/journeys/nope/nps", headers=viewer).status_code == 404
    assert client.get("/v1/journeys/retail/nps").status_code == 401
