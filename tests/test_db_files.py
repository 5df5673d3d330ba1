"""SQLite files are created readable by their owner only: a copy of the database is a secret."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from vocsvc.db import build_engine


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common default umask (022), under which new files are readable by everyone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_database_wal_shm_and_lock_files_are_0600(tmp_path: Path, usual_umask: None) -> None:
    database = tmp_path / "new" / "vocsvc.db"
    engine = build_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        # The pool keeps its connection open, so the -wal and -shm files are still there.
        files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in database.parent.iterdir()}
    finally:
        engine.dispose()
    names = ["vocsvc.db", "vocsvc.db-shm", "vocsvc.db-wal", "vocsvc.db-writer"]
    assert files == dict.fromkeys(names, 0o600)
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_an_existing_readable_database_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    database.chmod(0o644)
    build_engine(f"sqlite:///{database}").dispose()
    assert f"chmod 600 {database}" in caplog.text
    assert stat.S_IMODE(database.stat().st_mode) == 0o644  # the operator's file, left as it is
