"""Periods as reports state them: the default, the one in progress, 无数据, and not yet begun."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vocsvc.cli import main
from vocsvc.config import get_settings
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.periods import last_complete_quarter, period_of
from vocsvc.responses.schemas import ImportedResponseIn

Headers = dict[str, dict[str, str]]
TZ = get_settings().tz


def _now() -> datetime:
    return datetime.now(TZ)


@pytest.fixture
def last_quarter_answers(session: Session, retail: str) -> str:
    """Ten answers in the middle of the last complete quarter; returns its label."""
    quarter = last_complete_quarter(_now(), TZ)
    at = (quarter.start + timedelta(days=20)).isoformat()
    rows = [{"journey": "retail", "touchpoint": "checkout", "submitted_at": at, "nps": 9}] * 10
    import_bulk(session, [ImportedResponseIn.model_validate(r) for r in rows])
    session.commit()
    return quarter.label


def test_catalogue_names_the_default_the_one_in_progress_and_empty_ones(
    client: TestClient, keys: Headers, last_quarter_answers: str
) -> None:
    reply = client.get("/v1/journeys/retail/periods?count=4", headers=keys["viewer"])
    assert reply.status_code == 200, reply.text
    body = reply.json()
    current = period_of(_now(), "quarter", TZ).label
    assert body["default"] == last_quarter_answers != current
    labels = [p["label"] for p in body["periods"]]
    assert labels[0] == current and labels[1] == last_quarter_answers and len(labels) == 4
    by_label = {p["label"]: p for p in body["periods"]}
    assert by_label[current]["in_progress"] is True and by_label[current]["default"] is False
    last = by_label[last_quarter_answers]
    assert (last["in_progress"], last["default"], last["has_data"], last["answers"]) == (
        False, True, True, 10,
    )  # fmt: skip
    assert by_label[labels[2]]["has_data"] is False and by_label[labels[2]]["answers"] == 0
    assert [p["default"] for p in body["periods"]].count(True) == 1


def test_a_report_says_whether_its_period_has_data_and_is_over(
    client: TestClient, keys: Headers, last_quarter_answers: str
) -> None:
    viewer = keys["viewer"]
    base = "/v1/journeys/retail"
    full = client.get(f"{base}/nps?period={last_quarter_answers}", headers=viewer).json()
    assert full["period"]["has_data"] is True and full["period"]["in_progress"] is False
    empty_label = last_complete_quarter(_now(), TZ).previous().previous().label
    empty = client.get(f"{base}/nps?period={empty_label}", headers=viewer).json()
    assert empty["period"]["has_data"] is False and empty["overall"]["n"] == 0
    current = period_of(_now(), "quarter", TZ).label
    now = client.get(f"{base}/overview?period={current}", headers=viewer).json()
    assert now["period"]["in_progress"] is True and now["period"]["has_data"] is False
    trend = client.get(f"{base}/trend?periods=2", headers=viewer).json()
    assert [p["in_progress"] for p in trend["series"][0]["points"]] == [False, True]


def test_the_review_defaults_to_the_last_complete_quarter(
    client: TestClient, keys: Headers, last_quarter_answers: str
) -> None:
    reply = client.get("/v1/journeys/retail/reports/latest.json", headers=keys["viewer"])
    assert reply.status_code == 200, reply.text
    period = reply.json()["period"]
    assert period["label"] == last_quarter_answers and period["has_data"] is True
    assert period["in_progress"] is False
    current = period_of(_now(), "quarter", TZ).label
    ongoing = client.get(f"/v1/journeys/retail/reports/{current}.json", headers=keys["viewer"])
    assert ongoing.status_code == 200 and ongoing.json()["period"]["in_progress"] is True


def _future_quarter() -> str:
    return period_of(_now() + timedelta(days=200), "quarter", TZ).label


@pytest.mark.parametrize(
    "url",
    [
        "/v1/journeys/retail/nps?period={q}",
        "/v1/journeys/retail/overview?period={q}",
        "/v1/journeys/retail/reports/{q}.json",
        "/v1/journeys/retail/reports/{q}.html",
    ],
)
def test_a_period_that_has_not_begun_is_refused(
    client: TestClient, keys: Headers, retail: str, url: str
) -> None:
    quarter = _future_quarter()
    reply = client.get(url.format(q=quarter), headers=keys["viewer"])
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["error"] == "period_not_begun" and quarter in body["message"]
    assert body["details"][0]["field"] in ("period", "report")


def test_a_trend_ending_in_a_period_not_begun_is_refused(
    client: TestClient, keys: Headers, retail: str
) -> None:
    day = (_now() + timedelta(days=200)).date().isoformat()
    reply = client.get(f"/v1/journeys/retail/trend?until={day}", headers=keys["viewer"])
    assert reply.status_code == 422 and reply.json()["error"] == "period_not_begun"
    assert reply.json()["details"][0]["field"] == "until"


def test_a_trend_reaching_back_past_year_one_is_refused_and_year_999_is_a_period(
    client: TestClient, keys: Headers, retail: str
) -> None:
    base = "/v1/journeys/retail/trend?interval=month&periods=2"
    reply = client.get(f"{base}&until=1000-01-01", headers=keys["viewer"])  # reaches 0999-12
    assert reply.status_code == 200, reply.text
    assert [p["period"] for p in reply.json()["series"][0]["points"]] == ["0999-12", "1000-01"]
    reply = client.get(f"{base}&until=0001-01-15", headers=keys["viewer"])
    assert reply.status_code == 422, reply.text
    assert reply.json()["details"][0]["field"] == "until"


def test_cli_refuses_a_period_not_begun(capsys: pytest.CaptureFixture[str]) -> None:
    quarter = _future_quarter()
    assert main(["report", "retail", quarter]) == 2  # checked before any database is opened
    err = capsys.readouterr().err
    assert err.startswith(f"{quarter}: ") and "has not begun" in err
