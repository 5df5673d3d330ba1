"""Queries for review snapshots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.models import ReviewReport, utcnow
from vocsvc.sqlutil import insert_for


class ReviewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def snapshot(self, journey_id: int, period: str) -> ReviewReport | None:
        stmt = select(ReviewReport).where(
            ReviewReport.journey_id == journey_id,
            ReviewReport.period == period,
            ReviewReport.kind == "scheduled",
        )
        return self.session.scalars(stmt).one_or_none()

    def add_snapshot_once(
        self, journey_id: int, period: str, content: dict[str, Any], html: str
    ) -> bool:
        """Store the scheduled snapshot unless one exists (another scheduler may race us)."""
        stmt = (
            insert_for(self.session)(ReviewReport)
            .values(
                journey_id=journey_id,
                period=period,
                kind="scheduled",
                content=content,
                html=html,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["journey_id", "period", "kind"])
            .returning(ReviewReport.id)
        )
        return self.session.execute(stmt).first() is not None
