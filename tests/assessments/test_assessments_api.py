from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.models import InternalRating

Headers = dict[str, dict[str, str]]


def rating(**fields: Any) -> dict[str, Any]:
    return {"touchpoint": "checkout", "rater": "emp-17", "department": "客服部",
            "importance": 5, "performance": 3, **fields}  # fmt: skip


def stored(session: Session) -> list[tuple[str, int, int]]:
    rows = session.execute(
        select(InternalRating.rater, InternalRating.importance, InternalRating.performance)
    )
    return sorted((r, i, p) for r, i, p in rows)


def post(client: TestClient, headers: dict[str, str], ratings: list[dict[str, Any]]) -> Any:
    body = {"journey": "retail", "period": "2026Q3", "ratings": ratings}
    return client.post("/v1/assessments", json=body, headers=headers)


def test_store_and_replace(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    first = post(client, keys["assessor"], [rating(), rating(rater="emp-18", performance=4)])
    assert first.status_code == 201, first.text
    assert first.json() == {"journey": "retail", "period": "2026Q3", "stored": 2, "replaced": 0}
    again = post(client, keys["admin"], [rating(performance=1)])
    assert again.json()["replaced"] == 1
    assert stored(session) == [("emp-17", 5, 1), ("emp-18", 5, 4)]


def test_one_bad_rating_rejects_the_batch(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    response = post(
        client,
        keys["assessor"],
        [rating(), rating(importance=6), rating(touchpoint="nope"), rating(performance="3")],
    )
    assert response.status_code == 422
    details = response.json()["details"]
    fields = [d["field"] for d in details]
    assert "ratings.3.performance" in fields
    response = post(
        client, keys["assessor"], [rating(), rating(importance=6), rating(touchpoint="nope")]
    )
    assert [d["index"] for d in response.json()["details"]] == [1, 2]
    assert stored(session) == []


def test_roles(client: TestClient, keys: Headers, retail: str) -> None:
    assert post(client, {}, [rating()]).status_code == 401
    assert post(client, keys["viewer"], [rating()]).status_code == 403
    assert post(client, keys["manager"], [rating()]).status_code == 403


def test_csv(client: TestClient, session: Session, keys: Headers, retail: str) -> None:
    text = (
        "touchpoint,rater,department,importance,performance\n"
        "checkout,e1,收银部,5,2\nreturns,e1,客服部,4,5\n"
    )
    headers = {**keys["assessor"], "Content-Type": "text/csv"}
    ok = client.post(
        "/v1/assessments?journey=retail&period=2026Q3", content=text.encode(), headers=headers
    )
    assert ok.status_code == 201 and ok.json()["stored"] == 2
    missing = client.post("/v1/assessments", content=text.encode(), headers=headers)
    assert missing.status_code == 422
    bad_csv = b"touchpoint,rater,importance,performance\ncheckout,e1,five,2\n"
    bad = client.post(
        "/v1/assessments?journey=retail&period=2026Q3", content=bad_csv, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["details"][0]["index"] == 0
    assert int(session.scalar(select(func.count()).select_from(InternalRating)) or 0) == 2


def test_bad_period(client: TestClient, keys: Headers, retail: str) -> None:
    body = {"journey": "retail", "period": "Q3", "ratings": [rating()]}
    response = client.post("/v1/assessments", json=body, headers=keys["assessor"])
    assert response.status_code == 422 and "YYYYQn" in response.json()["message"]
