"""Readers and imports do not hold customers' answers up: a real `vocsvc serve`, real sockets.

On SQLite every transaction used to take the write gate: a CSV export read slowly held every
answer for as long as it ran, and an import held it while every row was checked and scored.
The same promises are checked on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import make_url

from tests.support import free_port, fresh_postgres_schema
from vocsvc.config import REPO_ROOT
from vocsvc.db import build_engine
from vocsvc.ingest.schemas import MAX_IMPORT_ROWS
from vocsvc.models import Journey, Response, Touchpoint

ADMIN_KEY = "voc_test_readers_admin_key_not_secret"
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}
STORED = 40_000  # about 7 MB of CSV: more than the sockets between server and reader buffer
ANSWER = {"journey": "retail", "touchpoint": "checkout", "nps": 9, "comment": "结账很快"}


def _vocsvc(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "vocsvc", *args], env=env, cwd=REPO_ROOT, check=True,
                   capture_output=True, timeout=300)  # fmt: skip


def _seed(engine: Engine, rows: int) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        checkout = conn.execute(
            select(Touchpoint).join(Journey, Touchpoint.journey_id == Journey.id)
            .where(Journey.key == "retail", Touchpoint.key == "checkout")
        ).one()  # fmt: skip
        conn.execute(insert(Response), [{
            "journey_id": checkout.journey_id, "stage_id": checkout.stage_id,
            "touchpoint_id": checkout.id, "survey_version_id": checkout.current_survey_id,
            "nps": n % 11, "comment": f"第{n}条评论，收银员态度很好", "source": "import",
            "submitted_at": now - timedelta(minutes=n), "received_at": now,
        } for n in range(rows)])  # fmt: skip


@dataclass(frozen=True)
class Served:
    base: str
    engine: Engine

    def count(self, comment_like: str) -> int:
        stmt = select(func.count()).where(Response.comment.like(comment_like))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Served]:
    """`vocsvc serve --workers 2` on a database of its own holding `STORED` answers."""
    with _own_database(tmp_path_factory.mktemp("readers"), database_url) as url:
        env = {**os.environ, "VOCSVC_DATABASE_URL": url, "VOCSVC_ADMIN_KEY": ADMIN_KEY,
               "VOCSVC_RATE_LIMIT_PER_MINUTE": "0", "VOCSVC_MAX_BODY_BYTES": "8000000"}  # fmt: skip
        _vocsvc(["db", "upgrade"], env)
        _vocsvc(["journeys", "sync", str(REPO_ROOT / "surveys")], env)
        engine = build_engine(url)
        _seed(engine, STORED)
        port = free_port()
        command = [sys.executable, "-m", "vocsvc", "serve", "--host", "127.0.0.1",
                   "--port", str(port), "--workers", "2"]  # fmt: skip
        process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stderr=subprocess.DEVNULL,
                                   start_new_session=True)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base)
            yield Served(base, engine)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            engine.dispose()


def _own_database(workdir: Path, database_url: str) -> contextlib.AbstractContextManager[str]:
    if make_url(database_url).get_backend_name() == "postgresql":
        return fresh_postgres_schema(database_url, "vocsvc_test_readers")
    return contextlib.nullcontext(f"sqlite:///{workdir / 'readers.db'}")


def _wait_until_up(base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer within {timeout} s")


def _post_answer(base: str, timeout: float = 20) -> httpx.Response:
    # Well below the 30 s a writer would wait for the gate (and then SQLite's busy timeout).
    return httpx.post(f"{base}/v1/public/responses", json=ANSWER, timeout=timeout)


def test_an_export_read_slowly_holds_no_answer_up(served: Served) -> None:
    base = served.base
    port = int(base.rsplit(":", 1)[1])
    with socket.socket() as reader:
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        reader.connect(("127.0.0.1", port))
        reader.sendall(b"GET /v1/journeys/retail/responses.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Authorization: Bearer " + ADMIN_KEY.encode() + b"\r\n\r\n")  # fmt: skip
        assert reader.recv(1024).startswith(b"HTTP/1.1 200")
        time.sleep(1)  # the export's buffers fill up and it stalls mid-stream, its read open
        for _ in range(3):
            assert _post_answer(base).status_code == 201
        assert httpx.get(f"{base}/healthz", timeout=20).status_code == 200
        reader.recv(1024)  # the export is still there, and was never finished
    with httpx.stream("GET", f"{base}/v1/journeys/retail/responses.csv", headers=AUTH,
                      timeout=120) as whole:  # fmt: skip
        lines = sum(chunk.count(b"\r\n") for chunk in whole.iter_bytes())
    assert lines >= STORED + 1  # the header, the seeded answers and the ones posted since


def _import_csv(rows: int, tag: str, bad_last_row: bool) -> bytes:
    rng = random.Random(rows)
    lines = ["journey,touchpoint,nps,comment,submitted_at"]
    for n in range(rows):
        nps = 99 if bad_last_row and n == rows - 1 else rng.randint(0, 10)
        lines.append(f"retail,checkout,{nps},{tag}第{n}行：结账排队{rng.randint(2, 30)}分钟，"
                     f"店员态度不错,2025-03-01T10:{n % 60:02d}:00+08:00")  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("bad_last_row", [True, False], ids=["refused", "stored"])
def test_answers_are_stored_while_an_import_is_checked_and_scored(
    served: Served, bad_last_row: bool
) -> None:
    # A refused import is only checked, never scored: checking is quick, so it gets the most
    # rows an import may hold, enough to keep it running while several answers go through.
    rows = MAX_IMPORT_ROWS if bad_last_row else 20_000
    tag = "拒" if bad_last_row else "收"
    body = _import_csv(rows, tag, bad_last_row)
    imported: list[httpx.Response] = []

    def run_import() -> None:
        headers = {**AUTH, "Content-Type": "text/csv"}
        reply = httpx.post(f"{served.base}/v1/responses/bulk", content=body, headers=headers,
                           timeout=300)  # fmt: skip
        imported.append(reply)

    importer = threading.Thread(target=run_import)
    importer.start()
    time.sleep(0.3)  # the import's body is in and its rows are being checked
    during = 0
    while importer.is_alive():
        reply = _post_answer(served.base, timeout=120)
        assert reply.status_code == 201, reply.text
        during += importer.is_alive()  # acknowledged while the import still ran
    importer.join()
    assert imported[0].status_code == (422 if bad_last_row else 201), imported[0].text
    # One answer waiting behind the whole import could still see it running when answered.
    assert during >= 3
    assert served.count(f"{tag}第%") == (0 if bad_last_row else rows)
