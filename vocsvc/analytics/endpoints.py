"""Analytics routes: NPS, CSAT and sentiment breakdowns, trends and the journey overview."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from vocsvc.analytics import views
from vocsvc.analytics.readmodel import journey_view
from vocsvc.analytics.schemas import (
    CSATReport,
    NPSReport,
    PeriodCatalogue,
    SentimentReport,
    TrendReport,
)
from vocsvc.analytics.service import breakdown, period_report
from vocsvc.auth.dependencies import ViewerKey
from vocsvc.config import get_settings
from vocsvc.db import SessionDep
from vocsvc.params import PeriodDep
from vocsvc.periods import begun, period_of

router = APIRouter(prefix="/v1/journeys/{journey}", tags=["analytics"])

By = Annotated[Literal["stage", "touchpoint", "segment", "channel"], Query()]


@router.get("/nps", response_model=NPSReport)
def nps(
    journey: str, session: SessionDep, period: PeriodDep, _key: ViewerKey, by: By = "stage"
) -> NPSReport:
    """NPS per group with adjusted-Wald intervals and the change against the previous period."""
    view = journey_view(session, journey)
    overall, rows = breakdown(session, view, "nps", by, period)
    return NPSReport(by=by, period=period_report(session, view, period), overall=overall, rows=rows)


@router.get("/csat", response_model=CSATReport)
def csat(
    journey: str, session: SessionDep, period: PeriodDep, _key: ViewerKey, by: By = "stage"
) -> CSATReport:
    """CSAT mean (t interval) and top-2-box share (Wilson interval) per group."""
    view = journey_view(session, journey)
    overall, rows = breakdown(session, view, "csat", by, period)
    return CSATReport(
        by=by, period=period_report(session, view, period), overall=overall, rows=rows
    )


@router.get("/sentiment", response_model=SentimentReport)
def sentiment(
    journey: str, session: SessionDep, period: PeriodDep, _key: ViewerKey, by: By = "stage"
) -> SentimentReport:
    """Mean comment sentiment and share negative per group."""
    view = journey_view(session, journey)
    overall, rows = breakdown(session, view, "sentiment", by, period)
    return SentimentReport(
        by=by, period=period_report(session, view, period), overall=overall, rows=rows
    )


@router.get("/trend", response_model=TrendReport)
def trend(
    journey: str,
    session: SessionDep,
    _key: ViewerKey,
    metric: Literal["nps", "csat", "sentiment"] = "nps",
    interval: Literal["month", "quarter"] = "quarter",
    by: Literal["journey", "stage", "touchpoint", "segment", "channel"] = "journey",
    periods: Annotated[int, Query(ge=2, le=36, description="how many periods")] = 4,
    until: Annotated[
        date | None, Query(description="a day in the last period (default today)")
    ] = None,
) -> TrendReport:
    """Each period's value with its interval and change against the period before."""
    tz = get_settings().tz
    end = datetime.combine(until, time(12), tzinfo=tz) if until else datetime.now(tz)
    begun(period_of(end, interval, tz), datetime.now(tz), "until")
    return views.trend(session, journey_view(session, journey), metric, interval, by, end, periods)


@router.get("/periods", response_model=PeriodCatalogue)
def periods(
    journey: str,
    session: SessionDep,
    _key: ViewerKey,
    interval: Literal["month", "quarter"] = "quarter",
    count: Annotated[int, Query(ge=1, le=40, description="how many periods")] = 8,
) -> PeriodCatalogue:
    """The periods to choose from: the default (last complete), the one in progress, 无数据 ones."""
    now = datetime.now(get_settings().tz)
    return views.period_catalogue(session, journey_view(session, journey), interval, count, now)
