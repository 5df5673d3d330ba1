"""API key issuing, verification, listing and revocation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vocsvc.auth.keys import Role, generate_key, hash_key, key_prefix, same_hash
from vocsvc.auth.repository import ApiKeyRepository, DashboardSessionRepository
from vocsvc.auth.schemas import ApiKeyOut, KeyRevoked
from vocsvc.errors import Conflict, NotFound
from vocsvc.models import ApiKey, utcnow


def create_key(session: Session, name: str, role: Role) -> tuple[ApiKey, str]:
    """Issue a new key; the plain key is returned once and never stored."""
    plain = generate_key()
    record = ApiKey(name=name, role=role.value, prefix=key_prefix(plain), key_hash=hash_key(plain))
    return ApiKeyRepository(session).add(record), plain


def ensure_key(session: Session, name: str, role: Role, plain: str) -> ApiKey | None:
    """Register a given key (the VOCSVC_ADMIN_KEY bootstrap) unless it is already known.

    A key that was revoked stays revoked (None): a restart must not bring it back.
    """
    repo = ApiKeyRepository(session)
    existing = repo.by_hash(hash_key(plain))
    if existing is not None:
        return existing if existing.revoked_at is None else None
    return repo.add(
        ApiKey(name=name, role=role.value, prefix=key_prefix(plain), key_hash=hash_key(plain))
    )


def verify_key(session: Session, plain: str) -> ApiKey | None:
    """Return the active key matching `plain`, compared in constant time."""
    digest = hash_key(plain)
    match: ApiKey | None = None
    for candidate in ApiKeyRepository(session).by_prefix(key_prefix(plain)):
        if same_hash(candidate.key_hash, digest):
            match = candidate
    return match


def list_keys(session: Session) -> list[ApiKeyOut]:
    """Every key, revoked ones included, oldest first."""
    rows = ApiKeyRepository(session).list_with_live_sessions(utcnow())
    return [_out(key, live) for key, live in rows]


def revoke_key(session: Session, key_id: int) -> KeyRevoked:
    """Revoke a key and end its dashboard sessions at once; the last active admin key stays."""
    repo = ApiKeyRepository(session)
    key = repo.get(key_id)
    if key is None:
        raise NotFound(f"no API key with id {key_id}")
    if key.revoked_at is not None:
        raise Conflict(f"API key {key_id} was already revoked at {key.revoked_at.isoformat()}")
    if key.role == Role.admin and repo.count_active(Role.admin) <= 1:
        raise Conflict(
            f"API key {key_id} is the last active admin key: create another admin key first"
        )
    now = utcnow()
    key.revoked_at = now
    ended = DashboardSessionRepository(session).end_all_of_key(key.id, now)
    return KeyRevoked(**_out(key, 0).model_dump(), sessions_ended=ended)


def _out(key: ApiKey, live_sessions: int) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        role=Role(key.role),
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
        live_sessions=live_sessions,
    )
