"""A JSON body naming a key twice is refused (422 naming the key) on every JSON route."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.models import Response

Headers = dict[str, dict[str, str]]
JSON = {"Content-Type": "application/json"}
# Public routes answer in Chinese unless asked: these tests read the English wording.
JSON_EN = {**JSON, "Accept-Language": "en"}


def test_a_public_answer_with_a_repeated_score_is_refused(
    client: TestClient, session: Session, retail: str
) -> None:
    body = b'{"journey":"retail","touchpoint":"checkout","nps":1,"nps":10}'
    reply = client.post("/v1/public/responses", content=body, headers=JSON_EN)
    assert reply.status_code == 422, reply.text
    problem = {"field": "nps", "code": "duplicate_key", "message": "given more than once"}
    assert reply.json()["details"] == [problem]
    assert "'nps'" in reply.json()["message"]
    assert session.scalar(select(func.count()).select_from(Response)) == 0


@pytest.mark.parametrize(
    ("path", "body", "key"),
    [
        (
            "/v1/responses/bulk",
            b'{"responses":[{"journey":"retail","touchpoint":"checkout","csat":1,"csat":5,'
            b'"submitted_at":"2026-07-01T10:00:00+08:00"}]}',
            "csat",
        ),
        ("/v1/responses/bulk", b'{"responses":[],"responses":[]}', "responses"),
        (
            "/v1/text/sentiment",
            b'{"texts":["\\u597d"],"backend":"own","backend":"snownlp"}',
            "backend",
        ),
        (
            "/v1/webhooks",
            b'{"url":"http://127.0.0.1:9/a","url":"http://127.0.0.1:9/b","events":["case.opened"]}',
            "url",
        ),
    ],
)
def test_every_json_route_refuses_repeated_keys(
    client: TestClient, keys: Headers, retail: str, path: str, body: bytes, key: str
) -> None:
    reply = client.post(path, content=body, headers={**JSON, **keys["admin"]})
    assert reply.status_code == 422, reply.text
    assert reply.json()["details"][0]["field"] == key


def test_bodies_without_repeats_are_untouched(
    client: TestClient, keys: Headers, retail: str
) -> None:
    # Repeats inside a string, or the same key in two objects, are no repeat.
    comment = '{\\"nps\\":1,\\"nps\\":2}'
    body = f'{{"journey":"retail","touchpoint":"checkout","nps":9,"comment":"{comment}"}}'
    assert client.post("/v1/public/responses", content=body, headers=JSON).status_code == 201
    row = '{"journey":"retail","touchpoint":"checkout","nps":7,"submitted_at":"2026-07-01"}'
    rows = f'{{"responses":[{row},{row}]}}'
    imported = client.post("/v1/responses/bulk", content=rows, headers={**JSON, **keys["admin"]})
    assert imported.status_code == 201, imported.text
    # Not JSON at all: the route reports it in its own words.
    broken = client.post("/v1/public/responses", content=b'{"nps":', headers=JSON)
    assert broken.status_code == 400 and broken.json()["error"] == "malformed_json"
