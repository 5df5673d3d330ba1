"""PostgreSQL connections: pinged only after sitting idle; a lost one costs no answer; while
the database is down, requests get 503 with Retry-After and nothing is acknowledged."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tests.support import CuttableProxy, free_port, fresh_postgres_schema
from vocsvc import db
from vocsvc.config import REPO_ROOT
from vocsvc.ingest.pipeline import PublicAnswer, Submitted
from vocsvc.ingest.writer import AnswerWriter
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import upgrade
from vocsvc.models import Response
from vocsvc.responses.schemas import PublicResponseIn

ADMIN_KEY = "voc_test_outage_admin_key_not_secret"


@pytest.fixture
def pg_engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh, migrated schema holding the retail journey (committed)."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL connections")
    with fresh_postgres_schema(database_url, "vocsvc_test_connections") as url:
        upgrade(url, "head")
        engine = db.build_engine(url)
        with sessionmaker(bind=engine)() as session:
            upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "retail.yaml"))
            session.commit()
        yield engine
        engine.dispose()


def backend_of_pooled_connection(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def terminate(engine: Engine, backend: int) -> None:
    """Drop a connection from the server side, as a database restart or failover does."""
    other = create_engine(engine.url.render_as_string(hide_password=False))  # not from the pool
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    other.dispose()


def test_a_connection_idle_past_the_limit_is_pinged_and_replaced(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    dropped = backend_of_pooled_connection(pg_engine)  # the pool's only connection
    terminate(pg_engine, dropped)
    monkeypatch.setattr(db._PingWhenIdle, "IDLE_S", 0.0)  # every checkout counts as idle
    assert backend_of_pooled_connection(pg_engine) != dropped


def test_a_recently_used_connection_is_not_pinged(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminate(pg_engine, backend_of_pooled_connection(pg_engine))
    monkeypatch.setattr(db._PingWhenIdle, "IDLE_S", 3600.0)
    with pytest.raises(DBAPIError) as failed:
        backend_of_pooled_connection(pg_engine)
    assert failed.value.connection_invalidated
    backend_of_pooled_connection(pg_engine)  # the pool has replaced its connections


def test_an_answer_whose_connection_was_dropped_is_stored_on_a_new_one(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db._PingWhenIdle, "IDLE_S", 3600.0)  # recently used: no ping
    unit_of_work = db.committing(sessionmaker(bind=pg_engine, expire_on_commit=False))
    writer = AnswerWriter()

    def submit(key: str) -> Submitted:
        item = PublicResponseIn(journey="retail", touchpoint="checkout", nps=9)
        return asyncio.run(writer.submit(PublicAnswer(item, key), unit_of_work))

    try:
        assert submit("before").created
        terminate(pg_engine, backend_of_pooled_connection(pg_engine))  # the writer's connection
        assert submit("after").created  # its first attempt failed on the dropped connection
        assert writer.batches == 2
    finally:
        writer.close()
    with pg_engine.connect() as conn:
        keys = conn.execute(select(Response.idempotency_key)).scalars().all()
        assert sorted(keys) == ["after", "before"]


@pytest.fixture
def outage(database_url: str) -> Iterator[tuple[str, str, CuttableProxy]]:
    """(direct URL, URL through a cuttable proxy, the proxy) of a fresh schema with the journeys."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("a PostgreSQL outage")
    with fresh_postgres_schema(database_url, "vocsvc_test_outage") as url:
        upgrade(url, "head")
        engine = db.build_engine(url)
        with sessionmaker(bind=engine)() as session:
            upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "retail.yaml"))
            session.commit()
        engine.dispose()
        direct = make_url(url)
        proxy = CuttableProxy((direct.host or "127.0.0.1", direct.port or 5432))
        proxy.start()
        proxied = direct.set(host="127.0.0.1", port=proxy.port)
        try:
            yield url, proxied.render_as_string(hide_password=False), proxy
        finally:
            proxy.cut()


