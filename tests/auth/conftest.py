"""An installation whose writes are really committed, for tests that run `vocsvc` as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.support import fresh_postgres_schema, override_sessions
from vocsvc.app import create_app
from vocsvc.config import REPO_ROOT, Settings
from vocsvc.db import build_engine
from vocsvc.migrate import upgrade


@dataclass
class Installation:
    """A migrated database of its own (a SQLite file or a PostgreSQL schema) and the app on it."""

    url: str
    engine: Engine
    client: TestClient

    def vocsvc(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `vocsvc <args>` in a process of its own on this database."""
        environment = {**os.environ, "VOCSVC_DATABASE_URL": self.url, **env}
        return subprocess.run(
            [sys.executable, "-m", "vocsvc", *args],
            env=environment,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def installation(database_url: str, tmp_path: Path) -> Iterator[Installation]:
    if make_url(database_url).get_backend_name() == "postgresql":
        with fresh_postgres_schema(database_url, f"vocsvc_test_keys_{os.getpid()}") as url:
            yield from _installation(url)
    else:
        yield from _installation(f"sqlite:///{tmp_path / 'server' / 'vocsvc.db'}")


def _installation(url: str) -> Iterator[Installation]:
    upgrade(url)
    engine = build_engine(url)
    app = create_app(Settings(database_url=url, rate_limit_per_minute=0))
    override_sessions(app, lambda: Session(engine, expire_on_commit=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Installation(url=url, engine=engine, client=client)
    engine.dispose()
