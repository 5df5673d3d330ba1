"""Queries of the write side that are not the rollups': deleting answers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vocsvc.models import CaseEvent, FollowUpCase, Response, ResponseAspect, ResponseTerm


class EraseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ids_of_respondent(self, respondent_hash: str) -> list[int]:
        stmt = select(Response.id).where(Response.respondent_hash == respondent_hash)
        return [int(i) for i in self.session.scalars(stmt)]

    def delete(self, ids: Sequence[int]) -> int:
        """Delete answers and what hangs off them (explicitly: not every SQLite connection
        enforces foreign keys)."""
        deleted = 0
        for offset in range(0, len(ids), 5_000):
            part = list(ids[offset : offset + 5_000])
            cases = select(FollowUpCase.id).where(FollowUpCase.response_id.in_(part))
            self.session.execute(delete(CaseEvent).where(CaseEvent.case_id.in_(cases)))
            self.session.execute(delete(FollowUpCase).where(FollowUpCase.response_id.in_(part)))
            self.session.execute(delete(ResponseAspect).where(ResponseAspect.response_id.in_(part)))
            self.session.execute(delete(ResponseTerm).where(ResponseTerm.response_id.in_(part)))
            result = self.session.execute(delete(Response).where(Response.id.in_(part)))
            deleted += int(getattr(result, "rowcount", 0) or 0)
        return deleted
