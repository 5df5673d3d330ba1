"""Scheduled job: score comments that were stored unscored (a scoring failure never loses them)."""

from __future__ import annotations

import logging

from vocsvc.db import get_sessionmaker
from vocsvc.sentiment.service import rescore

log = logging.getLogger(__name__)


def score_unscored() -> int:
    """Score every stored comment without a sentiment score; returns how many were scored."""
    with get_sessionmaker()() as session, session.begin():
        scored = rescore(session, only_missing=True)
    if scored:
        log.info("scored %d comments that had been stored unscored", scored)
    return scored
