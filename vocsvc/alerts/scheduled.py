"""Scheduled job: evaluate every alert rule on its latest complete period pair."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from vocsvc.alerts.service import evaluate
from vocsvc.db import get_sessionmaker
from vocsvc.models import utcnow

log = logging.getLogger(__name__)


def evaluate_alerts(
    now: datetime | None = None, sessions: sessionmaker[Session] | None = None
) -> int:
    """Fire the rules whose change is significant; returns how many alerts were new.

    Idempotent: each rule fires at most once per period pair, so any schedule (hourly, daily)
    is safe, and answers imported late can still raise an alert for the same pair.
    """
    with (sessions or get_sessionmaker())() as session, session.begin():
        fired = evaluate(session, now or utcnow())
    for alert in fired:
        log.warning("alert fired: %s", alert.message)
    return len(fired)
