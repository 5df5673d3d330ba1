"""What ingest takes in bulk and what it announces."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import field_serializer

from vocsvc.errors import Problem
from vocsvc.responses.records import StoredResponse
from vocsvc.responses.schemas import AnswerOut, AspectOut, ImportedResponseIn

# One import request: enough for a quarter of a large store's paper surveys, small enough to
# insert in one transaction (on SQLite other writers wait for that insert).
MAX_IMPORT_ROWS = 50_000
# Rows validated, scored or inserted at a time: what an import holds beyond its compact
# records (pydantic models, the scoring model's features, a statement's parameters).
IMPORT_CHUNK_ROWS = 1_000

ImportRow = ImportedResponseIn | list[Problem]  # a row as parsed, or what is wrong with it


@dataclass(frozen=True)
class ImportRows:
    """An import's rows, counted up front and parsed as they are read."""

    count: int
    rows: Iterable[ImportRow]

    @classmethod
    def of(cls, rows: Sequence[ImportRow]) -> ImportRows:
        return cls(len(rows), rows)


class ResponseCreatedEvent(AnswerOut):
    """The `data` of a `response.created` webhook event."""

    id: int
    journey: str
    stage: str
    touchpoint: str
    source: str
    respondent_hash: str | None

    @field_serializer("submitted_at")
    def _with_its_offset(self, value: datetime) -> str:
        return value.isoformat()  # as given (+08:00 stays +08:00; UTC is +00:00, not Z)

    @classmethod
    def of(cls, stored: StoredResponse) -> ResponseCreatedEvent:
        r, tp = stored.response, stored.touchpoint
        return cls(
            id=stored.id, journey=tp.journey_key, stage=tp.stage_key, touchpoint=tp.key,
            nps=r.nps, csat=r.csat, ces=r.ces, importance=r.importance, comment=r.comment,
            sentiment=r.sentiment, sentiment_label=r.sentiment_label, opinion=r.opinion,
            mixed=r.mixed, segment=r.segment, channel=r.channel, source=r.source,
            aspects=[AspectOut(aspect=m.aspect, polarity=m.polarity, text=m.text)
                     for m in r.aspects],
            submitted_at=r.submitted_at, respondent_hash=r.respondent_hash,
        )  # fmt: skip
