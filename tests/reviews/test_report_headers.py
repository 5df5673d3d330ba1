"""The HTML review runs no script: its CSP says so (before, it had no script-src at all)."""

from __future__ import annotations

from fastapi.testclient import TestClient

Headers = dict[str, dict[str, str]]


def test_html_review_forbids_every_script(client: TestClient, keys: Headers, retail: str) -> None:
    reply = client.get("/v1/journeys/retail/reports/2026Q3.html", headers=keys["viewer"])
    assert (reply.status_code == 200 and "<svg" in reply.text) or "<table" in reply.text
    directives = dict(
        d.strip().split(" ", 1) for d in reply.headers["content-security-policy"].split(";")
    )
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
    assert "<script" not in reply.text
