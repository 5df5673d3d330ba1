"""More simultaneous answers than request threads: all are stored and answered, none deadlock."""

from __future__ import annotations

import asyncio
from pathlib import Path

import anyio
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.types import Message, Receive, Scope, Send

from tests.support import override_sessions
from vocsvc.app import create_app
from vocsvc.config import REPO_ROOT, Settings
from vocsvc.db import build_engine
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import upgrade
from vocsvc.models import Response
from vocsvc.security.admission import AdmissionMiddleware

CLIENTS = 90  # over twice AnyIO's 40 request threads


@pytest.mark.parametrize("limit", [24, 4])
def test_answers_beyond_the_thread_pool_all_commit(tmp_path: Path, limit: int) -> None:
    # A real SQLite file with the write gate, and sessions that really commit: without
    # admission control every thread waits for the write lock that a request holding it can
    # release only after FastAPI finds it a thread to validate its response (no answer for 30 s).
    url = f"sqlite:///{tmp_path / 'admission.db'}"
    upgrade(url)
    engine = build_engine(url)
    with Session(engine) as session, session.begin():
        upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "retail.yaml"))
    settings = Settings(database_url=url, rate_limit_per_minute=0, max_concurrent_requests=limit)
    app = override_sessions(create_app(settings), lambda: Session(engine, expire_on_commit=False))

    async def answer_all() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

            async def answer(n: int) -> int:
                reply = await client.post(
                    "/v1/public/responses",
                    json={"journey": "retail", "touchpoint": "checkout", "nps": n % 11},
                    headers={"Idempotency-Key": f"admission-{n}"},
                )
                return reply.status_code

            return await asyncio.wait_for(
                asyncio.gather(*(answer(n) for n in range(CLIENTS))), timeout=20
            )

    assert asyncio.run(answer_all()) == [201] * CLIENTS
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Response)) == CLIENTS
    engine.dispose()


def test_a_request_takes_its_slot_only_once_its_body_is_in() -> None:
    # One slot; a client that sent its headers and stalls its body must not hold it.
    stalled_forever = anyio.Event()

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    admission = AdmissionMiddleware(route, limit=1)
    posted = [(b"content-length", b"1000")]

    async def stalled_body() -> Message:
        await stalled_forever.wait()
        return {"type": "http.disconnect"}

    async def whole_body() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def run() -> list[Message]:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(admission, {"type": "http", "headers": posted}, stalled_body, send)
            await anyio.sleep(0.01)
            with anyio.fail_after(5):
                await admission({"type": "http", "headers": posted}, whole_body, send)
            stalled_forever.set()  # the stalled client leaves: nothing is sent to it
        return sent

    assert [m.get("status") for m in anyio.run(run)] == [204, None]
