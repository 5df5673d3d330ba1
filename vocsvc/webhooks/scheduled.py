"""Scheduled job: send due webhook deliveries from the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from vocsvc.db import get_sessionmaker
from vocsvc.models import utcnow
from vocsvc.webhooks import service

log = logging.getLogger(__name__)

MAX_BATCHES = 20  # per run; a longer backlog is worked off by the following runs


def deliver_webhooks(
    now: datetime | None = None, sessions: sessionmaker[Session] | None = None
) -> int:
    """Send every due delivery (in batches); returns how many were delivered.

    No transaction is open while requests are in flight: claiming leases the rows and commits,
    so ingest never waits on a slow receiver, and a crash mid-batch only delays those rows.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    make = sessions or get_sessionmaker()
    delivered = 0
    for _ in range(MAX_BATCHES):
        with make() as session, session.begin():
            batch = service.claim_due(session, clock())
        outcomes = service.send_all(batch, clock)
        with make() as session, session.begin():
            service.record_outcomes(session, outcomes, clock())
        delivered += sum(o.ok for o in outcomes)
        if len(batch) < service.BATCH_SIZE:
            break
    if delivered:
        log.info("webhooks: %d deliveries sent", delivered)
    return delivered
