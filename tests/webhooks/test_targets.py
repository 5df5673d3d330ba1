"""Webhooks reach public addresses only: refused at registration and again on every connection."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.webhooks.conftest import Receiver
from tests.webhooks.test_delivery import Headers, deliveries, detractor, run
from vocsvc.config import get_settings
from vocsvc.models import utcnow
from vocsvc.webhooks import targets

PUBLIC = "93.184.216.34"  # never connected to: every test resolves its names itself


@pytest.fixture
def private_refused(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """VOCSVC_WEBHOOK_ALLOW_PRIVATE off, and a resolver the test controls (no real DNS)."""
    monkeypatch.setattr(get_settings(), "webhook_allow_private", False)
    names: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise OSError(f"unknown test host {host}")
        return names[host]

    monkeypatch.setattr(targets, "resolve", resolve)
    return names


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://127.1/hook",
        "http://localhost/hook",
        "http://api.localhost/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
        "http://172.16.3.4/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "https://internal.example.com/hook",  # resolves to a private address
        "https://split.example.com/hook",  # one public and one private address
        "https://unknown.example.com/hook",  # does not resolve
    ],
)
def test_internal_receivers_are_refused_at_registration(
    client: TestClient, keys: Headers, private_refused: dict[str, list[str]], url: str
) -> None:
    private_refused["internal.example.com"] = ["10.1.2.3"]
    private_refused["split.example.com"] = [PUBLIC, "127.0.0.1"]
    created = client.post(
        "/v1/webhooks", json={"url": url, "events": ["case.opened"]}, headers=keys["admin"]
    )
    assert created.status_code == 422, created.text
    assert created.json()["details"][0]["field"] == "url"
    assert "public addresses" in created.json()["message"]
    assert client.get("/v1/webhooks", headers=keys["admin"]).json() == []


def test_public_receiver_is_accepted(
    client: TestClient, keys: Headers, private_refused: dict[str, list[str]]
) -> None:
    private_refused["hooks.example.com"] = [PUBLIC]
    hook = {"url": "https://hooks.example.com/in", "events": ["case.opened"]}
    assert client.post("/v1/webhooks", json=hook, headers=keys["admin"]).status_code == 201


def test_a_name_repointed_at_loopback_is_refused_at_delivery(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
    receiver: Receiver,
    private_refused: dict[str, list[str]],
) -> None:
    """DNS rebinding: public when registered, 127.0.0.1 (a live receiver) when delivered."""
    private_refused["hooks.example.com"] = [PUBLIC]
    url = f"http://hooks.example.com:{receiver.port}/hooks/vocsvc"
    hook = {"url": url, "events": ["case.opened"]}
    assert client.post("/v1/webhooks", json=hook, headers=keys["admin"]).status_code == 201
    detractor(client)
    receiver.start()
    private_refused["hooks.example.com"] = ["127.0.0.1"]
    assert run(sessions, utcnow()) == 0
    assert receiver.received == []
    [d] = deliveries(session)
    assert (d.status, d.attempts, d.last_status_code) == ("pending", 1, None)
    assert d.last_error == "refused: the receiver's host resolves to a non-public address"


def test_delivery_connects_to_the_address_it_checked(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The socket goes to the address our resolver returned, not to a second lookup's."""
    monkeypatch.setattr(targets, "resolve", lambda host, port: ["127.0.0.1"])
    url = f"http://receiver.invalid:{receiver.port}/hooks/vocsvc"  # no real resolver knows it
    created = client.post(
        "/v1/webhooks", json={"url": url, "events": ["case.opened"]}, headers=keys["admin"]
    )
    receiver.secret = created.json()["secret"]
    detractor(client)
    receiver.start()
    assert run(sessions, utcnow()) == 1
    [got] = receiver.received
    assert got.signature_valid and got.headers["Host"] == f"receiver.invalid:{receiver.port}"


def test_the_receivers_error_body_is_not_stored(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
    receiver: Receiver,
) -> None:
    created = client.post(
        "/v1/webhooks", json={"url": receiver.url, "events": ["case.opened"]}, headers=keys["admin"]
    )
    assert created.status_code == 201
    detractor(client)
    receiver.status = 500
    receiver.reply = b"Traceback: redis://10.0.0.7:6379 password=hunter2"
    receiver.start()
    t0 = utcnow()
    run(sessions, t0)
    [d] = deliveries(session)
    assert d.last_error == "HTTP 500 Internal Server Error"
    log = client.get(f"/v1/webhooks/{created.json()['id']}/deliveries", headers=keys["admin"])
    assert "hunter2" not in log.text and "10.0.0.7" not in log.text
    receiver.status = 599  # no standard phrase
    run(sessions, t0 + timedelta(hours=1))
    [d] = deliveries(session)
    assert d.last_error == "HTTP 599"
