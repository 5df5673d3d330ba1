"""Role checks for routes: `Depends(require(Role.viewer))`.

A request authenticates with an API key header or, failing that, with the dashboard's signed
session cookie (`vocsvc.auth.sessions`). A header always wins over the cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Cookie, Depends, Header, Request

from vocsvc.auth.keys import Role
from vocsvc.auth.service import verify_key
from vocsvc.auth.sessions import COOKIE_NAME, key_for_token
from vocsvc.db import SessionDep
from vocsvc.errors import Forbidden, Unauthorized
from vocsvc.models import ApiKey
from vocsvc.security.hosts import own_origin


def _presented_key(authorization: str | None, x_api_key: str | None) -> str:
    if x_api_key:
        return x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    raise Unauthorized("missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'")


def _session_key(request: Request, session: SessionDep, token: str) -> ApiKey:
    # The cookie is SameSite=Lax; a write must also come from our own pages (CSRF defence).
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        origin = request.headers.get("origin")
        if origin != own_origin(request):
            raise Forbidden("a dashboard session may change data only from the dashboard itself")
    key = key_for_token(session, token)
    if key is None:
        raise Unauthorized("the dashboard session expired or is invalid: sign in again")
    return key


def require(role: Role) -> Callable[..., ApiKey]:
    """Build a dependency that admits keys whose role allows `role`."""

    def dependency(
        request: Request,
        session: SessionDep,
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
        session_cookie: Annotated[str | None, Cookie(alias=COOKIE_NAME)] = None,
    ) -> ApiKey:
        if session_cookie and not (authorization or x_api_key):
            key: ApiKey | None = _session_key(request, session, session_cookie)
        else:
            key = verify_key(session, _presented_key(authorization, x_api_key))
        if key is None:
            raise Unauthorized("unknown or revoked API key")
        if not Role(key.role).allows(role):
            raise Forbidden(f"this route needs role '{role.value}'; the key has '{key.role}'")
        return key

    return dependency


ViewerKey = Annotated[ApiKey, Depends(require(Role.viewer))]
ManagerKey = Annotated[ApiKey, Depends(require(Role.manager))]
AssessorKey = Annotated[ApiKey, Depends(require(Role.assessor))]
AdminKey = Annotated[ApiKey, Depends(require(Role.admin))]
