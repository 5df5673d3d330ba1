"""Queries for webhooks and their outbox of deliveries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from vocsvc.models import Webhook, WebhookAttempt, WebhookDelivery

_SUBSCRIPTIONS = select(Webhook.id, Webhook.events).order_by(Webhook.id)


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, webhook: Webhook) -> Webhook:
        self.session.add(webhook)
        self.session.flush()
        return webhook

    def get(self, webhook_id: int) -> Webhook | None:
        return self.session.get(Webhook, webhook_id)

    def list_all(self) -> list[Webhook]:
        return list(self.session.scalars(select(Webhook).order_by(Webhook.id)))

    def delete(self, webhook: Webhook) -> None:
        self.session.delete(webhook)
        self.session.flush()

    def subscribed(self, event: str) -> list[int]:
        """Ids of the webhooks that want `event`."""
        return self.subscriptions().get(event, [])

    def subscriptions(self) -> dict[str, list[int]]:
        """{event: ids of the webhooks that want it} (few rows: the JSON lists are read here)."""
        rows = self.session.connection().execute(_SUBSCRIPTIONS)  # on every answer: lean Core
        by_event: dict[str, list[int]] = defaultdict(list)
        for webhook_id, events in rows:
            for event in events:
                by_event[event].append(webhook_id)
        return dict(by_event)

    def add_deliveries(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(WebhookDelivery), list(rows))

    def claim_due(
        self, now: datetime, limit: int, lease_until: datetime
    ) -> list[tuple[WebhookDelivery, Webhook]]:
        """Take up to `limit` due deliveries, oldest first, and lease them until `lease_until`.

        SKIP LOCKED lets two schedulers share the work on PostgreSQL; SQLite serialises writers.
        """
        stmt = (
            select(WebhookDelivery, Webhook)
            .join(Webhook, WebhookDelivery.webhook_id == Webhook.id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        )
        claimed = [(row.WebhookDelivery, row.Webhook) for row in self.session.execute(stmt)]
        for delivery, _ in claimed:
            delivery.attempts += 1
            delivery.last_attempt_at = now
            delivery.next_attempt_at = lease_until
        self.session.flush()
        return claimed

    def finish_attempt(self, delivery_id: int, attempt: int, values: dict[str, Any]) -> bool:
        """Store an attempt's outcome unless the delivery moved on (deleted or re-claimed)."""
        stmt = (
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.attempts == attempt,
                WebhookDelivery.status == "pending",
            )
            .values(**values)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def add_attempt(self, attempt: WebhookAttempt) -> None:
        self.session.add(attempt)

    def delivery(self, webhook_id: int, delivery_id: int) -> WebhookDelivery | None:
        stmt = select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook_id
        )
        return self.session.scalar(stmt)

    def deliveries(
        self, webhook_id: int, status: str | None, before_id: int | None, limit: int
    ) -> list[WebhookDelivery]:
        stmt = (
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
        if status:
            stmt = stmt.where(WebhookDelivery.status == status)
        if before_id is not None:
            stmt = stmt.where(WebhookDelivery.id < before_id)
        return list(self.session.scalars(stmt))

    def attempts_of(self, delivery_ids: Sequence[int]) -> dict[int, list[WebhookAttempt]]:
        out: dict[int, list[WebhookAttempt]] = defaultdict(list)
        if not delivery_ids:
            return out
        stmt = (
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(delivery_ids))
            .order_by(WebhookAttempt.delivery_id, WebhookAttempt.attempt)
        )
        for attempt in self.session.scalars(stmt):
            out[attempt.delivery_id].append(attempt)
        return out
