"""uvicorn's HTTP protocol (httptools) with deadlines for a request's arrival and a header cap.

uvicorn itself waits for a request's headers and body for as long as the client keeps the
socket open (its only timer is the idle keep-alive one, and any byte stops it), and with
httptools it takes headers of any size (2 MB were accepted). So a client could hold a
connection, and a request waiting for its body, for ever, or grow a worker's memory at will.
`vocsvc serve` uses this protocol instead:

- a request's headers must be complete within VOCSVC_HEADER_TIMEOUT_SECONDS of its first byte
  (of a new connection's opening: one that never sends is closed too), and be at most
  MAX_HEADER_BYTES (else 431);
- its body must be complete within VOCSVC_BODY_TIMEOUT_SECONDS of the end of its headers;
- a late request gets 408; either way the connection is closed, and whatever still waits for
  the body (vocsvc/security/admission.py reads it before a request takes its slot) sees the
  client gone.

Besides one timer for a new connection's first headers, a timer is armed only when a read ends
with a request still incomplete, so a request that arrives in one read, as nearly all do, costs
none. An idle keep-alive connection is closed by uvicorn's own timer (`timeout_keep_alive`,
VOCSVC_KEEP_ALIVE_SECONDS).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from vocsvc.config import get_settings
from vocsvc.errors import VocError

MAX_HEADER_BYTES = 64 * 1024  # the request line and every header, as received


class RequestTimeout(VocError):
    status_code = 408
    code = "request_timeout"


class HeadersTooLarge(VocError):
    status_code = 431
    code = "headers_too_large"


def raw_response(error: VocError) -> bytes:
    """`error` as a complete HTTP/1.1 response that closes the connection."""
    body = json.dumps(error.to_dict(), ensure_ascii=False).encode()
    status = HTTPStatus(error.status_code)
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "x-content-type-options: nosniff\r\n"
        "referrer-policy: no-referrer\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol whose requests must arrive in time and with headers of bounded size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.header_timeout = settings.header_timeout_seconds
        self.body_timeout = settings.body_timeout_seconds
        self.in_headers = False  # from a request's first byte to the end of its headers
        self.in_body = False  # from there to the end of its body
        self.header_bytes = 0
        self.deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, "headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # calls the parser callbacks below
        if self.transport.is_closing():
            return
        if self.in_headers:
            self.header_bytes += len(data)
            if self.header_bytes > MAX_HEADER_BYTES:
                message = f"the request headers are larger than {MAX_HEADER_BYTES} bytes"
                self._refuse(HeadersTooLarge(message))
            elif self.deadline is None:
                self._arm(self.header_timeout, "headers")
        elif self.in_body and self.deadline is None:
            self._arm(self.body_timeout, "body")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_headers = True
        self.header_bytes = 0

    def on_headers_complete(self) -> None:
        self.in_headers, self.in_body = False, True
        if self.deadline is not None:
            self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.in_body = False
        if self.deadline is not None:
            self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float, part: str) -> None:
        self.deadline = self.loop.call_later(seconds, self._late, seconds, part)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _late(self, seconds: float, part: str) -> None:
        self.deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle  # the request being answered: until new headers are in, the last one
        answering = cycle is not None and cycle.response_started
        if self.in_headers and cycle is not None and not cycle.response_complete:
            # A pipelined request: our 408 must not cut into the answer to the one before it.
            self._arm(seconds, part)
        elif self.in_headers or (self.in_body and not answering):
            self._refuse(RequestTimeout(f"the request {part} did not arrive within {seconds:g} s"))
        else:  # a connection that sent nothing, or a response already under way
            self.transport.close()

    def _refuse(self, error: VocError) -> None:
        self._disarm()
        client = "{}:{}".format(*self.client) if self.client else "-"
        # uvicorn's own logger, as for the requests it refuses itself (the workers configure it).
        self.logger.info("%s - %s %s; connection closed", client, error.status_code, error.message)
        self.transport.write(raw_response(error))
        self.transport.close()
