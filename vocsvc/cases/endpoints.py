"""Follow-up case routes: the departments' work queue and its time-to-close figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vocsvc.auth.dependencies import ManagerKey, ViewerKey
from vocsvc.cases import service
from vocsvc.cases.repository import CaseFilter
from vocsvc.cases.schemas import CaseDetail, CasePage, CasePatch, CaseStats, CaseStatus
from vocsvc.db import SessionDep
from vocsvc.journeys.service import get_journey
from vocsvc.models import utcnow
from vocsvc.params import PeriodDep

router = APIRouter(prefix="/v1/cases", tags=["cases"])

AgeDays = Annotated[float | None, Query(ge=0, le=36500)]


def case_filter(
    session: SessionDep,
    journey: str | None = None,
    department: str | None = None,
    stage: str | None = None,
    touchpoint: str | None = None,
    status: CaseStatus | None = None,
    min_age_days: AgeDays = None,
    max_age_days: AgeDays = None,
) -> CaseFilter:
    """Filters of the case listing; ages count days since the case was opened."""
    now = utcnow()
    return CaseFilter(
        journey_id=get_journey(session, journey).id if journey else None,
        department=department,
        stage_key=stage,
        touchpoint_key=touchpoint,
        status=status,
        opened_before=now - timedelta(days=min_age_days) if min_age_days is not None else None,
        opened_after=now - timedelta(days=max_age_days) if max_age_days is not None else None,
    )


OPENING_RULE = (
    "Cases newest first. A case is opened for each contactable detractor: an answer with NPS ≤ 6,"
    " CSAT ≤ 2 or comment sentiment < 0.2 that carries a respondent id (stored only as its HMAC,"
    " which the CRM maps back; anonymous answers cannot be followed up and open no case) and was"
    " submitted within the last 30 days."
)


@router.get("", response_model=CasePage, description=OPENING_RULE)
def list_cases(
    flt: Annotated[CaseFilter, Depends(case_filter)],
    session: SessionDep,
    _key: ViewerKey,
    cursor: Annotated[int | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CasePage:
    """Cases newest first, filtered."""
    return service.list_cases(session, flt, cursor, limit)


@router.get("/stats", response_model=CaseStats)
def case_stats(
    session: SessionDep, period: PeriodDep, _key: ViewerKey, journey: str | None = None
) -> CaseStats:
    """Per department: open and closed cases, median and p90 hours to resolve."""
    journey_id = get_journey(session, journey).id if journey else None
    return service.case_stats(session, journey_id, journey, period)


@router.get("/{case_id}", response_model=CaseDetail)
def get_case(case_id: int, session: SessionDep, _key: ViewerKey) -> CaseDetail:
    """A case with the answer that opened it and its history (status changes, notes)."""
    return service.get_case(session, case_id)


@router.patch("/{case_id}", response_model=CaseDetail)
def update_case(case_id: int, patch: CasePatch, session: SessionDep, key: ManagerKey) -> CaseDetail:
    """Next status (open → contacted → resolved; any other move is 409), assignee, a note."""
    return service.update_case(session, case_id, patch, actor=key.name)
