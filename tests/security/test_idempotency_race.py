"""Replays (same Idempotency-Key, same answer) are stored once and answered with the first
answer's id; the key with another answer is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vocsvc.config import REPO_ROOT
from vocsvc.errors import IdempotencyKeyReused, InvalidInput
from vocsvc.ingest.pipeline import PublicAnswer, Submitted, submit_public_batch
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.schemas import JourneyDef
from vocsvc.journeys.service import upsert_journey
from vocsvc.models import Response, ResponseDailyCount
from vocsvc.responses.records import KeyedAnswer
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
    original = ResponseRepository.answers_for_idempotency_keys

    def spy(self: ResponseRepository, keys: set[str]) -> dict[str, KeyedAnswer]:
        lookups.append(set(keys))
        return original(self, keys)

    monkeypatch.setattr(ResponseRepository, "answers_for_idempotency_keys", spy)
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
            answer("old", nps=7),  # a replay of an answer stored earlier
            answer("old", nps=3),  # the key again with another answer
            answer("old", nps=99),  # ... and with an invalid one: its validation error
            answer(None, nps=5),  # no key
            answer("", csat=4),  # an empty key is no key
            answer("c", touchpoint="nowhere", nps=5),
        ],
    )
    first, bad, repeat, replay, other, invalid, keyless, empty_key, nowhere = results
    assert isinstance(first, Submitted) and first.created
    assert isinstance(bad, InvalidInput) and "nps" in bad.message
    assert repeat == Submitted(first.id, created=False)
    assert replay == Submitted(earlier.id, created=False)
    assert isinstance(other, IdempotencyKeyReused)
    assert isinstance(invalid, InvalidInput) and "nps" in invalid.message
    assert isinstance(keyless, Submitted) and keyless.created
    assert isinstance(empty_key, Submitted) and empty_key.created
    assert isinstance(nowhere, InvalidInput) and "touchpoint" in nowhere.message
    assert len({first.id, keyless.id, empty_key.id, earlier.id}) == 4
    assert stored(session) == 4
    assert nps_counted(session) == 3  # old, a and the keyless one: each once


def test_a_retry_the_survey_no_longer_takes_still_gets_the_first_id(
    session: Session, retail: str
) -> None:
    earlier = submit_one(session, answer("before-the-change", nps=7))
    # The checkout survey stops asking for NPS; the same answer is then retried.
    definition = load_journey_file(REPO_ROOT / "surveys" / "retail.yaml").model_dump()
    for stage in definition["stages"]:
        for touchpoint in stage["touchpoints"]:
            if touchpoint["key"] == "checkout":
                touchpoint["questions"] = ["csat", "comment"]
    upsert_journey(session, JourneyDef.model_validate(definition))
    session.flush()
    [retried, fresh] = submit_public_batch(
        session, [answer("before-the-change", nps=7), answer("after-the-change", nps=7)]
    )
    assert retried == Submitted(earlier.id, created=False)
    assert isinstance(fresh, InvalidInput) and "nps" in fresh.message


def test_an_answer_stored_before_hashes_were_kept_matches_any_replay(
    session: Session, retail: str
) -> None:
    earlier = submit_one(session, answer("from-before", nps=7))
    session.execute(update(Response).where(Response.id == earlier.id).values(answer_hash=None))
    assert submit_one(session, answer("from-before", nps=3)) == Submitted(earlier.id, False)
