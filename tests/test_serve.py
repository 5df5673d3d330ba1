"""`vocsvc serve --workers N`: each worker accepts on its own socket, and the supervisor keeps N."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.support import free_port
from vocsvc.config import REPO_ROOT

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads sockets from /proc"
)

LISTEN, ESTABLISHED = "0A", "01"  # TCP states as /proc/net/tcp writes them


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _sockets_on_port(pid: int, port: int) -> Counter[str]:
    """TCP states of the sockets process `pid` holds on local port `port`."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    states: Counter[str] = Counter()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                states[fields[3]] += 1
    return states


def _wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


@pytest.fixture
def served(database_url: str, engine: Engine) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`vocsvc serve --workers 2` on the run's (migrated) database."""
    port = free_port()
    env = {**os.environ, "VOCSVC_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "vocsvc", "serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stderr=subprocess.DEVNULL)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            for child in _children(process.pid):
                os.kill(child, signal.SIGKILL)
            process.wait()


def _listening_workers(process: subprocess.Popen[bytes], port: int) -> list[int]:
    return [pid for pid in _children(process.pid) if _sockets_on_port(pid, port)[LISTEN] == 1]


def test_keep_alive_connections_spread_over_the_workers(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = served
    _wait_for(lambda: len(_listening_workers(process, port)) == 2)
    assert _sockets_on_port(process.pid, port)[LISTEN] == 0  # the supervisor accepts nothing
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(16)]
    for connection in connections:
        connection.request("GET", "/healthz")
        assert connection.getresponse().read() == b'{"status":"ok"}'
    # 16 connections hashed over 2 sockets all land on one with probability 2 / 2**16.
    per_worker = [
        _sockets_on_port(pid, port)[ESTABLISHED] for pid in _listening_workers(process, port)
    ]
    assert sum(per_worker) == 16
    assert min(per_worker) > 0
    for connection in connections:
        connection.close()


def test_a_dead_worker_is_replaced_and_a_stop_stops_all(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = served
    _wait_for(lambda: len(_listening_workers(process, port)) == 2)
    killed = _listening_workers(process, port)[0]
    os.kill(killed, signal.SIGKILL)
    _wait_for(
        lambda: killed not in _children(process.pid) and len(_listening_workers(process, port)) == 2
    )
    workers = _listening_workers(process, port)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)  # joined, not left behind


def test_a_worker_that_fails_by_itself_stops_the_service() -> None:
    # Restarting a worker whose app cannot even be imported would only loop.
    script = (
        "import sys; from vocsvc import serve; "
        f"sys.exit(serve.run('no_such_module:app', '127.0.0.1', {free_port()}, 2))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, timeout=60
    )
    assert done.returncode != 0
    assert b"no_such_module" in done.stderr
