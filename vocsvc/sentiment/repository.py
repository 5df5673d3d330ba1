"""Queries for reading stored comments again: the stale ones, and their new readings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from vocsvc.models import Response, ResponseAspect, ResponseTerm
from vocsvc.text.analysis import AspectMention
from vocsvc.text.keywords import TermMention


@dataclass(frozen=True)
class CommentToRead:
    id: int
    comment: str
    nps: int | None
    csat: int | None
    journey_id: int
    stage_id: int
    touchpoint_id: int
    submitted_at: datetime


@dataclass(frozen=True)
class Rereading:
    row: CommentToRead
    sentiment: float
    label: str
    model_version: str
    opinion: bool | None
    mixed: bool
    aspects: tuple[AspectMention, ...]
    terms: tuple[TermMention, ...] = ()


class ScoringRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _stale(model_version: str | None) -> ColumnElement[bool]:
        stale: ColumnElement[bool] = Response.sentiment.is_(None)
        if model_version is not None:
            stale = or_(stale, Response.sentiment_model != model_version)
        return stale

    def count_to_read(self, model_version: str | None) -> int:
        stmt = select(func.count()).where(Response.comment.is_not(None), self._stale(model_version))
        return int(self.session.scalar(stmt) or 0)

    def comments_to_read(
        self, model_version: str | None, after_id: int, limit: int
    ) -> list[CommentToRead]:
        """Comments unread or, with a version, read by another model; in id order."""
        stmt = (
            select(
                Response.id,
                Response.comment,
                Response.nps,
                Response.csat,
                Response.journey_id,
                Response.stage_id,
                Response.touchpoint_id,
                Response.submitted_at,
            )
            .where(
                Response.comment.is_not(None), Response.id > after_id, self._stale(model_version)
            )
            .order_by(Response.id)
            .limit(limit)
        )
        return [
            CommentToRead(int(i), str(comment), nps, csat, j, s, t, at)
            for i, comment, nps, csat, j, s, t, at in self.session.execute(stmt)
        ]

    def comments_without_terms(self, after_id: int, limit: int) -> list[CommentToRead]:
        """Read comments with no response_terms row (stored before migration 0009), id order."""
        has_terms = select(ResponseTerm.id).where(ResponseTerm.response_id == Response.id)
        stmt = (
            select(
                Response.id, Response.comment, Response.nps, Response.csat, Response.journey_id,
                Response.stage_id, Response.touchpoint_id, Response.submitted_at,
            )
            .where(
                Response.comment.is_not(None), Response.sentiment.is_not(None),
                Response.id > after_id, ~has_terms.exists(),
            )
            .order_by(Response.id)
            .limit(limit)
        )  # fmt: skip
        return [
            CommentToRead(int(i), str(comment), nps, csat, j, s, t, at)
            for i, comment, nps, csat, j, s, t, at in self.session.execute(stmt)
        ]

    def add_terms(self, rows: Sequence[tuple[CommentToRead, Sequence[TermMention]]]) -> None:
        terms = [
            {"response_id": r.id, "journey_id": r.journey_id, "stage_id": r.stage_id,
             "touchpoint_id": r.touchpoint_id, "submitted_at": r.submitted_at,
             "term": m.term, "polarity": m.polarity, "clause": m.clause}
            for r, found in rows
            for m in found
        ]  # fmt: skip
        if terms:
            self.session.execute(insert(ResponseTerm), terms)

    def store_readings(self, readings: Sequence[Rereading]) -> None:
        """Bulk UPDATE of each comment's reading; its aspects replaced by the new ones."""
        if not readings:
            return
        self.session.execute(
            update(Response),
            [
                {"id": r.row.id, "sentiment": r.sentiment, "sentiment_label": r.label,
                 "sentiment_model": r.model_version, "opinion": r.opinion, "mixed": r.mixed}
                for r in readings
            ],
        )  # fmt: skip
        ids = [r.row.id for r in readings]
        self.session.execute(delete(ResponseAspect).where(ResponseAspect.response_id.in_(ids)))
        aspects = [
            {"response_id": r.row.id, "journey_id": r.row.journey_id, "stage_id": r.row.stage_id,
             "touchpoint_id": r.row.touchpoint_id, "submitted_at": r.row.submitted_at,
             "aspect": m.aspect, "polarity": m.polarity, "clause": m.text}
            for r in readings
            for m in r.aspects
        ]  # fmt: skip
        if aspects:
            self.session.execute(insert(ResponseAspect), aspects)
        self.session.execute(delete(ResponseTerm).where(ResponseTerm.response_id.in_(ids)))
        terms = [
            {"response_id": r.row.id, "journey_id": r.row.journey_id, "stage_id": r.row.stage_id,
             "touchpoint_id": r.row.touchpoint_id, "submitted_at": r.row.submitted_at,
             "term": m.term, "polarity": m.polarity, "clause": m.clause}
            for r in readings
            for m in r.terms
        ]  # fmt: skip
        if terms:
            self.session.execute(insert(ResponseTerm), terms)
