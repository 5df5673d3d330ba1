"""Aspects per stage or touchpoint: the "why" behind a stage's NPS."""

from __future__ import annotations

from fastapi import APIRouter

from vocsvc.analytics.readmodel import journey_view
from vocsvc.aspects.schemas import AspectsBy, AspectsReport
from vocsvc.aspects.service import aspects_report
from vocsvc.auth.dependencies import ViewerKey
from vocsvc.db import SessionDep
from vocsvc.params import PeriodDep

router = APIRouter(prefix="/v1/journeys/{journey}", tags=["text"])


@router.get("/aspects", response_model=AspectsReport)
def get_aspects(
    journey: str, session: SessionDep, period: PeriodDep, _key: ViewerKey, by: AspectsBy = "stage"
) -> AspectsReport:
    """Per group and aspect: comments mentioning it, negative and positive shares with Wilson
    intervals, changes against the previous period and the rest of the journey (p, BH q), and
    example clauses."""
    return aspects_report(session, journey_view(session, journey), by, period)
