"""Alert routes: rules (admin writes, viewers read) and the alerts they fired."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from vocsvc.alerts import service
from vocsvc.alerts.schemas import AlertKind, AlertOut, AlertPage, RuleIn, RuleOut
from vocsvc.auth.dependencies import AdminKey, ViewerKey
from vocsvc.db import SessionDep

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])


@router.post("/rules", response_model=RuleOut, status_code=status.HTTP_201_CREATED)
def create_rule(item: RuleIn, session: SessionDep, key: AdminKey) -> RuleOut:
    """Watch NPS, CSAT or the negative-comment share for a significant change."""
    return service.create_rule(session, item, actor=key.name)


@router.get("/rules", response_model=list[RuleOut])
def list_rules(
    session: SessionDep,
    _key: ViewerKey,
    journey: str | None = None,
    include_inactive: bool = False,
) -> list[RuleOut]:
    return service.list_rules(session, journey, include_inactive)


@router.delete("/rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(rule_id: int, session: SessionDep, _key: AdminKey) -> Response:
    """Deactivate a rule; the alerts it fired are kept."""
    service.deactivate_rule(session, rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", response_model=AlertPage)
def list_alerts(
    session: SessionDep,
    _key: ViewerKey,
    journey: str | None = None,
    kind: AlertKind | None = None,
    cursor: Annotated[int | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AlertPage:
    """Fired alerts newest first, each with both periods' estimates and the tested change."""
    return service.list_alerts(session, journey, kind, cursor, limit)


@router.get("/{alert_id}", response_model=AlertOut)
def get_alert(alert_id: int, session: SessionDep, _key: ViewerKey) -> AlertOut:
    return service.get_alert(session, alert_id)
