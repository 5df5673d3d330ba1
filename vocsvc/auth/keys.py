"""API key generation and hashing (pure)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

KEY_PREFIX = "voc_"


class Role(StrEnum):
    viewer = "viewer"
    assessor = "assessor"
    manager = "manager"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, required: Role) -> bool:
        # assessors submit internal ratings but are not managers; admin allows everything.
        if self is Role.admin:
            return True
        if required is Role.assessor:
            return self is Role.assessor
        if self is Role.assessor:
            return required is Role.viewer
        return self.rank >= required.rank


_RANKS = {Role.viewer: 0, Role.assessor: 1, Role.manager: 2, Role.admin: 3}


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    # Keys carry 256 bits of entropy, so a fast unsalted digest cannot be brute-forced.
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    return key[: len(KEY_PREFIX) + 6]


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
