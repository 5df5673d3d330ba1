"""The command line as a newcomer meets it: quiet by default, warning before it makes a database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vocsvc.config import REPO_ROOT


def vocsvc(*args: str, db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VOCSVC_")}
    environ.update({"VOCSVC_DATABASE_URL": f"sqlite:///{db}", **env})
    return subprocess.run(
        [sys.executable, "-m", "vocsvc", *args],
        env=environ, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_command_warns_before_it_creates_an_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    first = vocsvc("keys", "list", db=db)
    assert first.returncode == 0, first.stderr
    assert f"warning: {db} does not exist; creating a new, empty database" in first.stderr
    assert "vocsvc demo" in first.stderr
    assert db.exists()
    again = vocsvc("keys", "list", db=db)
    assert again.returncode == 0 and "warning" not in again.stderr


def test_db_upgrade_creates_a_database_without_warning(tmp_path: Path) -> None:
    done = vocsvc("db", "upgrade", db=tmp_path / "new.db")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr and "database at revision head" in done.stdout


def test_alembic_steps_are_logged_only_when_asked(tmp_path: Path) -> None:
    quiet = vocsvc("db", "upgrade", db=tmp_path / "quiet.db")
    assert "alembic" not in quiet.stderr.lower(), quiet.stderr
    verbose = vocsvc("--verbose", "db", "upgrade", db=tmp_path / "verbose.db")
    assert "alembic.runtime.migration" in verbose.stderr and "Running upgrade" in verbose.stderr
    by_env = vocsvc("db", "upgrade", db=tmp_path / "env.db", VOCSVC_LOG_LEVEL="INFO")
    assert "Running upgrade" in by_env.stderr


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_no_file(url: str) -> None:
    from vocsvc.db import sqlite_file

    assert sqlite_file(url) is None
    assert sqlite_file("postgresql+psycopg://u@h/db") is None
    assert sqlite_file("sqlite:///var/x.db") == Path("var/x.db")
