"""Queries for journeys, stages, touchpoints and survey versions."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from vocsvc.models import Journey, Stage, SurveyVersion, Touchpoint

_VERSIONS = select(Journey.key, Journey.id, Journey.updated_at).where(
    Journey.key.in_(bindparam("keys", expanding=True))
)


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

    def versions(self, keys: Collection[str]) -> dict[str, tuple[int, datetime]]:
        """{key: (id, updated_at)} of the journeys among `keys`: what cached copies are checked
        against."""
        # Asked for every batch of answers: Core on the connection, one statement compiled once.
        rows = self.session.connection().execute(_VERSIONS, {"keys": sorted(keys)})
        return {row.key: (row.id, row.updated_at) for row in rows}

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
