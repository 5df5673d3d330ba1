"""Ingest benchmark: public answers through a real `vocsvc serve`, on SQLite and PostgreSQL.

    .venv/bin/python bench/ingest.py [--db sqlite|postgresql|both] [--seconds 20]
        [--concurrency 8,16,24,48] [--workers 2] [--pg URL] [--no-crash] [--no-wrk] [--profile]

For each database it:
  1. prepares a fresh database (SQLite: a file in a temp dir; PostgreSQL: a new schema through
     `?options=-csearch_path=<schema>`, then `vocsvc db upgrade`) and `vocsvc journeys sync`;
  2. serves a bare FastAPI app (one POST answering 201, same uvicorn, same workers) and vocsvc
     (`vocsvc serve`); for each number of clients, measures the bare app, then vocsvc, with the
     same concurrent asyncio+httpx clients (each its own keep-alive connection) posting
     realistic Chinese answers (some with phone numbers) with Idempotency-Keys for a fixed time;
     5% of the posts replay an acknowledged key with its answer, as a client retrying would.
     Reports requests/s, p50/p99, and acknowledged answers against the rows stored (they must
     be equal, with the same ids), then a table of the target per number of clients (at least
     half the bare rate, p99 under 100 ms; it also says where the bare app's own p99 is over
     100 ms);
  3. the same two servers under wrk (when installed), one C thread with as many connections:
     the httpx clients' one process caps near one core's worth of requests, below the bare
     app's own limit, so these are the server-bound figures (bench/wrk_load.py); CPU per
     request of the servers (and of PostgreSQL) from /proc; a second target table;
  4. crash run (the largest number of clients): each client has a fixed set of answers it
     retries (same key) until acknowledged; the server group is SIGKILLed once 30% of them are
     acknowledged, and restarted. Afterwards every acknowledged key must be stored exactly once.
With --profile, py-spy samples the vocsvc workers during the first load on each database and
the hottest frames are printed. Everything runs on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import wrk_load
from sqlalchemy import text
from sqlalchemy.engine import make_url
from wrk_load import WrkRun

from vocsvc.config import REPO_ROOT
from vocsvc.db import build_engine

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PHONE = re.compile(r"1[3-9]\d{9}")

# --- realistic answers ---------------------------------------------------------------------------

OPENERS = ["这次", "今天", "上周末", "昨天晚上", "第一次来", "带孩子来", "和同事一起", "作为老客户"]
GOOD = [
    "结账很快，收银员态度特别好", "水果很新鲜，价格也公道", "客服回复及时，问题当天就解决了",
    "停车方便，导购很专业", "退货流程简单，没有为难我", "项目经理沟通顺畅，交付准时",
    "售后响应很快，工程师很耐心", "会员积分兑换很方便👍",
]  # fmt: skip
BAD = [
    "排队排了二十多分钟，太慢了", "蔬菜不新鲜，有的已经烂了", "客服电话一直打不通",
    "退款到现在还没到账", "合同条款改了三次，效率太低", "实施团队换了好几拨人，很不专业",
    "停车场收费不合理", "导购态度冷淡，问了也不理",
]  # fmt: skip
CLOSERS = ["", "。", "，希望改进。", "，下次还来！", "。有问题请联系我", "，谢谢！"]


def make_comment(rng: random.Random) -> str:
    parts = [rng.choice(OPENERS), rng.choice(GOOD if rng.random() < 0.55 else BAD)]
    if rng.random() < 0.3:
        parts.append("，但" + rng.choice(BAD if rng.random() < 0.5 else GOOD))
    closer = rng.choice(CLOSERS)
    if rng.random() < 0.15:  # the redaction must catch these before storage
        closer = f"，电话1{rng.choice('3456789')}{rng.randrange(10**8, 10**9)}"
    return "".join(parts) + closer


@dataclass(frozen=True)
class Touchpoint:
    journey: str
    key: str
    questions: tuple[str, ...]


SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "importance": (1, 5)}


def make_answer(tp: Touchpoint, rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {"journey": tp.journey, "touchpoint": tp.key}
    for question in tp.questions:
        if question == "comment":
            if rng.random() < 0.7:
                body["comment"] = make_comment(rng)
        elif rng.random() < 0.9:
            low, high = SCALES[question]
            body[question] = rng.randint(low, high)
    if not any(q in body for q in (*SCALES, "comment")):
        scored = [q for q in tp.questions if q in SCALES]
        body[scored[0]] = SCALES[scored[0]][1]
    if rng.random() < 0.5:
        body["respondent"] = f"member-{rng.randrange(100_000)}"
    body["channel"] = rng.choice(["小程序", "门店扫码", "短信", "App"])
    return body


def load_touchpoints() -> list[Touchpoint]:
    from vocsvc.journeys.loader import load_journey_dir

    return [
        Touchpoint(j.key, t.key, tuple(t.questions))
        for j in load_journey_dir(REPO_ROOT / "surveys")
        for s in j.stages
        for t in s.touchpoints
    ]


# --- servers -------------------------------------------------------------------------------------

BARE_APP = """
import itertools
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, StrictInt

