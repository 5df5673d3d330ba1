"""Webhooks: subscriptions, the transactional outbox, signed delivery with retries and back-off.

`emit` writes one delivery row per subscribed webhook inside the caller's transaction, so an event
exists exactly when the thing that caused it was committed; nothing is sent during the request.
The scheduler's `deliver_webhooks` job claims due rows, POSTs them and records the outcome.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from types import MappingProxyType
from typing import Any

import httpx
from sqlalchemy.orm import Session

from vocsvc import process_cache
from vocsvc.config import get_settings
from vocsvc.errors import Conflict, InvalidInput, NotFound, Problem
from vocsvc.models import Webhook, WebhookAttempt, WebhookDelivery, utcnow
from vocsvc.process_cache import ProcessCopies, engine_of, forget_on_commit
from vocsvc.webhooks.repository import WebhookRepository
from vocsvc.webhooks.schemas import (
    AttemptOut,
    DeliveryOut,
    DeliveryPage,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)
from vocsvc.webhooks.signing import signature_header
from vocsvc.webhooks.targets import PrivateTarget, check_url, transport

log = logging.getLogger(__name__)

RESPONSE_CREATED = "response.created"
CASE_OPENED = "case.opened"
ALERT_FIRED = "alert.fired"
SUBSCRIPTIONS = "subscriptions"  # the one key of this process's copy of them
_subscriptions: ProcessCopies[Mapping[str, tuple[int, ...]]] = ProcessCopies(limit=1)

# Retry schedule: after the k-th failed attempt wait 30 s × 2^k, capped at 6 h, with "equal
# jitter" (half fixed, half random) so receivers coming back up are not hit by every retry at
# once. The 10th failure gives up (status failed): that spans roughly 4¼ to 8½ hours.
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 10
# A claimed delivery is not handed out again for this long; if the sender dies mid-batch the
# delivery becomes due again afterwards instead of being lost. Must exceed a batch's send time.
LEASE = timedelta(minutes=10)
BATCH_SIZE = 100
SENDERS = 8
TIMEOUT = httpx.Timeout(5.0, connect=2.0)
MAX_ERROR_CHARS = 500
USER_AGENT = "vocsvc-webhooks/1"


def retry_delay(attempt: int, rand: Callable[[], float] = random.random) -> timedelta:
    """How long to wait after the `attempt`-th failed attempt (1-based)."""
    ceiling = min(BASE_DELAY * int(2**attempt), MAX_DELAY)
    return ceiling / 2 + ceiling / 2 * rand()


# --- subscriptions -----------------------------------------------------------------------------


def _out(webhook: Webhook) -> WebhookOut:
    return WebhookOut(
        id=webhook.id,
        url=webhook.url,
        events=list(webhook.events),
        description=webhook.description,
        created_at=webhook.created_at,
    )


def create_webhook(session: Session, item: WebhookIn) -> WebhookCreated:
    """Register a receiver and generate its signing secret (returned only here)."""
    if not get_settings().webhook_allow_private:
        try:
            check_url(str(item.url))
        except PrivateTarget as exc:
            message = f"{exc}: webhooks may only target public addresses"
            raise InvalidInput(message, details=[Problem("url", message).to_dict()]) from exc
    webhook = Webhook(
        url=str(item.url),
        events=sorted(set(item.events)),
        secret="whsec_" + secrets.token_hex(32),
        description=item.description,
        created_at=utcnow(),
    )
    WebhookRepository(session).add(webhook)
    forget_on_commit(session, _subscriptions, SUBSCRIPTIONS)
    return WebhookCreated(**_out(webhook).model_dump(), secret=webhook.secret)


def list_webhooks(session: Session) -> list[WebhookOut]:
    return [_out(w) for w in WebhookRepository(session).list_all()]


def _get(session: Session, webhook_id: int) -> Webhook:
    webhook = WebhookRepository(session).get(webhook_id)
    if webhook is None:
        raise NotFound(f"no webhook {webhook_id}")
    return webhook


def delete_webhook(session: Session, webhook_id: int) -> None:
    """Remove a receiver with its pending deliveries and delivery log."""
    repo = WebhookRepository(session)
    repo.delete(_get(session, webhook_id))
    forget_on_commit(session, _subscriptions, SUBSCRIPTIONS)


# --- the outbox --------------------------------------------------------------------------------


def subscriptions(session: Session) -> Mapping[str, tuple[int, ...]]:
    """{event: ids of its webhooks}: lets callers skip building payloads nobody wants.

    Read on every batch of answers, so this process's copy (read-only, shared) is reused for a
    moment (see vocsvc.process_cache): a webhook created elsewhere gets events within that time.
    """
    engine = engine_of(session)
    copy = _subscriptions.fresh(engine, SUBSCRIPTIONS)
    if copy is None:
        read_at = process_cache.now()
        rows = WebhookRepository(session).subscriptions()
        copy = MappingProxyType({event: tuple(ids) for event, ids in rows.items()})
        _subscriptions.confirm(engine, SUBSCRIPTIONS, copy, read_at)
    return copy


def emit(
    session: Session,
    event: str,
    items: Iterable[Mapping[str, Any]],
    webhook_ids: Sequence[int] | None = None,
) -> int:
    """Queue `event` once per item for every subscribed webhook, in the caller's transaction.

    `webhook_ids`: the event's subscribers when the caller has just read `subscriptions`.
    """
    repo = WebhookRepository(session)
    if webhook_ids is None:
        webhook_ids = repo.subscribed(event)
    if not webhook_ids:
        return 0
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for data in items:
        envelope = {
            "id": uuid.uuid4().hex,  # the event's id, the same in every webhook's copy
            "type": event,
            "created_at": now.isoformat(),
            "data": dict(data),
        }
        rows.extend(
            {
                "webhook_id": webhook_id,
                "event": event,
                "payload": envelope,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for webhook_id in webhook_ids
        )
    repo.add_deliveries(rows)
    return len(rows)


# --- delivery ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery with everything needed to send it without a database session."""

    delivery_id: int
    attempt: int
    url: str
    secret: str
    event: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    attempt: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def claim_due(session: Session, now: datetime, limit: int = BATCH_SIZE) -> list[Outgoing]:
    """Lease the due deliveries (each claim counts as an attempt)."""
    claimed = WebhookRepository(session).claim_due(now, limit, now + LEASE)
    return [
        Outgoing(d.id, d.attempts, w.url, w.secret, d.event, dict(d.payload)) for d, w in claimed
    ]


