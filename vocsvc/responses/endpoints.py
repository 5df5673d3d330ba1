"""Response routes: listing and CSV export (answers come in through vocsvc.ingest)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

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
from vocsvc.responses.export import EXPORT_COLUMNS, EXPORT_COLUMNS_ZH, export_row
from vocsvc.responses.repository import ListingPosition, ResponseFilter, ResponseRepository
from vocsvc.responses.schemas import NamedKey, ResponseFilters, ResponseOut, ResponsePage
from vocsvc.text.aspects import ASPECTS

ASPECT_NAMES = tuple(a.key for a in ASPECTS)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

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
    only_detractors: Annotated[
        bool, Query(description="only NPS 0-6 or CSAT 1-2 (the follow-up rule's scores)")
    ] = False,
    with_comment: Annotated[bool, Query(description="only answers with a comment")] = False,
    q: Annotated[
        str | None, Query(max_length=200, description="text in the comment (any case)")
    ] = None,
    aspect: Annotated[
        str | None, Query(description="the comment mentions this aspect (a key of /filters)")
    ] = None,
    mixed: Annotated[
        bool | None, Query(description="true: comment and scores disagree; false: they agree")
    ] = None,
) -> ResponseFilter:
    """Filters shared by the listing and the CSV export."""
    # Checked before anything streams: PostgreSQL refuses a NUL in text only when the query
    # runs, which for the export is after the 200 and the header row were sent.
    texts = {"stage": stage, "touchpoint": touchpoint, "segment": segment, "channel": channel,
             "q": q, "aspect": aspect}  # fmt: skip
    if problems := [Problem(k, NUL_MESSAGE) for k, v in texts.items() if v and "\x00" in v]:
        raise InvalidInput(summary(problems), details=[p.to_dict() for p in problems])
    if aspect and aspect not in ASPECT_NAMES:
        message = f"unknown aspect '{aspect}': one of {', '.join(ASPECT_NAMES)}"
        raise InvalidInput(message, details=[Problem("aspect", message).to_dict()])
    return ResponseFilter(
        journey_id=get_journey(session, journey).id,
        stage_key=stage,
        touchpoint_key=touchpoint,
        start=window.start if window else None,
        end=window.end if window else None,
        segment=segment,
        channel=channel,
        only_detractors=only_detractors,
        with_comment=with_comment,
        text=(q or "").strip() or None,
        aspect=aspect or None,
        mixed=mixed,
    )


FilterDep = Annotated[ResponseFilter, Depends(response_filter)]


def encode_cursor(position: ListingPosition) -> str:
    """An opaque page position: the last row's submission time (µs since the epoch) and id."""
    micros = round(position.submitted_at.timestamp() * 1_000_000)
    return f"{micros}_{position.id}"


def decode_cursor(cursor: str | None) -> ListingPosition | None:
    if not cursor:
        return None
    micros, _, ident = cursor.partition("_")
    try:
        at = EPOCH + timedelta(microseconds=int(micros))
        return ListingPosition(at, int(ident))
    except (ValueError, OverflowError):
        message = "not a cursor this listing gave: pass back next_cursor as it came"
        raise InvalidInput(message, details=[Problem("cursor", message).to_dict()]) from None


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
    cursor: Annotated[
        str | None, Query(max_length=64, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ResponsePage:
    """Newest submission first; pass `next_cursor` back as `cursor` for the next page."""
    repo = ResponseRepository(session)
    rows = repo.listing(flt, after=decode_cursor(cursor), limit=limit + 1)
    page = rows[:limit]
    aspects = repo.aspects_of([row.Response.id for row in page])
    items = [_out(row, journey, aspects.get(row.Response.id, [])) for row in page]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1].Response
        next_cursor = encode_cursor(ListingPosition(last.submitted_at, last.id))
    return ResponsePage(items=items, next_cursor=next_cursor)


@router.get("/journeys/{journey}/responses/filters", response_model=ResponseFilters)
def response_filters(journey: str, _key: ViewerKey, session: SessionDep) -> ResponseFilters:
    """What the listing's `aspect` filter takes, with the names a CX team reads."""
    get_journey(session, journey)
    return ResponseFilters(aspects=[NamedKey(key=a.key, name=a.name) for a in ASPECTS])


@router.get("/journeys/{journey}/responses.csv", response_class=StreamingResponse)
def export_responses(
    journey: str,
    _key: ViewerKey,
    flt: FilterDep,
    stream_session: StreamSessionDep,
    names: Annotated[
        Literal["keys", "zh"],
        Query(description="zh: Chinese column names, stage/touchpoint/aspect names and labels"),
    ] = "keys",
) -> StreamingResponse:
    """Every matching response as CSV (UTF-8 with a BOM, for Excel), streamed in id order."""
    tz = get_settings().tz
    columns = EXPORT_COLUMNS_ZH if names == "zh" else EXPORT_COLUMNS

    def rows() -> Iterator[list[Any]]:
        for row, aspects in ResponseRepository(stream_session).stream_with_aspects(flt):
            yield export_row(row, aspects, journey, tz, chinese=names == "zh")

    filename = f"{journey}-responses.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(
        csv_lines(columns, rows(), bom=True), media_type="text/csv; charset=utf-8", headers=headers
    )