class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    journey: str
    touchpoint: str
    nps: StrictInt | None = None
    csat: StrictInt | None = None
    ces: StrictInt | None = None
    importance: StrictInt | None = None
    comment: str | None = None
    respondent: str | None = None
    segment: str | None = None
    channel: str | None = None

def create_app() -> FastAPI:
    app = FastAPI()
    ids = itertools.count(1)

    @app.post("/v1/public/responses", status_code=201)
    async def submit(item: Answer) -> dict[str, int]:
        return {"id": next(ids)}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
"""
# The same uvicorn.run call `vocsvc serve` makes.
# Served like `vocsvc serve`: the same uvicorn, workers and sockets (vocsvc.serve).
BARE_RUNNER = (
    "import sys; from vocsvc import serve; serve.run('bare_app:create_app', '127.0.0.1', "
    "int(sys.argv[1]), int(sys.argv[2]))"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A server process group we start, probe, kill and restart."""

    def __init__(
        self, command: list[str], env: dict[str, str], port: int, log: Path, workers: int
    ) -> None:
        self.command, self.env, self.port, self.log = command, env, port, log
        self.workers = workers
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=REPO_ROOT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as reply:  # noqa: S310
                    # All workers listening: one still starting would leave the clients to others.
                    if reply.status == 200 and self.listening() in (None, self.workers):
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout}s; see {self.log}")

    def listening(self) -> int | None:
        """How many processes listen on the port (None when `ss` cannot tell)."""
        owners = socket_owners(["-l"], self.port)
        return None if owners is None else len(set(owners))

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn's supervisor and its workers)."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
                             capture_output=True, text=True, check=False)  # fmt: skip
        return [int(p) for p in out.stdout.split()] or [self.process.pid]


