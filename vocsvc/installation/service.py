"""The installation's secrets and rollup zone, each under a name that says what it is for."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
import threading
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vocsvc.config import DEFAULT_SQLITE_PATH, Settings, get_settings
from vocsvc.installation import keyfile
from vocsvc.installation.repository import InstallationRepository

# Names in the instance_secrets table.
# The generated installation secret; its row keeps the name it had when it keyed respondent
# hashes alone (renaming it would change every stored hash).
GENERATED_SECRET = "respondent_hash_key"  # noqa: S105 - a row's name, not a secret
ROLLUP_TIMEZONE = "rollup_timezone"
# The zone and the comment model the text rollups were counted with ("zone|model version").
ROLLUP_STATE = "rollup_state"

_SESSION_PURPOSE = b"vocsvc dashboard session v2"
_ROLLUP_ZONE_READ = "vocsvc.rollup_timezone"
_GENERATED_HERE = "vocsvc.installation_secret_generated"
log = logging.getLogger(__name__)
_known_secrets: dict[str, str] = {}
_known_secrets_lock = threading.Lock()


def respondent_hash_key(session: Session) -> str:
    """The HMAC key for respondent ids: VOCSVC_SECRET_KEY, else one generated per installation."""
    return _installation_secret(session)


def session_signing_key(settings: Settings | None = None) -> bytes:
    """The key dashboard session cookies are signed with; never kept in or read from the database.

    Derived from VOCSVC_SECRET_KEY when set, else from the key file (created on first use), so a
    copy of the database, which holds the generated secret, cannot sign a session.
    """
    settings = settings or get_settings()
    return _signing_key(settings.secret_key or None, session_key_file(settings))


def session_key_file(settings: Settings) -> Path:
    """VOCSVC_KEY_FILE, else `<database>.session-key` next to a SQLite file, else var/."""
    if settings.key_file is not None:
        return settings.key_file
    url = make_url(settings.database_url)
    database = url.database if url.get_backend_name() == "sqlite" else None
    path = Path(database) if database and database != ":memory:" else DEFAULT_SQLITE_PATH
    # Not `vocsvc.db.session-key`: a backup of `vocsvc.db*` must not take the key along.
    return path.with_suffix(".session-key")


@functools.lru_cache(maxsize=8)
def _signing_key(configured: str | None, key_file: Path) -> bytes:
    if configured:
        if len(configured) < keyfile.MIN_SECRET_CHARS:
            log.warning(
                "VOCSVC_SECRET_KEY is shorter than %d characters: respondent hashes in a copy "
                "of the database let it be guessed; use e.g. `openssl rand -hex 32`",
                keyfile.MIN_SECRET_CHARS,
            )
        secret = configured
    else:
        secret = keyfile.read_or_create(key_file)
    return hmac.new(secret.encode(), _SESSION_PURPOSE, hashlib.sha256).digest()


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


def rollup_state(session: Session) -> str | None:
    """What the rollups were last rebuilt for (None: never, e.g. before migration 0009)."""
    return InstallationRepository(session).get(ROLLUP_STATE)


def record_rollup_state(session: Session, state: str) -> None:
    InstallationRepository(session).put(ROLLUP_STATE, state)


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
