from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.models import Response

Headers = dict[str, dict[str, str]]

# These tests read the English wording; tests/ingest/test_error_language.py the Chinese.
EN = {"Accept-Language": "en"}


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def answer(**fields: Any) -> dict[str, Any]:
    return {"journey": "retail", "touchpoint": "checkout", **fields}


def test_answer_is_stored_with_everything(
    client: TestClient, session: Session, retail: str
) -> None:
    posted = client.post(
        "/v1/public/responses",
        json=answer(nps=9, csat=5, ces=6, importance=4, comment="结账很快，收银员很热情👍",
                    respondent="member-1", segment="family", channel="小程序"),
    )  # fmt: skip
    assert posted.status_code == 201, posted.text
    row = session.get(Response, posted.json()["id"])
    assert row is not None
    assert (row.nps, row.csat, row.ces, row.importance) == (9, 5, 6, 4)
    assert row.comment == "结账很快，收银员很热情👍"
    assert (
        row.respondent_hash and row.respondent_hash != "member-1" and len(row.respondent_hash) == 64
    )
    assert row.source == "public" and row.submitted_at.tzinfo is not None
    assert row.sentiment is not None and row.sentiment > 0.5 and row.sentiment_label == "positive"
    assert row.sentiment_model


def test_same_respondent_same_hash(client: TestClient, session: Session, retail: str) -> None:
    ids = [
        client.post("/v1/public/responses", json=answer(nps=n, respondent="r-9")).json()["id"]
        for n in (3, 10)
    ]
    hashes = {session.get(Response, i).respondent_hash for i in ids}  # type: ignore[union-attr]
    assert len(hashes) == 1