# --- load ----------------------------------------------------------------------------------------


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    acknowledged: dict[str, int] = field(default_factory=dict)
    replays: int = 0
    replay_mismatches: int = 0
    seconds: float = 0.0
    spread: list[int] = field(default_factory=list)  # clients' connections per server process

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def customer(url: str, timeout: float) -> httpx.AsyncClient:
    """One customer's own keep-alive connection. One pool shared by all clients would measure
    httpx's pool instead of the server: its cost grows with the number of connections (with 48,
    a bare endpoint's p99 was 900 ms, at 60% of the rate of 8 clients)."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout)


async def timed_load(
    url: str, touchpoints: list[Touchpoint], seconds: float, concurrency: int, prefix: str
) -> Run:
    """Clients posting answers back to back for `seconds`; 5% replay an acknowledged key."""
    run = Run()
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(customer(url, 30)) for _ in range(concurrency)]
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + seconds
        keys: list[str] = []
        bodies: dict[str, dict[str, Any]] = {}  # a retry sends its answer again, unchanged

        async def client_task(number: int) -> None:
            client = clients[number]
            rng = random.Random(number)
            sent = 0
            while loop.time() < deadline:
                replay = bool(keys) and rng.random() < 0.05
                key = rng.choice(keys) if replay else f"{prefix}-{number}-{sent}"
                sent += 1
                body = bodies[key] if replay else make_answer(rng.choice(touchpoints), rng)
                t0 = time.perf_counter()
                try:
                    reply = await client.post(
                        "/v1/public/responses", json=body, headers={"Idempotency-Key": key}
                    )
                except httpx.HTTPError as error:
                    run.errors[type(error).__name__] += 1
                    continue
                run.latencies.append(time.perf_counter() - t0)
                run.statuses[reply.status_code] += 1
                if reply.status_code != 201:
                    continue
                answer_id = int(reply.json()["id"])
                if replay:
                    run.replays += 1
                    run.replay_mismatches += answer_id != run.acknowledged.get(key)
                else:
                    run.acknowledged[key] = answer_id
                    bodies[key] = body
                    keys.append(key)

        async def look_at_spread() -> None:
            await asyncio.sleep(min(1.0, seconds / 2))
            run.spread = await asyncio.to_thread(connections_per_process, url)

        await asyncio.gather(look_at_spread(), *(client_task(n) for n in range(concurrency)))
        run.seconds = loop.time() - started
    return run


def connections_per_process(url: str) -> list[int]:
    """Established connections to the server's port, per worker process (most first).

    Each worker keeps the keep-alive connections it accepted, so how they fell decides how the
    load is shared: with one shared listening socket, a few clients could all land on one worker.
    """
    owners = socket_owners(["state", "established"], int(url.rsplit(":", 1)[1]))
    return sorted(Counter(owners or []).values(), reverse=True)


def socket_owners(selection: list[str], port: int) -> list[str] | None:
    """The pid owning each TCP socket on local `port` that `ss` selects (None without `ss`)."""
    try:
        listing = subprocess.run(["ss", "-tnpH", *selection, f"( sport = :{port} )"],
                                 capture_output=True, text=True, check=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return re.findall(r"pid=(\d+)", listing)


async def crash_load(
    server: Server,
    touchpoints: list[Touchpoint],
    concurrency: int,
    answers_each: int,
    kill_share: float,
    prefix: str,
    limit_seconds: float = 180,
) -> tuple[Run, dict[str, Any]]:
    """Each client retries each of its answers (same key) until acknowledged; kill mid-run."""
    run = Run()
    crash: dict[str, Any] = {}
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(customer(server.url, 10))
                   for _ in range(concurrency)]  # fmt: skip
        loop = asyncio.get_running_loop()
        started = loop.time()
        hard_stop = started + limit_seconds

        async def client_task(number: int) -> None:
            client = clients[number]
            rng = random.Random(10_000 + number)
            for index in range(answers_each):
                key = f"{prefix}-{number}-{index}"
                body = make_answer(rng.choice(touchpoints), rng)
                delay = 0.05
                while loop.time() < hard_stop:
                    try:
                        t0 = time.perf_counter()
                        reply = await client.post(
                            "/v1/public/responses", json=body, headers={"Idempotency-Key": key}
                        )
                    except httpx.HTTPError as error:
                        run.errors[type(error).__name__] += 1
                    else:
                        run.latencies.append(time.perf_counter() - t0)
                        run.statuses[reply.status_code] += 1
                        if reply.status_code == 201:
                            run.acknowledged[key] = int(reply.json()["id"])
                            break
                    await asyncio.sleep(delay * (0.5 + rng.random()))
                    delay = min(delay * 2, 1.0)

        async def killer() -> None:
            # Killed once a share of the answers is acknowledged: mid-run however fast the server.
            total = concurrency * answers_each
            while len(run.acknowledged) < kill_share * total and loop.time() < hard_stop:
                await asyncio.sleep(0.01)
            crash["acknowledged_before_kill"] = len(run.acknowledged)
            t0 = time.perf_counter()
            server.kill()
            crash["killed_at_s"] = round(loop.time() - started, 2)
            await loop.run_in_executor(None, server.start)
            crash["restart_s"] = round(time.perf_counter() - t0, 2)

        await asyncio.gather(killer(), *(client_task(n) for n in range(concurrency)))
        run.seconds = loop.time() - started
    crash["unacknowledged"] = concurrency * answers_each - len(run.acknowledged)
    return run, crash


# --- checks against the database -----------------------------------------------------------------


def stored_by_key(url: str, prefix: str) -> tuple[dict[str, list[int]], int, int]:
    """{key: [ids]}, comments still holding a phone number, comments without a score."""
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT idempotency_key, id, comment, sentiment FROM responses "
                     "WHERE idempotency_key LIKE :p"),
                {"p": f"{prefix}-%"},
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    by_key: dict[str, list[int]] = {}
    for key, answer_id, _, _ in rows:
        by_key.setdefault(key, []).append(answer_id)
    phones = sum(1 for r in rows if r.comment and PHONE.search(r.comment))
    unscored = sum(1 for r in rows if r.comment and r.sentiment is None)
    return by_key, phones, unscored


def verify(url: str, prefix: str, run: Run) -> dict[str, Any]:
    stored, phones, unscored = stored_by_key(url, prefix)
    acked = run.acknowledged
    return {
        "acknowledged": len(acked),
        "stored": len(stored),
        "missing": sum(1 for k in acked if k not in stored),
        "duplicated": sum(1 for ids in stored.values() if len(ids) > 1),
        "wrong_id": sum(1 for k, i in acked.items() if k in stored and stored[k] != [i]),
        "stored_not_acknowledged": sum(1 for k in stored if k not in acked),
        "phone_numbers_left": phones,
        "unscored_comments": unscored,
    }


# --- orchestration -------------------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, pg_url: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'ingest.db'}"
        return
    schema = f"bench_ingest_{os.getpid()}"
    admin = build_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield (
            make_url(pg_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def vocsvc(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "vocsvc", *args], env=env, check=True, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def report(title: str, run: Run) -> None:
    rate = run.requests / run.seconds if run.seconds else 0.0
    codes = ", ".join(f"{c}: {n}" for c, n in sorted(run.statuses.items()))
    errors = f"; client errors {dict(run.errors)}" if run.errors else ""
    print(f"  {title:<22} {rate:8.1f} req/s  p50 {run.percentile(0.50):6.1f} ms  "
          f"p99 {run.percentile(0.99):6.1f} ms  ({run.requests} requests in {run.seconds:.1f} s;"
          f" {codes}{errors})")  # fmt: skip
    if run.spread:
        print(f"  {'':<22} connections per worker: {'/'.join(map(str, run.spread))}")


def server_errors(log: Path) -> None:
    """Say how many errors the server logged (a scoring failure stores answers unscored)."""
    lines = log.read_text(errors="replace").splitlines()
    errors = [line for line in lines if " ERROR " in line or line.startswith("ERROR")]
    if errors:
        print(f"  server logged {len(errors)} errors, the first:")
        start = lines.index(errors[0])
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("INFO")), start + 1
        )
        for line in lines[start:end][-12:]:
            print(f"    | {line[:160]}")


def profile_summary(raw: Path, top: int = 22) -> None:
    """Inclusive and own share of samples per frame, from py-spy's collapsed stacks."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    if not total:
        print("  (no samples)")
        return

    def short(frame: str) -> str:
        return frame.replace(str(REPO_ROOT) + "/", "").replace(str(Path(sys.prefix) / "lib"), "…")

    print(f"  {total} samples; busiest frames by own time:")
    for frame, count in own.most_common(top):
        print(f"    {100 * count / total:5.1f}%  {short(frame)}")
    print("  vocsvc frames by inclusive time:")
    ours = [(f, c) for f, c in inclusive.items() if "(vocsvc/" in f or "/vocsvc/" in f]
    for frame, count in sorted(ours, key=lambda fc: -fc[1])[:top]:
        print(f"    {100 * count / total:5.1f}%  {short(frame)}")


