"""The closed loop on ingest: open follow-up cases and queue `response.created` events.

`responses.service` calls `on_responses_stored` right after inserting answers, in the same
transaction: a case or an outbox event exists exactly when its answer was committed. Nothing is
sent here; the scheduler's `deliver_webhooks` job does that, so ingest never waits on a receiver.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from vocsvc.cases.repository import CaseRepository, TouchpointInfo
from vocsvc.cases.service import needs_case, open_cases
from vocsvc.models import utcnow
from vocsvc.webhooks import service as webhooks

log = logging.getLogger(__name__)


def on_responses_stored(
    session: Session,
    rows: Sequence[Mapping[str, Any]],
    touchpoints: Mapping[int, TouchpointInfo] | None = None,
) -> None:
    """React to freshly inserted response rows (dicts as inserted, with their "id").

    `touchpoints`: the rows' touchpoints by id when the caller has them (else they are read).
    """
    now = utcnow()
    wanted = [needs_case(row, now) for row in rows]
    subscribed = webhooks.subscriptions(session)
    announce = subscribed.get(webhooks.RESPONSE_CREATED, ())
    if not announce and not any(wanted):
        return  # the common case costs one small query
    chosen = [row for row, want in zip(rows, wanted, strict=True) if announce or want]
    wanted_ids = {row["touchpoint_id"] for row in chosen}
    if touchpoints is None or not wanted_ids <= touchpoints.keys():
        touchpoints = CaseRepository(session).touchpoints(wanted_ids)
    found = [(row, int(row["id"])) for row in chosen]
    if announce:
        payloads = [_response_event(row, i, touchpoints[row["touchpoint_id"]]) for row, i in found]
        webhooks.emit(session, webhooks.RESPONSE_CREATED, payloads, announce)
    opened = [(row, i) for row, i in found if needs_case(row, now)]
    open_cases(session, opened, touchpoints, now, subscribed.get(webhooks.CASE_OPENED, ()))


def _response_event(row: Mapping[str, Any], response_id: int, tp: TouchpointInfo) -> dict[str, Any]:
    return {
        "id": response_id,
        "journey": tp.journey,
        "stage": tp.stage,
        "touchpoint": tp.touchpoint,
        **{k: row.get(k) for k in ("nps", "csat", "ces", "importance", "comment", "sentiment",
                                   "sentiment_label", "segment", "channel", "source")},
        "submitted_at": row["submitted_at"].isoformat(),
        "respondent_hash": row.get("respondent_hash"),
    }  # fmt: skip
