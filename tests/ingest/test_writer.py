"""The answer writer: concurrent answers share transactions, and a bad one fails alone."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support import reuse
from vocsvc.db import UnitOfWork, committing
from vocsvc.ingest.pipeline import PublicAnswer, Submitted
from vocsvc.ingest.writer import AnswerWriter
from vocsvc.models import Response
from vocsvc.responses.records import StoredResponse
from vocsvc.responses.schemas import PublicResponseIn
from vocsvc.rollups import service as rollup


def committing_after(gate: threading.Event, session: Session) -> UnitOfWork:
    """The test's session as a unit of work that starts once `gate` is set."""
    unit = committing(reuse(session))

    @contextmanager
    def unit_of_work() -> Iterator[Session]:
        gate.wait(10)
        with unit() as same:
            yield same

    return unit_of_work


def answer(n: int, key: str | None = None) -> PublicAnswer:
    item = PublicResponseIn(journey="retail", touchpoint="checkout", nps=n % 11)
    return PublicAnswer(item, key)


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def submit_queued(writer: AnswerWriter, answers: list[PublicAnswer], session: Session) -> list[Any]:
    """Submit all answers while the writer's first transaction waits: they queue up together."""
    gate = threading.Event()
    unit_of_work = committing_after(gate, session)

    async def run() -> list[Any]:
        tasks = [asyncio.ensure_future(writer.submit(a, unit_of_work)) for a in answers]
        await asyncio.sleep(0.05)
        gate.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    try:
        return asyncio.run(run())
    finally:
        writer.close()


def test_answers_queued_during_a_write_share_the_next_transaction(
    session: Session, retail: str
) -> None:
    writer = AnswerWriter()
    results = submit_queued(writer, [answer(n, f"w-{n}") for n in range(40)], session)
    assert all(isinstance(r, Submitted) and r.created for r in results)
    assert len({r.id for r in results}) == 40 and stored(session) == 40
    assert writer.batches <= 2  # the first answer (or a few), then all who queued meanwhile


def test_a_batch_that_fails_is_retried_answer_by_answer(
    session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = rollup.record

    def fail_on_zero(session: Session, stored: list[StoredResponse], tz: Any) -> None:
        if any(s.response.nps == 0 for s in stored):
            raise RuntimeError("the database refused this one")
        original(session, stored, tz)

    monkeypatch.setattr(rollup, "record", fail_on_zero)
    answers = [answer(n, f"f-{n}") for n in range(1, 6)] + [answer(0)]
    results = submit_queued(AnswerWriter(), answers, session)
    *good, bad = results
    assert all(isinstance(r, Submitted) and r.created for r in good)
    assert isinstance(bad, RuntimeError) and "refused" in str(bad)
    assert stored(session) == 5


def test_a_client_that_stops_waiting_leaves_the_writer_working(
    session: Session, retail: str
) -> None:
    writer = AnswerWriter()
    gate = threading.Event()
    unit = committing_after(gate, session)

    async def run() -> Submitted:
        gone = asyncio.ensure_future(writer.submit(answer(1, "gone"), unit))
        await asyncio.sleep(0.01)
        gone.cancel()  # the customer closed the page before the answer was stored
        gate.set()
        return await writer.submit(answer(2, "next"), unit)

    try:
        after = asyncio.run(run())
    finally:
        writer.close()
    assert after.created
    # the cancelled answer was stored anyway: its retry would get this id back
    assert session.scalar(select(Response.id).where(Response.idempotency_key == "gone"))
    assert stored(session) == 2


def test_closing_writes_what_is_queued_first(session: Session, retail: str) -> None:
    writer = AnswerWriter(max_batch=3)
    gate = threading.Event()
    unit_of_work = committing_after(gate, session)

    async def run() -> list[Any]:
        tasks = [asyncio.ensure_future(writer.submit(answer(n, f"c-{n}"), unit_of_work))
                 for n in range(10)]  # fmt: skip
        await asyncio.sleep(0.05)
        closing = asyncio.get_running_loop().run_in_executor(None, writer.close)
        await asyncio.sleep(0.05)  # close() has queued its stop behind the ten answers
        gate.set()
        await closing
        return await asyncio.gather(*tasks)

    results = asyncio.run(run())
    assert all(isinstance(r, Submitted) and r.created for r in results)
    assert stored(session) == 10 and writer.batches >= 4  # batches of at most three


def test_a_batch_stores_every_text_and_missing_score_exactly(session: Session, retail: str) -> None:
    # On PostgreSQL a batch travels as one array per column: quoting, braces, the word NULL,
    # backslashes and emoji must come back as sent, and a missing score as NULL.
    comments = ['说"好"，{价格}贵', "NULL", "a,b\\c", "服务很好👍", "'; DROP TABLE x; --"]
    answers = [
        PublicAnswer(
            PublicResponseIn(journey="retail", touchpoint="checkout", nps=n, comment=comment),
            f"text-{n}",
        )
        for n, comment in enumerate(comments)
    ]
    answers.append(PublicAnswer(PublicResponseIn(journey="retail", touchpoint="checkout", csat=4)))
    results = submit_queued(AnswerWriter(), answers, session)
    assert all(isinstance(r, Submitted) and r.created for r in results)
    rows = {
        r.id: r
        for r in session.execute(select(Response).where(Response.id.in_([r.id for r in results])))
        .scalars()
        .all()
    }
    for result, sent in zip(results, answers, strict=True):
        row = rows[result.id]
        assert (row.comment, row.nps, row.csat) == (
            sent.item.comment,
            sent.item.nps,
            sent.item.csat,
        )
        assert row.idempotency_key == sent.idempotency_key
        assert (row.sentiment is None) == (sent.item.comment is None)
