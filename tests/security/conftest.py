"""An app factory with chosen settings on the test's rolled-back session; a real `vocsvc serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.support import free_port, fresh_postgres_schema, override_sessions, reuse
from vocsvc.app import create_app
from vocsvc.config import REPO_ROOT, Settings
from vocsvc.db import build_engine
from vocsvc.journeys.loader import load_journey_dir
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import upgrade

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(session: Session) -> Iterator[MakeClient]:
    """`make_client(rate_limit_per_minute=3, client=("10.0.0.1", 1))`: a TestClient on a new app."""
    clients: list[TestClient] = []

    def build(client: tuple[str, int] = ("203.0.113.7", 50000), **overrides: Any) -> TestClient:
        app = create_app(Settings(**overrides))
        override_sessions(app, reuse(session))
        test_client = TestClient(app, raise_server_exceptions=False, client=client)
        clients.append(test_client)
        return test_client

    yield build
    for test_client in clients:
        test_client.close()


# --- a real `vocsvc serve` on real sockets --------------------------------------------------------


@pytest.fixture(scope="module")
def own_database(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of the module's own with the example journeys (a served process commits for
    real): a SQLite file, or a fresh schema on the run's PostgreSQL server."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    if make_url(database_url).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'served.db'}"
        _migrate_with_journeys(url)
        yield url
        return
    with fresh_postgres_schema(database_url, f"vocsvc_{name}_{os.getpid()}") as scoped:
        _migrate_with_journeys(scoped)
        yield scoped


def _migrate_with_journeys(url: str) -> None:
    upgrade(url)
    engine = build_engine(url)
    with Session(engine) as session, session.begin():
        for definition in load_journey_dir(REPO_ROOT / "surveys"):
            upsert_journey(session, definition)
    engine.dispose()


def listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (each `vocsvc serve` worker has its own)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
            count += 1
    return count


@contextmanager
def serving(database_url: str, *, workers: int, **env: str) -> Iterator[int]:
    """`vocsvc serve --workers N` on 127.0.0.1 with VOCSVC_* settings `env`; yields its port once
    every worker listens (a worker listens only after its start-up)."""
    port = free_port()
    command = [sys.executable, "-m", "vocsvc", "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    environment = {**os.environ, "VOCSVC_DATABASE_URL": database_url}
    environment.update({f"VOCSVC_{name.upper()}": value for name, value in env.items()})
    process = subprocess.Popen(
        command, env=environment, cwd=REPO_ROOT, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the workers are stopped with it
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while listening_sockets(port) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"`vocsvc serve` did not start (exit code {process.poll()})")
            time.sleep(0.1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
