"""Dashboard sessions: a server-side record per sign-in, named by a signed cookie.

The cookie is `<session id>.<mac>`, never the API key; the MAC is HMAC-SHA256 over the session
id and its key's id and stored hash, under the session signing key, which is kept outside the
database (`vocsvc.installation.service.session_signing_key`): a copy of the database has every
record but cannot sign a cookie for one. A session ends when it expires, at sign-out and when
its key is revoked; from then on its cookie is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from vocsvc.auth.repository import DashboardSessionRepository
from vocsvc.installation.service import session_signing_key
from vocsvc.models import ApiKey, DashboardSession, utcnow

COOKIE_NAME = "vocsvc_session"
LIFETIME_SECONDS = 12 * 3600
_MAX_TOKEN_CHARS = 100


def _mac(session_id: int, key: ApiKey) -> str:
    message = f"{session_id}.{key.id}.{key.key_hash}".encode()
    digest = hmac.new(session_signing_key(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_token(session: Session, key: ApiKey, now: datetime | None = None) -> str:
    """Start a dashboard session for `key` (valid for LIFETIME_SECONDS); its cookie value."""
    started = now or utcnow()
    record = DashboardSessionRepository(session).add(
        DashboardSession(
            key_id=key.id,
            created_at=started,
            expires_at=started + timedelta(seconds=LIFETIME_SECONDS),
        )
    )
    return f"{record.id}.{_mac(record.id, key)}"


def _verified(session: Session, token: str) -> tuple[DashboardSession, ApiKey] | None:
    """The session a token names, if its MAC is right (live or not)."""
    session_id, _, mac = token.partition(".")
    if len(token) > _MAX_TOKEN_CHARS or not (session_id.isascii() and session_id.isdigit()):
        return None
    if len(session_id) > 18:  # beyond any id a 64-bit column holds
        return None
    found = DashboardSessionRepository(session).with_key(int(session_id))
    if found is None:
        return None
    expected = _mac(found[0].id, found[1]).encode()
    return found if hmac.compare_digest(expected, mac.encode("utf-8", "replace")) else None


def key_for_token(session: Session, token: str) -> ApiKey | None:
    """The active API key of the live session a valid token names; None for anything else."""
    found = _verified(session, token)
    if found is None:
        return None
    record, key = found
    live = record.ended_at is None and record.expires_at > utcnow()
    return key if live and key.revoked_at is None else None


def end_session(session: Session, token: str) -> bool:
    """Sign-out: end the session a valid token names; False if there is none to end."""
    found = _verified(session, token)
    if found is None or found[0].ended_at is not None:
        return False
    found[0].ended_at = utcnow()
    session.flush()
    return True
