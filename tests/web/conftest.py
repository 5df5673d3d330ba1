"""Browser-test fixtures: a real server with demo data, a shop site on another origin, Chromium.

Everything expensive is session-scoped and started only when a browser test asks for it, so
`pytest -m "not browser"` never starts a server or a browser.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support import free_port
from vocsvc.config import REPO_ROOT

ADMIN_KEY = "voc_browser_tests_admin_key_not_secret_0000"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = REPO_ROOT / "test-artifacts"
DEMO_DAYS = 60


@dataclass
class LiveServer:
    """A vocsvc server in a subprocess and direct read access to its SQLite file."""

    url: str
    db_path: Path
    admin_key: str = ADMIN_KEY

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as conn:
            return conn.execute(sql, params).fetchall()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as reply:  # noqa: S310
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not answer within {timeout}s")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Demo data (the `vocsvc demo` loader) in a temp SQLite file, served by `vocsvc serve`."""
    db_path = tmp_path_factory.mktemp("web") / "web.db"
    env = {
        **os.environ,
        "VOCSVC_DATABASE_URL": f"sqlite:///{db_path}",
        "VOCSVC_ADMIN_KEY": ADMIN_KEY,
        "VOCSVC_SECRET_KEY": "browser-tests-secret",
    }
    demo = [sys.executable, "-m", "vocsvc", "demo", "--if-empty", "--seed", "7",
            "--days", str(DEMO_DAYS)]  # fmt: skip
    done = subprocess.run(demo, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"`vocsvc demo` failed ({done.returncode}):\n{done.stderr[-4000:]}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Served as in production, with vocsvc's uvicorn options (plain uvicorn believes
    # X-Forwarded-For/-Proto from 127.0.0.1).
    command = [sys.executable, "-m", "vocsvc", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=REPO_ROOT)
    try:
        _wait_until_up(url, process)
        yield LiveServer(url=url, db_path=db_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# Host pages whose own styles must not reach the widget (`?host=rem` or `?host=star`).
HOST_STYLES = {
    "rem": "html { font-size: 62.5%; }",
    "star": "* { font-size: 30px; line-height: 3; letter-spacing: 4px; color: rgb(0, 0, 255); }",
}


def _shop_page(api: str, query: dict[str, list[str]]) -> bytes:
    """A shop's page with hostile-ish styles and the one-line widget embed."""
    host_style = HOST_STYLES.get(query.get("host", [""])[0], "")
    attrs = "".join(
        f' data-{name}="{values[0]}"'
        for name, values in query.items()
        if name in ("journey", "touchpoint", "lang", "interval-days", "channel")
    )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>某某超市</title>
<link rel="icon" href="data:,">
<style>button {{ background: rgb(255, 0, 0) !important; font-size: 40px; }} body {{ color: rgb(0, 128, 0); }} {host_style}</style>
</head><body><h1>某某超市 · 订单完成</h1><p>感谢您的购买！</p>
<script src="{api}/embed.js"{attrs}></script>
<footer>页脚</footer></body></html>""".encode()  # noqa: E501


@pytest.fixture(scope="session")
def shop_url(live_server: LiveServer) -> Iterator[str]:
    """A second origin (another port) serving `/shop?journey=…&touchpoint=…`."""
    api = live_server.url

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            if parsed.path != "/shop":
                self.send_error(404)
                return
            body = _shop_page(api, parse_qs(parsed.query))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/shop"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: run `make browser-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page in a fresh browser context, with every console error and page error it raised."""

    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _open_tab(browser: Any, width: int, height: int) -> tuple[Any, Tab]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    tab = Tab(page)
    page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.errors.append(f"page error: {e}"))

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, tab


@pytest.fixture
def phone(browser: Any) -> Iterator[Tab]:
    """A phone-sized tab with its own storage (a new customer)."""
    context, tab = _open_tab(browser, 390, 844)
    yield tab
    context.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Tab]:
    """A desktop-sized tab with its own cookies."""
    context, tab = _open_tab(browser, 1280, 900)
    yield tab
    context.close()
