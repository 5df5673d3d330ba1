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


# A self-contained document (the quarterly review): its own inline styles and SVG, no script at
# all, nothing fetched. Also sent inside the document, for the copy saved by `vocsvc report`.
DOCUMENT_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def document_headers() -> dict[str, str]:
    """Headers for a standalone HTML document that runs no script (the quarterly review)."""
    return {
        "Content-Security-Policy": f"{DOCUMENT_CSP}; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


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
