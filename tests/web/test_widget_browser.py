"""The embedded survey widget on a shop's page (another origin), driven as a customer would."""

from __future__ import annotations

import json
import secrets
import string
from typing import TYPE_CHECKING, Any

import pytest

from vocsvc.journeys.schemas import COMMENT_MAX_LENGTH

if TYPE_CHECKING:  # fixtures come from tests/web/conftest.py
    from tests.web.conftest import LiveServer, Tab

pytestmark = pytest.mark.browser

WIDGET = "[data-vocsvc-survey]"


def marker() -> str:
    """A unique comment that PII redaction leaves alone (letters only)."""
    return "浏览器测试" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))


def stored(server: LiveServer, comment: str) -> list[tuple[Any, ...]]:
    return server.query(
        "SELECT nps, csat, ces, importance, channel, source FROM responses WHERE comment = ?",
        comment,
    )


def open_shop(tab: Tab, shop_url: str, query: str = "journey=retail&touchpoint=checkout") -> None:
    tab.page.goto(f"{shop_url}?{query}&channel=网站弹窗")
    tab.page.wait_for_selector("script[data-state=shown]", state="attached")


def test_answer_by_keyboard_and_clicks_lands_in_database(
    phone: Tab, shop_url: str, live_server: LiveServer
) -> None:
    page = phone.page
    open_shop(phone, shop_url)
    widget = page.locator(WIDGET)
    nps = widget.get_by_role("radiogroup", name="您有多大可能向朋友或同事推荐我们？")
    # Keyboard: Tab into the NPS group, arrows move and select, like a screen-reader user would.
    nps.get_by_role("radio").first.focus()
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    assert nps.get_by_role("radio", name="9 分").get_attribute("aria-checked") == "true"
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.textContent") == "9"
    # Mouse/touch: a face for CSAT, Space on a CES option, End in the importance group.
    widget.get_by_role("radio", name="5 分，非常满意").click()
    ces = widget.get_by_role("radiogroup", name="完成这件事对您来说有多容易？")
    ces.get_by_role("radio", name="6 分").focus()
    page.keyboard.press("Space")
    widget.get_by_role("radiogroup", name="这个环节对您有多重要？").get_by_role(
        "radio"
    ).first.focus()
    page.keyboard.press("End")
    comment = marker()
    box = widget.get_by_role("textbox")
    # The limit comes with the survey: the one rule the API applies.
    assert box.get_attribute("maxlength") == str(COMMENT_MAX_LENGTH)
    box.fill(comment)
    # Host-page styles do not leak into the widget (Shadow DOM + all: initial).
    submit = widget.get_by_role("button", name="提交")
    assert submit.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(255, 0, 0)"
    phone.screenshot("widget-answered")
    submit.focus()
    page.keyboard.press("Enter")

    thanks = widget.get_by_role("heading", name="感谢您的反馈！")
    thanks.wait_for()
    assert page.locator("script[data-state=sent]").count() == 1
    phone.screenshot("widget-thanks")
    assert stored(live_server, comment) == [(9, 5, 6, 5, "网站弹窗", "public")]
    assert phone.errors == []


def test_survey_is_not_shown_again_after_an_answer(
    phone: Tab, shop_url: str, live_server: LiveServer
) -> None:
    page = phone.page
    open_shop(phone, shop_url, "journey=retail&touchpoint=returns")
    page.locator(WIDGET).get_by_role("radio", name="10 分，非常可能").click()
    page.locator(WIDGET).get_by_role("button", name="提交").click()
    page.locator(WIDGET).get_by_role("heading", name="感谢您的反馈！").wait_for()

    page.reload()
    page.wait_for_selector("script[data-state=suppressed]", state="attached")
    assert page.locator(WIDGET).count() == 0
    # Fatigue is per touchpoint: another touchpoint's survey still shows.
    open_shop(phone, shop_url, "journey=retail&touchpoint=hotline")
    assert page.locator(WIDGET).count() == 1
    # data-interval-days="0" turns the rule off.
    open_shop(phone, shop_url, "journey=retail&touchpoint=returns&interval-days=0")
    assert page.locator(WIDGET).count() == 1
    assert phone.errors == []


@pytest.mark.parametrize("failure", ["response_lost", "server_unavailable"])
def test_retry_after_a_failed_post_stores_exactly_one_answer(
    phone: Tab, shop_url: str, live_server: LiveServer, failure: str
) -> None:
    """response_lost: the server stored the answer but the reply never arrived (the hard case)."""
    page = phone.page
    keys: list[str] = []

    def flaky(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) > 1:
            route.continue_()
        elif failure == "response_lost":
            route.fetch()  # reaches the server, which commits the answer...
            route.abort("connectionreset")  # ...but the customer's browser sees a network error
        else:
            route.fulfill(status=503, json={"error": "unavailable", "message": "try later"})

    page.route("**/v1/public/responses", flaky)
    open_shop(phone, shop_url, "journey=retail&touchpoint=checkout")
    widget = page.locator(WIDGET)
    widget.get_by_role("radio", name="3 分").first.click()
    comment = marker()
    widget.get_by_role("textbox").fill(comment)
    widget.get_by_role("button", name="提交").click()
    widget.get_by_role("heading", name="感谢您的反馈！").wait_for()

    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) >= 32
    assert len(stored(live_server, comment)) == 1
    # Only the network error of the deliberately broken first attempt reached the console.
    assert all("Failed to load resource" in e or "ERR_" in e for e in phone.errors)


