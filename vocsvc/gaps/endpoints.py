"""Gap analysis route."""

from __future__ import annotations

from fastapi import APIRouter

from vocsvc.analytics.readmodel import journey_view
from vocsvc.auth.dependencies import ViewerKey
from vocsvc.db import SessionDep
from vocsvc.errors import InvalidInput
from vocsvc.gaps.schemas import GapsReport
from vocsvc.gaps.service import gaps_report
from vocsvc.params import PeriodDep

router = APIRouter(prefix="/v1/journeys/{journey}", tags=["gaps"])


@router.get("/gaps", response_model=GapsReport)
def get_gaps(journey: str, session: SessionDep, period: PeriodDep, _key: ViewerKey) -> GapsReport:
    """Internal-vs-customer importance and performance gaps, IPA quadrants and priorities."""
    if period is None or period.kind == "range":
        raise InvalidInput("gaps need ?period= as a quarter, month or year (e.g. 2026Q3)",
                           details=[{"field": "period", "message": "required"}])  # fmt: skip
    return gaps_report(session, journey_view(session, journey), period)
