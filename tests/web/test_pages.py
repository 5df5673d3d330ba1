"""HTML pages, the widget script, QR codes and their security headers (no browser)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vocsvc.config import REPO_ROOT
from vocsvc.gaps.quadrants import QUADRANTS
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey

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
    # The customer sees the touchpoint they met, not the journey's internal name.
    assert "<h1>收银排队与结账</h1>" in page.text
    assert "<title>收银排队与结账 · 意见反馈</title>" in page.text
    assert "零售门店顾客旅程" not in page.text and "结账" in page.text
    english = client.get("/s/retail/checkout?lang=en")
    assert '<html lang="en">' in english.text and 'data-lang="en"' in english.text
    assert "<title>收银排队与结账 · Your feedback</title>" in english.text
    assert "Tell us how it went" in english.text and "请告诉我们" not in english.text


@pytest.mark.parametrize("path", ["/s/retail/nope", "/s/nope/checkout", "/s/retail/<b>x"])
def test_unknown_survey_is_a_friendly_404_page(client: TestClient, retail: str, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert_secure_html(page.headers, framable=True)
    assert "抱歉，找不到这个问卷" in page.text
    assert "<b>x" not in page.text  # the path is shown escaped


@pytest.fixture
def b2b(session: Session) -> str:
    upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "b2b_procurement.yaml"))
    session.commit()
    return "b2b_procurement"


def test_the_404_page_fits_the_journey(client: TestClient, retail: str, b2b: str) -> None:
    store = client.get("/s/retail/nope")
    assert "请重新扫描门店的二维码" in store.text
    business = client.get(f"/s/{b2b}/nope")
    assert business.status_code == 404
    assert "门店" not in business.text and "客户经理" in business.text
    english = client.get(f"/s/{b2b}/nope?lang=en")
    assert '<html lang="en">' in english.text
    assert "Sorry, this survey does not exist" in english.text and "抱歉" not in english.text
    assert "store" not in english.text
    assert "scan the QR code in the store" in client.get("/s/retail/nope?lang=en").text


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


def test_qr_holds_the_channel_so_printed_codes_can_be_attributed(
    client: TestClient, retail: str
) -> None:
    reply = client.get("/s/retail/checkout/qr.svg", params={"channel": "收银台小票", "lang": "en"})
    assert reply.status_code == 200
    title = ET.fromstring(reply.content).find("{http://www.w3.org/2000/svg}title")  # noqa: S314
    assert title is not None and title.text is not None
    url = urlsplit(title.text)
    assert url.path == "/s/retail/checkout"
    assert parse_qs(url.query) == {"channel": ["收银台小票"], "lang": ["en"]}
    # The page that URL opens hands the channel to the widget, which sends it with the answer.
    page = client.get(f"{url.path}?{url.query}")
    assert 'data-channel="收银台小票"' in page.text and 'data-lang="en"' in page.text
    plain = client.get("/s/retail/checkout/qr.png", params={"channel": "收银台小票"}).content
    assert plain != client.get("/s/retail/checkout/qr.png").content


def test_a_qr_code_is_not_printed_with_personal_data_as_its_channel(
    client: TestClient, retail: str
) -> None:
    reply = client.get("/s/retail/checkout/qr.svg", params={"channel": "13812345678"})
    assert reply.status_code == 422
    assert reply.json()["error"] == "invalid_input"
    assert reply.json()["details"][0]["code"] == "personal_data"
    assert "个人信息" in reply.json()["message"]


def test_qr_png_is_a_png(client: TestClient, retail: str) -> None:
    reply = client.get("/s/retail/checkout/qr.png")
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    assert reply.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", reply.content[16:24])
    assert width == height >= (21 + 8) * 8


def test_qr_of_unknown_touchpoint_is_404(client: TestClient, retail: str) -> None:
    reply = client.get("/s/retail/nope/qr.svg")
    assert reply.status_code == 404 and reply.json()["error"] == "not_found"


def test_the_root_leads_to_the_dashboard(client: TestClient) -> None:
    reply = client.get("/", follow_redirects=False)
    assert reply.status_code == 302 and reply.headers["location"] == "/dashboard"
    assert client.get("/").url.path in ("/dashboard", "/dashboard/sign-in")
