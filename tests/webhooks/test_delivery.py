from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.webhooks.conftest import Receiver
from vocsvc.models import Response, Webhook, WebhookDelivery, utcnow
from vocsvc.webhooks import service
from vocsvc.webhooks.scheduled import deliver_webhooks

Headers = dict[str, dict[str, str]]


def subscribe(client: TestClient, keys: Headers, receiver: Receiver, *events: str) -> int:
    created = client.post(
        "/v1/webhooks", json={"url": receiver.url, "events": list(events)}, headers=keys["admin"]
    )
    assert created.status_code == 201, created.text
    receiver.secret = created.json()["secret"]
    return int(created.json()["id"])


def detractor(client: TestClient, **fields: Any) -> int:
    body = {"journey": "retail", "touchpoint": "checkout", "nps": 2, "respondent": "m-1", **fields}
    posted = client.post("/v1/public/responses", json=body)
    assert posted.status_code == 201, posted.text
    return int(posted.json()["id"])


def deliveries(session: Session) -> list[WebhookDelivery]:
    session.expire_all()  # the job wrote through its own sessions
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def run(sessions: sessionmaker[Session], now: datetime) -> int:
    return deliver_webhooks(now=now, sessions=sessions)


def test_receiver_down_then_up_delivers_each_event_once_signed(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
    receiver: Receiver,
) -> None:
    hook = subscribe(client, keys, receiver, "response.created", "case.opened")
    response_id = detractor(client)
    queued = deliveries(session)
    assert sorted(d.event for d in queued) == ["case.opened", "response.created"]

    t0 = utcnow()
    assert run(sessions, t0) == 0  # port closed: connection refused
    for d in deliveries(session):
        assert d.status == "pending" and d.attempts == 1
        assert d.last_status_code is None and d.last_error and "Connect" in d.last_error
        wait = d.next_attempt_at - t0
        assert timedelta(seconds=30) <= wait <= timedelta(seconds=60)  # 30 s × 2¹, jittered
    assert run(sessions, t0 + timedelta(seconds=20)) == 0  # not due yet: nothing is attempted
    assert {d.attempts for d in deliveries(session)} == {1}

    receiver.start()
    assert run(sessions, t0 + timedelta(seconds=61)) == 2
    assert run(sessions, t0 + timedelta(days=2)) == 0  # delivered ones are never sent again
    assert len(receiver.received) == 2
    assert all(r.signature_valid for r in receiver.received)
    by_event = {r.headers["X-Vocsvc-Event"]: r for r in receiver.received}
    assert set(by_event) == {"response.created", "case.opened"}
    assert {r.headers["X-Vocsvc-Delivery"] for r in receiver.received} == {
        str(d.id) for d in queued
    }
    created = by_event["response.created"].json
    assert created["type"] == "response.created" and created["data"]["id"] == response_id
    assert created["data"]["touchpoint"] == "checkout" and created["data"]["nps"] == 2
    opened = by_event["case.opened"].json
    assert opened["data"]["response_id"] == response_id
    assert opened["data"]["department"] == "收银部" and opened["data"]["reasons"] == ["nps<=6"]
    stamp = int(by_event["case.opened"].headers["X-Vocsvc-Timestamp"])
    assert by_event["case.opened"].headers["X-Vocsvc-Signature"].startswith(f"t={stamp},v1=")

    session.expire_all()  # the test's requests share one session with the job's writes
    log = client.get(f"/v1/webhooks/{hook}/deliveries", headers=keys["admin"])
    assert log.status_code == 200, log.text
    items = log.json()["items"]
    assert [d["status"] for d in items] == ["delivered", "delivered"]
    for item in items:
        assert item["attempts"] == 2 and item["next_attempt_at"] is None
        assert [a["status_code"] for a in item["log"]] == [None, 200]
        assert "Connect" in item["log"][0]["error"] and item["log"][1]["error"] is None
        assert item["delivered_at"] is not None and item["event_id"]


def test_receiver_error_is_retried_with_the_same_delivery_id(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
    receiver: Receiver,
) -> None:
    subscribe(client, keys, receiver, "case.opened")
    detractor(client)
    receiver.status = 500
    receiver.start()
    t0 = utcnow()
    assert run(sessions, t0) == 0
    [d] = deliveries(session)
    assert (d.status, d.attempts, d.last_status_code) == ("pending", 1, 500)
    assert d.last_error and d.last_error.startswith("HTTP 500")

    receiver.status = 204
    assert run(sessions, t0 + timedelta(minutes=2)) == 1
    [d] = deliveries(session)
    assert (d.status, d.attempts, d.last_status_code) == ("delivered", 2, 204)
    ids = [r.headers["X-Vocsvc-Delivery"] for r in receiver.received]
    assert ids == [str(d.id), str(d.id)]  # receivers de-duplicate on this
    assert all(r.signature_valid for r in receiver.received)


def test_gives_up_after_max_attempts_and_can_be_retried_by_hand(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
    receiver: Receiver,
) -> None:
    hook = subscribe(client, keys, receiver, "case.opened")
    detractor(client)
    now = utcnow()
    for attempt in range(1, service.MAX_ATTEMPTS + 1):
        assert run(sessions, now) == 0
        [d] = deliveries(session)
        assert d.attempts == attempt
        now = d.next_attempt_at
    [d] = deliveries(session)
    assert d.status == "failed" and d.attempts == service.MAX_ATTEMPTS
    assert run(sessions, now + timedelta(days=30)) == 0  # failed ones are left alone

    session.expire_all()
    retry = client.post(f"/v1/webhooks/{hook}/deliveries/{d.id}/retry", headers=keys["admin"])
    assert retry.status_code == 200 and retry.json()["status"] == "pending"
    again = client.post(f"/v1/webhooks/{hook}/deliveries/{d.id}/retry", headers=keys["admin"])
    assert again.status_code == 409
    receiver.start()
    assert run(sessions, utcnow()) == 1
    [d] = deliveries(session)
    assert d.status == "delivered" and d.attempts == service.MAX_ATTEMPTS + 1


