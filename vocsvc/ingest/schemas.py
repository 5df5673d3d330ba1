"""What ingest takes in bulk and what it announces."""

from __future__ import annotations

from pydantic import BaseModel

from vocsvc.responses.records import StoredResponse
from vocsvc.responses.schemas import AspectOut

# One import request: enough for a quarter of a large store's paper surveys, small enough to
# validate, score and insert in one transaction.
MAX_IMPORT_ROWS = 50_000


class ResponseCreatedEvent(BaseModel):
    """The `data` of a `response.created` webhook event."""

    id: int
    journey: str
    stage: str
    touchpoint: str
    nps: int | None
    csat: int | None
    ces: int | None
    importance: int | None
    comment: str | None
    sentiment: float | None
    sentiment_label: str | None
    opinion: bool | None
    mixed: bool
    aspects: list[AspectOut]
    segment: str | None
    channel: str | None
    source: str
    submitted_at: str  # ISO 8601 with its offset, as given
    respondent_hash: str | None

    @classmethod
    def of(cls, stored: StoredResponse) -> ResponseCreatedEvent:
        r, tp = stored.response, stored.touchpoint
        return cls(
            id=stored.id, journey=tp.journey_key, stage=tp.stage_key, touchpoint=tp.key,
            nps=r.nps, csat=r.csat, ces=r.ces, importance=r.importance, comment=r.comment,
            sentiment=r.sentiment, sentiment_label=r.sentiment_label, opinion=r.opinion,
            mixed=r.mixed, segment=r.segment,
            aspects=[AspectOut(aspect=m.aspect, polarity=m.polarity, text=m.text)
                     for m in r.aspects],
            channel=r.channel, source=r.source, submitted_at=r.submitted_at.isoformat(),
            respondent_hash=r.respondent_hash,
        )  # fmt: skip