def test_validation_errors_are_shown_next_to_the_question(phone: Tab, shop_url: str) -> None:
    page = phone.page

    def refuse(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        details = [{"field": "nps", "message": "must be an integer from 0 to 10"}]
        route.fulfill(
            status=422,
            json={"error": "invalid_input", "message": "nps: bad", "details": details},
        )

    page.route("**/v1/public/responses", refuse)
    open_shop(phone, shop_url)
    widget = page.locator(WIDGET)
    widget.get_by_role("button", name="提交").click()
    assert widget.get_by_role("alert").filter(has_text="请至少回答一个问题").count() == 1
    widget.get_by_role("radio", name="7 分").first.click()
    widget.get_by_role("button", name="提交").click()
    alert = widget.get_by_role("alert").filter(has_text="请检查")
    alert.wait_for()
    assert "nps: must be an integer from 0 to 10" in alert.inner_text()
    assert widget.locator("#e-nps").inner_text() == "must be an integer from 0 to 10"
    assert widget.get_by_role("button", name="提交").is_enabled()
    phone.screenshot("widget-error")


def test_english_widget(phone: Tab, shop_url: str) -> None:
    open_shop(phone, shop_url, "journey=retail&touchpoint=checkout&lang=en")
    widget = phone.page.locator(WIDGET)
    assert widget.get_by_role("radiogroup", name="How likely are you to recommend us").count() == 1
    assert widget.get_by_role("button", name="Submit").count() == 1


# Sizes a customer sees: what must not move when the host page styles itself differently.
MEASURE = """w => {
  const root = w.shadowRoot;
  const size = sel => {
    const e = root.querySelector(sel), s = getComputedStyle(e), r = e.getBoundingClientRect();
    return [sel, s.fontSize, s.lineHeight, s.letterSpacing, s.color,
            Math.round(r.width), Math.round(r.height)];
  };
  return ["h2", ".p", "[role=radio]", "textarea", ".cc", ".go"].map(size);
}"""


@pytest.mark.parametrize("host", ["rem", "star"])
def test_host_page_styles_do_not_change_the_widget(phone: Tab, shop_url: str, host: str) -> None:
    open_shop(phone, shop_url)
    plain = phone.page.locator(WIDGET).evaluate(MEASURE)
    open_shop(phone, shop_url, f"journey=retail&touchpoint=checkout&host={host}")
    assert phone.page.evaluate("getComputedStyle(document.body).fontSize") != "15px"
    hostile = phone.page.locator(WIDGET).evaluate(MEASURE)
    phone.screenshot(f"widget-host-{host}")
    assert hostile == plain
    assert plain[-1][1] == "15px"  # the submit button: the widget's own size, not the page's


def test_every_tap_target_is_at_least_40px_on_a_phone(phone: Tab, shop_url: str) -> None:
    assert phone.page.viewport_size == {"width": 390, "height": 844}
    open_shop(phone, shop_url)
    boxes = phone.page.locator(WIDGET).evaluate(
        """w => [...w.shadowRoot.querySelectorAll("button, textarea")].map(b => {
             const r = b.getBoundingClientRect();
             return [b.getAttribute("aria-label") || b.textContent, r.width, r.height,
                     r.right]; })"""
    )
    assert len(boxes) >= 11 + 5 + 1  # NPS, the CSAT faces, submit
    small = [b for b in boxes if b[1] < 40 or b[2] < 40]
    assert small == []
    assert max(b[3] for b in boxes) <= 390  # nothing pushed off the screen to make room
    phone.screenshot("widget-phone-390")


def test_comment_box_counts_characters_up_to_the_survey_limit(phone: Tab, shop_url: str) -> None:
    open_shop(phone, shop_url)
    widget = phone.page.locator(WIDGET)
    box = widget.get_by_role("textbox")
    counter = widget.locator(".cc")
    assert counter.inner_text() == f"已输入 0 / {COMMENT_MAX_LENGTH} 字"
    box.fill("排队太久了")
    assert counter.inner_text() == f"已输入 5 / {COMMENT_MAX_LENGTH} 字"
    assert counter.get_attribute("aria-live") is None
    box.fill("好" * (COMMENT_MAX_LENGTH + 50))  # maxlength stops the typing at the limit
    assert counter.inner_text() == f"已输入 {COMMENT_MAX_LENGTH} / {COMMENT_MAX_LENGTH} 字"
    assert counter.get_attribute("aria-live") == "polite"
    assert "cc near" in (counter.get_attribute("class") or "")
    phone.screenshot("widget-counter-full")
    open_shop(phone, shop_url, "journey=retail&touchpoint=checkout&lang=en")
    assert counter.inner_text() == f"0 / {COMMENT_MAX_LENGTH} characters"


REFUSALS = [("zh", "请选择 0 到 10 之间的整数"), ("en", "must be an integer from 0 to 10, got 11")]


@pytest.mark.parametrize(("lang", "expected"), REFUSALS)
def test_a_refusal_from_the_server_is_shown_in_the_widgets_language(
    phone: Tab, shop_url: str, lang: str, expected: str
) -> None:
    """The answer is tampered with on its way (nps 11); the real server's words are shown."""
    page = phone.page
    sent: list[str] = []

    def tamper(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(route.request.headers.get("accept-language", ""))
        body = {**route.request.post_data_json, "nps": 11}
        route.continue_(post_data=json.dumps(body))

    page.route("**/v1/public/responses", tamper)
    open_shop(phone, shop_url, f"journey=retail&touchpoint=checkout&lang={lang}")
    widget = page.locator(WIDGET)
    widget.get_by_role("radio", name="7 " + ("分" if lang == "zh" else "points")).first.click()
    widget.get_by_role("button", name="提交" if lang == "zh" else "Submit").click()
    widget.locator("#e-nps").filter(has_text=expected).wait_for()
    assert sent == ["zh-CN" if lang == "zh" else "en"]
    phone.screenshot(f"widget-server-refusal-{lang}")
