"""Queries for comments by polarity, stage and touchpoint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.models import Response


class CommentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def comments(
        self,
        journey_id: int,
        by: str,
        label: str,
        start: datetime | None,
        end: datetime | None,
        limit: int,
    ) -> list[tuple[int, str]]:
        """(group id, redacted comment) of the newest `limit` comments with sentiment `label`."""
        group = Response.stage_id if by == "stage" else Response.touchpoint_id
        stmt = select(group, Response.comment).where(
            Response.journey_id == journey_id,
            Response.sentiment_label == label,
            Response.comment.is_not(None),
        )
        if start is not None:
            stmt = stmt.where(Response.submitted_at >= start)
        if end is not None:
            stmt = stmt.where(Response.submitted_at < end)
        stmt = stmt.order_by(Response.submitted_at.desc()).limit(limit)
        return [(int(g), str(c)) for g, c in self.session.execute(stmt)]
