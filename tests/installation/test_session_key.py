"""The session signing key: from VOCSVC_SECRET_KEY, else a 0600 key file outside the database."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import free_port
from vocsvc.config import REPO_ROOT, Settings
from vocsvc.installation import keyfile, service
from vocsvc.installation.keyfile import KeyFileError
from vocsvc.installation.service import session_key_file, session_signing_key


@pytest.fixture(autouse=True)
def _no_remembered_keys() -> Iterator[None]:
    service._signing_key.cache_clear()
    yield
    service._signing_key.cache_clear()


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """umask 0: files get exactly the mode they are opened with, nothing is taken away."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_file_is_created_0600_on_first_use_and_reused(
    tmp_path: Path, permissive_umask: None
) -> None:
    path = tmp_path / "keys" / "session.key"
    settings = Settings(secret_key=None, key_file=path)
    first = session_signing_key(settings)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    content = path.read_text()
    assert len(content.strip()) == 64 and int(content, 16) > 0
    service._signing_key.cache_clear()  # as a restarted process
    assert session_signing_key(settings) == first and path.read_text() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["session.key"]


def test_workers_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "session.key"
    start = threading.Barrier(8)
    seen: list[str] = []

    def worker() -> None:
        start.wait()
        seen.append(keyfile.read_or_create(path))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and len(set(seen)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["session.key"]  # no temporary files left


@pytest.mark.parametrize("too_open", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_is_refused(tmp_path: Path, too_open: int) -> None:
    path = tmp_path / "session.key"
    path.write_text("a" * 64)
    path.chmod(too_open)
    with pytest.raises(KeyFileError, match=f"chmod 600 {path}"):
        session_signing_key(Settings(secret_key=None, key_file=path))


def test_a_key_file_without_enough_secret_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "session.key"
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="fewer than 32 characters"):
        keyfile.read_or_create(path)
    with pytest.raises(KeyFileError, match="not a regular file"):
        keyfile.read_or_create(tmp_path)


def test_a_key_file_that_cannot_be_made_says_what_to_set(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("")
    with pytest.raises(KeyFileError, match=r"set VOCSVC_KEY_FILE .* or set VOCSVC_SECRET_KEY"):
        keyfile.read_or_create(not_a_folder / "session.key")


def test_serve_refuses_to_start_with_a_readable_key_file(tmp_path: Path) -> None:
    path = tmp_path / "session.key"
    path.write_text("b" * 64)
    path.chmod(0o644)
    env = {**os.environ, "VOCSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'vocsvc.db'}",
           "VOCSVC_KEY_FILE": str(path)}  # fmt: skip
    env.pop("VOCSVC_SECRET_KEY", None)
    command = [sys.executable, "-m", "vocsvc", "serve", "--port", str(free_port())]
    done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 2 and f"chmod 600 {path}" in done.stderr


def test_with_vocsvc_secret_key_no_file_is_needed(tmp_path: Path) -> None:
    path = tmp_path / "session.key"
    one = session_signing_key(Settings(secret_key="s" * 40, key_file=path))
    other = session_signing_key(Settings(secret_key="t" * 40, key_file=path))
    assert not path.exists()
    assert one != other and len(one) == 32
    assert session_signing_key(Settings(secret_key="s" * 40, key_file=path)) == one


def test_the_default_key_file_is_beside_the_sqlite_file_but_not_among_its_copies() -> None:
    def where(url: str) -> Path:
        return session_key_file(Settings(database_url=url, key_file=None))

    beside = where("sqlite:////srv/vocsvc/vocsvc.db")
    assert beside == Path("/srv/vocsvc/vocsvc.session-key")
    assert not beside.name.startswith("vocsvc.db")  # `cp vocsvc.db*` leaves it behind
    assert where("sqlite:///var/other.db") == Path("var/other.session-key")
    assert where("postgresql+psycopg://u@db/vocsvc") == Path("var/vocsvc.session-key")
    assert where("sqlite://") == Path("var/vocsvc.session-key")
    chosen = Settings(database_url="sqlite:////srv/vocsvc/vocsvc.db", key_file=Path("/run/k"))
    assert session_key_file(chosen) == Path("/run/k")
