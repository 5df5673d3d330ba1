"""Comments stored before migration 0009 get their clause terms; the rebuild then counts them."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.rollups.test_rollups_exact import assert_exact, rows
from vocsvc.config import get_settings
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.models import Response, ResponseTerm
from vocsvc.rollups import service as rollup
from vocsvc.sentiment.service import backfill_terms


def test_old_comments_get_terms_and_are_counted(session: Session, retail: str) -> None:
    import_bulk(session, rows(200, 21))
    stored = session.scalar(select(func.count()).select_from(ResponseTerm))
    session.execute(delete(ResponseTerm))  # as a database migrated from 0008 has them
    commented = session.scalar(
        select(func.count()).where(Response.comment.is_not(None), Response.sentiment.is_not(None))
    )
    assert backfill_terms(session, batch=33) == commented
    assert session.scalar(select(func.count()).select_from(ResponseTerm)) == stored
    rollup.rebuild(session, get_settings().tz)
    assert_exact(session)
    assert backfill_terms(session) < commented  # only comments without any term are read again
