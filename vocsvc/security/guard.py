"""Per-journey origin checks for public routes (the journey's `allowed_origins`)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request

from vocsvc.errors import Forbidden
from vocsvc.security.middleware import CORS_REFUSED
from vocsvc.security.origins import origin_allowed


class OriginNotAllowed(Forbidden):
    code = "origin_not_allowed"


def own_origin(request: Request) -> str:
    """The origin this service is reached at (its hosted survey pages post from there)."""
    return f"{request.url.scheme}://{request.url.netloc}"


def require_allowed_origin(request: Request, journey: str, allowed: Sequence[str] | None) -> None:
    """Refuse (403, and no CORS headers) a browser origin the journey does not list."""
    origin = request.headers.get("origin")
    if origin_allowed(origin, own_origin(request), allowed):
        return
    setattr(request.state, CORS_REFUSED, True)
    raise OriginNotAllowed(f"journey '{journey}' does not accept requests from {origin}")
