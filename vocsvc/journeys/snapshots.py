"""Immutable copies of journey definitions, kept per process: what answering and reading need.

Ingest resolves every answer against a `JourneySnapshot` (touchpoint ids, survey version, the
owning department for cases); analytics derives its journey read model from the same copy, so a
definition is loaded once however many answers or reads use it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from vocsvc import process_cache
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.models import Journey
from vocsvc.process_cache import ProcessCopies, engine_of


@dataclass(frozen=True)
class TouchpointSnapshot:
    id: int
    key: str
    name: str
    journey_key: str
    stage_id: int
    stage_key: str
    stage_name: str
    owner: str  # the owning department
    channel: str | None
    moment_of_truth: bool
    position: int
    active: bool
    survey_id: int | None
    survey_version: int | None
    questions: tuple[str, ...]
    prompts: Mapping[str, str]
    targets: Mapping[str, float]

    @property
    def surveyed(self) -> bool:
        """Active and asking a survey: answers may be given to it."""
        return self.active and self.survey_id is not None


@dataclass(frozen=True)
class StageSnapshot:
    id: int
    key: str
    name: str
    position: int
    active: bool
    touchpoints: tuple[TouchpointSnapshot, ...]  # in journey order, retired ones included


@dataclass(frozen=True, eq=False)  # compared by identity: copies are kept and reused, not rebuilt
class JourneySnapshot:
    """An immutable copy of a journey's definition, as of `updated_at`."""

    id: int
    key: str
    name: str
    updated_at: datetime
    allowed_origins: tuple[str, ...] | None
    stages: tuple[StageSnapshot, ...]  # in journey order, retired ones included
    touchpoints: Mapping[str, TouchpointSnapshot]

    def touchpoint(self, key: str) -> TouchpointSnapshot | None:
        """The active, surveyed touchpoint `key`, or None."""
        tp = self.touchpoints.get(key)
        return tp if tp is not None and tp.surveyed else None


_snapshots: ProcessCopies[JourneySnapshot] = ProcessCopies(limit=256)


def forget_snapshot_on_commit(session: Session, key: str) -> None:
    """Code that changes journey `key` calls this: the copy is dropped now and on commit."""
    process_cache.forget_on_commit(session, _snapshots, key)


def journey_snapshot(session: Session, key: str) -> JourneySnapshot | None:
    """The journey `key`, or None when there is none."""
    return journey_snapshots(session, [key])[key]


def journey_snapshots(session: Session, keys: Collection[str]) -> dict[str, JourneySnapshot | None]:
    """The journeys `keys` (None for each that does not exist), with one small query at most.

    A copy confirmed within `catalog_recheck_seconds` is used without a query (see
    vocsvc.process_cache). The others are checked with one query of each journey's (id,
    updated_at); a journey, its stages, touchpoints and surveys are loaded again only when they
    differ. Every definition change goes through `upsert_journey`, which moves `updated_at`.
    """
    engine = engine_of(session)
    found: dict[str, JourneySnapshot | None] = {}
    to_check = []
    for key in keys:
        copy = _snapshots.fresh(engine, key)
        if copy is None:
            to_check.append(key)
        else:
            found[key] = copy
    if not to_check:
        return found
    read_at = process_cache.now()
    repo = JourneyRepository(session)
    versions = repo.versions(to_check)
    for key in to_check:
        version = versions.get(key)
        copy = _snapshots.any_age(engine, key)
        if version is None:
            found[key] = None  # unknown journeys are not kept: any string could be asked for
        elif copy is not None and (copy.id, copy.updated_at) == version:
            _snapshots.confirm(engine, key, copy, read_at)
            found[key] = copy
        else:
            found[key] = _load_snapshot(repo, engine, key, version, read_at)
    return found


def _load_snapshot(
    repo: JourneyRepository,
    engine: Engine,
    key: str,
    version: tuple[int, datetime],
    read_at: float,
) -> JourneySnapshot | None:
    journey = repo.get_by_key(key)
    if journey is None:
        return None
    snapshot = snapshot_of(journey)
    if (snapshot.id, snapshot.updated_at) == version:  # not changed between the two reads
        _snapshots.confirm(engine, key, snapshot, read_at)
    return snapshot


def snapshot_of(journey: Journey) -> JourneySnapshot:
    """The immutable copy of a loaded journey (not kept: `journey_snapshots` keeps copies)."""
    stages: list[StageSnapshot] = []
    touchpoints: dict[str, TouchpointSnapshot] = {}
    for stage in journey.stages:
        stage_touchpoints = []
        for tp in stage.touchpoints:
            survey = tp.current_survey
            snapshot = TouchpointSnapshot(
                id=tp.id,
                key=tp.key,
                name=tp.name,
                journey_key=journey.key,
                stage_id=stage.id,
                stage_key=stage.key,
                stage_name=stage.name,
                owner=tp.owner or "",
                channel=tp.channel,
                moment_of_truth=tp.moment_of_truth,
                position=tp.position,
                active=tp.active,
                survey_id=survey.id if survey else None,
                survey_version=survey.version if survey else None,
                questions=tuple(survey.questions) if survey else (),
                prompts=MappingProxyType(
                    {str(k): str(v) for k, v in (survey.prompts or {}).items()} if survey else {}
                ),
                targets=MappingProxyType({str(k): float(v) for k, v in (tp.targets or {}).items()}),
            )
            touchpoints[tp.key] = snapshot
            stage_touchpoints.append(snapshot)
        stages.append(
            StageSnapshot(
                id=stage.id,
                key=stage.key,
                name=stage.name,
                position=stage.position,
                active=stage.active,
                touchpoints=tuple(stage_touchpoints),
            )
        )
    origins = journey.allowed_origins
    return JourneySnapshot(
        id=journey.id,
        key=journey.key,
        name=journey.name,
        updated_at=journey.updated_at,
        allowed_origins=None if origins is None else tuple(origins),
        stages=tuple(stages),
        touchpoints=MappingProxyType(touchpoints),
    )


@dataclass
class Catalog:
    """The journeys a request or batch names, each looked up once."""

    session: Session
    journeys: dict[str, JourneySnapshot | None] = field(default_factory=dict)

    def journey(self, key: str) -> JourneySnapshot | None:
        if key not in self.journeys:
            self.journeys[key] = journey_snapshot(self.session, key)
        return self.journeys[key]

    def load(self, keys: Collection[str]) -> None:
        """Look up the journeys `keys` with one query (a batch's answers name several)."""
        missing = {key for key in keys if key not in self.journeys}
        if missing:
            self.journeys.update(journey_snapshots(self.session, missing))
