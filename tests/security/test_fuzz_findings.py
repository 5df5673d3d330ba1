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
