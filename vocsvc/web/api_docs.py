"""/docs: Swagger UI served from the installed package, so the API documentation works offline
and the service's origin runs no third-party script."""

from __future__ import annotations

import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from vocsvc.web.security import SecureStaticFiles

ASSETS = "/docs-assets"


def install_docs(app: FastAPI) -> None:
    """Add /docs and its assets (FastAPI's own /docs loads them from a public CDN)."""
    app.mount(ASSETS, SecureStaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
