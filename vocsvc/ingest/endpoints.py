"""Routes that take answers in: a customer's answer, and bulk imports (JSON or CSV)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status
from pydantic import ValidationError

from vocsvc.auth.dependencies import AdminKey
from vocsvc.db import SessionDep, UnitOfWorkDep
from vocsvc.errors import InvalidInput, MalformedJSON, Problem, pydantic_problems
from vocsvc.ingest import pipeline
from vocsvc.ingest.csv_import import parse_import_csv
from vocsvc.ingest.schemas import MAX_IMPORT_ROWS
from vocsvc.ingest.writer import get_answer_writer
from vocsvc.params import RawBodyDep
from vocsvc.responses.schemas import CreatedOut, ImportedResponseIn, InsertedOut, PublicResponseIn
from vocsvc.security.guard import caller_origin, refuse_cors
from vocsvc.security.origins import OriginNotAllowed

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
    answer = pipeline.PublicAnswer(item, idempotency_key, caller_origin(request))
    try:
        submitted = await get_answer_writer().submit(answer, unit_of_work)
    except OriginNotAllowed:
        refuse_cors(request)
        raise
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
                            "minItems": 1,
                            "maxItems": MAX_IMPORT_ROWS,
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
    if not items or len(items) > MAX_IMPORT_ROWS:
        raise InvalidInput(f"an import holds 1 to {MAX_IMPORT_ROWS:,} rows, got {len(items):,}")
    return InsertedOut(inserted=pipeline.import_bulk(session, items))


def _parse_bulk_json(text: str) -> list[ImportedResponseIn | list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedJSON(f"body is not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
        raise InvalidInput('expected {"responses": [...]} with at least one row')
    parsed: list[ImportedResponseIn | list[Problem]] = []
    for row in data["responses"]:
        try:
            parsed.append(ImportedResponseIn.model_validate(row))
        except ValidationError as error:
            parsed.append(pydantic_problems(error.errors()))
    return parsed
