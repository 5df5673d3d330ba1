"""Scheduled job: snapshot last quarter's review of every journey on a quarter's first day."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from vocsvc.config import get_settings
from vocsvc.db import get_sessionmaker
from vocsvc.reviews.service import snapshot_last_quarter

log = logging.getLogger(__name__)


def generate_quarterly_reviews(
    now: datetime | None = None, sessions: sessionmaker[Session] | None = None
) -> int:
    """Create the missing snapshots of the quarter before `now`; returns how many were created."""
    moment = now or datetime.now(get_settings().tz)
    with (sessions or get_sessionmaker())() as session, session.begin():
        created = snapshot_last_quarter(session, moment.astimezone(get_settings().tz))
    for journey, period in created:
        log.info("review snapshot stored: %s %s", journey, period)
    return len(created)
