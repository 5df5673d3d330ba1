"""Queries for journeys, stages, touchpoints and survey versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from vocsvc.models import Journey, Stage, SurveyVersion, Touchpoint

_VERSION = select(Journey.id, Journey.updated_at).where(Journey.key == bindparam("key"))


class JourneyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_by_key(self, key: str) -> Journey | None:
        stmt = (
            select(Journey)
            .where(Journey.key == key)
            .options(
                selectinload(Journey.stages)
                .selectinload(Stage.touchpoints)
                .selectinload(Touchpoint.current_survey)
            )
        )
        return self.session.scalars(stmt).one_or_none()

    def version(self, key: str) -> tuple[int, datetime] | None:
        """(id, updated_at) of the journey `key`: what a cached copy is checked against."""
        # Asked for every batch of answers: Core on the connection, one statement compiled once.
        row = self.session.connection().execute(_VERSION, {"key": key}).first()
        return None if row is None else (row.id, row.updated_at)

    def list_all(self) -> list[Journey]:
        stmt = (
            select(Journey)
            .order_by(Journey.key)
            .options(selectinload(Journey.stages).selectinload(Stage.touchpoints))
        )
        return list(self.session.scalars(stmt))

    def touchpoints_of(self, journey_id: int) -> list[Touchpoint]:
        stmt = (
            select(Touchpoint)
            .join(Stage, Touchpoint.stage_id == Stage.id)
            .where(Touchpoint.journey_id == journey_id)
            .order_by(Stage.position, Touchpoint.position)
        )
        return list(self.session.scalars(stmt))

    def touchpoint(self, journey_id: int, key: str) -> Touchpoint | None:
        stmt = select(Touchpoint).where(Touchpoint.journey_id == journey_id, Touchpoint.key == key)
        return self.session.scalars(stmt).one_or_none()

    def next_survey_version(self, touchpoint_id: int) -> int:
        stmt = select(func.coalesce(func.max(SurveyVersion.version), 0)).where(
            SurveyVersion.touchpoint_id == touchpoint_id
        )
        return int(self.session.scalar(stmt) or 0) + 1

    def add(self, obj: Journey | Stage | Touchpoint | SurveyVersion) -> None:
        self.session.add(obj)
        self.session.flush()
