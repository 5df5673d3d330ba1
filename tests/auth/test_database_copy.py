"""A copy of the database is not an admin key: nothing in it signs a dashboard session."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.auth.conftest import Installation
from tests.auth.test_sessions import sign_in
from vocsvc.auth import sessions
from vocsvc.auth.keys import Role
from vocsvc.auth.service import create_key
from vocsvc.auth.sessions import COOKIE_NAME
from vocsvc.config import REPO_ROOT
from vocsvc.ingest.pipeline import respondent_hash_key
from vocsvc.models import ApiKey, InstanceSecret

# What someone holding a copy runs: vocsvc's own code, on the copy, on their own machine.
MINT_ADMIN_SESSION = """
from sqlalchemy import select
from vocsvc.auth.sessions import issue_token
from vocsvc.db import get_sessionmaker
from vocsvc.models import ApiKey

with get_sessionmaker()() as session, session.begin():
    admin = session.scalars(select(ApiKey).where(ApiKey.role == "admin")).first()
    print(issue_token(session, admin))
"""


def copy_of(installation: Installation, folder: Path) -> str:
    """The database's contents elsewhere: a SQLite file copied by its backup API; on PostgreSQL,
    the database itself as a read of it sees it."""
    if installation.engine.dialect.name != "sqlite":
        return installation.url
    folder.mkdir()
    copy = folder / "vocsvc.db"
    live, target = sqlite3.connect(str(make_url(installation.url).database)), sqlite3.connect(copy)
    try:
        live.backup(target)
    finally:
        live.close()
        target.close()
    return f"sqlite:///{copy}"


def signed_in_admin(installation: Installation) -> str:
    """An admin key used on the dashboard: its session row and the generated secret exist."""
    with Session(installation.engine) as session, session.begin():
        _, plain = create_key(session, "ops", Role.admin)
        respondent_hash_key(session)  # the installation secret the database keeps
    sign_in(installation.client, plain)
    assert installation.client.get("/v1/webhooks").status_code == 200
    cookie = installation.client.cookies[COOKIE_NAME]
    installation.client.cookies.clear()
    return cookie


def test_a_copy_of_the_database_cannot_mint_a_session(
    installation: Installation, tmp_path: Path
) -> None:
    signed_in_admin(installation)
    env = {**os.environ, "VOCSVC_DATABASE_URL": copy_of(installation, tmp_path / "stolen"),
           "VOCSVC_KEY_FILE": str(tmp_path / "elsewhere" / "session.key")}  # fmt: skip
    env.pop("VOCSVC_SECRET_KEY", None)
    minted = subprocess.run([sys.executable, "-c", MINT_ADMIN_SESSION], env=env, cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    forged = minted.stdout.strip()
    installation.client.cookies.set(COOKIE_NAME, forged)
    assert installation.client.get("/v1/webhooks").status_code == 401
    assert installation.client.get("/dashboard", follow_redirects=False).status_code == 303


def test_no_value_in_the_database_signs_a_session(
    installation: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    cookie = signed_in_admin(installation)
    session_id = int(cookie.split(".")[0])
    with Session(installation.engine) as session:
        stored = [row.value for row in session.scalars(select(InstanceSecret))]
        keys = list(session.scalars(select(ApiKey)))
    assert stored  # the generated secret is there, as in any installation without one set
    candidates = [
        candidate
        for value in stored + [k.key_hash for k in keys]
        for candidate in (
            value.encode(),
            hmac.new(value.encode(), b"vocsvc dashboard session v1", hashlib.sha256).digest(),
            hmac.new(value.encode(), b"vocsvc dashboard session v2", hashlib.sha256).digest(),
        )
    ]
    admin = next(k for k in keys if k.role == "admin")
    for candidate in candidates:
        with monkeypatch.context() as forging:
            forging.setattr(sessions, "session_signing_key", lambda key=candidate: key)
            forged = f"{session_id}.{sessions._mac(session_id, admin)}"
        installation.client.cookies.set(COOKIE_NAME, forged)
        assert installation.client.get("/v1/webhooks").status_code == 401
        installation.client.cookies.clear()
    installation.client.cookies.set(COOKIE_NAME, cookie)  # the real cookie still works
    assert installation.client.get("/v1/webhooks").status_code == 200
