"""ASGI middleware guarding every request: client address, body size, rate limits, headers.

Order, outermost first (see `vocsvc.app.VocApp`): SecurityHeaders · (Starlette's error handler)
· ClientAddress · CORSRefusal · CORS · BodySizeLimit · RateLimit · (routes). The 413 and 429
answers are made here, before any route code or database work, in the API's JSON error shape.
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vocsvc.error_messages import PUBLIC_PREFIXES, Lang, public_lang
from vocsvc.errors import PayloadTooLarge, TooManyRequests, VocError
from vocsvc.security.ratelimit import RateLimiter

PUBLIC_SUBMIT_PATH = "/v1/public/responses"
# The request-state flag a route sets when it refuses a browser origin (no CORS headers then).
CORS_REFUSED = "vocsvc_cors_refused"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


async def send_error(
    send: Send,
    error: VocError,
    headers: Sequence[tuple[str, str]] = (),
    *,
    lang: Lang | None = None,
) -> None:
    """Send `error` as the API's JSON error response (worded for a customer given `lang`)."""
    body = json.dumps(error.to_dict(lang), ensure_ascii=False).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((name.encode("latin-1"), value.encode("latin-1")) for name, value in headers),
    ]
    await send({"type": "http.response.start", "status": error.status_code, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def scope_lang(scope: Scope) -> Lang | None:
    """The language a public route's error is worded in; None for other routes."""
    query = scope.get("query_string", b"").decode("latin-1")
    return public_lang(scope.get("path", ""), query, _header(scope, b"accept-language"))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def parse_networks(entries: Sequence[str]) -> list[IPNetwork]:
    """IP addresses or CIDR networks (`10.0.0.0/8`); ValueError for anything else."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def _in_networks(host: str, networks: Sequence[IPNetwork]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


class ClientAddressMiddleware:
    """The client is the socket peer; a trusted proxy's X-Forwarded-For/-Proto are believed.

    When the peer is in VOCSVC_TRUSTED_PROXIES, the client is the right-most X-Forwarded-For
    entry that is not itself a trusted proxy (entries further left are the client's own claims),
    and the scheme comes from X-Forwarded-Proto. Otherwise both headers are ignored.
    """

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[str]) -> None:
        self.app = app
        self.trusted = parse_networks(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            self.trusted  # without trusted proxies, no address is parsed at all
            and scope["type"] in ("http", "websocket")
            and client is not None
            and _in_networks(client[0], self.trusted)
        ):
            self._apply_forwarded(scope)
        await self.app(scope, receive, send)

    def _apply_forwarded(self, scope: Scope) -> None:
        forwarded_for = _header(scope, b"x-forwarded-for")
        if forwarded_for:
            hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
            chosen = next((h for h in reversed(hops) if not _in_networks(h, self.trusted)), None)
            if chosen is None and hops:
                chosen = hops[0]  # every hop is one of our proxies
            if chosen is not None:
                scope["client"] = (chosen, 0)
        proto = _header(scope, b"x-forwarded-proto")
        if proto:
            last = proto.split(",")[-1].strip().lower()
            if (last in ("http", "https") and scope["type"] == "http") or (
                last in ("ws", "wss") and scope["type"] == "websocket"
            ):
                scope["scheme"] = last


class CORSRefusalMiddleware:
    """Strip CORS headers from answers to origins a route refused (sits outside CORS)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})

        async def strip(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get(CORS_REFUSED):
                message["headers"] = [
                    (k, v)
                    for k, v in message.get("headers", ())
                    if not bytes(k).lower().startswith(b"access-control-")
                ]
            await send(message)

        await self.app(scope, receive, strip)


class _BodyTooLarge(Exception):
    """Raised into the application when a streamed body passes the limit (after the 413)."""


class BodySizeLimitMiddleware:
    """413 for bodies over `max_bytes`: by Content-Length up front, else by counting the stream."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _error(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"the request body is larger than {self.max_bytes} bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        declared_size = int(declared) if declared and declared.strip().isdigit() else None
        if declared_size is not None and declared_size > self.max_bytes:
            await send_error(send, self._error(), [("connection", "close")], lang=scope_lang(scope))
            return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if not started and not refused:
                        refused = True
                        closing = [("connection", "close")]
                        await send_error(send, self._error(), closing, lang=scope_lang(scope))
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the route answers is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise


def public_target(path: str) -> tuple[str, str] | None:
    """(journey, touchpoint) named by a public path, "" where the path does not say."""
    parts = path.split("/")
    # /v1/public/journeys/{j}/touchpoints/{t}/survey
    if path.startswith("/v1/public/journeys/") and len(parts) >= 7 and parts[5] == "touchpoints":
        return parts[4], parts[6]
    # /s/{j}/{t} and /s/{j}/{t}/qr.svg
    if path.startswith("/s/") and len(parts) >= 4:
        return parts[2], parts[3]
    return None


class RateLimitMiddleware:
    """429 with Retry-After for public routes, per client address and touchpoint.

    Two limits apply to `/v1/public/*` and `/s/*`: answers and survey fetches per client address
    and touchpoint (`per_touchpoint`; for a posted answer the journey and touchpoint are read
    from its JSON body), and all public requests per client address (`per_address`). CORS
    preflights are not counted.
    """

    def __init__(
        self,
        app: ASGIApp,
        per_touchpoint: RateLimiter | None,
        per_address: RateLimiter | None,
    ) -> None:
        self.app = app
        self.per_touchpoint = per_touchpoint
        self.per_address = per_address

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] == "OPTIONS"
            or not path.startswith(PUBLIC_PREFIXES)
            or (self.per_touchpoint is None and self.per_address is None)
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "-"
        if self.per_address is not None:
            wait = self.per_address.hit(address)
            if wait:
                await self._refuse(scope, send, wait, self.per_address.per_minute, "address")
                return
        if self.per_touchpoint is not None:
            target = public_target(path)
            if target is None and path == PUBLIC_SUBMIT_PATH and scope["method"] == "POST":
                target, receive = await _target_from_body(receive)
            key = (address, *(target or ("", path)))
            wait = self.per_touchpoint.hit(key)
            if wait:
                await self._refuse(scope, send, wait, self.per_touchpoint.per_minute, "touchpoint")
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(
        scope: Scope, send: Send, wait: float, per_minute: int, scope_name: str
    ) -> None:
        seconds = max(1, math.ceil(wait))
        what = "per address and touchpoint" if scope_name == "touchpoint" else "per address"
        error = TooManyRequests(
            f"too many requests: at most {per_minute} a minute {what}; retry in {seconds} s",
            retry_after=seconds,
        )
        retry = [("retry-after", str(seconds))]
        await send_error(send, error, retry, lang=scope_lang(scope))


async def _target_from_body(receive: Receive) -> tuple[tuple[str, str], Receive]:
    """Read the whole body (the size limit sits outside), find journey and touchpoint, replay it."""
    body, receive = await read_body(receive)
    target = ("?", "?")
    try:
        data = json.loads(body) if body is not None else None
    except ValueError:
        data = None
    if isinstance(data, dict):
        journey, touchpoint = data.get("journey"), data.get("touchpoint")
        if isinstance(journey, str) and isinstance(touchpoint, str):
            target = (journey[:64], touchpoint[:64])
    return target, receive


def has_body(scope: Scope) -> bool:
    """Whether the request's headers announce a body (a Content-Length above 0, or chunks)."""
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            return bytes(value).strip() not in (b"0", b"")
        if key == b"transfer-encoding":
            return True
    return False


async def read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """Read the request's whole body: (it, or None when the client left first; a `receive` that
    hands it on, as one message, before whatever the server says next)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, _replay(message, receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    if len(chunks) == 1:  # nearly always: the whole body in one message, handed on as it came
        return chunks[0], _replay(message, receive)
    body = b"".join(chunks)
    return body, _replay({"type": "http.request", "body": body, "more_body": False}, receive)


def _replay(first: Message, receive: Receive) -> Receive:
    pending = [first]

    async def replay() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replay


class SecurityHeadersMiddleware:
    """Headers every response gets unless the route set its own (the web pages set theirs).

    nosniff and a Referrer-Policy everywhere; HTML without a Content-Security-Policy (the API
    docs) gets one that forbids framing, plugins and <base>; HSTS only when configured.
    """

    HTML_CSP = b"base-uri 'none'; object-src 'none'; frame-ancestors 'none'"

    def __init__(self, app: ASGIApp, hsts_seconds: int = 0) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_seconds}".encode() if hsts_seconds > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {bytes(k).lower() for k, _ in headers}
                html = any(
                    bytes(k).lower() == b"content-type" and bytes(v).startswith(b"text/html")
                    for k, v in headers
                )
                extra = [(b"x-content-type-options", b"nosniff")]
                extra.append((b"referrer-policy", b"same-origin" if html else b"no-referrer"))
                if html and b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", self.HTML_CSP))
                    extra.append((b"x-frame-options", b"DENY"))
                if self.hsts is not None:
                    extra.append((b"strict-transport-security", self.hsts))
                headers.extend((k, v) for k, v in extra if k not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add_headers)