def _keys_stored(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            stmt = select(Response.idempotency_key).order_by(Response.id)
            return [str(k) for k in conn.execute(stmt).scalars()]
    finally:
        engine.dispose()


def _post(connection: http.client.HTTPConnection, key: str) -> http.client.HTTPResponse:
    body = json.dumps({"journey": "retail", "touchpoint": "checkout", "nps": 9})
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    connection.request("POST", "/v1/public/responses", body=body, headers=headers)
    return connection.getresponse()


def test_while_the_database_is_down_requests_get_503_and_nothing_is_acknowledged(
    outage: tuple[str, str, CuttableProxy],
) -> None:
    direct, proxied, proxy = outage
    port = free_port()
    env = {**os.environ, "VOCSVC_DATABASE_URL": proxied, "VOCSVC_ADMIN_KEY": ADMIN_KEY}
    command = [sys.executable, "-m", "vocsvc", "serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stderr=subprocess.PIPE,
                              start_new_session=True)  # fmt: skip
    try:
        connection = _connect_when_up(port)
        first = _post(connection, "before")
        assert first.status == 201, first.read()
        acknowledged = json.loads(first.read())["id"]

        proxy.cut()  # the pooled connections die, and new ones are refused
        for key in ("during-1", "during-2"):
            reply = _post(connection, key)  # the same keep-alive connection each time
            body = json.loads(reply.read())
            assert reply.status == 503, body
            assert reply.getheader("Retry-After") == "5"
            assert body["error"] == "database_unavailable"
            assert "Traceback" not in json.dumps(body) and "127.0.0.1" not in body["message"]
        connection.request("GET", "/healthz")
        health = connection.getresponse()
        reason = json.loads(health.read())["message"]
        assert health.status == 503 and "cannot be reached" in reason
        connection.request("GET", "/v1/journeys", headers={"X-API-Key": ADMIN_KEY})
        listing = connection.getresponse()
        assert listing.status == 503, listing.read()
        listing.read()

        proxy.start()  # the database is back: the client retries with its key
        retried = _post(connection, "during-1")
        assert retried.status == 201, retried.read()
        retried.read()
        connection.request("GET", "/healthz")
        assert connection.getresponse().status == 200
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        _, stderr = server.communicate()
    assert _keys_stored(direct) == ["before", "during-1"]  # "during-2" was never acknowledged
    assert acknowledged > 0
    assert b"Traceback" not in stderr  # handled as a 503, not an error the server choked on


def _connect_when_up(port: int, timeout: float = 60) -> http.client.HTTPConnection:
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().read() == b'{"status":"ok"}':
                return connection
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        connection.close()


def test_a_batch_the_database_refuses_is_tried_twice_not_once_per_answer() -> None:
    # Nothing listens on this port: every connection attempt is refused at once.
    engine = db.build_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    sessions = db.committing(sessionmaker(bind=engine, expire_on_commit=False))
    opened = [0]
    release = threading.Event()

    def unit_of_work() -> AbstractContextManager[Session]:
        opened[0] += 1
        release.wait(10)  # the first batch waits until the other two answers are queued
        return sessions()

    writer = AnswerWriter()
    item = PublicResponseIn(journey="retail", touchpoint="checkout", nps=9)

    async def submit(n: int) -> Submitted:
        return await writer.submit(PublicAnswer(item, f"k-{n}"), unit_of_work)

    async def run() -> list[BaseException | Submitted]:
        alone = asyncio.ensure_future(submit(0))
        await asyncio.sleep(0.2)  # the writer holds the first answer alone
        together = [asyncio.ensure_future(submit(n)) for n in (1, 2)]
        await asyncio.sleep(0.2)
        release.set()
        return await asyncio.gather(alone, *together, return_exceptions=True)

    try:
        results = asyncio.run(run())
    finally:
        writer.close()
        engine.dispose()
    assert all(isinstance(r, OperationalError) for r in results)  # each request then a 503
    assert opened[0] == 4  # each batch and its retry; not then each answer of the second alone


@pytest.mark.parametrize(
    ("orig", "reason"),
    [
        (psycopg.OperationalError("connection refused"), "the database cannot be reached"),
        (psycopg.errors.AdminShutdown("terminating connection"), "shutting down"),
        (psycopg.errors.TooManyConnections("too many clients"), "out of resources"),
        (psycopg.errors.DeadlockDetected("deadlock"), None),  # retried alone, else a 500
        (sqlite3.OperationalError("database is locked"), "busy"),
        (sqlite3.OperationalError("no such table: t"), None),  # our bug: a 500
    ],
)
def test_what_counts_as_the_database_being_unavailable(orig: Exception, reason: str | None) -> None:
    error = OperationalError("SELECT 1", {}, orig)
    found = db.unavailable_reason(error)
    assert (found is None) if reason is None else (found is not None and reason in found)