def bench_database(kind: str, options: argparse.Namespace, touchpoints: list[Touchpoint]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"vocsvc-ingest-{kind}-"))
    try:
        with database(kind, options.pg, workdir) as url:
            print(f"\n== {kind}: {options.workers} workers, {options.seconds:.0f} s a run ==")
            env = {
                **os.environ,
                "VOCSVC_DATABASE_URL": url,
                # every client is 127.0.0.1: keep the limiter running but out of the way
                "VOCSVC_RATE_LIMIT_PER_MINUTE": "100000000",
                "PYTHONPATH": os.pathsep.join([str(workdir), os.environ.get("PYTHONPATH", "")]),
            }
            env.pop("VOCSVC_SECRET_KEY", None)  # the generated, database-kept secret path
            vocsvc(["db", "upgrade"], env)
            vocsvc(["journeys", "sync", str(REPO_ROOT / "surveys")], env)

            (workdir / "bare_app.py").write_text(textwrap.dedent(BARE_APP))
            bare_cmd = [sys.executable, "-c", BARE_RUNNER, "{port}", str(options.workers)]
            ours_cmd = [sys.executable, "-m", "vocsvc", "serve", "--host", "127.0.0.1",
                        "--port", "{port}", "--workers", str(options.workers)]  # fmt: skip

            def server(command: list[str], name: str) -> Server:
                port = free_port()
                cmd = [c.replace("{port}", str(port)) for c in command]
                return Server(cmd, env, port, workdir / f"{name}.log", options.workers)

            bare, ours = server(bare_cmd, "bare"), server(ours_cmd, "vocsvc")
            bare.start()
            ours.start()
            rows: list[tuple[int, Run, Run]] = []
            wrk_rows: list[tuple[int, WrkRun, WrkRun]] = []
            try:
                for level, concurrency in enumerate(options.concurrency):
                    profile = options.profile and level == 0
                    bare_run, ours_run = measure(url, bare, ours, touchpoints, concurrency,
                                                 options.seconds, profile, workdir)  # fmt: skip
                    rows.append((concurrency, bare_run, ours_run))
                if options.wrk:
                    wrk_rows = server_bound(url, kind, bare, ours, touchpoints, options, workdir)
            finally:
                bare.stop()
                ours.stop()
            server_errors(ours.log)
            print("  the httpx clients (their one process caps the rate near one core's worth):")
            summary([(c, rate(b), b.percentile(0.99), rate(o), o.percentile(0.99))
                     for c, b, o in rows])  # fmt: skip
            if wrk_rows:
                print("  wrk (server-bound):")
                summary([(c, b.rate, b.p99_ms, o.rate, o.p99_ms) for c, b, o in wrk_rows])

            if options.crash:
                ours.start()
                crash_prefix = f"crash-{uuid.uuid4().hex[:8]}"
                try:
                    crash_run, crash = asyncio.run(crash_load(
                        ours, touchpoints, max(options.concurrency), options.crash_answers,
                        options.kill_share, crash_prefix))  # fmt: skip
                finally:
                    ours.stop()
                print("  crash run: SIGKILL of the server group mid-run, restart, clients retry"
                      " with the same key until acknowledged")  # fmt: skip
                report("vocsvc (with crash)", crash_run)
                print(f"  {crash}")
                print(f"  acknowledged vs stored: {verify(url, crash_prefix, crash_run)}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def measure(
    url: str,
    bare: Server,
    ours: Server,
    touchpoints: list[Touchpoint],
    concurrency: int,
    seconds: float,
    profile: bool,
    workdir: Path,
) -> tuple[Run, Run]:
    """The bare endpoint, then vocsvc, under the same clients; checks what vocsvc stored."""
    print(f"  -- {concurrency} clients")
    asyncio.run(timed_load(bare.url, touchpoints, 2, concurrency, "warm"))
    bare_run = asyncio.run(timed_load(bare.url, touchpoints, seconds, concurrency, "bare"))
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    asyncio.run(timed_load(ours.url, touchpoints, 2, concurrency, "warm" + prefix))
    raw = workdir / "profile.txt"
    spy = start_profiler(ours, raw, seconds) if profile else None
    try:
        ours_run = asyncio.run(timed_load(ours.url, touchpoints, seconds, concurrency, prefix))
    finally:
        if spy is not None:
            spy.wait(timeout=60)
    report("bare FastAPI POST", bare_run)
    report("vocsvc POST answer", ours_run)
    same_id = ours_run.replays - ours_run.replay_mismatches
    print(f"  vocsvc / bare: {rate(ours_run) / rate(bare_run):.2f}; replays answered with the"
          f" first id: {same_id}/{ours_run.replays}")  # fmt: skip
    print(f"  acknowledged vs stored: {verify(url, prefix, ours_run)}")
    if spy is not None:
        print("  profile (py-spy, vocsvc workers during the load)")
        profile_summary(raw)
    return bare_run, ours_run


