"""Dashboard sessions: a signed cookie naming an API key, never the key itself.

The token is `<key id>.<expiry>.<mac>`; the MAC is HMAC-SHA256 over the id, the expiry and the
key's stored hash, under the installation's session signing key. Revoking the API key ends its
sessions; so does changing the installation secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from sqlalchemy.orm import Session

from vocsvc.installation.service import session_signing_key
from vocsvc.models import ApiKey

COOKIE_NAME = "vocsvc_session"
LIFETIME_SECONDS = 12 * 3600


def _mac(signing_key: bytes, key_id: int, expires: int, key_hash: str) -> str:
    message = f"{key_id}.{expires}.{key_hash}".encode()
    digest = hmac.new(signing_key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_token(session: Session, key: ApiKey, now: float | None = None) -> str:
    """A session token for `key`, valid for LIFETIME_SECONDS."""
    expires = int(now if now is not None else time.time()) + LIFETIME_SECONDS
    return f"{key.id}.{expires}.{_mac(session_signing_key(session), key.id, expires, key.key_hash)}"


def key_for_token(session: Session, token: str, now: float | None = None) -> ApiKey | None:
    """The active API key a valid, unexpired token names; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(token) > 200:
        return None
    key_id, expires = int(parts[0]), int(parts[1])
    if expires <= (now if now is not None else time.time()):
        return None
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        return None
    expected = _mac(session_signing_key(session), key_id, expires, key.key_hash)
    return key if hmac.compare_digest(expected.encode(), parts[2].encode()) else None
