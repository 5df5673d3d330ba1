"""Staff ratings for the demo's gap analysis: several raters per touchpoint and quarter.

Staff see their own work differently from customers, in the ways CX teams keep finding: they
overrate how well the touchpoints they run perform (the queue "is not that long") and
underrate how much some touchpoints matter to customers (price labels, returns, acceptance).
The ratings go through the assessments domain, as a manager's upload would.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session

from vocsvc.assessments.schemas import AssessmentIn, RatingIn
from vocsvc.assessments.service import record_assessment
from vocsvc.journeys.schemas import JourneyDef

# What staff add to the customers' view (points on the 1-5 scale): performance overrated...
OVERRATED_PERFORMANCE: dict[str, float] = {
    "checkout": 1.1, "parking": 1.0, "membership": 0.8, "hotline": 0.9,
    "contract_terms": 1.2, "implementation": 1.0, "pricing": 0.7,
}  # fmt: skip
# ...and importance underrated.
UNDERRATED_IMPORTANCE: dict[str, float] = {
    "price_display": -1.4, "returns": -1.1, "delivery": -0.9, "fresh_produce": -0.6,
    "acceptance": -1.3, "service_desk": -1.1,
}  # fmt: skip
RATERS_PER_TOUCHPOINT = (4, 7)  # at least, at most (exclusive): one team's leads and staff


def quarters(start: datetime, end: datetime) -> list[str]:
    """The quarters (2026Q3) from `start` to `end`, the one in progress included."""
    labels = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        labels.append(f"{year}Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return labels


def load_staff_ratings(
    session: Session,
    journey: JourneyDef,
    rng: np.random.Generator,
    start: datetime,
    end: datetime,
    quality: dict[str, tuple[float, float]],
    importance: dict[str, float],
) -> int:
    """Rate every touchpoint of `journey` in every quarter of the demo; the ratings stored."""
    periods = quarters(start, end)
    stored = 0
    for index, period in enumerate(periods):
        progress = (index + 0.5) / len(periods)
        ratings: list[RatingIn] = []
        for stage in journey.stages:
            for tp in stage.touchpoints:
                first, last = quality.get(tp.key, (0.0, 0.0))
                # The customers' CSAT in the demo is about 3.7 + 1.1 × quality.
                performance = 3.7 + 1.1 * (first + (last - first) * progress)
                performance += OVERRATED_PERFORMANCE.get(tp.key, 0.0)
                weight = importance.get(tp.key, 3.5) + UNDERRATED_IMPORTANCE.get(tp.key, 0.0)
                raters = int(rng.integers(*RATERS_PER_TOUCHPOINT))
                for rater in range(raters):
                    leniency = rng.normal(0, 0.3)  # each rater's own habit, on both questions
                    ratings.append(
                        RatingIn(
                            touchpoint=tp.key,
                            rater=f"{tp.key}-staff-{rater + 1:02d}",
                            department=tp.owner,
                            importance=_score(weight + leniency + rng.normal(0, 0.6)),
                            performance=_score(performance + leniency + rng.normal(0, 0.6)),
                        )
                    )
        batch = AssessmentIn(journey=journey.key, period=period, ratings=ratings)
        stored += record_assessment(session, batch).stored
    return stored


def _score(value: float) -> int:
    return int(np.clip(round(value), 1, 5))