def rate(run: Run) -> float:
    return run.requests / run.seconds if run.seconds else 0.0


Figures = tuple[int, float, float, float, float]  # clients, bare req/s, p99, vocsvc req/s, p99


def summary(rows: list[Figures]) -> None:
    """The issue's target per concurrency: half the bare rate or more, and p99 under 100 ms."""
    print("  clients   bare req/s  bare p99   vocsvc req/s  ratio  vocsvc p99  target")
    for concurrency, bare_rate, bare_p99, ours_rate, p99 in rows:
        ratio = ours_rate / bare_rate
        met = "met" if ratio >= 0.5 and p99 < 100 else "missed"
        if bare_p99 >= 100:
            met += " (bare p99 >= 100 ms too)"
        print(f"  {concurrency:7d} {bare_rate:12.0f} {bare_p99:7.0f} ms"
              f" {ours_rate:13.0f} {ratio:6.2f} {p99:8.0f} ms  {met}")  # fmt: skip


def server_bound(
    url: str,
    kind: str,
    bare: Server,
    ours: Server,
    touchpoints: list[Touchpoint],
    options: argparse.Namespace,
    workdir: Path,
) -> list[tuple[int, WrkRun, WrkRun]]:
    """The same two servers under wrk, at their own limits (see bench/wrk_load.py)."""
    if wrk_load.wrk_path() is None:
        print("  (wrk is not installed, so no server-bound figures: apt-get install wrk)")
        return []
    rng = random.Random(11)
    answers = [make_answer(rng.choice(touchpoints), rng) for _ in range(2000)]
    script = wrk_load.write_script(workdir, answers)
    database_pids = wrk_load.postgres_pids() if kind == "postgresql" else []
    rows = []
    for concurrency in options.concurrency:
        print(f"  -- wrk, 1 thread, {concurrency} connections")
        runs = []
        for title, server in (("bare FastAPI POST", bare), ("vocsvc POST answer", ours)):
            prefix = f"wrk-{uuid.uuid4().hex[:8]}"
            pids = [server.process.pid if server.process else 0, *server.worker_pids()]
            wrk_load.run_wrk(server.url, script, concurrency, 2, f"warm-{prefix}", pids, [])
            run = wrk_load.run_wrk(server.url, script, concurrency, options.seconds, prefix,
                                   pids, database_pids)  # fmt: skip
            database = f" + database {run.database_cpu_ms:.2f}" if database_pids else ""
            print(f"  {title:22s} {run.rate:8.1f} req/s  p50 {run.p50_ms:6.1f} ms  p99"
                  f" {run.p99_ms:6.1f} ms  (201: {run.created} of {run.requests}); CPU per"
                  f" request: server {run.server_cpu_ms:.2f}{database} ms")  # fmt: skip
            runs.append((run, prefix))
        (bare_run, _), (ours_run, prefix) = runs
        stored = len(stored_by_key(url, prefix)[0])
        in_flight_ok = ours_run.created <= stored <= ours_run.created + concurrency
        print(f"  vocsvc / bare: {ours_run.rate / bare_run.rate:.2f}; 201s {ours_run.created},"
              f" stored {stored} ({'ok' if in_flight_ok else 'MISMATCH'}: at least the 201s, at"
              f" most {concurrency} more in flight)")  # fmt: skip
        rows.append((concurrency, bare_run, ours_run))
    return rows


