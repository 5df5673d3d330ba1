"""Quarterly reviews: a live report for any period, an immutable snapshot once a quarter ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import JourneyView, journey_view
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.periods import Period, period_of
from vocsvc.reviews.builder import build_review
from vocsvc.reviews.render import render_html
from vocsvc.reviews.repository import ReviewRepository
from vocsvc.reviews.schemas import ReviewContent


@dataclass(frozen=True)
class Review:
    content: ReviewContent
    html: str
    snapshot: bool


def get_review(session: Session, journey: JourneyView, period: Period) -> Review:
    """The stored snapshot for `period` if the scheduler made one, else a freshly built review."""
    stored = ReviewRepository(session).snapshot(journey.id, period.label)
    if stored is not None:
        return Review(ReviewContent.model_validate(stored.content), stored.html, snapshot=True)
    content = build_review(session, journey, period)
    return Review(content, render_html(content), snapshot=False)


def snapshot_last_quarter(session: Session, now: datetime) -> list[tuple[str, str]]:
    """Snapshot the quarter before `now` for every journey; returns what was created."""
    last_quarter = period_of(now, "quarter", now.tzinfo).previous()  # type: ignore[arg-type]
    repo = ReviewRepository(session)
    created = []
    for journey in JourneyRepository(session).list_all():
        if repo.snapshot(journey.id, last_quarter.label) is not None:
            continue
        content = build_review(session, journey_view(session, journey.key), last_quarter)
        stored = content.model_dump(mode="json")
        if repo.add_snapshot_once(journey.id, last_quarter.label, stored, render_html(content)):
            created.append((journey.key, last_quarter.label))
    return created