def test_a_sender_that_dies_mid_batch_loses_nothing(
    client: TestClient,
    session: Session,
    sessions: sessionmaker[Session],
    keys: Headers,
    retail: str,
    receiver: Receiver,
) -> None:
    subscribe(client, keys, receiver, "case.opened")
    detractor(client)
    t0 = utcnow()
    with sessions() as job, job.begin():
        assert len(service.claim_due(job, t0)) == 1  # ...and the process dies before sending
    receiver.start()
    assert run(sessions, t0 + timedelta(minutes=1)) == 0  # still leased to the dead sender
    assert run(sessions, t0 + service.LEASE + timedelta(seconds=1)) == 1
    assert len(receiver.received) == 1 and receiver.received[0].signature_valid


def test_events_are_written_with_the_cause_or_not_at_all(
    client: TestClient, session: Session, keys: Headers, retail: str, receiver: Receiver
) -> None:
    detractor(client)
    assert deliveries(session) == []  # no subscriber: nothing queued
    subscribe(client, keys, receiver, "response.created")
    bad = {"responses": [{"journey": "retail", "touchpoint": "checkout", "nps": 3,
                          "submitted_at": "2025-06-01T10:00:00+08:00"},
                         {"journey": "retail", "touchpoint": "checkout", "nps": 11,
                          "submitted_at": "2025-06-01T10:00:00+08:00"}]}  # fmt: skip
    assert client.post("/v1/responses/bulk", json=bad, headers=keys["admin"]).status_code == 422
    assert deliveries(session) == []  # the import was rolled back, and its events with it
    good = {"responses": bad["responses"][:1] * 3}
    assert client.post("/v1/responses/bulk", json=good, headers=keys["admin"]).status_code == 201
    queued = deliveries(session)
    assert [d.event for d in queued] == ["response.created"] * 3
    assert len({d.payload["data"]["id"] for d in queued}) == 3  # identical rows, distinct ids


def test_webhook_api(client: TestClient, session: Session, keys: Headers, retail: str) -> None:
    body = {"url": "https://crm.example.com/hooks", "events": ["alert.fired", "case.opened"]}
    assert client.post("/v1/webhooks", json=body, headers=keys["manager"]).status_code == 403
    assert client.get("/v1/webhooks", headers=keys["viewer"]).status_code == 403
    created = client.post("/v1/webhooks", json=body, headers=keys["admin"])
    assert created.status_code == 201
    hook = created.json()
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 40
    listed = client.get("/v1/webhooks", headers=keys["admin"]).json()
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0] and listed[0]["events"] == ["alert.fired", "case.opened"]

    detractor(client)
    assert len(deliveries(session)) == 1
    gone = client.delete(f"/v1/webhooks/{hook['id']}", headers=keys["admin"])
    assert gone.status_code == 204
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=keys["admin"]).status_code == 404
    log = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=keys["admin"])
    assert log.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/x", "events": ["case.opened"]},
        {"url": "https://example.com/x", "events": ["case.closed"]},
        {"url": "https://example.com/x", "events": []},
        {"url": "https://example.com/x", "events": ["case.opened"], "secret": "mine"},
    ],
)
def test_webhook_input_is_checked(client: TestClient, keys: Headers, body: dict[str, Any]) -> None:
    response = client.post("/v1/webhooks", json=body, headers=keys["admin"])
    assert response.status_code == 422, response.text


def test_deliveries_page(
    client: TestClient, session: Session, keys: Headers, retail: str, receiver: Receiver
) -> None:
    hook = subscribe(client, keys, receiver, "response.created")
    for n in range(5):
        detractor(client, nps=n, respondent=None)
    first = client.get(f"/v1/webhooks/{hook}/deliveries?limit=3", headers=keys["admin"]).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = client.get(
        f"/v1/webhooks/{hook}/deliveries?limit=3&cursor={first['next_cursor']}",
        headers=keys["admin"],
    ).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    pending = client.get(
        f"/v1/webhooks/{hook}/deliveries?status=pending", headers=keys["admin"]
    ).json()
    assert len(pending["items"]) == 5


def test_a_webhook_deleted_elsewhere_costs_no_answer(
    client: TestClient, session: Session, keys: Headers, retail: str, receiver: Receiver
) -> None:
    hook = subscribe(client, keys, receiver, "response.created", "case.opened")
    detractor(client)  # this process now holds a copy of the subscriptions, with `hook`
    assert len(deliveries(session)) == 2
    # Another process deletes the webhook: this process's copy still names it, so the batch's
    # outbox rows break the foreign key once; the retry reads the subscriptions again.
    session.execute(delete(Webhook).where(Webhook.id == hook))
    session.commit()
    assert service.subscriptions(session) == {"response.created": (hook,), "case.opened": (hook,)}
    stored = detractor(client, respondent="m-2")
    assert session.get(Response, stored) is not None
    assert deliveries(session) == []  # the deletion took the first answer's events with it
    assert service.subscriptions(session) == {}