def start_profiler(server: Server, raw: Path, seconds: float) -> subprocess.Popen[bytes] | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("  (py-spy not installed: no profile)")
        return None
    return subprocess.Popen(
        [spy, "record", "--pid", str(server.process.pid if server.process else 0),
         "--subprocesses", "--format", "raw", "--rate", "250", "--nonblocking",
         "--duration", str(max(1, int(seconds) - 2)), "-o", str(raw)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg", default=os.environ.get("VOCSVC_BENCH_PG", PG_DEFAULT))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=lambda v: [int(n) for n in v.split(",")],
                        default=[8, 16, 24, 48], help="clients, e.g. 16 or 8,16,24,48")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-crash", dest="crash", action="store_false")
    parser.add_argument("--no-wrk", dest="wrk", action="store_false",
                        help="skip the server-bound load with wrk")  # fmt: skip
    parser.add_argument("--crash-answers", type=int, default=100, help="answers per client")
    parser.add_argument("--kill-share", type=float, default=0.3,
                        help="SIGKILL once this share of the answers is acknowledged")  # fmt: skip
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the first load of each database")  # fmt: skip
    options = parser.parse_args()
    # On SIGTERM (a timeout, a kill) the clean-ups still run: servers stop, the schema is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from vocsvc.text.sentiment import DEFAULT_MODEL_PATH

    if not DEFAULT_MODEL_PATH.exists():
        print(f"warning: {DEFAULT_MODEL_PATH} is missing: comments are stored unscored")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before start")
    touchpoints = load_touchpoints()
    kinds = ["sqlite", "postgresql"] if options.db == "both" else [options.db]
    for kind in kinds:
        bench_database(kind, options, touchpoints)
    print(f"\nload average after: {statistics.mean(os.getloadavg()):.2f}")


if __name__ == "__main__":
    main()
