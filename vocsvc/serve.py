"""Run an ASGI app under uvicorn with several worker processes, each on its own listening socket.

uvicorn's own `--workers` has every worker accept from one shared socket. On a busy machine the
worker that is already running wins nearly every accept (the idle one must first be scheduled),
so a handful of keep-alive connections, such as a load balancer's or a proxy's upstream pool,
all end up on one worker while the others idle: measured here, 16 clients on one worker of two.
With SO_REUSEPORT each worker has its own socket and the kernel spreads new connections over
them by address hash, as nginx's `reuseport` and gunicorn's `--reuse-port` do.

Every worker (one or many) is served with the same uvicorn options, whatever the caller asks:
- no `proxy_headers`: uvicorn's own reading of X-Forwarded-For/-Proto believes them from
  127.0.0.1 unless told otherwise, so anyone behind a proxy on the same host (or a tunnel) could
  pick their address and scheme; the app reads them itself, only from VOCSVC_TRUSTED_PROXIES
  (`vocsvc.security.middleware.ClientAddressMiddleware`);
- a protocol with header and body deadlines and a header cap (`vocsvc.security.connection`);
- the idle keep-alive timeout, VOCSVC_KEEP_ALIVE_SECONDS.

Every worker also hands the GIL over sooner (`GIL_SWITCH_SECONDS`). An import checks and scores
its rows in pure Python on a worker thread; an answer on the same worker needs the GIL back
after each of its many short waits (socket, SQLite), and with Python's default 5 ms each an
answer took as long as the whole import, up to a second at 50,000 rows. At 0.5 ms the slowest
answer during such imports fell from 0.99-1.07 s to 0.08-0.09 s (5 imports a run, measured
with tests/security/test_readers_and_imports.py's import on SQLite).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

from vocsvc.config import get_settings
from vocsvc.security.connection import GuardedHttpToolsProtocol

logger = logging.getLogger("vocsvc.serve")
_spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no state shared by fork
STOP_TIMEOUT_S = 30  # a worker first writes the answers it has already accepted
GIL_SWITCH_SECONDS = 0.0005


def run(app: str, host: str, port: int, workers: int, **options: Any) -> int:
    """Serve the app factory `app` ("module:function") until a signal stops it; the exit code."""
    options = {"factory": True, "log_level": "info", **options, **_guarded_options()}
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return 0
    _listening_socket(host, port).close()  # a port taken by something else fails here, at once
    return _Supervisor(app, host, port, workers, options).run()


def _guarded_options() -> dict[str, Any]:
    return {
        "proxy_headers": False,
        "http": GuardedHttpToolsProtocol,
        "timeout_keep_alive": get_settings().keep_alive_seconds,
    }


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(app: str, host: str, port: int, options: dict[str, Any]) -> None:
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    config = uvicorn.Config(app, host=host, port=port, **options)
    uvicorn.Server(config).run(sockets=[_listening_socket(host, port)])


class _Supervisor:
    """Starts the workers, replaces one that is killed, and stops them all on SIGINT or SIGTERM
    or when one fails by itself (exits with an error)."""

    def __init__(
        self, app: str, host: str, port: int, workers: int, options: dict[str, Any]
    ) -> None:
        self.args = (app, host, port, options)
        self.workers = workers
        self.processes: list[BaseProcess] = []
        self.stopping = False

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._stop)
        self.processes = [self._start() for _ in range(self.workers)]
        logger.info("%d workers on their own sockets (SO_REUSEPORT)", self.workers)
        exit_code = 0
        while not self.stopping:
            for index, process in enumerate(self.processes):
                if process.is_alive() or self.stopping:
                    continue
                code = process.exitcode or 0
                if code > 0:  # it failed by itself (the app, its start-up): another would too
                    logger.error("worker %s failed (exit code %s); stopping", process.pid, code)
                    self.stopping, exit_code = True, code
                    break
                # Killed by a signal (the OOM killer, a crash) or stopped alone: replaced.
                logger.warning("worker %s exited (%s); starting another", process.pid, code)
                self.processes[index] = self._start()
            time.sleep(0.2)
        self._stop_workers()
        return exit_code

    def _start(self) -> BaseProcess:
        process = _spawn.Process(target=_worker, args=self.args, daemon=False)
        process.start()
        return process

    def _stop(self, _signal: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def _stop_workers(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn's graceful shutdown, the writer drains
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
