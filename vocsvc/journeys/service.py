"""Create and update journeys from definitions; changed questions make a new survey version."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vocsvc.errors import NotFound
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.journeys.schemas import (
    DEFAULT_PROMPTS_EN,
    DEFAULT_PROMPTS_ZH,
    SCALES,
    JourneyDef,
    JourneyOut,
    JourneySummary,
    Persona,
    PublicSurveyOut,
    StageDef,
    StageOut,
    SurveyQuestionOut,
    Targets,
    TouchpointDef,
    TouchpointOut,
)
from vocsvc.journeys.snapshots import JourneySnapshot, forget_snapshot_on_commit, journey_snapshot
from vocsvc.models import Journey, Stage, SurveyVersion, Touchpoint, utcnow


def upsert_journey(session: Session, definition: JourneyDef) -> tuple[Journey, bool]:
    """Create the journey or bring it in line with `definition`; returns (journey, created)."""
    repo = JourneyRepository(session)
    journey = repo.get_by_key(definition.key)
    created = journey is None
    if journey is None:
        journey = Journey(key=definition.key, name=definition.name)
        repo.add(journey)
    journey.name = definition.name
    journey.description = definition.description
    journey.personas = [p.model_dump() for p in definition.personas]
    journey.allowed_origins = (
        None if definition.allowed_origins is None else list(definition.allowed_origins)
    )
    journey.updated_at = utcnow()  # other processes see their copy is out of date
    forget_snapshot_on_commit(session, definition.key)

    stages_by_key = {s.key: s for s in journey.stages}
    touchpoints_by_key = {t.key: t for t in repo.touchpoints_of(journey.id)}
    # Stages and touchpoints missing from the new definition are retired, not deleted,
    # so the answers they collected keep counting in past periods.
    for stage in journey.stages:
        stage.active = False
    for touchpoint in touchpoints_by_key.values():
        touchpoint.active = False

    for position, stage_def in enumerate(definition.stages):
        stage = _sync_stage(repo, journey, stages_by_key.get(stage_def.key), stage_def, position)
        for tp_position, tp_def in enumerate(stage_def.touchpoints):
            _sync_touchpoint(repo, stage, touchpoints_by_key.get(tp_def.key), tp_def, tp_position)
    session.flush()
    # Reload collections so order and moved touchpoints reflect the new definition.
    session.expire_all()
    return journey, created


def _sync_stage(
    repo: JourneyRepository, journey: Journey, stage: Stage | None, spec: StageDef, position: int
) -> Stage:
    if stage is None:
        stage = Stage(journey_id=journey.id, key=spec.key, name=spec.name, position=position)
        repo.add(stage)
    stage.name, stage.position, stage.active = spec.name, position, True
    return stage


def _sync_touchpoint(
    repo: JourneyRepository, stage: Stage, tp: Touchpoint | None, spec: TouchpointDef, position: int
) -> None:
    if tp is None:
        tp = Touchpoint(journey_id=stage.journey_id, stage_id=stage.id, key=spec.key, position=0)
        tp.name = spec.name
        repo.add(tp)
    tp.stage_id = stage.id
    tp.name = spec.name
    tp.channel = spec.channel
    tp.owner = spec.owner
    tp.stage_side = spec.stage_side
    tp.moment_of_truth = spec.moment_of_truth
    tp.targets = spec.targets.model_dump(exclude_none=True)
    tp.position = position
    tp.active = True
    questions = list(spec.questions)
    prompts = dict(spec.prompts)
    current = tp.current_survey
    if current is None or current.questions != questions or current.prompts != prompts:
        survey = SurveyVersion(
            touchpoint_id=tp.id,
            version=repo.next_survey_version(tp.id),
            questions=questions,
            prompts=prompts,
        )
        repo.add(survey)
        tp.current_survey_id = survey.id
        tp.current_survey = survey


def get_journey(session: Session, key: str) -> Journey:
    """The journey with `key`, or NotFound."""
    journey = JourneyRepository(session).get_by_key(key)
    if journey is None:
        raise NotFound(f"journey '{key}' does not exist")
    return journey


def journey_out(journey: Journey) -> JourneyOut:
    """The API view of a journey: active stages and touchpoints in order."""
    return JourneyOut(
        key=journey.key,
        name=journey.name,
        description=journey.description,
        personas=[Persona.model_validate(p) for p in journey.personas],
        allowed_origins=journey.allowed_origins,
        stages=[
            StageOut(
                key=stage.key,
                name=stage.name,
                position=stage.position,
                touchpoints=[_touchpoint_out(tp) for tp in stage.touchpoints if tp.active],
            )
            for stage in journey.stages
            if stage.active
        ],
    )


def _touchpoint_out(tp: Touchpoint) -> TouchpointOut:
    survey = tp.current_survey
    return TouchpointOut(
        key=tp.key,
        name=tp.name,
        channel=tp.channel,
        owner=tp.owner,
        stage_side=tp.stage_side,
        moment_of_truth=tp.moment_of_truth,
        questions=list(survey.questions) if survey else [],
        survey_version=survey.version if survey else None,
        targets=Targets.model_validate(tp.targets or {}),
    )


def list_journeys(session: Session) -> list[JourneySummary]:
    """Every journey with its size."""
    return [
        JourneySummary(
            key=j.key,
            name=j.name,
            description=j.description,
            stages=sum(1 for s in j.stages if s.active),
            touchpoints=sum(1 for s in j.stages if s.active for t in s.touchpoints if t.active),
        )
        for j in JourneyRepository(session).list_all()
    ]


def public_journey(session: Session, key: str) -> JourneySnapshot:
    """The journey `key` as the public routes see it, or NotFound."""
    snapshot = journey_snapshot(session, key)
    if snapshot is None:
        raise NotFound(f"journey '{key}' does not exist")
    return snapshot


def public_survey(session: Session, journey_key: str, touchpoint_key: str) -> PublicSurveyOut:
    """The questions a customer is shown for one touchpoint."""
    return survey_of(public_journey(session, journey_key), touchpoint_key)


def survey_of(journey: JourneySnapshot, touchpoint_key: str) -> PublicSurveyOut:
    """The questions of one of `journey`'s active touchpoints, or NotFound."""
    tp = journey.touchpoint(touchpoint_key)
    if tp is None or tp.survey_version is None:
        raise NotFound(f"journey '{journey.key}' has no touchpoint '{touchpoint_key}'")
    questions = [
        SurveyQuestionOut(
            id=q,
            prompt=str(tp.prompts.get(q) or DEFAULT_PROMPTS_ZH[q]),
            prompt_en=DEFAULT_PROMPTS_EN[q],
            min=SCALES[q][0] if q in SCALES else None,
            max=SCALES[q][1] if q in SCALES else None,
            required=False,
        )
        for q in tp.questions
    ]
    return PublicSurveyOut(
        journey=journey.key,
        journey_name=journey.name,
        stage=tp.stage_key,
        stage_name=tp.stage_name,
        touchpoint=tp.key,
        touchpoint_name=tp.name,
        survey_version=tp.survey_version,
        questions=questions,
    )
