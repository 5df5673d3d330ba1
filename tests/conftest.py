"""Fixtures: a migrated database (SQLite or PostgreSQL), a rolled-back transaction per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.support import fresh_postgres_schema, override_sessions, reuse
from vocsvc.app import create_app
from vocsvc.auth.keys import Role
from vocsvc.auth.service import create_key
from vocsvc.config import REPO_ROOT, get_settings
from vocsvc.db import build_engine
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import upgrade
from vocsvc.process_cache import forget_all
from vocsvc.rollups.service import ensure_rollup

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_configure(config: pytest.Config) -> None:
    """The run's session signing key lives in a temporary folder, not in the checkout's var/."""
    if "VOCSVC_KEY_FILE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="vocsvc-keys-")
        os.environ["VOCSVC_KEY_FILE"] = str(Path(folder) / "session.key")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        get_settings.cache_clear()


def _test_database_url(tmp_dir: Path) -> str:
    choice = os.environ.get("VOCSVC_TEST_DATABASE_URL", "sqlite")
    if choice == "sqlite":
        return f"sqlite:///{tmp_dir / 'test.db'}"
    if choice == "postgresql":
        return DEFAULT_PG
    return choice


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The run's database; on PostgreSQL a schema of its own, so concurrent runs never collide."""
    url = _test_database_url(tmp_path_factory.mktemp("db"))
    if make_url(url).get_backend_name() != "postgresql":
        yield url
        return
    with fresh_postgres_schema(url, f"vocsvc_test_{os.getpid()}") as scoped:
        yield scoped


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """A freshly migrated database for the whole run (the migrations are under test too)."""
    engine = build_engine(database_url)
    upgrade(database_url)
    with Session(engine) as session, session.begin():
        ensure_rollup(session, get_settings().tz)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _no_copies_from_other_tests() -> None:
    """Each test rolls its rows back, so no process copy of them may outlive it."""
    forget_all()


@pytest.fixture(autouse=True)
def _webhooks_may_reach_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test receivers listen on 127.0.0.1, as VOCSVC_WEBHOOK_ALLOW_PRIVATE=true allows.

    Tests of the refusal turn it off again (tests/webhooks/test_targets.py).
    """
    monkeypatch.setattr(get_settings(), "webhook_allow_private", True)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def app(session: Session) -> FastAPI:
    # Commits become SAVEPOINT releases inside the test's transaction, rolled back at the end.
    return override_sessions(create_app(), reuse(session))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def keys(session: Session) -> dict[str, dict[str, str]]:
    """Authorization headers for one key of each role."""
    headers = {}
    for role in Role:
        _, plain = create_key(session, f"test {role.value}", role)
        headers[role.value] = {"Authorization": f"Bearer {plain}"}
    # Commit (a SAVEPOINT release) so a request that rolls back keeps the fixture's rows.
    session.commit()
    return headers


@pytest.fixture
def retail(session: Session) -> str:
    """The example retail journey, loaded from surveys/."""
    upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "retail.yaml"))
    session.commit()
    return "retail"
