"""API key issuing and verification."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vocsvc.auth.keys import Role, generate_key, hash_key, key_prefix, same_hash
from vocsvc.auth.repository import ApiKeyRepository
from vocsvc.models import ApiKey


def create_key(session: Session, name: str, role: Role) -> tuple[ApiKey, str]:
    """Issue a new key; the plain key is returned once and never stored."""
    plain = generate_key()
    record = ApiKey(name=name, role=role.value, prefix=key_prefix(plain), key_hash=hash_key(plain))
    return ApiKeyRepository(session).add(record), plain


def ensure_key(session: Session, name: str, role: Role, plain: str) -> ApiKey:
    """Register a given key (the VOCSVC_ADMIN_KEY bootstrap) unless it is already known."""
    existing = verify_key(session, plain)
    if existing is not None:
        return existing
    record = ApiKey(name=name, role=role.value, prefix=key_prefix(plain), key_hash=hash_key(plain))
    return ApiKeyRepository(session).add(record)


def verify_key(session: Session, plain: str) -> ApiKey | None:
    """Return the active key matching `plain`, compared in constant time."""
    digest = hash_key(plain)
    match: ApiKey | None = None
    for candidate in ApiKeyRepository(session).by_prefix(key_prefix(plain)):
        if same_hash(candidate.key_hash, digest):
            match = candidate
    return match
