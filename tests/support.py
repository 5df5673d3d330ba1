"""Helpers shared by the fixtures: a throw-away PostgreSQL schema, session overrides for an app,
a free port, a TCP proxy to cut for an outage."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from vocsvc.db import (
    build_engine,
    committing,
    get_session,
    get_stream_session,
    get_unit_of_work,
)


@contextmanager
def fresh_postgres_schema(url: str, schema: str) -> Iterator[str]:
    """A new empty schema on the server of `url`; yields a URL whose search_path is that schema."""
    admin = build_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def override_sessions(
    app: FastAPI, open_session: Callable[[], AbstractContextManager[Session]]
) -> FastAPI:
    """Serve the app's session dependencies from `open_session`, committing as get_session does."""
    unit_of_work = committing(open_session)

    def request_session() -> Iterator[Session]:
        with unit_of_work() as session:
            yield session

    def stream_session() -> Iterator[Session]:
        with open_session() as session:
            yield session

    app.dependency_overrides[get_session] = request_session

    async def get_unit_of_work_override() -> Callable[[], AbstractContextManager[Session]]:
        return unit_of_work

    app.dependency_overrides[get_unit_of_work] = get_unit_of_work_override
    app.dependency_overrides[get_stream_session] = stream_session
    return app


def reuse(session: Session) -> Callable[[], AbstractContextManager[Session]]:
    """An `open_session` that hands out the test's own session and leaves it open."""

    @contextmanager
    def borrowed() -> Iterator[Session]:
        yield session

    return borrowed


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 to `upstream` that a test can cut (an outage) and restore.

    Cut, it stops listening and closes every connection it carried, as a database that went
    down or a network that failed looks to the client: pooled connections die mid-use and
    new ones are refused. The real server is never touched.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with suppress(OSError):  # wakes the accept() (a bare close() would not on Linux)
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            open_now, self._open = self._open, set()
        for sock in open_now:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed by cut()
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
