"""A secret kept in a file of its own, readable by its owner only, generated on first use."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

MIN_SECRET_CHARS = 32


class KeyFileError(RuntimeError):
    """The key file cannot be used as it is; the message says what to do."""


def read_or_create(path: Path) -> str:
    """The secret in `path`; when there is no such file, a new random one written there 0600."""
    try:
        try:
            return _read(path)
        except FileNotFoundError:
            _create(path)
        return _read(path)
    except OSError as error:
        raise KeyFileError(
            f"cannot use {path} as the session key file ({error.strerror}): set VOCSVC_KEY_FILE "
            "to a file this user may create and read, or set VOCSVC_SECRET_KEY"
        ) from error


def _read(path: Path) -> str:
    mode = path.stat().st_mode  # follows a symlink, as a mounted secret often is
    if not stat.S_ISREG(mode):
        raise KeyFileError(f"{path} is not a regular file")
    if mode & 0o077:
        raise KeyFileError(
            f"{path} can be read by other users (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {path}`: whoever reads it can sign in as any key"
        )
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise KeyFileError(f"{path} holds fewer than {MIN_SECRET_CHARS} characters of secret")
    return secret


def _create(path: Path) -> None:
    # Written in full under a temporary name, then linked into place: the link fails if another
    # process got there first (as O_EXCL would), and nobody ever reads a half-written key.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use theirs
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
