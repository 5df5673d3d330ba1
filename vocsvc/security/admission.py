"""Admission control: a bounded number of requests in flight per process."""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from vocsvc.security.middleware import has_body, read_body


class AdmissionMiddleware:
    """At most `limit` HTTP requests of this process run at once; the others wait their turn.

    Why: sync endpoints run in AnyIO's thread pool (40 threads), and FastAPI validates their
    return value in that pool too, while the request's transaction is still open (the session
    dependency commits after). If every pool thread were waiting for the database (SQLite's write
    lock, or a pooled PostgreSQL connection), the request holding it could never get a thread to
    finish and commit: a deadlock until the waits time out. Waiting here costs no thread, and a
    limit below the pool size (and the database pool's size) always leaves threads for holders.

    A request's body is read in full before it takes a slot: clients that send headers and then
    stall their body would otherwise hold every slot, and nothing else would be served. How long
    a body may take is the server's business (vocsvc/security/connection.py); a request whose
    client left before its body was in is dropped unanswered.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if has_body(scope):
            body, receive = await read_body(receive)
            if body is None:
                return  # the client is gone: there is nobody to answer
        if self._slots is None:  # created on first use, inside the server's event loop
            self._slots = anyio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)
