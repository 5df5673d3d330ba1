"""Engine, sessions and the request-scoped session dependency."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import psycopg
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import Session, sessionmaker

from vocsvc.config import get_settings

SQLITE_BUSY_TIMEOUT_S = 30
log = logging.getLogger(__name__)
# How long a request waits for a new PostgreSQL connection before it is answered 503 (the
# driver's own default is to wait for the operating system: minutes, when a host is gone).
PG_CONNECT_TIMEOUT_S = 5


def build_engine(url: str) -> Engine:
    """Create an engine with the per-dialect settings vocsvc relies on (for writing)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not _in_memory(parsed.database):
            _create_private(Path(str(parsed.database)))
        engine = _sqlite_engine(url)
        gate = _SQLiteWriteGate(parsed.database)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", gate.begin)
        event.listen(engine, "checkin", gate.checkin)
        return engine
    connect_args = (
        {} if "connect_timeout" in parsed.query else {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    )
    engine = create_engine(url, pool_size=10, max_overflow=20, connect_args=connect_args)
    ping = _PingWhenIdle(engine.dialect)
    event.listen(engine, "connect", ping.mark_used)
    event.listen(engine, "checkin", ping.mark_used)
    event.listen(engine, "checkout", ping.checkout)
    return engine


def _create_private(database: Path) -> None:
    """Create a new SQLite file readable by this user only (its folder too, if new).

    SQLite gives the -wal and -shm files the database file's permissions, so they follow.
    """
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if database.stat().st_mode & 0o077:
            log.warning("%s can be read by other users: run `chmod 600 %s`", database, database)


def build_read_engine(url: str) -> Engine | None:
    """An engine for reads that must not wait for writers; None: the write engine will do.

    On SQLite every transaction of `build_engine`'s engine takes the write gate. A WAL reader
    needs no lock a writer waits for, so reads (GET requests, exports, analytics) get their
    own connections: `query_only` (a write through them is an error, not a surprise lock) and
    a plain deferred BEGIN, so each read transaction sees one snapshot. PostgreSQL readers
    never block writers: the one engine serves both.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or _in_memory(parsed.database):
        return None
    engine = _sqlite_engine(url)
    event.listen(engine, "connect", _sqlite_read_pragmas)
    event.listen(engine, "begin", _begin_deferred)
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database or an in-memory one."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or _in_memory(parsed.database):
        return None
    return Path(str(parsed.database))


def _in_memory(database: str | None) -> bool:
    return not database or database == ":memory:"


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if not _in_memory(database):
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
    # Enough pooled connections for the request thread pool: no connect + PRAGMAs per request.
    return create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        pool_size=40,
        max_overflow=40,
    )


class _PingWhenIdle:
    """`pool_pre_ping`, but only for connections that sat idle in the pool.

    A ping is one more round trip per transaction, and on a loaded machine each round trip to
    the database waits to be scheduled. A connection used within the last `IDLE_S` seconds is
    taken as alive. If the database went away meanwhile, that transaction fails, SQLAlchemy
    then replaces every pooled connection, and the answer writer retries its batch on a fresh
    one; a connection that sat idle longer is pinged and replaced if dead.
    """

    IDLE_S = 1.0
    USED_AT = "vocsvc_used_at"

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def mark_used(self, _dbapi_connection: Any, record: Any) -> None:
        record.info[self.USED_AT] = time.monotonic()

    def checkout(self, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(self.USED_AT, 0.0) < self.IDLE_S:
            return
        try:
            self.dialect.do_ping(dbapi_connection)
        except self.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out (or opens) another.
            raise exc.DisconnectionError("dead pooled connection") from error


# SQLSTATE classes of PostgreSQL's unavailability, what /healthz and a 503 say about them. A
# deadlock or a serialization failure is not one: the answer writer retries those answers alone.
_PG_UNAVAILABLE = {
    "08": "the connection to the database failed",
    "53": "the database is out of resources",
    "57": "the database is shutting down, starting or cancelled the statement",
}
_SQLITE_UNAVAILABLE = {
    "database is locked": "the database is busy",
    "unable to open database file": "the database file cannot be opened",
    "disk I/O error": "the database file cannot be read or written",
}


def unavailable_reason(error: BaseException) -> str | None:
    """Why the database cannot serve a request now (a retry later may work), or None when
    `error` is not that kind of failure. Says nothing of hosts, ports or SQL."""
    if isinstance(error, exc.TimeoutError):  # the pool had no connection to hand out
        return "every database connection is in use"
    if isinstance(error, exc.DisconnectionError):
        return "the connection to the database was lost"
    if not isinstance(error, exc.DBAPIError):
        return None
    if error.connection_invalidated:
        return "the connection to the database was lost"
    original = error.orig
    if isinstance(original, psycopg.OperationalError | psycopg.InterfaceError):
        if original.sqlstate is None:  # no server answered: refused, timed out, closed
            return "the database cannot be reached"
        return _PG_UNAVAILABLE.get(original.sqlstate[:2])
    if isinstance(original, sqlite3.OperationalError):
        found = (why for text, why in _SQLITE_UNAVAILABLE.items() if text in str(original))
        return next(found, None)
    return None


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


def _sqlite_read_pragmas(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    dbapi_connection.execute("PRAGMA query_only=ON")


def _begin_deferred(connection: Any) -> None:
    # Takes no lock until the first read, and then only a WAL snapshot: writers go on.
    connection.exec_driver_sql("BEGIN")


class _SQLiteWriteGate:
    """One SQLite transaction at a time, queued on locks instead of SQLite's sleeps.

    Every transaction starts with BEGIN IMMEDIATE, i.e. takes SQLite's write lock. A connection
    that finds it taken waits in SQLite's busy handler, which polls with sleeps growing to 100 ms:
    under load, writers sleep while the lock is free (p99 of 400 ms with two uvicorn workers).
    Here a thread first takes a process-wide lock (a queue woken the moment the holder is done),
    then, for a database file, an advisory lock on `<file>-writer` shared with the other
    processes (released by the kernel even when a process is killed), so the wait for another
    process's transaction ends when it does. Both are released when the connection goes back to
    the pool (sessions return it right after commit or rollback). A thread still waiting after
    the busy timeout goes on to SQLite anyway, exactly as without the gate.
    """

    FLAG = "vocsvc_write_gate"

    def __init__(self, database: str | None) -> None:
        self.lock = threading.Lock()
        self.path = None if _in_memory(database) else f"{database}-writer"
        self._fd: int | None = None

    def begin(self, connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a read-then-write transaction (idempotency
        # check, then insert) can then wait for busy_timeout instead of failing on a lock upgrade.
        info = connection.info
        if not info.get(self.FLAG):
            deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
            if self.lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_S):
                info[self.FLAG] = self._lock_file(deadline)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._release(info)
            raise

    def checkin(self, _dbapi_connection: Any, record: Any) -> None:
        self._release(record.info)

    def _lock_file(self, deadline: float) -> str:
        """Take the file lock (with this thread holding `self.lock`): "file", or "process"."""
        if self.path is None:
            return "process"
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        pause = 0.0002
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return "file"
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return "process"
                # Polled, not blocking: a stuck holder must end in SQLite's timeout, not a hang.
                time.sleep(pause)
                pause = min(pause * 2, 0.0005)

    def _release(self, info: dict[str, Any]) -> None:
        held = info.pop(self.FLAG, None)
        if held == "file" and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        if held:
            self.lock.release()


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@lru_cache
def get_read_sessionmaker() -> sessionmaker[Session]:
    """Sessions for reading only: on SQLite they never wait for (or hold up) a writer."""
    engine = build_read_engine(get_settings().database_url) or get_engine()
    return sessionmaker(bind=engine, expire_on_commit=False)


UnitOfWork = Callable[[], AbstractContextManager[Session]]


def committing(open_session: Callable[[], AbstractContextManager[Session]]) -> UnitOfWork:
    """Units of work on `open_session`'s sessions: committed once when the block ends without
    error, else rolled back."""

    @contextmanager
    def unit_of_work() -> Iterator[Session]:
        with open_session() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    return unit_of_work


unit_of_work = committing(lambda: get_sessionmaker()())  # a Session closes when its block ends
read_unit = committing(lambda: get_read_sessionmaker()())

# HTTP's safe methods: their routes only read, so their sessions never take the write gate.
READ_METHODS = frozenset({"GET", "HEAD"})
_READS_ONLY = "vocsvc.reads_only"


def get_session(request: Request) -> Iterator[Session]:
    """Yield the request's session and commit once when the handler returns without error.

    A GET or HEAD request, or a route marked `ReadsOnly`, gets a read session (see
    `build_read_engine`); every other request a session that may write.
    """
    reads_only = request.method in READ_METHODS or request.scope.get(_READS_ONLY, False)
    with (read_unit if reads_only else unit_of_work)() as session:
        yield session


# scope="function" commits before the response is sent: an acknowledged answer is already stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _mark_reads_only(request: Request) -> None:
    request.scope[_READS_ONLY] = True


# For a route's `dependencies=[ReadsOnly]`, resolved before its other dependencies: a POST that
# only reads (scoring texts), or one that writes through its own `UnitOfWorkDep` (an import,
# checked before it takes the write gate). Its SessionDep, the key check's too, only reads.
ReadsOnly = Depends(_mark_reads_only)


async def get_unit_of_work() -> UnitOfWork:
    """For routes that hand their writes to another thread (the answer writer).

    Async because a plain function dependency costs a trip through the thread pool.
    """
    return unit_of_work


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]


def get_stream_session() -> Iterator[Session]:
    """A read session that lives until a streamed response has been sent."""
    session = get_read_sessionmaker()()
    try:
        yield session
    finally:
        session.close()


StreamSessionDep = Annotated[Session, Depends(get_stream_session, scope="request")]
