"""Resolve an answer against its journey's snapshot and check it; every problem is reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from vocsvc.errors import Problem
from vocsvc.journeys.schemas import COMMENT_MAX_LENGTH, SCALES, SCORED_QUESTIONS
from vocsvc.journeys.snapshots import Catalog, TouchpointSnapshot
from vocsvc.responses.schemas import AnswerFields
from vocsvc.text.clean import strip_control_characters

# Clocks on customers' devices drift; an answer more than this far in the future is an error.
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A valid answer, resolved to its touchpoint, with its comment cleaned (not yet redacted)."""

    journey_id: int
    touchpoint: TouchpointSnapshot
    scores: dict[str, int]
    comment: str | None
    respondent: str | None
    segment: str | None
    channel: str | None


def clean_comment(text: str | None) -> str:
    """The comment as stored (before redaction): control characters dropped, ends trimmed."""
    return strip_control_characters(text).strip() if text else ""


def comment_fits(comment: str) -> bool:
    """A cleaned, non-empty comment within the survey's limit (one the store would take)."""
    return 0 < len(comment) <= COMMENT_MAX_LENGTH


def resolve(
    item: AnswerFields, comment: str, catalog: Catalog
) -> tuple[Resolved | None, list[Problem]]:
    """Resolve journey and touchpoint; check every answer, and the cleaned `comment`, against
    the touchpoint's survey."""
    journey = catalog.journey(item.journey)
    if journey is None:
        return None, [
            Problem(
                "journey",
                f"unknown journey '{item.journey}'",
                "unknown_journey",
                {"journey": item.journey},
            )
        ]
    tp = journey.touchpoint(item.touchpoint)
    if tp is None:
        message = f"journey '{item.journey}' has no touchpoint '{item.touchpoint}'"
        params = {"journey": item.journey, "touchpoint": item.touchpoint}
        return None, [Problem("touchpoint", message, "unknown_touchpoint", params)]
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
                Problem(
                    question,
                    f"this touchpoint's survey does not ask '{question}'",
                    "not_asked",
                    {"question": question},
                )
            )
        elif not low <= value <= high:
            problems.append(
                Problem(
                    question,
                    f"must be an integer from {low} to {high}, got {value}",
                    "out_of_range",
                    {"low": low, "high": high, "value": value},
                )
            )
        else:
            scores[question] = value
    if comment and "comment" not in asked:
        problems.append(
            Problem(
                "comment",
                "this touchpoint's survey does not ask for a comment",
                "comment_not_asked",
            )
        )
    elif len(comment) > COMMENT_MAX_LENGTH:
        problems.append(
            Problem(
                "comment",
                f"at most {COMMENT_MAX_LENGTH} characters, got {len(comment)}",
                "comment_too_long",
                {"max": COMMENT_MAX_LENGTH, "length": len(comment)},
            )
        )
    if not scores and not comment and not problems:
        problems.append(
            Problem("(body)", "no answer given: send at least one of " + _list(asked), "no_answer")
        )
    if problems:
        return None, problems
    return Resolved(
        journey_id=journey.id,
        touchpoint=tp,
        scores=scores,
        comment=comment or None,
        respondent=item.respondent or None,
        segment=item.segment or None,
        channel=item.channel or None,
    ), []


def check_submitted_at(value: datetime, now: datetime) -> Problem | None:
    if value - now > FUTURE_TOLERANCE:
        return Problem("submitted_at", f"{value.isoformat()} is in the future")
    return None


def _list(asked: set[str]) -> str:
    order = [*SCORED_QUESTIONS, "comment"]
    return ", ".join(q for q in order if q in asked)
