"""Check answers against the survey a touchpoint asks; every problem is reported."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from vocsvc.journeys.schemas import SCALES, SCORED_QUESTIONS
from vocsvc.journeys.service import (
    JourneySnapshot,
    TouchpointSnapshot,
    journey_snapshot,
    journey_snapshots,
)
from vocsvc.models import Journey
from vocsvc.responses.schemas import AnswerFields
from vocsvc.text.clean import strip_control_characters

# Clocks on customers' devices drift; an answer more than this far in the future is an error.
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass
class Problem:
    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class Checked:
    """A valid answer, resolved to ids, with its comment cleaned (not yet redacted)."""

    journey_id: int
    stage_id: int
    touchpoint_id: int
    survey_version_id: int
    scores: dict[str, int]
    comment: str | None
    respondent: str | None
    segment: str | None
    channel: str | None


@dataclass
class Catalog:
    """Journey and touchpoint look-ups shared by the rows of a request or batch."""

    session: Session
    journeys: dict[str, JourneySnapshot | None] = field(default_factory=dict)

    def journey(self, key: str) -> JourneySnapshot | None:
        if key not in self.journeys:
            self.journeys[key] = journey_snapshot(self.session, key)
        return self.journeys[key]

    def load(self, keys: Collection[str]) -> None:
        """Look up the journeys `keys` with one query (a batch's answers name several)."""
        missing = {key for key in keys if key not in self.journeys}
        if missing:
            self.journeys.update(journey_snapshots(self.session, missing))

    def touchpoint(self, journey: Journey | JourneySnapshot, key: str) -> TouchpointSnapshot | None:
        """The journey's active touchpoint `key`, or None."""
        snapshot = journey if isinstance(journey, JourneySnapshot) else self.journey(journey.key)
        tp = snapshot.touchpoints.get(key) if snapshot is not None else None
        return tp if tp is not None and tp.active else None


def check_answers(
    item: AnswerFields, catalog: Catalog, *, max_comment: int
) -> tuple[Checked | None, list[Problem]]:
    """Resolve journey and touchpoint and check every answer against the touchpoint's survey."""
    journey = catalog.journey(item.journey)
    if journey is None:
        return None, [Problem("journey", f"unknown journey '{item.journey}'")]
    tp = catalog.touchpoint(journey, item.touchpoint)
    if tp is None or tp.survey_id is None:
        message = f"journey '{item.journey}' has no touchpoint '{item.touchpoint}'"
        return None, [Problem("touchpoint", message)]
    asked = set(tp.questions)
    problems: list[Problem] = []
    scores: dict[str, int] = {}
    for question in SCORED_QUESTIONS:
        value = getattr(item, question)
        if value is None:
            continue
        low, high = SCALES[question]
        if question not in asked:
            problems.append(
                Problem(question, f"this touchpoint's survey does not ask '{question}'")
            )
        elif not low <= value <= high:
            problems.append(
                Problem(question, f"must be an integer from {low} to {high}, got {value}")
            )
        else:
            scores[question] = value
    comment = clean_comment(item.comment)
    if comment and "comment" not in asked:
        problems.append(Problem("comment", "this touchpoint's survey does not ask for a comment"))
    elif len(comment) > max_comment:
        problems.append(Problem("comment", f"at most {max_comment} characters, got {len(comment)}"))
    if not scores and not comment and not problems:
        problems.append(Problem("(body)", "no answer given: send at least one of " + _list(asked)))
    if problems:
        return None, problems
    return Checked(
        journey_id=journey.id,
        stage_id=tp.stage_id,
        touchpoint_id=tp.id,
        survey_version_id=tp.survey_id,
        scores=scores,
        comment=comment or None,
        respondent=item.respondent or None,
        segment=item.segment or None,
        channel=item.channel or None,
    ), []


def clean_comment(text: str | None) -> str:
    """The comment as stored (before redaction): control characters dropped, ends trimmed."""
    return strip_control_characters(text).strip() if text else ""


def check_submitted_at(value: datetime, now: datetime) -> Problem | None:
    if value - now > FUTURE_TOLERANCE:
        return Problem("submitted_at", f"{value.isoformat()} is in the future")
    return None


def _list(asked: set[str]) -> str:
    order = [*SCORED_QUESTIONS, "comment"]
    return ", ".join(q for q in order if q in asked)


def pydantic_problems(errors: list[Any]) -> list[Problem]:
    """Turn pydantic error dicts into field/message problems."""
    problems = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p != "body"]
        problems.append(Problem(".".join(loc) or "(body)", error.get("msg", "invalid")))
    return problems
