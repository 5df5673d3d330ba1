"""Security headers for the HTML pages and the static files they load."""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# Only our own origin: no inline script or style, no plugins, no <base> tricks.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def html_headers(*, framable: bool = False) -> dict[str, str]:
    """Headers for an HTML page; only the hosted survey may be framed (kiosks, mini-programs)."""
    ancestors = "*" if framable else "'none'"
    headers = {
        "Content-Security-Policy": f"{_CSP}; frame-ancestors {ancestors}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    if not framable:
        headers["X-Frame-Options"] = "DENY"
    return headers


class SecureStaticFiles(StaticFiles):
    """StaticFiles that adds nosniff and a short cache lifetime."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Cache-Control", "public, max-age=300")
        return response
