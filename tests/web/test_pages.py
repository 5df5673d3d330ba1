"""HTML pages, the widget script, QR codes and their security headers (no browser)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from vocsvc.gaps.quadrants import QUADRANTS

Headers = dict[str, dict[str, str]]


def assert_secure_html(headers: dict[str, str], *, framable: bool) -> None:
    csp = headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "base-uri 'none'"):  # fmt: skip
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert ("frame-ancestors *" if framable else "frame-ancestors 'none'") in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["content-type"].startswith("text/html")
    if not framable:
        assert headers["x-frame-options"] == "DENY"


def test_dashboard_pages_send_security_headers(client: TestClient, keys: Headers) -> None:
    assert_secure_html(client.get("/dashboard/sign-in").headers, framable=False)
    key = keys["viewer"]["Authorization"].removeprefix("Bearer ")
    client.post("/dashboard/sign-in", content=f"key={key}",
                headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert_secure_html(page.headers, framable=False)
    assert page.headers["cache-control"] == "no-store"


def test_hosted_survey_page(client: TestClient, retail: str) -> None:
    page = client.get("/s/retail/checkout?channel=门店二维码")
    assert page.status_code == 200
    assert_secure_html(page.headers, framable=True)
    assert '<script src="/embed.js" data-journey="retail" data-touchpoint="checkout"' in page.text
    assert 'data-channel="门店二维码"' in page.text
    assert "零售门店顾客旅程" in page.text
    english = client.get("/s/retail/checkout?lang=en")
    assert '<html lang="en">' in english.text and 'data-lang="en"' in english.text


@pytest.mark.parametrize("path", ["/s/retail/nope", "/s/nope/checkout", "/s/retail/<b>x"])
def test_unknown_survey_is_a_friendly_404_page(client: TestClient, retail: str, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert_secure_html(page.headers, framable=True)
    assert "抱歉，找不到这个问卷" in page.text
    assert "<b>x" not in page.text  # the path is shown escaped


def test_channel_is_escaped(client: TestClient, retail: str) -> None:
    page = client.get('/s/retail/checkout?channel="><script>alert(1)</script>')
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text


def test_embed_script_is_served_from_the_package(client: TestClient) -> None:
    reply = client.get("/embed.js")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/javascript")
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "attachShadow" in reply.text and "Idempotency-Key" in reply.text
    assert len(reply.content) < 20_000


def test_static_files_are_served_with_nosniff(client: TestClient) -> None:
    for path in (
        "/static/dashboard/main.js",
        "/static/dashboard/dashboard.css",
        "/static/site.css",
    ):
        reply = client.get(path)
        assert reply.status_code == 200, path
        assert reply.headers["x-content-type-options"] == "nosniff"


def test_settings_need_a_key(client: TestClient) -> None:
    assert client.get("/dashboard/settings").status_code == 401


def test_settings_serve_the_chart_definitions(client: TestClient, keys: Headers) -> None:
    settings = client.get("/dashboard/settings", headers=keys["viewer"]).json()
    assert settings["quadrants"] == [
        {"key": q.key, "label": q.label, "colour": q.colour, "important": q.important,
         "performing": q.performing}
        for q in QUADRANTS
    ]  # fmt: skip
    bands = settings["score_bands"]
    assert [(b["key"], b["min_nps"], b["min_csat"]) for b in bands] == [
        ("good", 30, 4.2), ("fair", 0, 3.6), ("poor", None, None)
    ]  # fmt: skip
    assert [b["description"] for b in bands] == [
        "良好：NPS ≥ 30，或（无 NPS 时）CSAT ≥ 4.2",
        "一般：NPS 0–30，或 CSAT 3.6–4.2",
        "较差：NPS < 0，或 CSAT < 3.6",
    ]


def test_qr_svg_points_at_the_hosted_page(client: TestClient, retail: str) -> None:
    reply = client.get("/s/retail/checkout/qr.svg")
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(reply.content)  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "http://testserver/s/retail/checkout"
    assert "default-src 'none'" in reply.headers["content-security-policy"]


def test_qr_png_is_a_png(client: TestClient, retail: str) -> None:
    reply = client.get("/s/retail/checkout/qr.png")
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    assert reply.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", reply.content[16:24])
    assert width == height >= (21 + 8) * 8


def test_qr_of_unknown_touchpoint_is_404(client: TestClient, retail: str) -> None:
    reply = client.get("/s/retail/nope/qr.svg")
    assert reply.status_code == 404 and reply.json()["error"] == "not_found"
