"""SQLite transactions queue on a process lock that every ending path releases."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from vocsvc.db import build_engine


def test_concurrent_writers_all_commit_and_the_gate_is_free_afterwards(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    failures: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            for n in range(25):
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": offset + n})
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(k * 100,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 200

    # every path (commit, rollback, error) gave the lock back
    def insert_then_fail() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        insert_then_fail()
    with pytest.raises(Exception, match="no such table"), engine.begin() as conn:
        conn.execute(text("SELECT * FROM missing"))
    gate_lock = next(
        fn.__self__.lock  # type: ignore[attr-defined]
        for fn in engine.dispatch.begin
        if hasattr(getattr(fn, "__self__", None), "lock")
    )
    assert gate_lock.acquire(blocking=False)
    gate_lock.release()
    engine.dispose()


HOLDER = """
import sys, time
from sqlalchemy import text
from vocsvc.db import build_engine
engine = build_engine(sys.argv[1])
with engine.begin() as conn:
    conn.execute(text("INSERT INTO t VALUES (1)"))
    print("holding", flush=True)
    time.sleep(60)
"""


def test_another_process_waits_on_the_file_lock_until_the_holder_dies(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    engine = build_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, url], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"holding"
        probe = os.open(tmp_path / "gate.db-writer", os.O_RDWR)
        try:  # the holder's transaction holds the file lock every process queues on
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(probe)
        done = threading.Event()

        def write() -> None:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (2)"))
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert not done.wait(0.5)  # queued behind the other process's transaction
        holder.kill()  # SIGKILL mid-transaction: the kernel drops its lock, SQLite rolls it back
        assert done.wait(5)
        writer.join()
    finally:
        holder.kill()
        holder.wait()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM t")).scalars().all() == [2]
    engine.dispose()