def test_idempotency_key_replay(client: TestClient, session: Session, retail: str) -> None:
    headers = {"Idempotency-Key": "a1b2c3"}
    first = client.post("/v1/public/responses", json=answer(nps=8), headers=headers)
    again = client.post("/v1/public/responses", json=answer(nps=8), headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert stored(session) == 1


def test_pii_is_redacted_before_storage(client: TestClient, session: Session, retail: str) -> None:
    posted = client.post(
        "/v1/public/responses", json=answer(nps=2, comment="退款还没到，打我电话13812345678")
    )
    row = session.get(Response, posted.json()["id"])
    assert row is not None and row.comment is not None
    assert "13812345678" not in row.comment and "[手机号]" in row.comment


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        (answer(nps="9"), "nps", "integer"),
        (answer(nps=9.5), "nps", "integer"),
        (answer(nps=11), "nps", "0 to 10"),
        (answer(csat=0), "csat", "1 to 5"),
        (answer(ces=8), "ces", "1 to 7"),
        (answer(touchpoint="social_media", nps=9), "nps", "does not ask"),
        (answer(journey="nope", nps=9), "journey", "unknown journey"),
        (answer(touchpoint="nope", nps=9), "touchpoint", "no touchpoint"),
        (answer(), "(body)", "no answer"),
        (answer(comment="  \x00\x07 "), "(body)", "no answer"),
        (answer(nps=9, comment="好" * 2001), "comment", "at most 2000"),
        (answer(nps=9, mood="happy"), "mood", "unknown field"),
        (answer(nps=True), "nps", "integer"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    client: TestClient,
    session: Session,
    retail: str,
    body: dict[str, Any],
    field: str,
    fragment: str,
) -> None:
    response = client.post("/v1/public/responses", json=body, headers=EN)
    assert response.status_code == 422, response.text
    details = response.json()["details"]
    assert any(d["field"] == field and fragment in d["message"] for d in details), details
    assert stored(session) == 0


def test_malformed_json(client: TestClient, session: Session, retail: str) -> None:
    response = client.post(
        "/v1/public/responses",
        content=b'{"journey": "retail", "nps": 9',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"
    assert stored(session) == 0


def test_control_characters_stripped_everything_else_kept(
    client: TestClient, session: Session, retail: str
) -> None:
    text = "排队\x00太久\x1b了\r\n第二行 👨‍👩‍👧 ﷺ Ñandú עברית"
    posted = client.post("/v1/public/responses", json=answer(nps=5, comment=text))
    row = session.get(Response, posted.json()["id"])
    assert row is not None
    assert row.comment == "排队太久了\n第二行 👨‍👩‍👧 ﷺ Ñandú עברית"


def test_2000_characters_exactly_is_fine(client: TestClient, retail: str) -> None:
    assert (
        client.post("/v1/public/responses", json=answer(nps=9, comment="好" * 2000)).status_code
        == 201
    )


def test_cors_preflight_allows_public_post(client: TestClient, retail: str) -> None:
    preflight = client.options(
        "/v1/public/responses",
        headers={
            "Origin": "https://shop.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,idempotency-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://shop.example.com")


def test_internal_error_leaks_no_trace(
    client: TestClient, session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("secret internals at /srv/app.py line 42")

    monkeypatch.setattr("vocsvc.ingest.pipeline.respondent_hash_key", explode)
    response = client.post("/v1/public/responses", json=answer(nps=9), headers=EN)
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert "reference" in response.json()["message"]
    in_chinese = client.post("/v1/public/responses", json=answer(nps=9)).json()["message"]
    assert "编号" in in_chinese and "secret internals" not in in_chinese
    assert stored(session) == 0


def test_acknowledgement_comes_after_commit(
    client: TestClient, session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If the commit fails, the customer must not be told the answer was saved.
    def failing_commit() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(session, "commit", failing_commit)
    response = client.post("/v1/public/responses", json=answer(nps=9))
    assert response.status_code == 500


def test_a_key_replayed_with_another_answer_is_refused_and_nothing_is_dropped_silently(
    client: TestClient, session: Session, retail: str
) -> None:
    headers = {"Idempotency-Key": "k-bound", **EN}
    first = client.post("/v1/public/responses", json=answer(nps=8, comment="很好"), headers=headers)
    # The same answer written otherwise (key order, spaces the schema strips): the first id.
    same = {"comment": "很好", "touchpoint": " checkout", "nps": 8, "journey": "retail"}
    again = client.post("/v1/public/responses", json=same, headers=headers)
    other = client.post("/v1/public/responses", json=answer(nps=2, comment="很好"), headers=headers)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 409, other.text
    assert other.json()["error"] == "idempotency_key_reused"
    assert "different answer" in other.json()["message"]
    assert stored(session) == 1
    assert session.get(Response, first.json()["id"]).nps == 8  # type: ignore[union-attr]


def test_an_invalid_answer_under_a_used_key_is_refused_as_invalid(
    client: TestClient, session: Session, retail: str
) -> None:
    headers = {"Idempotency-Key": "k-then-invalid"}
    first = client.post("/v1/public/responses", json=answer(nps=8), headers=headers)
    invalid = client.post("/v1/public/responses", json=answer(nps=11), headers=headers)
    assert first.status_code == 201
    assert invalid.status_code == 422, invalid.text  # validation first: not the first id
    assert invalid.json()["details"][0]["field"] == "nps"
    assert stored(session) == 1


def test_two_answers_under_one_key_in_one_batch(session: Session, retail: str) -> None:
    from vocsvc.errors import Conflict
    from vocsvc.ingest.pipeline import PublicAnswer, Submitted, submit_public_batch
    from vocsvc.responses.schemas import PublicResponseIn

    def keyed(nps: int) -> PublicAnswer:
        return PublicAnswer(PublicResponseIn.model_validate(answer(nps=nps)), "k-batch")

    first, repeat, other = submit_public_batch(session, [keyed(6), keyed(6), keyed(7)])
    assert isinstance(first, Submitted) and first.created
    assert repeat == Submitted(first.id, created=False)
    assert isinstance(other, Conflict)
    assert stored(session) == 1


@pytest.mark.parametrize("key", [" ", " \t "])
def test_a_blank_idempotency_key_is_refused(
    client: TestClient, session: Session, retail: str, key: str
) -> None:
    # Over a socket the HTTP parser strips spaces and tabs (the key arrives as "", no key);
    # what it keeps, e.g. a no-break space, is refused the same way.
    reply = client.post(
        "/v1/public/responses", json=answer(nps=8), headers={"Idempotency-Key": key}
    )
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"] == "invalid_idempotency_key"
    assert stored(session) == 0
