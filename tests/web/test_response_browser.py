"""The response browser's filters, its link parameters and the CSV exports, in headless Chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.web.test_dashboard_browser import sign_in

if TYPE_CHECKING:  # fixtures come from tests/web/conftest.py
    from tests.web.conftest import LiveServer, Tab

pytestmark = pytest.mark.browser

ROWS = "#responses tbody tr[data-id]"


def shown(page: Any) -> list[dict[str, str]]:
    """The table as the manager sees it (after the last load finished)."""
    page.wait_for_selector("#view-responses[data-filters=ready]")
    return page.evaluate(
        """() => [...document.querySelectorAll('#responses tbody tr[data-id]')].map(tr => {
             const td = [...tr.children].map(c => c.textContent);
             return {id: tr.dataset.id, stage: td[1], nps: td[3], csat: td[4],
                     reading: td[7], comment: td[8]}; })"""
    )


def settle(page: Any, change: Any) -> None:
    """Make a change to the filters and wait for the table it asks for."""
    with page.expect_response(lambda r: "/responses?" in r.url):
        change()
    page.wait_for_selector("#view-responses[data-filters=ready]")


def open_link(tab: Tab, server: LiveServer, query: str) -> Any:
    page = tab.page
    page.goto(f"{server.url}/dashboard?{query}#responses")
    page.wait_for_selector("#view-responses[data-state=ready]", timeout=30_000)
    if page.get_by_label("选择旅程").input_value() != "retail":
        page.get_by_label("选择旅程").select_option("retail")  # the link waits for its journey
        page.wait_for_function(
            "() => document.querySelector('#filters [name=stage]').value === 'checkout'"
        )
    return page.locator("#view-responses")


def test_a_link_opens_the_filtered_answers_newest_first(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    period = page.get_by_label("选择期间").input_value()
    q = quote("排队")
    link = f"journey=retail&stage=checkout&only_detractors=1&q={q}&period={period}"
    panel = open_link(desktop, live_server, link)
    rows = shown(page)
    assert rows, "the demo has detractors who mention the queue at checkout"
    assert {r["stage"] for r in rows} == {"结账"}
    assert all("排队" in r["comment"] for r in rows)
    for r in rows:
        nps, csat = (int(v) if v != "–" else None for v in (r["nps"], r["csat"]))
        assert (nps is not None and nps <= 6) or (csat is not None and csat <= 2), r
    assert panel.get_by_label("只看贬损者（NPS 0–6 或 CSAT 1–2）").is_checked()
    assert panel.get_by_label("搜索评论").input_value() == "排队"
    # The order is the API's: newest submission first.
    api = page.request.get(
        f"{live_server.url}/v1/journeys/retail/responses",
        params={"stage": "checkout", "only_detractors": "true", "q": "排队", "period": period,
                "limit": "50"},
    ).json()  # fmt: skip
    assert [r["id"] for r in rows] == [str(i["id"]) for i in api["items"]]
    times = [i["submitted_at"] for i in api["items"]]
    assert times == sorted(times, reverse=True)
    desktop.screenshot("responses-linked-detractors")

    export = parse_qs(urlsplit(panel.locator("#export").get_attribute("href") or "").query)
    assert export["only_detractors"] == ["true"] and export["q"] == ["排队"]
    with page.expect_download() as download:
        panel.get_by_role("link", name="中文列名导出").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *lines = data.decode("utf-8-sig").splitlines()
    assert header.startswith("编号,旅程,阶段,触点") and len(lines) >= len(rows)
    assert "收银排队与结账" in lines[0]
    assert desktop.errors == []


def test_each_filter_narrows_the_table_and_the_url_follows(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    panel = open_link(desktop, live_server, "journey=retail&stage=checkout")
    everything = shown(page)
    assert len(everything) == 50
    assert panel.get_by_role("button", name="加载更多").is_visible()

    settle(page, lambda: panel.get_by_label("只看评论与评分矛盾的").check())
    mixed = shown(page)
    assert mixed and all("矛盾" in r["reading"] for r in mixed)
    if len(mixed) < 50:  # the last page: nothing more to load, and no button saying there is
        assert panel.get_by_role("button", name="加载更多").is_hidden()
    assert "mixed=true" in page.url
    desktop.screenshot("responses-mixed")
    settle(page, lambda: panel.get_by_label("只看评论与评分矛盾的").uncheck())

    settle(page, lambda: panel.get_by_label("方面").select_option("waiting"))
    waiting = shown(page)
    assert waiting and all("排队等待" in r["reading"] for r in waiting)
    assert "aspect=waiting" in page.url

    settle(page, lambda: panel.get_by_label("只看有评论的").check())
    assert all(r["comment"] for r in shown(page))

    settle(page, lambda: panel.get_by_label("搜索评论").fill("没有人会写的词组zzq"))
    assert shown(page) == []
    assert panel.get_by_text("没有符合条件的回答。").is_visible()
    desktop.screenshot("responses-no-match")
    assert "q=" in page.url and "with_comment=true" in page.url
    assert desktop.errors == []
