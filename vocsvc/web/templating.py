"""Jinja2 templates (autoescaped) rendered with the pages' security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from vocsvc.web.security import html_headers

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(WEB_DIR / "templates"), autoescape=True, enable_async=False
)
templates = Jinja2Templates(env=_env)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    framable: bool = False,
) -> HTMLResponse:
    """Render template `name` with security headers."""
    return templates.TemplateResponse(
        request,
        name,
        context or {},
        status_code=status_code,
        headers=html_headers(framable=framable),
    )
