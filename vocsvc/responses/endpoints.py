"""Response routes: listing and CSV export (answers come in through vocsvc.ingest)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from vocsvc.auth.dependencies import ViewerKey
from vocsvc.config import get_settings
from vocsvc.db import SessionDep, StreamSessionDep
from vocsvc.errors import InvalidInput, Problem, summary
from vocsvc.journeys.service import get_journey
from vocsvc.models import ResponseAspect
from vocsvc.params import PeriodDep
from vocsvc.responses.csv_io import csv_lines
from vocsvc.responses.repository import ResponseFilter, ResponseRepository
from vocsvc.responses.schemas import ResponseOut, ResponsePage

router = APIRouter(prefix="/v1", tags=["responses"])
NUL_MESSAGE = "must not contain a NUL (\\x00) character"


def response_filter(
    journey: str,
    session: SessionDep,
    window: PeriodDep,
    stage: str | None = None,
    touchpoint: str | None = None,
    segment: str | None = None,
    channel: str | None = None,
) -> ResponseFilter:
    """Filters shared by the listing and the CSV export."""
    # Checked before anything streams: PostgreSQL refuses a NUL in text only when the query
    # runs, which for the export is after the 200 and the header row were sent.
    texts = {"stage": stage, "touchpoint": touchpoint, "segment": segment, "channel": channel}
    if problems := [Problem(k, NUL_MESSAGE) for k, v in texts.items() if v and "\x00" in v]:
        raise InvalidInput(summary(problems), details=[p.to_dict() for p in problems])
    return ResponseFilter(
        journey_id=get_journey(session, journey).id,
        stage_key=stage,
        touchpoint_key=touchpoint,
        start=window.start if window else None,
        end=window.end if window else None,
        segment=segment,
        channel=channel,
    )


FilterDep = Annotated[ResponseFilter, Depends(response_filter)]


def _out(row: Any, journey: str, aspects: list[ResponseAspect]) -> ResponseOut:
    r = row.Response
    return ResponseOut(
        id=r.id,
        journey=journey,
        stage=row.stage_key,
        touchpoint=row.touchpoint_key,
        survey_version=row.survey_version,
        nps=r.nps,
        csat=r.csat,
        ces=r.ces,
        importance=r.importance,
        comment=r.comment,
        sentiment=r.sentiment,
        sentiment_label=r.sentiment_label,
        opinion=r.opinion,
        mixed=r.mixed,
        aspects=ResponseOut.aspects_of(aspects),
        segment=r.segment,
        channel=r.channel,
        source=r.source,
        submitted_at=r.submitted_at,
        received_at=r.received_at,
    )


@router.get("/journeys/{journey}/responses", response_model=ResponsePage)
def list_responses(
    journey: str,
    _key: ViewerKey,  # before the filter: no journey look-up for a caller without a key
    flt: FilterDep,
    session: SessionDep,
    cursor: Annotated[int | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ResponsePage:
    """Newest first; pass `next_cursor` back as `cursor` for the next page."""
    repo = ResponseRepository(session)
    rows = repo.listing(flt, before_id=cursor, limit=limit + 1)
    page = rows[:limit]
    aspects = repo.aspects_of([row.Response.id for row in page])
    items = [_out(row, journey, aspects.get(row.Response.id, [])) for row in page]
    next_cursor = items[-1].id if len(rows) > limit else None
    return ResponsePage(items=items, next_cursor=next_cursor)


EXPORT_HEADER = [
    "id", "journey", "stage", "touchpoint", "survey_version", "submitted_at", "nps", "csat",
    "ces", "importance", "comment", "sentiment", "sentiment_label", "opinion", "mixed",
    "aspects", "segment", "channel", "source", "respondent_hash",
]  # fmt: skip


@router.get("/journeys/{journey}/responses.csv", response_class=StreamingResponse)
def export_responses(
    journey: str, _key: ViewerKey, flt: FilterDep, stream_session: StreamSessionDep
) -> StreamingResponse:
    """Every matching response as CSV, streamed in id order (memory stays flat)."""
    tz = get_settings().tz

    def rows() -> Iterator[list[Any]]:
        for row, aspects in ResponseRepository(stream_session).stream_with_aspects(flt):
            r = row.Response
            yield [
                r.id, journey, row.stage_key, row.touchpoint_key, row.survey_version,
                r.submitted_at.astimezone(tz).isoformat(), r.nps, r.csat, r.ces,
                r.importance, r.comment, r.sentiment, r.sentiment_label, r.opinion, r.mixed,
                "; ".join(f"{a.aspect}:{a.polarity}" for a in aspects), r.segment,
                r.channel, r.source, r.respondent_hash,
            ]  # fmt: skip

    headers = {"Content-Disposition": f'attachment; filename="{journey}-responses.csv"'}
    return StreamingResponse(
        csv_lines(EXPORT_HEADER, rows()), media_type="text/csv; charset=utf-8", headers=headers
    )
