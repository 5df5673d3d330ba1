"""SQLite: do reads and imports hold customers' answers up? A real `vocsvc serve` on SQLite.

    .venv/bin/python bench/sqlite_reads.py [--rows 150000] [--import-rows 50000,200000]
        [--seconds 10] [--workers 2]

Prepares a SQLite file with `--rows` stored answers, serves it (`vocsvc serve`, 127.0.0.1 only),
and while one customer posts answers back to back (one keep-alive connection) runs, one after
the other:
  1. nothing else: the answers' own latency;
  2. a slow CSV reader: `responses.csv` read at 1 KB every 0.5 s for `--seconds`;
  3. a full-speed export of every answer;
  4. bulk imports (CSV) of each size in `--import-rows` (one above the 50,000-row limit is
     refused): the import's status and time, and the peak RSS of the worker that served it.
For each it prints how many answers were acknowledged meanwhile and their p50/p99/max latency:
an answer waiting behind the read or the import shows up as its max. Everything stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from ingest import Server, free_port, make_comment, vocsvc
from sqlalchemy import insert, select

from vocsvc.config import REPO_ROOT
from vocsvc.db import build_engine
from vocsvc.models import Journey, Response, Touchpoint

ADMIN_KEY = "voc_bench_sqlite_reads_admin"


@dataclass
class Answers:
    """One customer posting answers back to back while something else runs."""

    url: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        rng = random.Random(7)
        with httpx.Client(base_url=self.url, timeout=120) as client:
            while not self._stop.is_set():
                body = {"journey": "retail", "touchpoint": "checkout",
                        "nps": rng.randint(0, 10), "comment": make_comment(rng)}  # fmt: skip
                started = time.perf_counter()
                try:
                    reply = client.post("/v1/public/responses", json=body)
                except httpx.HTTPError as error:
                    self.errors[type(error).__name__] += 1
                    continue
                self.latencies.append(time.perf_counter() - started)
                self.statuses[reply.status_code] += 1

    def stop(self) -> None:
        self._stop.set()

    def line(self) -> str:
        ordered = sorted(self.latencies) or [0.0]

        def ms(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

        codes = ", ".join(f"{c}: {n}" for c, n in sorted(self.statuses.items()))
        errors = f"; errors {dict(self.errors)}" if self.errors else ""
        return (f"answers {self.statuses[201]:5d}  p50 {ms(0.5):7.1f} ms  p99 {ms(0.99):8.1f} ms"
                f"  max {ordered[-1] * 1000:8.1f} ms  ({codes}{errors})")  # fmt: skip


@contextlib.contextmanager
def answers_meanwhile(url: str) -> Iterator[Answers]:
    answers = Answers(url)
    thread = threading.Thread(target=answers.run, daemon=True)
    thread.start()
    time.sleep(0.3)  # the customer is posting before the other load starts
    try:
        yield answers
    finally:
        answers.stop()
        thread.join(180)


def seed(url: str, rows: int) -> None:
    """`rows` answers at the retail checkout (comments like real ones), straight into the file."""
    engine = build_engine(url)
    rng = random.Random(3)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        journey_id = conn.execute(select(Journey.id).where(Journey.key == "retail")).scalar_one()
        checkout = (Touchpoint.journey_id == journey_id) & (Touchpoint.key == "checkout")
        tp = conn.execute(select(Touchpoint).where(checkout)).one()
        for start in range(0, rows, 5000):
            batch = []
            for n in range(start, min(rows, start + 5000)):
                at = now - timedelta(minutes=n)
                batch.append({
                    "journey_id": journey_id, "stage_id": tp.stage_id, "touchpoint_id": tp.id,
                    "survey_version_id": tp.current_survey_id, "nps": rng.randint(0, 10),
                    "csat": rng.randint(1, 5), "comment": make_comment(rng), "source": "import",
                    "segment": "会员", "channel": "门店", "submitted_at": at, "received_at": at,
                })  # fmt: skip
            conn.execute(insert(Response), batch)
    engine.dispose()


def import_csv(rows: int) -> bytes:
    rng = random.Random(rows)
    lines = ["journey,touchpoint,nps,csat,comment,submitted_at"]
    start = datetime(2025, 1, 1)
    for n in range(rows):
        comment = make_comment(rng).replace(",", "，")
        at = (start + timedelta(minutes=n)).isoformat()
        lines.append(f"retail,checkout,{rng.randint(0, 10)},{rng.randint(1, 5)},{comment},{at}")
    return ("\n".join(lines) + "\n").encode()


def slow_reader(port: int, seconds: float) -> int:
    """Read the CSV export at 1 KB every 0.5 s for `seconds`; returns the bytes read."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET /v1/journeys/retail/responses.csv HTTP/1.1\r\nHost: bench\r\n"
                     f"Authorization: Bearer {ADMIN_KEY}\r\n\r\n".encode())  # fmt: skip
        got = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            chunk = sock.recv(1024)
            if not chunk:
                break
            got += len(chunk)
            time.sleep(0.5)
        return got


