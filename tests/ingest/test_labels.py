"""`segment` and `channel` are short labels: stored as given, or refused with the reason why."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.models import Response

Headers = dict[str, dict[str, str]]
LABELS = [
    "vip",
    "小程序",
    "门店二维码",
    "2024Q3-新客",
    "VIP 会员",
    "618大促",
    "App v3.12",
    "会员卡 8888",
]
# Each of these went to the CSV export and to webhooks as given before.
PII = {
    "13812345678": "a mobile number",
    "138 1234 5678": "a mobile number",
    "一三八一二三四五六七八": "a mobile number",
    "name@example.com": "an e-mail address",
    "name(at)example.com": "an e-mail address",
    "vip-110105850312123": "a resident ID number",
    "4111 1111 1111 1111": "a bank card number",
    "010-62345678": "a phone number",
    "京A12345": "a licence plate",
}
INVISIBLE = ["v\rip", "v\nip", "v\tip", "vip\u200b", "v\u00adip", "a\u2028b", "vip\u202e", "a\x00b"]

# These tests read the English wording; tests/ingest/test_error_language.py the Chinese.
EN = {"Accept-Language": "en"}


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def answer(**fields: Any) -> dict[str, Any]:
    return {"journey": "retail", "touchpoint": "checkout", "nps": 7, **fields}


@pytest.mark.parametrize("field", ["segment", "channel"])
def test_labels_are_stored_exactly(
    client: TestClient, session: Session, retail: str, field: str
) -> None:
    for label in LABELS:
        posted = client.post("/v1/public/responses", json=answer(**{field: label}))
        assert posted.status_code == 201, posted.text
        row = session.get(Response, posted.json()["id"])
        assert row is not None and getattr(row, field) == label


@pytest.mark.parametrize("field", ["segment", "channel"])
@pytest.mark.parametrize(("value", "kind"), PII.items())
def test_personal_data_in_a_label_is_refused_saying_why(
    client: TestClient, session: Session, retail: str, field: str, value: str, kind: str
) -> None:
    posted = client.post("/v1/public/responses", json=answer(**{field: value}), headers=EN)
    assert posted.status_code == 422, posted.text
    body = posted.json()
    assert set(body) == {"error", "message", "details"} and body["error"] == "invalid_input"
    assert [d["field"] for d in body["details"]] == [field]
    assert f"must not hold personal data (this looks like {kind})" in body["details"][0]["message"]
    assert value not in posted.text  # the refusal does not repeat what it refused
    assert stored(session) == 0


@pytest.mark.parametrize("field", ["segment", "channel"])
@pytest.mark.parametrize("value", INVISIBLE)
def test_control_and_invisible_characters_are_refused(
    client: TestClient, session: Session, retail: str, field: str, value: str
) -> None:
    posted = client.post("/v1/public/responses", json=answer(**{field: value}), headers=EN)
    assert posted.status_code == 422, posted.text
    details = posted.json()["details"]
    assert details == [
        {
            "field": field,
            "code": "not_a_label",
            "message": "must be a short label without control or invisible characters",
        }
    ]
    assert stored(session) == 0


def test_a_label_is_at_most_64_characters(
    client: TestClient, session: Session, retail: str
) -> None:
    assert client.post("/v1/public/responses", json=answer(channel="渠" * 64)).status_code == 201
    posted = client.post("/v1/public/responses", json=answer(channel="渠" * 65))
    assert posted.status_code == 422
    assert posted.json()["details"][0]["field"] == "channel"
    assert stored(session) == 1


def test_an_import_with_personal_data_in_a_label_stores_nothing(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    at = "2026-06-30T23:30:00+08:00"
    rows = [answer(submitted_at=at, segment="vip"), answer(submitted_at=at, channel="13812345678")]
    reply = client.post("/v1/responses/bulk", json={"responses": rows}, headers=keys["admin"])
    assert reply.status_code == 422
    assert [d["index"] for d in reply.json()["details"]] == [1]
    assert "13812345678" not in reply.text
    csv_body = f"journey,touchpoint,nps,submitted_at,segment\nretail,checkout,8,{at},a@b.com\n"
    reply = client.post(
        "/v1/responses/bulk",
        content=csv_body,
        headers={**keys["admin"], "Content-Type": "text/csv"},
    )
    assert reply.status_code == 422
    assert "an e-mail address" in reply.json()["details"][0]["errors"][0]["message"]
    assert stored(session) == 0


def test_a_survey_link_whose_channel_is_no_label_still_shows_the_survey(
    client: TestClient, retail: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="vocsvc.web"):
        page = client.get("/s/retail/checkout?channel=13812345678")
    assert page.status_code == 200
    assert "data-channel" not in page.text and "13812345678" not in page.text
    assert "retail/checkout: channel left out" in caplog.text and "13812345678" not in caplog.text
    assert 'data-channel="门店二维码"' in client.get("/s/retail/checkout?channel=门店二维码").text
