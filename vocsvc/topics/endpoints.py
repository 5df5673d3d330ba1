"""Pain-point and delight keywords per stage or touchpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from vocsvc.analytics.readmodel import journey_view
from vocsvc.auth.dependencies import ViewerKey
from vocsvc.db import SessionDep
from vocsvc.params import PeriodDep
from vocsvc.topics.schemas import Polarity, TopicsBy, TopicsReport
from vocsvc.topics.service import topics

router = APIRouter(prefix="/v1/journeys/{journey}", tags=["text"])


@router.get("/topics", response_model=TopicsReport)
def get_topics(
    journey: str,
    session: SessionDep,
    period: PeriodDep,
    _key: ViewerKey,
    by: TopicsBy = "stage",
    polarity: Polarity = "negative",
    top: Annotated[int, Query(ge=1, le=50)] = 10,
) -> TopicsReport:
    """Keywords that distinguish each group's negative (or positive) comments, with examples."""
    return topics(session, journey_view(session, journey), by, period, polarity, top)
