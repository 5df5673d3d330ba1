"""The access log shows which query parameters a request had, never their values."""

from __future__ import annotations

import http.client
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import Engine
from uvicorn.logging import AccessFormatter

from tests.support import free_port
from vocsvc.access_log import HideQueryValues, loggable_target
from vocsvc.config import REPO_ROOT

PHONE = "13812345678"


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/healthz", "/healthz"),
        (f"/v1/journeys/retail/responses?segment={PHONE}&channel=app",
         "/v1/journeys/retail/responses?segment=...&channel=..."),
        (f"/s/retail/checkout?channel={quote('张三@例子.中国')}&lang=zh",
         "/s/retail/checkout?channel=...&lang=..."),
        ("/x?flag&=v&&a=1=2", "/x?flag=...&=...&a=..."),
        (f"/s/{PHONE}/checkout", "/s/[手机号]/checkout"),  # a path is what anyone typed, too
        (f"/x?{PHONE}=1", "/x?[手机号]=..."),
    ],
)  # fmt: skip
def test_loggable_target(target: str, logged: str) -> None:
    assert loggable_target(target) == logged


def test_uvicorns_access_record_is_rewritten_before_it_is_formatted() -> None:
    # The arguments uvicorn's h11 and httptools protocols log with.
    args = ("127.0.0.1:5000", "GET", f"/v1/journeys/retail/responses?segment={PHONE}", "1.1", 200)
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', args, None
    )
    assert HideQueryValues().filter(record)
    line = AccessFormatter(fmt='%(client_addr)s - "%(request_line)s" %(status_code)s').format(
        record
    )
    assert (
        line == '127.0.0.1:5000 - "GET /v1/journeys/retail/responses?segment=... HTTP/1.1" 200 OK'
    )
    other = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "started", None, None)
    assert HideQueryValues().filter(other) and other.getMessage() == "started"


@pytest.fixture
def served_log(database_url: str, engine: Engine) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """`vocsvc serve` (one worker) with its standard output, where uvicorn writes access lines."""
    port = free_port()
    env = {**os.environ, "VOCSVC_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "vocsvc", "serve", "--port", str(port)],
        env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        yield port, process
    finally:
        process.kill()
        process.wait()


def _get(port: int, target: str) -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", target)
            status = connection.getresponse().status
            connection.close()
            return status
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_served_request_logs_no_query_value(
    served_log: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = served_log
    assert _get(port, f"/v1/journeys/retail/responses?segment={PHONE}") == 401
    assert _get(port, "/v1/journeys/retail/responses.csv?channel=a%40example.com") == 401
    assert _get(port, f"/s/nope/checkout?channel={PHONE}") == 404
    process.terminate()
    output, _ = process.communicate(timeout=30)
    assert "/v1/journeys/retail/responses?segment=... HTTP/1.1" in output
    assert "/v1/journeys/retail/responses.csv?channel=... HTTP/1.1" in output
    assert "/s/nope/checkout?channel=... HTTP/1.1" in output
    assert PHONE not in output and "example.com" not in output
