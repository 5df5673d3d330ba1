from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.config import get_settings
from vocsvc.models import FollowUpCase, Response, utcnow
from vocsvc.sentiment.service import Reading

Headers = dict[str, dict[str, str]]


def answer(client: TestClient, touchpoint: str = "checkout", **fields: Any) -> int:
    body = {"journey": "retail", "touchpoint": touchpoint, "respondent": "member-7", **fields}
    posted = client.post("/v1/public/responses", json=body)
    assert posted.status_code == 201, posted.text
    return int(posted.json()["id"])


def cases(session: Session) -> list[FollowUpCase]:
    session.expire_all()
    return list(session.scalars(select(FollowUpCase).order_by(FollowUpCase.id)))


class FakeSentiment:
    """Reads comments by a keyword, so tests do not depend on the trained model file."""

    def read(self, texts: Sequence[str]) -> list[Reading]:
        return [
            Reading(0.05, "negative", "fake-1", opinion=True)
            if "失望" in t
            else Reading(0.9, "positive", "fake-1", opinion=True)
            for t in texts
        ]


@pytest.fixture
def fake_sentiment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vocsvc.ingest.enrich.read_comments", FakeSentiment().read)


# --- opening -----------------------------------------------------------------------------------


def test_detractor_with_respondent_opens_a_case(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    response_id = answer(client, nps=3, csat=2)
    [case] = cases(session)
    assert case.response_id == response_id and case.status == "open"
    assert case.department == "收银部" and case.reasons == ["nps<=6", "csat<=2"]
    detail = client.get(f"/v1/cases/{case.id}", headers=keys["viewer"]).json()
    assert (detail["journey"], detail["stage"], detail["touchpoint"]) == (
        "retail",
        "checkout",
        "checkout",
    )
    stored = session.get(Response, response_id)
    assert stored is not None
    assert detail["respondent_hash"] == stored.respondent_hash != "member-7"
    assert detail["answer"]["nps"] == 3 and detail["history"] == []


def test_no_case_without_a_way_to_contact_the_customer(
    client: TestClient, session: Session, retail: str
) -> None:
    answer(client, nps=0, respondent=None)
    answer(client, nps=1, respondent="")
    assert cases(session) == []


def test_no_case_for_satisfied_customers(client: TestClient, session: Session, retail: str) -> None:
    answer(client, nps=7, csat=3)
    answer(client, touchpoint="delivery", csat=3)
    assert cases(session) == []
    answer(client, touchpoint="delivery", csat=1)
    [case] = cases(session)
    assert case.department == "物流部" and case.reasons == ["csat<=2"]


def test_strongly_negative_comment_opens_a_case(
    client: TestClient, session: Session, retail: str, fake_sentiment: None
) -> None:
    answer(client, nps=8, comment="非常失望，排队一个小时")  # a passive: no score contradicts
    answer(client, nps=8, comment="很好")
    answer(client, nps=9, comment="非常失望，排队一个小时")  # a promoter's score does
    [case] = cases(session)
    assert case.reasons == ["sentiment<0.2"]


def test_bulk_import_opens_cases_for_recent_contactable_detractors(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    recent = (utcnow() - timedelta(days=2)).isoformat()
    old = (utcnow() - timedelta(days=90)).isoformat()

    def row(**fields: Any) -> dict[str, Any]:
        return {"journey": "retail", "touchpoint": "returns", "submitted_at": recent, **fields}

    rows = [
        row(nps=10, respondent="a"),
        row(nps=4, respondent="b"),
        row(nps=4, respondent="b"),  # the same answer twice: two responses, two cases
        row(nps=2),  # anonymous
        row(nps=1, respondent="c", submitted_at=old),  # too old to follow up
        row(touchpoint="hotline", csat=1, respondent="d"),
    ]
    imported = client.post("/v1/responses/bulk", json={"responses": rows}, headers=keys["admin"])
    assert imported.status_code == 201, imported.text
    opened = cases(session)
    assert len(opened) == 3 and len({c.response_id for c in opened}) == 3
    for case in opened:
        response = session.get(Response, case.response_id)
        assert response is not None and response.touchpoint_id == case.touchpoint_id
        expected = ["nps<=6"] if response.nps is not None else ["csat<=2"]
        assert case.reasons == expected and response.respondent_hash


# --- working a case ----------------------------------------------------------------------------


def test_status_moves_forward_one_step_at_a_time(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    answer(client, nps=2)
    [case] = cases(session)
    url = f"/v1/cases/{case.id}"

    skip = client.patch(url, json={"status": "resolved"}, headers=keys["manager"])
    assert skip.status_code == 409 and "contacted" in skip.json()["message"]
    contacted = client.patch(url, json={"status": "contacted"}, headers=keys["manager"])
    assert contacted.status_code == 200, contacted.text
    body = contacted.json()
    assert body["status"] == "contacted" and body["contacted_by"] == "test manager"
    assert body["contacted_at"] is not None and body["resolved_at"] is None
    same = client.patch(url, json={"status": "contacted"}, headers=keys["manager"])
    assert same.status_code == 200 and len(same.json()["history"]) == 1  # no-op
    back = client.patch(url, json={"status": "open"}, headers=keys["manager"])
    assert back.status_code == 409
    resolved = client.patch(url, json={"status": "resolved"}, headers=keys["admin"]).json()
    assert resolved["status"] == "resolved" and resolved["resolved_by"] == "test admin"
    assert resolved["hours_to_resolve"] is not None and resolved["hours_to_resolve"] >= 0
    assert [(h["from_status"], h["to_status"], h["actor"]) for h in resolved["history"]] == [
        ("open", "contacted", "test manager"),
        ("contacted", "resolved", "test admin"),
    ]
    reopen = client.patch(url, json={"status": "open"}, headers=keys["manager"])
    assert reopen.status_code == 409 and "closed" in reopen.json()["message"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"status": "closed"}, 422),
        ({}, 422),
        ({"note": ""}, 422),
        ({"priority": "high"}, 422),
    ],
)
def test_bad_updates(
    client: TestClient,
    session: Session,
    keys: Headers,
    retail: str,
    body: dict[str, Any],
    status: int,
) -> None:
    answer(client, nps=2)
    [case] = cases(session)
    response = client.patch(f"/v1/cases/{case.id}", json=body, headers=keys["manager"])
    assert response.status_code == status, response.text


