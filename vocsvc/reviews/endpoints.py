"""Quarterly review routes: `/reports/2026Q3.json` and `/reports/2026Q3.html`."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from vocsvc.analytics.readmodel import journey_view
from vocsvc.auth.dependencies import ViewerKey
from vocsvc.config import get_settings
from vocsvc.db import SessionDep
from vocsvc.errors import InvalidInput
from vocsvc.periods import review_period
from vocsvc.reviews.schemas import ReviewOut
from vocsvc.reviews.service import get_review
from vocsvc.web.security import document_headers

router = APIRouter(prefix="/v1/journeys/{journey}", tags=["reviews"])


@router.get(
    "/reports/{report}",
    response_model=ReviewOut,
    responses={200: {"content": {"text/html": {}}}},
)
def get_report(
    journey: str, report: str, session: SessionDep, _key: ViewerKey
) -> ReviewOut | HTMLResponse:
    """The review of a period (`2026Q3.json` or `.html`; `latest`: the last complete quarter).

    The stored snapshot when one exists; a period that has not begun is refused
    (`period_not_begun`), one in progress is reviewed and says so.
    """
    label, _, fmt = report.partition(".")
    if fmt not in ("", "json", "html"):
        raise InvalidInput(f"unknown report format '.{fmt}': use .json or .html")
    period = review_period(label, datetime.now(get_settings().tz), "report")
    review = get_review(session, journey_view(session, journey), period)
    if fmt == "html":
        return HTMLResponse(review.html, headers=document_headers())
    return ReviewOut(**dict(review.content), snapshot=review.snapshot)
