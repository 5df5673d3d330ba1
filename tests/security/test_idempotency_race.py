"""Replays (same Idempotency-Key) are stored once and answered with the first answer's id."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.errors import InvalidInput
from vocsvc.ingest.pipeline import PublicAnswer, Submitted, submit_public_batch
from vocsvc.models import Response, ResponseDailyCount
from vocsvc.responses.repository import ResponseRepository
from vocsvc.responses.schemas import PublicResponseIn


def submit_one(session: Session, answer: PublicAnswer) -> Submitted:
    [result] = submit_public_batch(session, [answer])
    assert isinstance(result, Submitted), result
    return result


def answer(key: str | None, **fields: object) -> PublicAnswer:
    item = PublicResponseIn.model_validate(
        {"journey": "retail", "touchpoint": "checkout", **fields}
    )
    return PublicAnswer(item, key)


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def nps_counted(session: Session) -> int:
    stmt = select(func.sum(ResponseDailyCount.count)).where(ResponseDailyCount.metric == "nps")
    return int(session.scalar(stmt) or 0)


def test_a_replay_is_found_by_the_insert_itself(
    session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = submit_one(session, answer("race-1", nps=9))
    assert first.created
    # A valid replay is not looked up first: the insert's ON CONFLICT finds it (as it does for
    # a retry racing in on another connection), and only then is its id looked up.
    lookups: list[set[str]] = []
    original = ResponseRepository.ids_for_idempotency_keys

    def spy(self: ResponseRepository, keys: set[str]) -> dict[str, int]:
        lookups.append(set(keys))
        return original(self, keys)

    monkeypatch.setattr(ResponseRepository, "ids_for_idempotency_keys", spy)
    again = submit_one(session, answer("race-1", nps=9))
    assert again == Submitted(first.id, created=False)
    assert {"race-1"} in lookups
    assert stored(session) == 1
    assert nps_counted(session) == 1  # counted once in the rollup too


def test_one_batch_sorts_out_every_kind_of_answer(session: Session, retail: str) -> None:
    earlier = submit_one(session, answer("old", nps=7))
    results = submit_public_batch(
        session,
        [
            answer("a", nps=10),
            answer("b", nps=11),  # out of range
            answer("a", nps=10),  # the same key twice in one batch: a retry
            answer("old", nps=3),  # a replay of an answer stored earlier
            answer("old", nps=99),  # a replay that would no longer pass: still the first id
            answer(None, nps=5),  # no key
            answer("", csat=4),  # an empty key is no key
            answer("c", touchpoint="nowhere", nps=5),
        ],
    )
    first, bad, repeat, replay, stale_replay, keyless, empty_key, nowhere = results
    assert isinstance(first, Submitted) and first.created
    assert isinstance(bad, InvalidInput) and "nps" in bad.message
    assert repeat == Submitted(first.id, created=False)
    assert replay == stale_replay == Submitted(earlier.id, created=False)
    assert isinstance(keyless, Submitted) and keyless.created
    assert isinstance(empty_key, Submitted) and empty_key.created
    assert isinstance(nowhere, InvalidInput) and "touchpoint" in nowhere.message
    assert len({first.id, keyless.id, empty_key.id, earlier.id}) == 4
    assert stored(session) == 4
    assert nps_counted(session) == 3  # old, a and the keyless one: each once
