"""Clients that stall (a body that never comes, headers that never end) hold no admission slot:
on a real `vocsvc serve`, everybody else is served, and the stalled get 408 and are closed."""

from __future__ import annotations

import http.client
import json
import selectors
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from tests.security.conftest import serving

WORKERS = 2
STALLED = 100 * WORKERS  # connections spread over the workers by the kernel (SO_REUSEPORT)
BODY_TIMEOUT = 5.0  # long enough to be served while they all stall, even on a busy machine
HEADER_TIMEOUT = 1.5
KEEP_ALIVE = 3
# POST routes whose bodies are read before anything else: no key needed to stall them.
STALLED_PATHS = ("/v1/public/responses", "/v1/journeys", "/v1/text/sentiment")


@pytest.fixture(scope="module")
def port(own_database: str) -> Iterator[int]:
    settings = {
        "body_timeout_seconds": str(BODY_TIMEOUT),
        "header_timeout_seconds": str(HEADER_TIMEOUT),
        "keep_alive_seconds": str(KEEP_ALIVE),
        "rate_limit_per_minute": "0",  # then the public route, too, reached admission unread
    }
    with serving(own_database, workers=WORKERS, **settings) as port:
        yield port


@dataclass
class Reply:
    sent_at: float
    data: bytes = b""
    closed_at: float | None = None


def connect(port: int, first_bytes: bytes = b"") -> tuple[socket.socket, Reply]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(first_bytes)
    return sock, Reply(sent_at=time.monotonic())


def stall_a_body(port: int, n: int) -> tuple[socket.socket, Reply]:
    """Complete headers, then one byte of the body, then nothing."""
    path = STALLED_PATHS[n % len(STALLED_PATHS)]
    if n % 4 == 3:
        framing, first = "Transfer-Encoding: chunked", "3e8\r\n{"
    else:
        framing, first = "Content-Length: 1000", "{"
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    return connect(port, f"{head}{framing}\r\n\r\n{first}".encode())


def read_until_closed(
    connections: Sequence[tuple[socket.socket, Reply]], timeout: float
) -> list[Reply]:
    """What each connection receives until the server closes it (or `timeout` passes)."""
    selector = selectors.DefaultSelector()
    for sock, reply in connections:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, reply)
    deadline = time.monotonic() + timeout
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=max(0.0, deadline - time.monotonic())):
            sock, reply = key.fileobj, key.data
            assert isinstance(sock, socket.socket)
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                reply.data += chunk
            else:
                reply.closed_at = time.monotonic()
                selector.unregister(sock)
    for sock, _ in connections:
        sock.close()
    return [reply for _, reply in connections]


def request(port: int, method: str, path: str, body: dict[str, object] | None = None) -> int:
    """Status of one request on a new connection (so they spread over the workers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        reply = connection.getresponse()
        reply.read()
        return reply.status
    finally:
        connection.close()


def test_stalled_bodies_hold_no_slot_and_get_408_after_the_body_timeout(port: int) -> None:
    stalled = [stall_a_body(port, n) for n in range(STALLED)]
    try:
        time.sleep(0.5)  # the workers have read their headers and wait for their bodies
        for n in range(10):
            assert request(port, "GET", "/healthz") == 200
            answer = {"journey": "retail", "touchpoint": "checkout", "nps": n}
            assert request(port, "POST", "/v1/public/responses", answer) == 201
        served_by = time.monotonic()
        replies = read_until_closed(stalled, timeout=BODY_TIMEOUT + 20)
    finally:
        for sock, _ in stalled:
            sock.close()  # failed or not, the next test must not find them holding anything
    assert all(reply.closed_at is not None for reply in replies)  # none is left open
    assert served_by < min(r.closed_at or 0 for r in replies)  # served while all of them stalled
    for reply in replies:
        assert reply.data.startswith(b"HTTP/1.1 408 "), reply.data[:200]
        assert json.loads(reply.data.partition(b"\r\n\r\n")[2])["error"] == "request_timeout"
        waited = (reply.closed_at or 0) - reply.sent_at
        assert BODY_TIMEOUT - 0.5 < waited < BODY_TIMEOUT + 15


def test_headers_must_arrive_within_the_header_timeout(port: int) -> None:
    silent = connect(port)  # connects and sends nothing
    partial = connect(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    quiet, slow = read_until_closed([silent, partial], timeout=HEADER_TIMEOUT + 15)
    assert quiet.data == b""  # nothing was asked: the connection is just closed
    assert slow.data.startswith(b"HTTP/1.1 408 ")
    for reply in (quiet, slow):
        assert reply.closed_at is not None
        assert HEADER_TIMEOUT - 0.5 < reply.closed_at - reply.sent_at < HEADER_TIMEOUT + 10


def test_oversized_headers_get_431_and_are_closed(port: int) -> None:
    filler = b"".join(b"X-Filler-%d: %s\r\n" % (n, b"a" * 1000) for n in range(100))
    (reply,) = read_until_closed(
        [connect(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + filler)], timeout=15
    )
    assert reply.data.startswith(b"HTTP/1.1 431 ")
    assert reply.closed_at is not None


def test_an_idle_keep_alive_connection_is_kept_for_its_own_timeout(port: int) -> None:
    get = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    sock, _ = connect(port, get)
    assert _one_response(sock).startswith(b"HTTP/1.1 200 ")
    time.sleep(HEADER_TIMEOUT + 0.7)  # idle longer than headers may take, within keep-alive
    sock.sendall(get)
    assert _one_response(sock).startswith(b"HTTP/1.1 200 ")
    (reply,) = read_until_closed([(sock, Reply(sent_at=time.monotonic()))], timeout=KEEP_ALIVE + 15)
    assert reply.data == b"" and reply.closed_at is not None
    assert KEEP_ALIVE - 0.5 < reply.closed_at - reply.sent_at < KEEP_ALIVE + 1.5


def _one_response(sock: socket.socket) -> bytes:
    """One response with a Content-Length, read from a blocking socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "closed before a response"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return data
