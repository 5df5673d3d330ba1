"""Record staff ratings of touchpoints: all of a batch or none of it."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from vocsvc.assessments.repository import AssessmentRepository
from vocsvc.assessments.schemas import AssessmentIn, AssessmentOut, RatingIn
from vocsvc.config import get_settings
from vocsvc.errors import InvalidInput, pydantic_problems
from vocsvc.journeys.service import get_journey
from vocsvc.journeys.snapshots import journey_snapshot
from vocsvc.models import utcnow
from vocsvc.periods import invalid_period, parse_period


def record_assessment(session: Session, assessment: AssessmentIn) -> AssessmentOut:
    """Store every rating or, if any is invalid, none; the error lists every bad rating."""
    journey = get_journey(session, assessment.journey)
    with invalid_period("period"):
        period = parse_period(assessment.period, get_settings().tz).label
    snapshot = journey_snapshot(session, journey.key)
    bad: list[dict[str, Any]] = []
    latest: dict[tuple[int, str], dict[str, Any]] = {}
    now = utcnow()
    for index, rating in enumerate(assessment.ratings):
        problems = []
        tp = snapshot.touchpoint(rating.touchpoint) if snapshot else None
        if tp is None:
            problems.append(
                {
                    "field": "touchpoint",
                    "message": f"journey '{journey.key}' has no touchpoint '{rating.touchpoint}'",
                }
            )
        for name in ("importance", "performance"):
            value = getattr(rating, name)
            if not 1 <= value <= 5:
                problems.append(
                    {"field": name, "message": f"must be an integer from 1 to 5, got {value}"}
                )
        if problems:
            bad.append({"index": index, "errors": problems})
            continue
        assert tp is not None
        # A rater rating the same touchpoint twice in one batch: the later rating wins.
        latest[(tp.id, rating.rater)] = {
            "journey_id": journey.id, "touchpoint_id": tp.id, "period": period,
            "rater": rating.rater, "department": rating.department,
            "importance": rating.importance, "performance": rating.performance,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
    if bad:
        total = len(assessment.ratings)
        raise InvalidInput(
            f"{len(bad)} of {total} ratings are invalid; nothing was stored", details=bad
        )
    repo = AssessmentRepository(session)
    replaced = repo.existing(period, list(latest))
    repo.upsert(list(latest.values()))
    return AssessmentOut(journey=journey.key, period=period, stored=len(latest), replaced=replaced)


def parse_assessment_csv(journey: str, period: str, text: str) -> AssessmentIn:
    """Ratings from CSV with columns touchpoint, rater, department, importance, performance."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    required = {"touchpoint", "rater", "importance", "performance"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput(f"CSV header lacks columns: {sorted(missing)}")
    ratings: list[RatingIn] = []
    bad: list[dict[str, Any]] = []
    for index, raw in enumerate(reader):
        try:
            values: dict[str, Any] = {
                k: (v or "").strip() for k, v in raw.items() if k in RatingIn.model_fields
            }
            for name in ("importance", "performance"):
                values[name] = int(values[name])
            ratings.append(RatingIn.model_validate(values))
        except ValueError as error:
            problems = (
                [p.to_dict() for p in pydantic_problems(error.errors())]
                if isinstance(error, ValidationError)
                else [{"field": "importance/performance", "message": "must be whole numbers 1-5"}]
            )
            bad.append({"index": index, "errors": problems})
    if bad:
        raise InvalidInput(f"{len(bad)} CSV rows are invalid; nothing was stored", details=bad)
    if not ratings:
        raise InvalidInput("the CSV has no ratings")
    return AssessmentIn(journey=journey, period=period, ratings=ratings)
