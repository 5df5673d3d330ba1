"""The origin this service is reached at: `VOCSVC_PUBLIC_URL` when set, else the request's own.

Without a public URL the request's Host header is only believed because `TrustedHostMiddleware`
(app.py) has already refused every host not in `VOCSVC_ALLOWED_HOSTS`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

PUBLIC_URL = "public_url"  # the app.state attribute create_app sets


def own_origin(request: Request) -> str:
    """`https://cx.example.com`: where our pages are served from and absolute links point."""
    public: str | None = getattr(request.app.state, PUBLIC_URL, None)
    return public or f"{request.url.scheme}://{request.url.netloc}"


def absolute_url_for(request: Request, name: str, **params: Any) -> str:
    """The absolute URL of route `name` (QR codes, redirects), on the public origin if set."""
    public: str | None = getattr(request.app.state, PUBLIC_URL, None)
    if public is None:
        return str(request.url_for(name, **params))
    return public + str(request.app.url_path_for(name, **params))
