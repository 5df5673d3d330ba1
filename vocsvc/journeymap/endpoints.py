"""The journey overview route (the dashboard's map)."""

from __future__ import annotations

from fastapi import APIRouter

from vocsvc.analytics.readmodel import journey_view
from vocsvc.analytics.schemas import JourneyMap
from vocsvc.auth.dependencies import ViewerKey
from vocsvc.db import SessionDep
from vocsvc.journeymap.service import journey_map
from vocsvc.params import PeriodDep

router = APIRouter(prefix="/v1/journeys/{journey}", tags=["analytics"])


@router.get("/overview", response_model=JourneyMap)
def overview(journey: str, session: SessionDep, period: PeriodDep, _key: ViewerKey) -> JourneyMap:
    """The journey map in numbers: per stage NPS, CSAT, sentiment (the emotion curve) and n, the
    weakest stage ranked over every metric with intervals (aspects' positive shares included),
    and each card's colour and flags."""
    return journey_map(session, journey_view(session, journey), period)
