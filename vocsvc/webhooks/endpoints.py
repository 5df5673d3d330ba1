"""Webhook routes (admin): subscriptions and the delivery log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from vocsvc.auth.dependencies import AdminKey
from vocsvc.db import SessionDep
from vocsvc.webhooks import service
from vocsvc.webhooks.schemas import DeliveryOut, DeliveryPage, WebhookCreated, WebhookIn, WebhookOut

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post("", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
def create_webhook(item: WebhookIn, session: SessionDep, _key: AdminKey) -> WebhookCreated:
    """Subscribe a URL to events; the signing secret is in this response only (store it now)."""
    return service.create_webhook(session, item)


@router.get("", response_model=list[WebhookOut])
def list_webhooks(session: SessionDep, _key: AdminKey) -> list[WebhookOut]:
    return service.list_webhooks(session)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: int, session: SessionDep, _key: AdminKey) -> Response:
    """Unsubscribe; pending deliveries are dropped with the delivery log."""
    service.delete_webhook(session, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage)
def list_deliveries(
    webhook_id: int,
    session: SessionDep,
    _key: AdminKey,
    delivery_status: Annotated[
        Literal["pending", "delivered", "failed"] | None, Query(alias="status")
    ] = None,
    cursor: Annotated[int | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DeliveryPage:
    """Deliveries newest first, each with every attempt (time, duration, status code, error)."""
    return service.list_deliveries(session, webhook_id, delivery_status, cursor, limit)


@router.post("/{webhook_id}/deliveries/{delivery_id}/retry", response_model=DeliveryOut)
def retry_delivery(
    webhook_id: int, delivery_id: int, session: SessionDep, _key: AdminKey
) -> DeliveryOut:
    """Give a failed delivery one more attempt at the next delivery run."""
    return service.redeliver(session, webhook_id, delivery_id)
