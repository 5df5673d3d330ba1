"""Response routes: public submission, bulk import, listing and CSV export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from vocsvc.auth.dependencies import AdminKey, ViewerKey
from vocsvc.config import get_settings
from vocsvc.db import SessionDep, StreamSessionDep, UnitOfWorkDep
from vocsvc.errors import InvalidInput, MalformedJSON
from vocsvc.journeys.service import JourneySnapshot, get_journey
from vocsvc.params import PeriodDep, RawBodyDep
from vocsvc.responses import service
from vocsvc.responses.csv_io import csv_lines, parse_import_csv
from vocsvc.responses.repository import ResponseFilter, ResponseRepository
from vocsvc.responses.schemas import (
    CreatedOut,
    ImportedResponseIn,
    InsertedOut,
    PublicResponseIn,
    ResponseOut,
    ResponsePage,
)
from vocsvc.responses.validation import Problem, pydantic_problems
from vocsvc.responses.writer import get_answer_writer
from vocsvc.security.guard import require_allowed_origin

router = APIRouter(prefix="/v1", tags=["responses"])
public_router = APIRouter(prefix="/v1/public", tags=["public"])

# No NUL: PostgreSQL text cannot hold it (HTTP parsers refuse it too, but not every client).
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[^\x00]*$")
]


@public_router.post("/responses", response_model=CreatedOut, status_code=status.HTTP_201_CREATED)
async def submit_response(
    item: PublicResponseIn,
    request: Request,
    unit_of_work: UnitOfWorkDep,
    idempotency_key: IdempotencyKey = None,
) -> CreatedOut:
    """Store a customer's answer. The 201 is sent only after the answer is committed.

    A journey with `allowed_origins` takes answers from browsers only on those origins (403).
    """

    def check_origin(journey: JourneySnapshot) -> None:
        require_allowed_origin(request, journey.key, journey.allowed_origins)

    answer = service.PublicAnswer(item, idempotency_key, check_origin)
    submitted = await get_answer_writer().submit(answer, unit_of_work)
    return CreatedOut(id=submitted.id)


BULK_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["responses"],
                    "properties": {
                        "responses": {
                            "type": "array",
                            "items": ImportedResponseIn.model_json_schema(),
                        }
                    },
                }
            },
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/responses/bulk",
    response_model=InsertedOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=BULK_BODY_DOC,
)
def bulk_import(raw: RawBodyDep, session: SessionDep, _key: AdminKey) -> InsertedOut:
    """Import answers collected elsewhere (JSON or CSV); all rows are stored or none."""
    text, content_type = raw
    if content_type.startswith("text/csv"):
        items = parse_import_csv(text)
    else:
        items = _parse_bulk_json(text)
    return InsertedOut(inserted=service.import_bulk(session, items))


def _parse_bulk_json(text: str) -> list[ImportedResponseIn | list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedJSON(f"body is not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
        raise InvalidInput('expected {"responses": [...]} with at least one row')
    rows = data["responses"]
    if not rows or len(rows) > 50_000:
        raise InvalidInput("'responses' must hold 1 to 50,000 rows")
    parsed: list[ImportedResponseIn | list[Problem]] = []
    for row in rows:
        try:
            parsed.append(ImportedResponseIn.model_validate(row))
        except ValidationError as error:
            parsed.append(pydantic_problems(error.errors()))
    return parsed


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


def _out(row: Any, journey: str) -> ResponseOut:
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
    rows = ResponseRepository(session).listing(flt, before_id=cursor, limit=limit + 1)
    items = [_out(row, journey) for row in rows[:limit]]
    next_cursor = items[-1].id if len(rows) > limit else None
    return ResponsePage(items=items, next_cursor=next_cursor)


EXPORT_HEADER = [
    "id", "journey", "stage", "touchpoint", "survey_version", "submitted_at", "nps", "csat",
    "ces", "importance", "comment", "sentiment", "sentiment_label", "segment", "channel",
    "source", "respondent_hash",
]  # fmt: skip


@router.get("/journeys/{journey}/responses.csv", response_class=StreamingResponse)
def export_responses(
    journey: str, _key: ViewerKey, flt: FilterDep, stream_session: StreamSessionDep
) -> StreamingResponse:
    """Every matching response as CSV, streamed in id order (memory stays flat)."""
    tz = get_settings().tz

    def rows() -> Iterator[list[Any]]:
        for row in ResponseRepository(stream_session).stream(flt):
            r = row.Response
            yield [
                r.id, journey, row.stage_key, row.touchpoint_key, row.survey_version,
                r.submitted_at.astimezone(tz).isoformat(), r.nps, r.csat, r.ces,
                r.importance, r.comment, r.sentiment, r.sentiment_label, r.segment,
                r.channel, r.source, r.respondent_hash,
            ]  # fmt: skip

    headers = {"Content-Disposition": f'attachment; filename="{journey}-responses.csv"'}
    return StreamingResponse(
        csv_lines(EXPORT_HEADER, rows()), media_type="text/csv; charset=utf-8", headers=headers
    )
