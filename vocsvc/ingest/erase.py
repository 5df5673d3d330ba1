"""Deleting answers (an erasure request, a retention sweep): rows and rollups together."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from vocsvc.config import get_settings
from vocsvc.ingest.repository import EraseRepository
from vocsvc.rollups import service as rollup


def delete_responses(session: Session, ids: Collection[int]) -> int:
    """Delete these answers with their aspects, terms and cases; take them out of every rollup
    in the same transaction. Returns how many were deleted."""
    before = rollup.facts_of(session, ids)
    deleted = EraseRepository(session).delete([f.id for f in before])
    rollup.remove(session, before, get_settings().tz)
    return deleted


def erase_respondent(session: Session, respondent_hash: str) -> int:
    """Delete every answer of one respondent (their stored hash); returns how many."""
    return delete_responses(session, EraseRepository(session).ids_of_respondent(respondent_hash))
