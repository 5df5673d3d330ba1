"""Install the browser-facing routers and the static files on the application."""

from __future__ import annotations

from fastapi import FastAPI

from vocsvc.web import dashboard, survey_pages
from vocsvc.web.api_docs import install_docs
from vocsvc.web.security import SecureStaticFiles
from vocsvc.web.templating import STATIC_DIR


def install_web(app: FastAPI) -> None:
    """Add /embed.js, /s/… (hosted surveys), /dashboard, /static and /docs to `app`."""
    app.include_router(survey_pages.router)
    app.include_router(dashboard.router)
    app.include_router(dashboard.api_router)
    app.mount("/static", SecureStaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)
