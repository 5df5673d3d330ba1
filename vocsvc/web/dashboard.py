"""The CX dashboard: sign-in with an API key (a server-side session named by a signed cookie),
sign-out, the page, its settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Cookie, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vocsvc.analytics.bands import SCORE_BANDS, describe
from vocsvc.analytics.palette import SIDE_COLOURS, STAGE_PALETTE
from vocsvc.auth.dependencies import ViewerKey
from vocsvc.auth.service import verify_key
from vocsvc.auth.sessions import (
    COOKIE_NAME,
    LIFETIME_SECONDS,
    end_session,
    issue_token,
    key_for_token,
)
from vocsvc.config import get_settings
from vocsvc.db import SessionDep
from vocsvc.gaps.quadrants import QUADRANTS
from vocsvc.gaps.schemas import QuadrantOut
from vocsvc.periods import period_of
from vocsvc.security.hosts import absolute_url_for, own_origin
from vocsvc.web.schemas import DashboardSettings, ScoreBandOut, SideColoursOut, SignedInKey
from vocsvc.web.security import html_headers
from vocsvc.web.templating import render

router = APIRouter(prefix="/dashboard", tags=["web"], include_in_schema=False)
# The page's JSON, documented with the API.
api_router = APIRouter(prefix="/dashboard", tags=["web"])

SessionCookie = Annotated[str | None, Cookie(alias=COOKIE_NAME)]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=html_headers())


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin == own_origin(request)


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, token: SessionCookie = None) -> Response:
    """The dashboard page; without a valid session, the sign-in page."""
    key = key_for_token(session, token) if token else None
    if key is None:
        return _redirect(absolute_url_for(request, "sign_in_page"))
    return render(request, "dashboard.html", {"key_name": key.name, "role": key.role})


@router.get("/sign-in", response_class=HTMLResponse, name="sign_in_page")
def sign_in_page(request: Request) -> HTMLResponse:
    return render(request, "sign_in.html", {"error": None})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, session: SessionDep) -> Response:
    """Check the pasted API key; on success set the session cookie (never the key itself)."""
    if not _same_origin(request):
        return render(request, "sign_in.html", {"error": "请求来源不正确。"}, status_code=403)
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=10)
    plain = (form.get("key") or [""])[0].strip()
    # The database work (a write: the session's row) runs off the event loop.
    token = await run_in_threadpool(_start_session, session, plain) if plain else None
    if token is None:
        error = "API 密钥无效或已被吊销，请检查后重试。" if plain else "请输入 API 密钥。"
        return render(request, "sign_in.html", {"error": error}, status_code=401)
    response = _redirect(absolute_url_for(request, "dashboard"))
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=LIFETIME_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=own_origin(request).startswith("https:"),
    )
    return response


def _start_session(session: Session, plain: str) -> str | None:
    """A new session's cookie value for a valid key; None for anything else."""
    key = verify_key(session, plain)
    return None if key is None else issue_token(session, key)


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, token: SessionCookie = None) -> Response:
    """End the session on the server (its cookie is refused from now on) and drop the cookie."""
    response = _redirect(absolute_url_for(request, "sign_in_page"))
    if _same_origin(request):
        if token:
            end_session(session, token)
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax")
    return response


@api_router.get("/settings", response_model=DashboardSettings)
def settings(request: Request, key: ViewerKey) -> DashboardSettings:
    """What the page needs before loading data: quarters, chart definitions."""
    tz = get_settings().tz
    quarter = period_of(datetime.now(tz), "quarter", tz)
    quarters = [quarter.label]
    for _ in range(7):
        quarter = period_of(quarter.start - timedelta(days=1), "quarter", tz)
        quarters.append(quarter.label)
    return DashboardSettings(
        quarters=quarters,
        timezone=get_settings().timezone,
        key=SignedInKey(name=key.name, role=key.role),
        quadrants=[QuadrantOut.model_validate(q) for q in QUADRANTS],
        score_bands=[
            ScoreBandOut(
                key=b.key,
                label=b.label,
                min_nps=b.min_nps,
                min_csat=b.min_csat,
                description=describe(b),
            )
            for b in SCORE_BANDS
        ],
        stage_palette=list(STAGE_PALETTE),
        side_colours=SideColoursOut(customer=SIDE_COLOURS.customer, internal=SIDE_COLOURS.internal),
    )
