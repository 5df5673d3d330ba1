"""A real HTTP receiver on 127.0.0.1 that checks every signature, and a job session factory."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.support import free_port
from vocsvc.webhooks.signing import verify_signature


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records requests; `status` is what it answers; `secret` is what signatures must match."""

    port: int
    status: int = 200
    reply: bytes = b"ok"  # the body it answers with
    secret: str = ""
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/vocsvc"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                signature = self.headers.get("X-Vocsvc-Signature", "")
                receiver.received.append(
                    Received(
                        path=self.path,
                        headers=dict(self.headers.items()),
                        body=body,
                        signature_valid=verify_signature(receiver.secret, signature, body, 300),
                    )
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.reply)))
                self.end_headers()
                self.wfile.write(receiver.reply)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Not started: the port is closed until the test calls start() (a receiver that is down)."""
    instance = Receiver(port=free_port())
    yield instance
    instance.stop()


@pytest.fixture
def sessions(session: Session) -> sessionmaker[Session]:
    """Sessions for scheduled jobs on the test's connection, so the test's rollback undoes them."""
    return sessionmaker(
        bind=session.get_bind(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
