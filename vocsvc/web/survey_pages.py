"""Customer-facing pages: the embeddable widget script, hosted survey pages and their QR codes."""

from __future__ import annotations

import io
import logging
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from vocsvc.db import SessionDep
from vocsvc.errors import InvalidInput, NotFound, Problem
from vocsvc.journeys.schemas import PublicSurveyOut
from vocsvc.journeys.service import public_journey, public_survey
from vocsvc.responses.schemas import LABEL_MAX_LENGTH, label_problem, label_refusal
from vocsvc.security.hosts import absolute_url_for
from vocsvc.web.templating import STATIC_DIR, render

log = logging.getLogger("vocsvc.web")
router = APIRouter(tags=["web"], include_in_schema=False)

Lang = Annotated[Literal["zh", "en"], Query()]


@router.api_route("/embed.js", methods=["GET", "HEAD"])
def embed_js() -> FileResponse:
    """The survey widget: `<script src=".../embed.js" data-journey=… data-touchpoint=…>`."""
    headers = {
        "Cache-Control": "public, max-age=300",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    return FileResponse(
        STATIC_DIR / "embed.js", media_type="text/javascript; charset=utf-8", headers=headers
    )


def _survey_or_none(session: SessionDep, journey: str, touchpoint: str) -> PublicSurveyOut | None:
    try:
        return public_survey(session, journey, touchpoint)
    except NotFound:
        return None


def _where_codes_hang(session: SessionDep, journey: str) -> Literal["store", "other"]:
    """Whether the journey's customers meet it in a store: the 404 page then names the store's
    QR codes; a B2B or online journey's customers are pointed to their link and contact."""
    try:
        found = public_journey(session, journey)
    except NotFound:
        return "other"
    in_store = any("门店" in (tp.channel or "") for tp in found.touchpoints.values())
    return "store" if in_store else "other"


def _checked_channel(channel: str | None) -> str | None:
    if channel is not None and (problem := label_refusal(channel)) is not None:
        code, message = problem
        raise InvalidInput(message, details=[Problem("channel", message, code)])
    return channel


@router.api_route(
    "/s/{journey}/{touchpoint}",
    methods=["GET", "HEAD"],
    response_class=HTMLResponse,
    name="hosted_survey",
)
def hosted_survey(
    request: Request,
    journey: str,
    touchpoint: str,
    session: SessionDep,
    lang: Lang = "zh",
    channel: Annotated[str | None, Query(max_length=LABEL_MAX_LENGTH)] = None,
) -> HTMLResponse:
    """A page with just this touchpoint's survey, for links and QR codes.

    A `channel` that is no label (a phone number pasted into the link) is left out of the page:
    the customer can still answer, and the answer is not refused for the link's mistake.
    """
    survey = _survey_or_none(session, journey, touchpoint)
    if survey is None:
        missing = {
            "journey": journey,
            "touchpoint": touchpoint,
            "lang": lang,
            "where": _where_codes_hang(session, journey),
        }
        return render(request, "survey_not_found.html", missing, status_code=404, framable=True)
    if channel is not None and (problem := label_problem(channel)) is not None:
        log.warning("survey link to %s/%s: channel left out, it %s", journey, touchpoint, problem)
        channel = None
    context: dict[str, Any] = {"survey": survey, "lang": lang, "channel": channel}
    return render(request, "survey.html", context, framable=True)


@router.get("/s/{journey}/{touchpoint}/qr.{fmt}")
def survey_qr(
    request: Request,
    journey: str,
    touchpoint: str,
    fmt: Literal["svg", "png"],
    session: SessionDep,
    channel: Annotated[str | None, Query(max_length=LABEL_MAX_LENGTH)] = None,
    lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
) -> Response:
    """A QR code of the hosted page's absolute URL (SVG or PNG).

    `channel` (e.g. 门店海报, 收银台小票) goes into the URL the code holds, so the answers given
    through each printed code carry it; a channel that is no label is refused (422), as the
    printed code could not be corrected later. `lang` goes into the URL likewise.
    """
    if _survey_or_none(session, journey, touchpoint) is None:
        raise NotFound(f"journey '{journey}' has no touchpoint '{touchpoint}'")
    query = {k: v for k, v in (("channel", _checked_channel(channel)), ("lang", lang)) if v}
    url = absolute_url_for(request, "hosted_survey", journey=journey, touchpoint=touchpoint)
    if query:
        url += "?" + urlencode(query)
    buffer = io.BytesIO()
    qr = segno.make(url, error="m", micro=False)
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=8, border=4, title=url, xmldecl=True)
        media_type = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=8, border=4)
        media_type = "image/png"
    headers = {
        "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    }
    return Response(buffer.getvalue(), media_type=media_type, headers=headers)
