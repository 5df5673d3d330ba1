import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.models import Response

Headers = dict[str, dict[str, str]]


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def row(**fields: Any) -> dict[str, Any]:
    return {
        "journey": "retail",
        "touchpoint": "checkout",
        "submitted_at": "2026-06-30T23:30:00+08:00",
        **fields,
    }


def test_json_rows_are_stored(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    body = {
        "responses": [row(nps=9), row(nps=3, comment="排队太久"), row(touchpoint="hotline", csat=2)]
    }
    response = client.post("/v1/responses/bulk", json=body, headers=keys["admin"])
    assert response.status_code == 201, response.text
    assert response.json() == {"inserted": 3}
    assert count(session) == 3
    sources = set(session.scalars(select(Response.source)))
    assert sources == {"import"}
    imported = session.scalars(select(Response).where(Response.nps == 3)).one()
    assert imported.sentiment_label == "negative"


def test_one_bad_row_stores_nothing_and_every_bad_row_is_listed(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    body = {
        "responses": [
            row(nps=9),
            row(nps=12),
            row(nps="7"),
            row(touchpoint="nope", nps=1),
            row(nps=8, submitted_at="2099-01-01T00:00:00+00:00"),
            row(nps=8),
        ]
    }
    response = client.post("/v1/responses/bulk", json=body, headers=keys["admin"])
    assert response.status_code == 422
    details = response.json()["details"]
    assert [d["index"] for d in details] == [1, 2, 3, 4]
    assert details[0]["errors"][0]["field"] == "nps"
    assert details[3]["errors"][0]["field"] == "submitted_at"
    assert count(session) == 0


def test_csv_import(client: TestClient, session: Session, keys: Headers, retail: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["journey", "touchpoint", "submitted_at", "nps", "csat", "comment"])
    writer.writerow(["retail", "checkout", "2026-07-01T10:00:00+08:00", "10", "5", "很好，很方便"])
    writer.writerow(["retail", "checkout", "2026-07-01 10:00:00", "", "2", "多行\n评论"])
    response = client.post(
        "/v1/responses/bulk",
        content=buffer.getvalue().encode(),
        headers={**keys["admin"], "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    assert count(session) == 2
    naive = session.scalars(select(Response).where(Response.csat == 2)).one()
    # Naive import times are read in VOCSVC_TIMEZONE (Asia/Shanghai, UTC+8).
    assert naive.submitted_at.isoformat() == "2026-07-01T02:00:00+00:00"


def test_csv_bad_cells(client: TestClient, session: Session, keys: Headers, retail: str) -> None:
    text = (
        "journey,touchpoint,submitted_at,nps\n"
        "retail,checkout,2026-07-01T10:00:00+08:00,9.5\n"
        "retail,checkout,yesterday,9\n"
    )
    response = client.post(
        "/v1/responses/bulk",
        content=text.encode(),
        headers={**keys["admin"], "Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    details = response.json()["details"]
    assert [(d["index"], d["errors"][0]["field"]) for d in details] == [
        (0, "nps"),
        (1, "submitted_at"),
    ]
    assert count(session) == 0


def test_bulk_needs_admin(client: TestClient, keys: Headers, retail: str) -> None:
    body = {"responses": [row(nps=9)]}
    assert client.post("/v1/responses/bulk", json=body).status_code == 401
    assert client.post("/v1/responses/bulk", json=body, headers=keys["manager"]).status_code == 403


def test_bulk_shape_errors(client: TestClient, keys: Headers, retail: str) -> None:
    admin = keys["admin"]
    assert (
        client.post("/v1/responses/bulk", json={"responses": []}, headers=admin).status_code == 422
    )
    assert client.post("/v1/responses/bulk", json=[row(nps=1)], headers=admin).status_code == 422
    broken = client.post(
        "/v1/responses/bulk",
        content=b"{nope",
        headers={**admin, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
