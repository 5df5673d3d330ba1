"""The journey as every read sees it: stages in order, touchpoints with owners, questions, targets.

Derived once from the process's journey snapshot (vocsvc.journeys.snapshots) and kept as long as
that snapshot is, so a dashboard load or a review reads the definition once, with no ORM walk.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy.orm import Session

from vocsvc.errors import NotFound
from vocsvc.journeys.snapshots import JourneySnapshot, journey_snapshot


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a stage, a touchpoint, a segment or a channel."""

    key: str
    label: str
    db_key: Any
    asks: frozenset[str] = frozenset()
    stage_key: str = ""
    moment_of_truth: bool = False
    targets: Mapping[str, float] = field(default_factory=dict)
    owner: str = ""  # touchpoints: the owning department


@dataclass(frozen=True)
class JourneyView:
    """A journey's active stages and touchpoints in journey order, as analytics groups them."""

    id: int
    key: str
    name: str
    stages: tuple[Group, ...]
    touchpoints: tuple[Group, ...]  # active and surveyed

    def groups(self, by: str) -> tuple[Group, ...]:
        """The stages (by "stage") or the touchpoints (by "touchpoint")."""
        if by not in ("stage", "touchpoint"):
            raise ValueError(f"a journey has no groups by {by!r}")
        return self.stages if by == "stage" else self.touchpoints

    def stage_name(self, key: str) -> str:
        return next((s.label for s in self.stages if s.key == key), key)


_views: weakref.WeakKeyDictionary[JourneySnapshot, JourneyView] = weakref.WeakKeyDictionary()
_views_lock = threading.Lock()


def journey_view(session: Session, key: str) -> JourneyView:
    """The read model of journey `key`, or NotFound."""
    snapshot = journey_snapshot(session, key)
    if snapshot is None:
        raise NotFound(f"journey '{key}' does not exist")
    return view_of(snapshot)


def view_of(snapshot: JourneySnapshot) -> JourneyView:
    """The read model derived from `snapshot`, built once per snapshot."""
    with _views_lock:
        view = _views.get(snapshot)
        if view is None:
            view = _views[snapshot] = _build(snapshot)
        return view


def _build(snapshot: JourneySnapshot) -> JourneyView:
    stages: list[Group] = []
    touchpoints: list[Group] = []
    for stage in snapshot.stages:
        if not stage.active:
            continue
        surveyed = [tp for tp in stage.touchpoints if tp.surveyed]
        asks = frozenset(q for tp in surveyed for q in tp.questions)
        stages.append(Group(stage.key, stage.name, stage.id, asks, stage.key))
        touchpoints.extend(
            Group(tp.key, tp.name, tp.id, frozenset(tp.questions), stage.key, tp.moment_of_truth,
                  MappingProxyType(dict(tp.targets)), tp.owner)
            for tp in surveyed
        )  # fmt: skip
    return JourneyView(snapshot.id, snapshot.key, snapshot.name, tuple(stages), tuple(touchpoints))
