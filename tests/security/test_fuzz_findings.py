"""Inputs the fuzzer found causing 500s, kept as plain regression tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]
TOO_BIG = str(2**63)  # one past the largest 64-bit id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/v1/cases/{TOO_BIG}"),
        ("GET", f"/v1/alerts/{TOO_BIG}"),
        ("DELETE", f"/v1/alerts/rules/{TOO_BIG}"),
        ("DELETE", f"/v1/webhooks/{TOO_BIG}"),
        ("GET", f"/v1/webhooks/{TOO_BIG}/deliveries"),
        ("POST", f"/v1/webhooks/{TOO_BIG}/deliveries/1/retry"),
    ],
)
def test_ids_beyond_64_bits_are_the_clients_error(
    client: TestClient, keys: Headers, method: str, path: str
) -> None:
    reply = client.request(method, path, headers=keys["admin"])
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"] == "invalid_input"


@pytest.mark.parametrize("route", ["nps", "csat", "sentiment", "overview", "topics"])
def test_an_open_ended_range_compares_with_a_representable_previous_range(
    client: TestClient, keys: Headers, retail: str, route: str
) -> None:
    reply = client.get(f"/v1/journeys/retail/{route}?from=2000-01-01", headers=keys["viewer"])
    assert reply.status_code == 200, reply.text


@pytest.mark.parametrize("query", ["period=0001", "from=0001-01-01", "to=9999-12-31"])
def test_periods_at_the_ends_of_the_calendar_are_refused(
    client: TestClient, keys: Headers, retail: str, query: str
) -> None:
    reply = client.get(f"/v1/journeys/retail/nps?{query}", headers=keys["viewer"])
    assert reply.status_code == 422, reply.text
    assert "years 1 to 9999" in reply.json()["message"]


def test_an_empty_idempotency_key_is_no_key(client: TestClient, retail: str) -> None:
    answer = {"journey": "retail", "touchpoint": "checkout", "nps": 8}
    first = client.post("/v1/public/responses", json=answer, headers={"Idempotency-Key": ""})
    second = client.post("/v1/public/responses", json=answer, headers={"Idempotency-Key": ""})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


@pytest.mark.parametrize("field", ["journey", "touchpoint", "segment", "channel", "respondent"])
def test_a_nul_character_in_an_answer_is_refused_on_every_database(
    client: TestClient, retail: str, field: str
) -> None:
    # PostgreSQL cannot store it (a 500 before); SQLite could: both refuse it now.
    body = {"journey": "retail", "touchpoint": "checkout", "nps": 5, field: "a\x00b"}
    reply = client.post("/v1/public/responses", json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["details"][0]["field"] == field


def test_a_nul_character_in_an_idempotency_key_is_refused(client: TestClient, retail: str) -> None:
    body = {"journey": "retail", "touchpoint": "checkout", "nps": 5}
    reply = client.post("/v1/public/responses", json=body, headers={"Idempotency-Key": "k\x00"})
    assert reply.status_code == 422, reply.text
    assert reply.json()["details"][0]["field"] == "Idempotency-Key"


def test_a_nul_character_in_a_filter_is_the_clients_error(
    client: TestClient, keys: Headers, retail: str
) -> None:
    reply = client.get("/v1/journeys/retail/responses?segment=a%00b", headers=keys["viewer"])
    # SQLite compares it (nothing matches); PostgreSQL cannot, which is the client's error.
    assert reply.status_code in (200, 422), reply.text
    if reply.status_code == 422:
        assert "NUL" in reply.json()["message"]
