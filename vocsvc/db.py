"""Engine, sessions and the request-scoped session dependency."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from vocsvc.config import get_settings

SQLITE_BUSY_TIMEOUT_S = 30


def build_engine(url: str) -> Engine:
    """Create an engine with the per-dialect settings vocsvc relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Enough pooled connections for the request thread pool: no connect + PRAGMAs per request.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
            pool_size=40,
            max_overflow=40,
        )
        gate = _SQLiteWriteGate()
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", gate.begin)
        event.listen(engine, "checkin", gate.checkin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (dashboard, exports) run while a survey answer is written; NORMAL sync is
    # still durable across application crashes in WAL mode, which is the failure we design for.
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class _SQLiteWriteGate:
    """One SQLite transaction at a time per process, queued on a lock instead of SQLite's sleeps.

    Every transaction starts with BEGIN IMMEDIATE, i.e. takes SQLite's write lock. Threads that
    find it taken would wait in SQLite's busy handler, which polls with sleeps growing to 100 ms:
    under load, requests sleep while the lock is free. Here a thread first takes a process-wide
    lock (a queue woken the moment the holder is done), so at most one thread per process waits
    in SQLite, for another process's transaction. The lock is released when the connection goes
    back to the pool (sessions return it right after commit or rollback). A thread still waiting
    after the busy timeout goes on to SQLite anyway, exactly as without the gate.
    """

    FLAG = "vocsvc_write_gate"

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def begin(self, connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a read-then-write transaction (idempotency
        # check, then insert) can then wait for busy_timeout instead of failing on a lock upgrade.
        info = connection.info
        if not info.get(self.FLAG) and self.lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_S):
            info[self.FLAG] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._release(info)
            raise

    def checkin(self, _dbapi_connection: Any, record: Any) -> None:
        self._release(record.info)

    def _release(self, info: dict[str, Any]) -> None:
        if info.pop(self.FLAG, False):
            self.lock.release()


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """Yield a session and commit once when the request handler returns without error."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function" commits before the response is sent: an acknowledged answer is already stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_stream_session() -> Iterator[Session]:
    """A read-only session that lives until a streamed response has been sent."""
    session = get_sessionmaker()()
    try:
        yield session
    finally:
        session.close()


StreamSessionDep = Annotated[Session, Depends(get_stream_session, scope="request")]
