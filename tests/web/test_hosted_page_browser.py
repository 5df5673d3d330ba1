"""The hosted survey page (links and QR codes) in a phone-sized Chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # fixtures come from tests/web/conftest.py
    from tests.web.conftest import LiveServer, Tab

pytestmark = pytest.mark.browser

LOAD_IMAGE = """src => new Promise(done => {
  const img = new Image();
  img.onload = () => done([img.naturalWidth, img.naturalHeight]);
  img.onerror = () => done(null);
  img.src = src;
})"""


def test_hosted_page_takes_an_answer(phone: Tab, live_server: LiveServer) -> None:
    page = phone.page
    page.goto(f"{live_server.url}/s/retail/delivery?channel=短信链接")
    assert page.title() == "送货上门 · 意见反馈"
    assert page.get_by_role("heading", level=1).inner_text() == "送货上门"
    survey = page.locator("#survey")
    survey.get_by_role("radio", name="2 分，不满意").click()
    survey.get_by_role("textbox").fill("送货晚了两个小时，浏览器测试页面")
    phone.screenshot("hosted-page")
    survey.get_by_role("button", name="提交").click()
    survey.get_by_role("heading", name="感谢您的反馈！").wait_for()
    phone.screenshot("hosted-page-thanks")
    rows = live_server.query(
        "SELECT csat, channel FROM responses WHERE comment = ?", "送货晚了两个小时，浏览器测试页面"
    )
    assert rows == [(2, "短信链接")]
    # A second visit explains why there is no survey instead of showing an empty page.
    page.reload()
    survey.get_by_text("您最近已经评价过").wait_for()
    assert phone.errors == []


def test_unknown_touchpoint_gets_a_friendly_404(phone: Tab, live_server: LiveServer) -> None:
    response = phone.page.goto(f"{live_server.url}/s/retail/no_such_place")
    assert response is not None and response.status == 404
    assert phone.page.get_by_role("heading", level=1).inner_text() == "抱歉，找不到这个问卷"
    phone.screenshot("hosted-page-404")
    assert [e for e in phone.errors if "404" not in e] == []


def test_qr_codes_are_images_of_the_page_url(phone: Tab, live_server: LiveServer) -> None:
    page = phone.page
    page.goto(f"{live_server.url}/s/retail/checkout")
    for fmt in ("svg", "png"):
        size = page.evaluate(LOAD_IMAGE, f"/s/retail/checkout/qr.{fmt}")
        assert size is not None and size[0] == size[1] and size[0] >= 21 * 8
    svg = page.request.get(f"{live_server.url}/s/retail/checkout/qr.svg").text()
    assert f"<title>{live_server.url}/s/retail/checkout</title>" in svg


def test_a_printed_qr_code_carries_its_channel_into_the_answer(
    phone: Tab, live_server: LiveServer
) -> None:
    page = phone.page
    svg = page.request.get(f"{live_server.url}/s/retail/returns/qr.svg?channel=门店海报").text()
    url = svg.split("<title>", 1)[1].split("</title>", 1)[0].replace("&amp;", "&")
    assert "channel=" in url
    page.goto(url)  # what a phone opens when it scans the code
    survey = page.locator("#survey")
    survey.get_by_role("radio", name="6 分").first.click()
    survey.get_by_role("textbox").fill("二维码渠道浏览器测试")
    survey.get_by_role("button", name="提交").click()
    survey.get_by_role("heading", name="感谢您的反馈！").wait_for()
    rows = live_server.query(
        "SELECT channel FROM responses WHERE comment = ?", "二维码渠道浏览器测试"
    )
    assert rows == [("门店海报",)]


def test_hosted_page_in_english_and_the_b2b_404(phone: Tab, live_server: LiveServer) -> None:
    page = phone.page
    page.goto(f"{live_server.url}/s/retail/checkout?lang=en")
    assert page.get_by_role("heading", level=1).inner_text() == "收银排队与结账"
    page.locator("#survey").get_by_role("button", name="Submit").wait_for()
    phone.screenshot("hosted-page-en")
    reply = page.goto(f"{live_server.url}/s/b2b_procurement/no_such_step")
    assert reply is not None and reply.status == 404
    assert "门店" not in page.locator("main").inner_text()
    phone.screenshot("hosted-page-404-b2b")
