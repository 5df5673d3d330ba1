"""Queries for alert rules and alerts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.models import Alert, AlertRule, Journey, Stage, Touchpoint
from vocsvc.sqlutil import insert_for


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_rule(self, rule: AlertRule) -> AlertRule:
        self.session.add(rule)
        self.session.flush()
        return rule

    def rule(self, rule_id: int) -> Any:
        stmt = (
            select(AlertRule, Journey.key.label("journey_key"))
            .join(Journey, AlertRule.journey_id == Journey.id)
            .where(AlertRule.id == rule_id)
        )
        return self.session.execute(stmt).first()

    def rules(self, journey_id: int | None, *, active_only: bool) -> list[Any]:
        """(AlertRule, journey_key) rows in id order."""
        stmt = (
            select(AlertRule, Journey.key.label("journey_key"))
            .join(Journey, AlertRule.journey_id == Journey.id)
            .order_by(AlertRule.id)
        )
        if journey_id is not None:
            stmt = stmt.where(AlertRule.journey_id == journey_id)
        if active_only:
            stmt = stmt.where(AlertRule.active.is_(True))
        return list(self.session.execute(stmt))

    def scope_id(self, journey_id: int, scope: str, key: str | None) -> int | None:
        """The id of the rule's stage or touchpoint (retired ones too: their history counts)."""
        table = Stage if scope == "stage" else Touchpoint
        stmt = select(table.id).where(table.journey_id == journey_id, table.key == key)
        return self.session.scalar(stmt)

    def insert_alert(self, values: dict[str, Any]) -> int | None:
        """Store an alert unless this rule already fired for this period pair; its id or None."""
        stmt = (
            insert_for(self.session)(Alert)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["rule_id", "period", "previous_period"])
            .returning(Alert.id)
        )
        return self.session.execute(stmt).scalar()

    def alert(self, alert_id: int) -> Any:
        stmt = (
            select(Alert, Journey.key.label("journey_key"))
            .join(Journey, Alert.journey_id == Journey.id)
            .where(Alert.id == alert_id)
        )
        return self.session.execute(stmt).first()

    def alerts(
        self, journey_id: int | None, kind: str | None, before_id: int | None, limit: int
    ) -> list[Any]:
        """(Alert, journey_key) rows, newest first."""
        stmt = (
            select(Alert, Journey.key.label("journey_key"))
            .join(Journey, Alert.journey_id == Journey.id)
            .order_by(Alert.id.desc())
            .limit(limit)
        )
        if journey_id is not None:
            stmt = stmt.where(Alert.journey_id == journey_id)
        if kind:
            stmt = stmt.where(Alert.kind == kind)
        if before_id is not None:
            stmt = stmt.where(Alert.id < before_id)
        return list(self.session.execute(stmt))
