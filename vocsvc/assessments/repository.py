"""Queries for internal ratings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from vocsvc.models import InternalRating
from vocsvc.sqlutil import insert_for


class AssessmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def existing(self, period: str, keys: Sequence[tuple[int, str]]) -> int:
        """How many of (touchpoint_id, rater) already have a rating in `period`."""
        if not keys:
            return 0
        stmt = select(func.count()).where(
            InternalRating.period == period,
            tuple_(InternalRating.touchpoint_id, InternalRating.rater).in_(keys),
        )
        return int(self.session.scalar(stmt) or 0)

    def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ratings; a rater's new rating of a touchpoint in a period replaces the old."""
        stmt = insert_for(self.session)(InternalRating).values(list(rows))
        stmt = stmt.on_conflict_do_update(
            index_elements=["touchpoint_id", "period", "rater"],
            set_={
                "department": stmt.excluded.department,
                "importance": stmt.excluded.importance,
                "performance": stmt.excluded.performance,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        self.session.execute(stmt)

    def sums(self, journey_id: int, period: str) -> dict[int, dict[str, tuple[int, float, float]]]:
        """Per touchpoint: (n, sum, sum of squares) of importance and of performance."""
        r = InternalRating
        stmt = (
            select(
                r.touchpoint_id,
                func.count(),
                func.sum(r.importance),
                func.sum(r.importance * r.importance),
                func.sum(r.performance),
                func.sum(r.performance * r.performance),
            )
            .where(r.journey_id == journey_id, r.period == period)
            .group_by(r.touchpoint_id)
        )
        return {
            int(tp): {
                "importance": (int(n), float(si), float(sqi)),
                "performance": (int(n), float(sp), float(sqp)),
            }
            for tp, n, si, sqi, sp, sqp in self.session.execute(stmt)
        }
