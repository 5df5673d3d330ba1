"""API key routes (admin): list the keys, revoke one."""

from __future__ import annotations

from fastapi import APIRouter

from vocsvc.auth import service
from vocsvc.auth.dependencies import AdminKey
from vocsvc.auth.schemas import ApiKeyOut, KeyRevoked
from vocsvc.db import SessionDep

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.get("", response_model=list[ApiKeyOut])
def list_keys(session: SessionDep, _key: AdminKey) -> list[ApiKeyOut]:
    """Every key, revoked ones included; never a key or its hash."""
    return service.list_keys(session)


@router.post("/{key_id}/revoke", response_model=KeyRevoked)
def revoke_key(key_id: int, session: SessionDep, _key: AdminKey) -> KeyRevoked:
    """Revoke a key: it and its dashboard sessions are refused from the next request on.

    404 for an unknown id; 409 when it is already revoked or is the last active admin key.
    """
    return service.revoke_key(session, key_id)