def encode(payload: Mapping[str, Any]) -> bytes:
    """The exact body bytes that are signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def send(client: httpx.Client, item: Outgoing, clock: Callable[[], datetime]) -> Outcome:
    """POST one delivery; any exception becomes the outcome's error, never propagates."""
    body = encode(item.payload)
    # The signed timestamp is the real send time: receivers compare it with their own clock.
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Vocsvc-Event": item.event,
        "X-Vocsvc-Delivery": str(item.delivery_id),
        "X-Vocsvc-Timestamp": str(timestamp),
        "X-Vocsvc-Signature": signature_header(item.secret, timestamp, body),
    }
    started_at, started = clock(), time.monotonic()
    status_code: int | None = None
    error: str | None = None
    try:
        reply = client.post(item.url, content=body, headers=headers)
        status_code = reply.status_code
        if not 200 <= status_code < 300:
            error = _status_reason(status_code)
    except PrivateTarget:
        error = "refused: the receiver's host resolves to a non-public address"
    except Exception as exc:  # a receiver's failure of any kind is a failed attempt
        # The exception's name only: its message can quote what the receiver sent.
        error = type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    return Outcome(item.delivery_id, item.attempt, started_at, duration_ms, status_code, error)


def send_all(batch: Sequence[Outgoing], clock: Callable[[], datetime]) -> list[Outcome]:
    """Send a batch concurrently (a slow receiver must not hold up the others)."""
    if not batch:
        return []
    with (
        httpx.Client(
            timeout=TIMEOUT,
            follow_redirects=False,
            transport=transport(get_settings().webhook_allow_private),
        ) as client,
        ThreadPoolExecutor(max_workers=min(SENDERS, len(batch))) as pool,
    ):
        return list(pool.map(lambda item: send(client, item, clock), batch))


