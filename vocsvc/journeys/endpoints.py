"""Journey routes: definitions (admin) and the public survey of a touchpoint."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from vocsvc.auth.dependencies import AdminKey, ViewerKey
from vocsvc.db import SessionDep
from vocsvc.journeys import service
from vocsvc.journeys.schemas import JourneyDef, JourneyOut, JourneySummary, PublicSurveyOut
from vocsvc.security.guard import require_allowed_origin

router = APIRouter(prefix="/v1", tags=["journeys"])
public_router = APIRouter(prefix="/v1/public", tags=["public"])


@router.post(
    "/journeys",
    response_model=JourneyOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "journey updated", "model": JourneyOut}},
)
def put_journey(
    definition: JourneyDef, session: SessionDep, _key: AdminKey, response: Response
) -> JourneyOut:
    """Create a journey (201) or update it (200); changed questions make a new survey version."""
    journey, created = service.upsert_journey(session, definition)
    if not created:
        response.status_code = status.HTTP_200_OK
    return service.journey_out(journey)


@router.get("/journeys", response_model=list[JourneySummary])
def list_journeys(session: SessionDep, _key: ViewerKey) -> list[JourneySummary]:
    return service.list_journeys(session)


@router.get("/journeys/{journey}", response_model=JourneyOut)
def get_journey(journey: str, session: SessionDep, _key: ViewerKey) -> JourneyOut:
    return service.journey_out(service.get_journey(session, journey))


@public_router.get(
    "/journeys/{journey}/touchpoints/{touchpoint}/survey", response_model=PublicSurveyOut
)
def get_public_survey(
    journey: str, touchpoint: str, session: SessionDep, request: Request
) -> PublicSurveyOut:
    """The questions to show a customer at this touchpoint (no key needed).

    A journey with `allowed_origins` answers browsers only from those origins (403 otherwise).
    """
    found = service.public_journey(session, journey)
    require_allowed_origin(request, found.key, found.allowed_origins)
    return service.survey_of(found, touchpoint)
