"""The installation's secrets and rollup zone, each under a name that says what it is for."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vocsvc.config import get_settings
from vocsvc.installation.repository import InstallationRepository

# Names in the instance_secrets table.
# The generated installation secret; its row keeps the name it had when it keyed respondent
# hashes alone (renaming it would change every stored hash).
GENERATED_SECRET = "respondent_hash_key"  # noqa: S105 - a row's name, not a secret
ROLLUP_TIMEZONE = "rollup_timezone"

_SESSION_PURPOSE = b"vocsvc dashboard session v1"
_ROLLUP_ZONE_READ = "vocsvc.rollup_timezone"
_GENERATED_HERE = "vocsvc.installation_secret_generated"
_known_secrets: dict[str, str] = {}
_known_secrets_lock = threading.Lock()


def respondent_hash_key(session: Session) -> str:
    """The HMAC key for respondent ids: VOCSVC_SECRET_KEY, else one generated per installation."""
    return _installation_secret(session)


def session_signing_key(session: Session) -> bytes:
    """The key dashboard session tokens are signed with, derived from the installation secret."""
    secret = _installation_secret(session).encode()
    return hmac.new(secret, _SESSION_PURPOSE, hashlib.sha256).digest()


def hash_respondent(key: str, respondent: str | None) -> str | None:
    """A respondent id as stored: its HMAC-SHA256 under `key` (None stays None)."""
    if not respondent:
        return None
    return hmac.new(key.encode(), respondent.encode(), hashlib.sha256).hexdigest()


def rollup_timezone(session: Session) -> str | None:
    """The zone the daily rollup's days were counted in (None: never counted).

    Read once per session (a request's, a job's): every query of a dashboard view or a review
    asks, and the answer changes only when the rollup is rebuilt, which records the new zone.
    """
    if _ROLLUP_ZONE_READ not in session.info:
        session.info[_ROLLUP_ZONE_READ] = InstallationRepository(session).get(ROLLUP_TIMEZONE)
    zone: str | None = session.info[_ROLLUP_ZONE_READ]
    return zone


def record_rollup_timezone(session: Session, zone: str) -> None:
    InstallationRepository(session).put(ROLLUP_TIMEZONE, zone)
    session.info[_ROLLUP_ZONE_READ] = zone


def _installation_secret(session: Session) -> str:
    """VOCSVC_SECRET_KEY, else a random secret generated once and kept in the database.

    A generated secret, once read back from the database, is remembered by the process (it never
    changes); one this session generated itself is not, as its transaction may still roll back.
    """
    configured = get_settings().secret_key
    if configured:
        return configured
    database = session.get_bind().engine.url.render_as_string(hide_password=False)
    with _known_secrets_lock:
        known = _known_secrets.get(database)
    if known is not None:
        return known
    repo = InstallationRepository(session)
    existing = repo.get(GENERATED_SECRET)
    if existing:
        if not session.info.get(_GENERATED_HERE):
            with _known_secrets_lock:
                _known_secrets[database] = existing
        return existing
    value = secrets.token_hex(32)
    try:
        with session.begin_nested():
            repo.add(GENERATED_SECRET, value)
    except IntegrityError:  # another process created it first; use theirs
        existing = repo.get(GENERATED_SECRET)
        assert existing is not None
        return existing
    session.info[_GENERATED_HERE] = True
    return value
