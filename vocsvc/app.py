"""The FastAPI application: routers, CORS and the one place errors become HTTP responses."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from psycopg.errors import NumericValueOutOfRange
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DataError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp

from vocsvc import __version__
from vocsvc.access_log import hide_query_values
from vocsvc.alerts.endpoints import router as alerts_router
from vocsvc.analytics.endpoints import router as analytics_router
from vocsvc.aspects.endpoints import router as aspects_router
from vocsvc.assessments.endpoints import router as assessments_router
from vocsvc.auth.endpoints import router as keys_router
from vocsvc.cases.endpoints import router as cases_router
from vocsvc.config import Settings, get_settings
from vocsvc.db import SessionDep, unavailable_reason
from vocsvc.error_messages import Lang, error_message, public_lang
from vocsvc.errors import (
    DatabaseUnavailable,
    InvalidInput,
    MalformedJSON,
    Problem,
    VocError,
    pydantic_problem,
    summary,
)
from vocsvc.gaps.endpoints import router as gaps_router
from vocsvc.ingest.endpoints import public_router as ingest_public
from vocsvc.ingest.endpoints import router as ingest_router
from vocsvc.ingest.writer import get_answer_writer
from vocsvc.journeymap.endpoints import router as journeymap_router
from vocsvc.journeys.endpoints import public_router as journeys_public
from vocsvc.journeys.endpoints import router as journeys_router
from vocsvc.lifetime import freeze_what_lives_forever
from vocsvc.responses.endpoints import router as responses_router
from vocsvc.reviews.endpoints import router as reviews_router
from vocsvc.security.admission import AdmissionMiddleware
from vocsvc.security.hosts import PUBLIC_URL
from vocsvc.security.json_keys import DuplicateKeyMiddleware
from vocsvc.security.middleware import (
    BodySizeLimitMiddleware,
    ClientAddressMiddleware,
    CORSRefusalMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
)
from vocsvc.security.ratelimit import RateLimiter
from vocsvc.sentiment.endpoints import router as sentiment_router
from vocsvc.sentiment.service import load_readers
from vocsvc.topics.endpoints import router as topics_router
from vocsvc.web.routes import install_web
from vocsvc.webhooks.endpoints import router as webhooks_router

log = logging.getLogger("vocsvc")


class Health(BaseModel):
    status: Literal["ok"]


class VocApp(FastAPI):
    """FastAPI whose security headers wrap everything, the 500 answers included."""

    hsts_seconds: int = 0

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack(), self.hsts_seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; configuration comes from `settings` or `get_settings()`."""
    settings = settings or get_settings()
    # Here, not in `vocsvc serve` alone: the app may be served by uvicorn's own command too.
    hide_query_values()

    @asynccontextmanager
    async def warm_up(_app: FastAPI) -> AsyncIterator[None]:
        # Loaded before the first answer arrives, not while a customer waits for it.
        await anyio.to_thread.run_sync(load_readers, settings.sentiment_backend)
        freeze_what_lives_forever()
        yield
        # Requests in flight have been answered by now; whatever is still queued gets written.
        await anyio.to_thread.run_sync(get_answer_writer().close)

    app = VocApp(
        lifespan=warm_up,
        title="vocsvc",
        version=__version__,
        summary="Voice-of-customer measurement along customer journeys",
        docs_url=None,  # served by vocsvc.web.api_docs, from the package instead of a CDN
        redoc_url=None,  # ReDoc would load its script from a CDN too
    )
    app.hsts_seconds = settings.hsts_seconds
    # add_middleware wraps: the last added runs first. Outermost first: TrustedHost,
    # ClientAddress, CORSRefusal, CORS, BodySizeLimit, RateLimit, Admission, DuplicateKey; the
    # routes then see real client addresses, refused requests never queue for admission, and a
    # request takes its admission slot only once its body is in.
    app.add_middleware(DuplicateKeyMiddleware)
    app.add_middleware(AdmissionMiddleware, limit=settings.max_concurrent_requests)
    app.add_middleware(
        RateLimitMiddleware,
        per_touchpoint=_limiter(settings.rate_limit_per_minute),
        per_address=_limiter(settings.address_limit_per_minute),
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "Idempotency-Key", "Authorization", "X-API-Key"],
        max_age=600,
    )
    app.add_middleware(CORSRefusalMiddleware)
    app.add_middleware(ClientAddressMiddleware, trusted_proxies=settings.trusted_proxies)
    # Outermost: a request naming a host we do not serve (Host header poisoning of QR codes,
    # redirects and origin checks) gets 400 before anything else runs.
    app.add_middleware(
        TrustedHostMiddleware, allowed_hosts=settings.accepted_hosts, www_redirect=False
    )
    setattr(app.state, PUBLIC_URL, settings.public_url)
    routers = (
        journeys_public,
        ingest_public,
        journeys_router,
        ingest_router,
        responses_router,
        analytics_router,
        journeymap_router,
        assessments_router,
        gaps_router,
        topics_router,
        aspects_router,
        reviews_router,
        sentiment_router,
        cases_router,
        alerts_router,
        webhooks_router,
        keys_router,
    )
    for router in routers:
        app.include_router(router)
    install_web(app)
    _install_error_handlers(app)

    @app.get("/healthz", tags=["ops"], response_model=Health)
    def healthz(session: SessionDep) -> Health:
        """200 when the database answers; else 503 saying why, with Retry-After."""
        session.execute(text("SELECT 1"))
        return Health(status="ok")

    return app


