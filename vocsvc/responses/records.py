"""A response as the store writes it and as it comes back stored: typed, not column dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vocsvc.journeys.snapshots import TouchpointSnapshot
from vocsvc.text.analysis import AspectMention
from vocsvc.text.keywords import TermMention

SCORE_FIELDS = ("nps", "csat", "ces", "importance")


@dataclass(frozen=True, slots=True)
class NewResponse:
    """One answer ready to insert: resolved to ids, its comment redacted and scored."""

    journey_id: int
    stage_id: int
    touchpoint_id: int
    survey_version_id: int
    nps: int | None
    csat: int | None
    ces: int | None
    importance: int | None
    comment: str | None
    sentiment: float | None
    sentiment_label: str | None
    sentiment_model: str | None
    opinion: bool | None
    mixed: bool
    respondent_hash: str | None
    segment: str | None
    channel: str | None
    source: str
    submitted_at: datetime
    received_at: datetime
    idempotency_key: str | None = None
    answer_hash: str | None = None  # with the key: what it was first used for
    aspects: tuple[AspectMention, ...] = ()  # rows of their own (response_aspects)
    terms: tuple[TermMention, ...] = ()  # rows of their own (response_terms)

    def values(self) -> dict[str, Any]:
        """The column values of the insert."""
        return {name: getattr(self, name) for name in _COLUMNS}

    def score(self, metric: str) -> int | None:
        """The answer to one scored question (nps, csat, ces, importance), or None."""
        value: int | None = getattr(self, metric)
        return value


@dataclass(frozen=True, slots=True)
class KeyedAnswer:
    """The answer stored under an Idempotency-Key: its id and the hash it was stored with."""

    id: int
    answer_hash: str | None  # None: stored before answers were hashed (migration 0007)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response just committed to the store, with the touchpoint it was given to."""

    id: int
    response: NewResponse
    touchpoint: TouchpointSnapshot


_COLUMNS = tuple(name for name in NewResponse.__slots__ if name not in ("aspects", "terms"))
