"""Per-journey origin checks for public routes (the journey's `allowed_origins`)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request

from vocsvc.origins import CallerOrigin, OriginNotAllowed, check_origin
from vocsvc.security.hosts import own_origin
from vocsvc.security.middleware import CORS_REFUSED


def caller_origin(request: Request) -> CallerOrigin:
    """The request's Origin header and the origin this service is reached at (its hosted
    survey pages post from there)."""
    return CallerOrigin(request.headers.get("origin"), own_origin(request))


def refuse_cors(request: Request) -> None:
    """Answer this request without CORS headers (the browser then hides the answer too)."""
    setattr(request.state, CORS_REFUSED, True)


def require_allowed_origin(request: Request, journey: str, allowed: Sequence[str] | None) -> None:
    """Refuse (403, and no CORS headers) a browser origin the journey does not list."""
    try:
        check_origin(caller_origin(request), journey, allowed)
    except OriginNotAllowed:
        refuse_cors(request)
        raise