def full_export(url: str) -> str:
    started = time.perf_counter()
    size = 0
    with (
        httpx.Client(base_url=url, timeout=300) as client,
        client.stream(
            "GET",
            "/v1/journeys/retail/responses.csv",
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        ) as reply,
    ):
        for chunk in reply.iter_bytes():
            size += len(chunk)
    took = time.perf_counter() - started
    return f"status {reply.status_code}, {size / 1e6:.1f} MB in {took:.1f} s"


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM starts again from the current RSS


def bulk_import(url: str, body: bytes, workers: list[int]) -> str:
    for pid in workers:
        reset_peak_rss(pid)
    before = {pid: peak_rss_mb(pid) for pid in workers}
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=600) as client:
        reply = client.post("/v1/responses/bulk", content=body, headers={
            "Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "text/csv"})  # fmt: skip
    took = time.perf_counter() - started
    grew = {pid: peak_rss_mb(pid) - before[pid] for pid in workers}
    served_by = max(grew, key=lambda pid: grew[pid])
    answer = reply.json()
    outcome = answer.get("inserted", answer.get("message", "")[:70])
    return (f"status {reply.status_code} ({outcome}) in {took:.1f} s; the worker's peak RSS "
            f"{peak_rss_mb(served_by):.0f} MB (+{grew[served_by]:.0f} MB)")  # fmt: skip


def scenario(title: str, url: str, action: Callable[[], str]) -> None:
    with answers_meanwhile(url) as answers:
        outcome = action()
    print(f"  {title:<32} {outcome}")
    print(f"  {'':<32} {answers.line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000, help="answers stored beforehand")
    parser.add_argument("--import-rows", type=lambda v: [int(n) for n in v.split(",")],
                        default=[50_000, 200_000])  # fmt: skip
    parser.add_argument("--seconds", type=float, default=10, help="of the slow reader")
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before start")
    workdir = Path(tempfile.mkdtemp(prefix="vocsvc-sqlite-reads-"))
    url = f"sqlite:///{workdir / 'reads.db'}"
    env = {
        **os.environ,
        "VOCSVC_DATABASE_URL": url,
        "VOCSVC_ADMIN_KEY": ADMIN_KEY,
        "VOCSVC_RATE_LIMIT_PER_MINUTE": "0",
        "VOCSVC_MAX_BODY_BYTES": str(200_000_000),  # the 200k-row import is ~12 MB
    }
    server: Server | None = None
    try:
        vocsvc(["db", "upgrade"], env)
        vocsvc(["journeys", "sync", str(REPO_ROOT / "surveys")], env)
        seed(url, options.rows)
        port = free_port()
        command = [sys.executable, "-m", "vocsvc", "serve", "--host", "127.0.0.1", "--port",
                   str(port), "--workers", str(options.workers)]  # fmt: skip
        server = Server(command, env, port, workdir / "vocsvc.log", options.workers)
        server.start()
        base = server.url
        print(f"== SQLite, {options.rows:,} answers stored, {options.workers} workers ==")
        scenario("nothing else", base, lambda: (time.sleep(3), "3 s")[1])
        scenario(f"slow CSV reader, {options.seconds:.0f} s", base,
                 lambda: f"{slow_reader(port, options.seconds):,} bytes read")  # fmt: skip
        scenario("full-speed CSV export", base, lambda: full_export(base))
        workers = server.worker_pids()
        for rows in options.import_rows:
            body = import_csv(rows)
            scenario(
                f"import of {rows:,} rows ({len(body) / 1e6:.1f} MB)",
                base,
                lambda body=body: bulk_import(base, body, workers),
            )  # type: ignore[misc]
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"load average after: {statistics.mean(os.getloadavg()):.2f}")


if __name__ == "__main__":
    main()
