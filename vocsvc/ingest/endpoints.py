"""Routes that take answers in: a customer's answer, and bulk imports (JSON or CSV)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status
from pydantic import ValidationError

from vocsvc.auth.dependencies import AdminKey
from vocsvc.db import ReadsOnly, SessionDep, UnitOfWorkDep
from vocsvc.errors import InvalidIdempotencyKey, InvalidInput, MalformedJSON, pydantic_problems
from vocsvc.ingest import pipeline
from vocsvc.ingest.csv_import import parse_import_csv
from vocsvc.ingest.schemas import MAX_IMPORT_ROWS, ImportRow, ImportRows
from vocsvc.ingest.writer import get_answer_writer
from vocsvc.origins import OriginNotAllowed
from vocsvc.params import RawBodyDep
from vocsvc.responses.schemas import CreatedOut, ImportedResponseIn, InsertedOut, PublicResponseIn
from vocsvc.security.guard import caller_origin, refuse_cors

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
    answer = pipeline.PublicAnswer(item, _checked_key(idempotency_key), caller_origin(request))
    try:
        submitted = await get_answer_writer().submit(answer, unit_of_work)
    except OriginNotAllowed:
        refuse_cors(request)
        raise
    return CreatedOut(id=submitted.id)


def _checked_key(key: str | None) -> str | None:
    # An empty header is no key (some clients send one when unset); blanks are a client's bug
    # that would otherwise silently turn idempotency off.
    if key and not key.strip():
        raise InvalidIdempotencyKey("Idempotency-Key must not be blank: send a key or none")
    return key


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
    # The rows are checked, redacted and scored on a read session; only their insert takes
    # the write transaction (on SQLite the write gate), see pipeline.import_bulk.
    dependencies=[ReadsOnly],
)
def bulk_import(
    raw: RawBodyDep, session: SessionDep, unit_of_work: UnitOfWorkDep, _key: AdminKey
) -> InsertedOut:
    """Import answers collected elsewhere (JSON or CSV); all rows are stored or none."""
    text, content_type = raw
    csv = content_type.startswith("text/csv")
    rows = parse_import_csv(text) if csv else _parse_bulk_json(text)
    if not 1 <= rows.count <= MAX_IMPORT_ROWS:
        raise InvalidInput(f"an import holds 1 to {MAX_IMPORT_ROWS:,} rows, got {rows.count:,}")
    return InsertedOut(inserted=pipeline.import_bulk(session, rows.rows, write=unit_of_work))


def _parse_bulk_json(text: str) -> ImportRows:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedJSON(f"body is not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
        raise InvalidInput('expected {"responses": [...]} with at least one row')
    rows: list[Any] = data["responses"]
    return ImportRows(len(rows), (_json_row(row) for row in rows))


def _json_row(row: Any) -> ImportRow:
    try:
        return ImportedResponseIn.model_validate(row)
    except ValidationError as error:
        return pydantic_problems(error.errors())
