"""What follows a committed insert, in one order for every entry point: cases, events, rollup.

It runs in the insert's transaction: a case, an outbox event or a rollup count exists exactly
when its answer was committed. Nothing is sent here; the scheduler's `deliver_webhooks` job does
that, so ingest never waits on a receiver.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from vocsvc.cases.service import needs_case, open_cases
from vocsvc.config import get_settings
from vocsvc.ingest.schemas import ResponseCreatedEvent
from vocsvc.models import utcnow
from vocsvc.responses.records import StoredResponse
from vocsvc.rollups import service as rollup
from vocsvc.webhooks import service as webhooks


def after_store(session: Session, stored: Sequence[StoredResponse]) -> None:
    """Open follow-up cases, queue `response.created` and `case.opened`, count the rollup."""
    if not stored:
        return
    now = utcnow()
    to_follow_up = [s for s in stored if needs_case(s.response, now)]
    subscribed = webhooks.subscriptions(session)
    announce = subscribed.get(webhooks.RESPONSE_CREATED, ())
    if announce:
        events = [ResponseCreatedEvent.of(s).model_dump(mode="json") for s in stored]
        webhooks.emit(session, webhooks.RESPONSE_CREATED, events, announce)
    if to_follow_up:
        open_cases(session, to_follow_up, now, subscribed.get(webhooks.CASE_OPENED, ()))
    # The rollup's counter rows are the most contended: updated last, locked the shortest.
    rollup.record(session, stored, get_settings().tz)
