"""Internal assessment routes: staff rate touchpoints' importance and performance."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, status
from pydantic import ValidationError

from vocsvc.assessments.schemas import AssessmentIn, AssessmentOut
from vocsvc.assessments.service import parse_assessment_csv, record_assessment
from vocsvc.auth.dependencies import AssessorKey
from vocsvc.db import SessionDep
from vocsvc.errors import InvalidInput, MalformedJSON, pydantic_problems
from vocsvc.params import RawBodyDep

router = APIRouter(prefix="/v1", tags=["gaps"])

BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": AssessmentIn.model_json_schema()},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/assessments",
    response_model=AssessmentOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=BODY_DOC,
)
def post_assessment(
    raw: RawBodyDep,
    session: SessionDep,
    _key: AssessorKey,
    journey: str | None = Query(default=None, description="for text/csv bodies"),
    period: str | None = Query(default=None, description="for text/csv bodies"),
) -> AssessmentOut:
    """Store staff ratings (JSON, or CSV with ?journey=&period=); one bad rating rejects all."""
    text, content_type = raw
    if content_type.startswith("text/csv"):
        if not journey or not period:
            raise InvalidInput("a CSV upload needs ?journey= and ?period= query parameters")
        return record_assessment(session, parse_assessment_csv(journey, period, text))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedJSON(f"body is not valid JSON: {error}") from None
    try:
        assessment = AssessmentIn.model_validate(data)
    except ValidationError as error:
        problems = [p.to_dict() for p in pydantic_problems(error.errors())]
        raise InvalidInput(
            "; ".join(f"{p['field']}: {p['message']}" for p in problems), details=problems
        ) from None
    return record_assessment(session, assessment)