def test_roles_and_missing_cases(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    answer(client, nps=2)
    [case] = cases(session)
    patch = {"status": "contacted"}
    assert client.patch(f"/v1/cases/{case.id}", json=patch).status_code == 401
    viewer = client.patch(f"/v1/cases/{case.id}", json=patch, headers=keys["viewer"])
    assert viewer.status_code == 403
    assert client.get("/v1/cases", headers=keys["viewer"]).status_code == 200
    assert client.get("/v1/cases/999999", headers=keys["viewer"]).status_code == 404
    missing = client.patch("/v1/cases/999999", json=patch, headers=keys["manager"])
    assert missing.status_code == 404


def test_notes_are_appended_with_author_and_redacted(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    answer(client, nps=2)
    [case] = cases(session)
    url = f"/v1/cases/{case.id}"
    first = client.patch(url, json={"note": "已致电 13812345678，客户要求退款"},
                         headers=keys["manager"])  # fmt: skip
    assert first.status_code == 200, first.text
    client.patch(url, json={"assignee": "王经理", "note": "转交王经理"}, headers=keys["admin"])
    detail = client.patch(url, json={"assignee": None}, headers=keys["manager"]).json()
    assert detail["assignee"] is None
    history = [(h["kind"], h["actor"], h["note"], h["assignee"]) for h in detail["history"]]
    assert history == [
        ("note", "test manager", "已致电 [手机号]，客户要求退款", None),
        ("assignee", "test admin", None, "王经理"),
        ("note", "test admin", "转交王经理", None),
        ("assignee", "test manager", None, None),
    ]
    assert all(h["at"] for h in detail["history"])


# --- listing -----------------------------------------------------------------------------------


@pytest.fixture
def several(client: TestClient, session: Session, retail: str) -> list[FollowUpCase]:
    answer(client, nps=1)  # checkout / 收银部
    answer(client, nps=2)  # checkout / 收银部
    answer(client, touchpoint="returns", nps=3)  # after_sales / 客服部
    answer(client, touchpoint="hotline", csat=1)  # after_sales / 客服部
    answer(client, touchpoint="delivery", csat=2)  # after_sales / 物流部
    opened = cases(session)
    ages = [0.5, 3, 10, 20, 40]  # days since opened
    for case, age in zip(opened, ages, strict=True):
        case.opened_at = utcnow() - timedelta(days=age)
    session.commit()
    return opened


def listed(client: TestClient, keys: Headers, query: str) -> list[int]:
    response = client.get(f"/v1/cases?{query}", headers=keys["viewer"])
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["items"]]


def test_filters(
    client: TestClient, keys: Headers, several: list[FollowUpCase], session: Session
) -> None:
    ids = [c.id for c in several]
    assert listed(client, keys, "") == ids[::-1]
    assert listed(client, keys, "journey=retail") == ids[::-1]
    assert listed(client, keys, "department=客服部") == [ids[3], ids[2]]
    assert listed(client, keys, "stage=after_sales") == [ids[4], ids[3], ids[2]]
    assert listed(client, keys, "touchpoint=checkout") == [ids[1], ids[0]]
    assert listed(client, keys, "min_age_days=7") == [ids[4], ids[3], ids[2]]
    assert listed(client, keys, "max_age_days=7") == [ids[1], ids[0]]
    assert listed(client, keys, "min_age_days=2&max_age_days=15") == [ids[2], ids[1]]
    client.patch(f"/v1/cases/{ids[0]}", json={"status": "contacted"}, headers=keys["manager"])
    assert listed(client, keys, "status=contacted") == [ids[0]]
    assert listed(client, keys, "status=open&department=收银部") == [ids[1]]
    assert client.get("/v1/cases?journey=nope", headers=keys["viewer"]).status_code == 404
    assert client.get("/v1/cases?status=closed", headers=keys["viewer"]).status_code == 422


def test_pages(client: TestClient, keys: Headers, several: list[FollowUpCase]) -> None:
    first = client.get("/v1/cases?limit=2", headers=keys["viewer"]).json()
    second = client.get(f"/v1/cases?limit=2&cursor={first['next_cursor']}",
                        headers=keys["viewer"]).json()  # fmt: skip
    third = client.get(f"/v1/cases?limit=2&cursor={second['next_cursor']}",
                       headers=keys["viewer"]).json()  # fmt: skip
    seen = [c["id"] for page in (first, second, third) for c in page["items"]]
    assert seen == [c.id for c in several][::-1] and third["next_cursor"] is None


# --- time to close -----------------------------------------------------------------------------


def test_time_to_close_per_department(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    hours = {"收银部": [1.0, 2.0, 4.0, 8.0, 30.0], "客服部": [5.0]}
    for department, values in hours.items():
        touchpoint = "checkout" if department == "收银部" else "returns"
        for value in values:
            answer(client, touchpoint=touchpoint, nps=0)
            case = cases(session)[-1]
            case.status, case.hours_to_resolve = "resolved", value
            case.resolved_at = case.opened_at + timedelta(hours=value)
    answer(client, nps=1)  # open
    answer(client, touchpoint="returns", nps=1)
    cases(session)[-1].status = "contacted"
    session.commit()

    body = client.get("/v1/cases/stats?journey=retail", headers=keys["viewer"]).json()
    rows = {r["department"]: r for r in body["departments"]}
    assert list(rows) == sorted(rows)
    cash, service = rows["收银部"], rows["客服部"]
    assert (cash["open"], cash["not_contacted"], cash["closed"]) == (1, 1, 5)
    assert (service["open"], service["not_contacted"], service["closed"]) == (1, 0, 1)
    for row, values in ((cash, hours["收银部"]), (service, hours["客服部"])):
        assert row["median_hours_to_resolve"] == pytest.approx(np.percentile(values, 50))
        assert row["p90_hours_to_resolve"] == pytest.approx(np.percentile(values, 90))

    this_month = utcnow().astimezone(get_settings().tz).strftime("%Y-%m")
    scoped = client.get(f"/v1/cases/stats?period={this_month}", headers=keys["viewer"]).json()
    assert scoped["period"] == this_month and len(scoped["departments"]) == 2
    empty = client.get("/v1/cases/stats?period=2020Q1", headers=keys["viewer"]).json()
    assert empty["departments"] == []


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 10, 11, 23])
def test_percentiles_match_numpy(
    client: TestClient, session: Session, keys: Headers, retail: str, n: int
) -> None:
    rng = np.random.default_rng(n)
    values = [float(v) for v in rng.gamma(2.0, 12.0, size=n).round(3)]
    for value in values:
        answer(client, nps=0)
        case = cases(session)[-1]
        case.status, case.hours_to_resolve = "resolved", value
    session.commit()
    [row] = client.get("/v1/cases/stats", headers=keys["viewer"]).json()["departments"]
    assert row["median_hours_to_resolve"] == pytest.approx(np.percentile(values, 50), abs=0.01)
    assert row["p90_hours_to_resolve"] == pytest.approx(np.percentile(values, 90), abs=0.01)
