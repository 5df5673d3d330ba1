"""A retry racing its first attempt (same Idempotency-Key) is stored once and gets its id."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.models import Response, ResponseDailyCount
from vocsvc.responses import service
from vocsvc.responses.repository import ResponseRepository
from vocsvc.responses.schemas import PublicResponseIn


def test_a_raced_retry_is_answered_with_the_first_id(
    session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = PublicResponseIn(journey="retail", touchpoint="checkout", nps=9, comment="很好")
    first = service.submit_public(session, item, "race-1")
    assert first.created
    # The retry's pre-check ran before the first attempt committed: it saw nothing.
    original = ResponseRepository.id_for_idempotency_key
    calls: list[str] = []

    def not_yet_visible(self: ResponseRepository, key: str) -> Any:
        calls.append(key)
        return None if len(calls) == 1 else original(self, key)

    monkeypatch.setattr(ResponseRepository, "id_for_idempotency_key", not_yet_visible)
    again = service.submit_public(session, item, "race-1")
    assert again == service.Submitted(first.id, created=False)
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    # Counted once in the rollup too.
    counted = session.scalar(
        select(func.sum(ResponseDailyCount.count)).where(ResponseDailyCount.metric == "nps")
    )
    assert counted == 1