def record_outcomes(
    session: Session,
    outcomes: Sequence[Outcome],
    now: datetime,
    rand: Callable[[], float] = random.random,
) -> None:
    """Mark deliveries delivered, schedule their retry, or give up after MAX_ATTEMPTS."""
    repo = WebhookRepository(session)
    for outcome in outcomes:
        values: dict[str, Any] = {
            "last_status_code": outcome.status_code,
            "last_error": _clip(outcome.error),
        }
        if outcome.ok:
            values.update(status="delivered", delivered_at=now)
        elif outcome.attempt >= MAX_ATTEMPTS:
            values.update(status="failed")
        else:
            values.update(next_attempt_at=now + retry_delay(outcome.attempt, rand))
        if not repo.finish_attempt(outcome.delivery_id, outcome.attempt, values):
            continue  # deleted with its webhook, or re-claimed after the lease ran out
        repo.add_attempt(
            WebhookAttempt(
                delivery_id=outcome.delivery_id,
                attempt=outcome.attempt,
                started_at=outcome.started_at,
                duration_ms=outcome.duration_ms,
                status_code=outcome.status_code,
                error=_clip(outcome.error),
            )
        )
    session.flush()
    failed = [o for o in outcomes if not o.ok]
    if failed:  # one line per batch: a receiver that is down must not flood the log
        first = failed[0]
        log.warning("webhooks: %d of %d attempts failed (delivery %s: %s)", len(failed),
                    len(outcomes), first.delivery_id, first.error)  # fmt: skip


def _status_reason(status_code: int) -> str:
    """`HTTP 503 Service Unavailable`: the standard phrase, never the receiver's body."""
    try:
        return f"HTTP {status_code} {HTTPStatus(status_code).phrase}"
    except ValueError:
        return f"HTTP {status_code}"


def _clip(text: str | None) -> str | None:
    return text[:MAX_ERROR_CHARS] if text else text


# --- the delivery log --------------------------------------------------------------------------


def _delivery_out(delivery: WebhookDelivery, attempts: Sequence[WebhookAttempt]) -> DeliveryOut:
    event_id = delivery.payload.get("id") if isinstance(delivery.payload, dict) else None
    return DeliveryOut(
        id=delivery.id,
        event=delivery.event,
        event_id=str(event_id) if event_id else None,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
        log=[
            AttemptOut(
                attempt=a.attempt,
                started_at=a.started_at,
                duration_ms=a.duration_ms,
                status_code=a.status_code,
                error=a.error,
            )
            for a in attempts
        ],
    )


def list_deliveries(
    session: Session, webhook_id: int, status: str | None, cursor: int | None, limit: int
) -> DeliveryPage:
    """Newest first, each with its attempts."""
    _get(session, webhook_id)
    repo = WebhookRepository(session)
    rows = repo.deliveries(webhook_id, status, cursor, limit + 1)
    page = rows[:limit]
    attempts = repo.attempts_of([d.id for d in page])
    items = [_delivery_out(d, attempts.get(d.id, [])) for d in page]
    return DeliveryPage(items=items, next_cursor=page[-1].id if len(rows) > limit else None)


def redeliver(session: Session, webhook_id: int, delivery_id: int) -> DeliveryOut:
    """Give a failed delivery one more attempt at the next run (e.g. after a long outage)."""
    repo = WebhookRepository(session)
    delivery = repo.delivery(webhook_id, delivery_id)
    if delivery is None:
        raise NotFound(f"webhook {webhook_id} has no delivery {delivery_id}")
    if delivery.status != "failed":
        raise Conflict(f"only a failed delivery can be retried; this one is {delivery.status}")
    # The attempt count carries on, so the log stays in order and one more failure gives up.
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    session.flush()
    return _delivery_out(delivery, repo.attempts_of([delivery.id]).get(delivery.id, []))
