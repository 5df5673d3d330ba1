"""Install the browser-facing routers and the static files on the application."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from vocsvc.web import dashboard, survey_pages
from vocsvc.web.api_docs import install_docs
from vocsvc.web.security import SecureStaticFiles
from vocsvc.web.templating import STATIC_DIR


def install_web(app: FastAPI) -> None:
    """Add / (to the dashboard), /embed.js, /s/… (hosted surveys), /dashboard, /static and /docs."""

    # A newcomer opens the address `vocsvc serve` prints: the dashboard is what they came for.
    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/dashboard", status_code=302)

    app.include_router(survey_pages.router)
    app.include_router(dashboard.router)
    app.include_router(dashboard.api_router)
    app.mount("/static", SecureStaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)