def _limiter(per_minute: int) -> RateLimiter | None:
    return RateLimiter(per_minute) if per_minute > 0 else None


def _install_error_handlers(app: FastAPI) -> None:
    # Public routes word every error for the customer (vocsvc.error_messages); `error` and each
    # problem's `code` are the same in every language.
    @app.exception_handler(VocError)
    async def voc_error(request: Request, error: VocError) -> JSONResponse:
        return _voc_error_response(error, _lang(request))

    # The database down, restarting or unreachable: 503 with Retry-After, and the connection
    # kept (an error only the catch-all below handles is re-raised to uvicorn, which then
    # closes the client's connection). Any other database error is still a 500.
    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, error: SQLAlchemyError) -> JSONResponse:
        reason = unavailable_reason(error)
        if reason is None:
            raise error
        log.warning("database unavailable on %s %s: %s (%s)", request.method, request.url.path,
                    reason, type(error.__cause__ or error).__name__)  # fmt: skip
        return _voc_error_response(DatabaseUnavailable(reason), _lang(request))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in error.errors()]
        if any(e.get("type") == "json_invalid" for e in error.errors()):
            refused: VocError = MalformedJSON("request body is not valid JSON", details=problems)
        else:
            refused = InvalidInput(summary(problems), details=problems)
        return _voc_error_response(refused, _lang(request))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        body = {"error": "http_error", "message": str(error.detail)}
        if (lang := _lang(request)) is not None:
            body["message"] = error_message("http_error", lang, body["message"])
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)

    # An integer beyond 64 bits (an id like 9223372036854775808 in a path) cannot be bound by
    # sqlite3 or compared with a PostgreSQL bigint: no row can have it, so it is the client's
    # error, not ours. Every other overflow or data error still surfaces as a 500.
    @app.exception_handler(OverflowError)
    async def overflow(request: Request, error: OverflowError) -> JSONResponse:
        if "too large to convert to SQLite INTEGER" not in str(error):
            raise error
        return _voc_error_response(_out_of_range(), _lang(request))

    @app.exception_handler(DataError)
    async def data_error(request: Request, error: DataError) -> JSONResponse:
        if isinstance(error.orig, NumericValueOutOfRange):
            return _voc_error_response(_out_of_range(), _lang(request))
        if "NUL (0x00)" in str(error.orig):  # e.g. a filter ?segment=%00 (PostgreSQL only)
            message = "text in the request must not contain a NUL (\\x00) character"
            return _voc_error_response(InvalidInput(message), _lang(request))
        raise error

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> JSONResponse:
        # The client gets a reference to quote, never the stack trace; the log has the details.
        reference = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", reference, request.method, request.url.path,
                  exc_info=error)  # fmt: skip
        message = f"internal error (reference {reference})"
        if _lang(request) == "zh":
            message = f"{error_message('internal_error', 'zh', message)}（编号 {reference}）"
        body = {"error": "internal_error", "message": message}
        return JSONResponse(body, status_code=500)


def _lang(request: Request) -> Lang | None:
    return public_lang(request.url.path, request.url.query, request.headers.get("accept-language"))


def _voc_error_response(error: VocError, lang: Lang | None = None) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return JSONResponse(error.to_dict(lang), status_code=error.status_code, headers=headers)


def _out_of_range() -> InvalidInput:
    return InvalidInput("a number in the request is outside the range the database can hold")


def _problem(error: Any) -> Problem:
    return pydantic_problem(error, skip=("body", "query", "path", "header"))
