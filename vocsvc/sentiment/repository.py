"""Queries for (re)scoring stored comments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from vocsvc.models import Response


class ScoringRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def comments_to_score(
        self, model_version: str | None, after_id: int, limit: int
    ) -> list[tuple[int, str]]:
        """(id, comment) of comments unscored or, with a version, scored by another model."""
        stale: ColumnElement[bool] = Response.sentiment.is_(None)
        if model_version is not None:
            stale = or_(stale, Response.sentiment_model != model_version)
        stmt = (
            select(Response.id, Response.comment)
            .where(Response.comment.is_not(None), Response.id > after_id, stale)
            .order_by(Response.id)
            .limit(limit)
        )
        return [(int(i), str(c)) for i, c in self.session.execute(stmt)]

    def set_scores(self, rows: Sequence[dict[str, Any]]) -> None:
        """Bulk UPDATE by primary key: dicts of id, sentiment, sentiment_label, sentiment_model."""
        if rows:
            self.session.execute(update(Response), list(rows))
