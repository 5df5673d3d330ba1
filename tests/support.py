"""Helpers shared by the fixtures: a throw-away PostgreSQL schema, session overrides for an app,
a free port."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

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
