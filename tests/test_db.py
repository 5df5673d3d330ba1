"""PostgreSQL connections: pinged only after sitting idle; a lost one costs no answer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from tests.support import fresh_postgres_schema
from vocsvc import db
from vocsvc.config import REPO_ROOT
from vocsvc.ingest.pipeline import PublicAnswer, Submitted
from vocsvc.ingest.writer import AnswerWriter
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import upgrade
from vocsvc.models import Response
from vocsvc.responses.schemas import PublicResponseIn


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
