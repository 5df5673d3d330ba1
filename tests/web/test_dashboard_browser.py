"""The CX dashboard with demo data, driven as a CX manager would, in headless Chromium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from typing import TYPE_CHECKING, Any

import pytest

from vocsvc.gaps.quadrants import BY_KEY, QUADRANTS

if TYPE_CHECKING:  # fixtures come from tests/web/conftest.py
    from tests.web.conftest import LiveServer, Tab

pytestmark = pytest.mark.browser

VIEWS = ["map", "trend", "gaps", "topics", "responses"]
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>结账太慢"


def sign_in(tab: Tab, server: LiveServer, key: str | None = None) -> None:
    page = tab.page
    page.goto(f"{server.url}/dashboard")
    page.wait_for_url("**/dashboard/sign-in")
    page.get_by_label("API 密钥").fill(key or server.admin_key)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard")
    page.wait_for_selector("#view-map[data-state=ready]", timeout=30_000)


def open_view(tab: Tab, name: str) -> Any:
    tab.page.get_by_role("tab", name=TAB_NAMES[name]).click()
    panel = tab.page.locator(f"#view-{name}")
    tab.page.wait_for_selector(f"#view-{name}[data-state=ready]", timeout=30_000)
    return panel


TAB_NAMES = {
    "map": "旅程地图",
    "trend": "趋势",
    "gaps": "重要性–表现 (IPA)",
    "topics": "痛点关键词",
    "responses": "回答明细",
    "followup": "跟进与预警",
}


def test_sign_in_with_a_wrong_key_is_refused(desktop: Tab, live_server: LiveServer) -> None:
    page = desktop.page
    page.goto(f"{live_server.url}/dashboard/sign-in")
    page.get_by_label("API 密钥").fill("voc_not_a_real_key_at_all")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().startswith("API 密钥无效")
    desktop.screenshot("dashboard-sign-in-refused")
    assert page.context.cookies() == []


def test_every_view_renders_without_console_errors(desktop: Tab, live_server: LiveServer) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    cookie = next(c for c in page.context.cookies() if c["name"] == "vocsvc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert live_server.admin_key not in cookie["value"]
    page.get_by_label("选择旅程").select_option("retail")

    panel = open_view(desktop, "map")
    stages = panel.locator(".stage")
    assert stages.count() == 5
    assert stages.first.get_by_role("heading", level=2).inner_text() == "认知"
    checkout = panel.locator("[data-touchpoint=checkout]")
    assert "NPS" in checkout.inner_text() and "CSAT" in checkout.inner_text()
    assert panel.locator("#emotion canvas, #emotion .notice").count() == 1
    desktop.screenshot("dashboard-map")

    panel = open_view(desktop, "trend")
    trend = chart_summary(desktop, "#trend")
    assert len(trend["legend"]) >= 2 and trend["points"] > 0
    desktop.screenshot("dashboard-trend")

    panel = open_view(desktop, "gaps")
    assert panel.locator("#ipa canvas, #ipa .notice").count() >= 1
    desktop.screenshot("dashboard-gaps")

    panel = open_view(desktop, "topics")
    assert panel.locator(".topic-card, .notice").count() >= 1
    desktop.screenshot("dashboard-topics")

    panel = open_view(desktop, "responses")
    assert panel.locator("#responses tbody tr").count() == 50
    panel.get_by_role("button", name="加载更多").click()
    page.wait_for_function("() => document.querySelectorAll('#responses tbody tr').length > 50")
    panel.get_by_label("阶段").select_option("checkout")
    page.wait_for_function("() => document.querySelector('#responses tbody tr td:nth-child(2)')"
                           "?.textContent === '结账'")  # fmt: skip
    stages_shown = set(panel.locator("#responses tbody tr td:nth-child(2)").all_inner_texts())
    assert stages_shown == {"结账"}
    assert "stage=checkout" in (
        panel.get_by_role("link", name="导出 CSV").get_attribute("href") or ""
    )
    desktop.screenshot("dashboard-responses")

    # Another journey and "all time" re-render the map.
    page.get_by_label("选择期间").select_option("")
    page.get_by_label("选择旅程").select_option("b2b_procurement")
    panel = open_view(desktop, "map")
    page.wait_for_function(
        "() => document.querySelector('#map .stage h2')?.textContent === '招标公告'"
    )
    assert desktop.errors == []
    assert desktop.dialogs == []


def test_csv_export_link_downloads_with_the_session(desktop: Tab, live_server: LiveServer) -> None:
    sign_in(desktop, live_server)
    panel = open_view(desktop, "responses")
    with desktop.page.expect_download() as download:
        panel.get_by_role("link", name="导出 CSV").click()
    path = download.value.path()
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]  # it starts with a BOM
    assert header.startswith("id,journey,stage,touchpoint")


def test_a_script_in_a_comment_shows_as_text(desktop: Tab, live_server: LiveServer) -> None:
    request = urllib.request.Request(  # noqa: S310 - a local test server
        f"{live_server.url}/v1/public/responses",
        data=json.dumps(
            {"journey": "retail", "touchpoint": "hotline", "nps": 1, "comment": XSS}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as reply:  # noqa: S310
        assert reply.status == 201
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    panel = open_view(desktop, "responses")
    panel.get_by_label("触点").select_option("hotline")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#responses tbody td:nth-child(3)')]"
        ".every(td => td.textContent === '客服热线')"
    )
    cell = panel.locator("td.comment", has_text="结账太慢").first
    assert cell.inner_text() == XSS
    assert cell.locator("script, img").count() == 0
    desktop.screenshot("dashboard-comment-as-text")
    page.wait_for_timeout(300)  # an injected handler would have fired by now
    assert desktop.dialogs == []
    assert desktop.errors == []


def test_gap_view_says_when_the_analysis_is_not_available(
    desktop: Tab, live_server: LiveServer
) -> None:
    def missing(route: Any) -> None:
        route.fulfill(status=404, json={"error": "http_error", "message": "Not Found"})

    desktop.page.route("**/v1/journeys/*/gaps?*", missing)
    sign_in(desktop, live_server)
    panel = open_view(desktop, "gaps")
    assert "gap analysis not available yet" in panel.locator("#ipa").inner_text()
    assert panel.locator("#ipa svg").count() == 0


def test_sign_out_ends_the_session(desktop: Tab, live_server: LiveServer) -> None:
    sign_in(desktop, live_server)
    desktop.page.get_by_role("button", name="退出登录").click()
    desktop.page.wait_for_url("**/dashboard/sign-in")
    assert [c for c in desktop.page.context.cookies() if c["name"] == "vocsvc_session"] == []
    desktop.page.goto(f"{live_server.url}/dashboard")
    desktop.page.wait_for_url("**/dashboard/sign-in")


def chart_summary(tab: Tab, selector: str) -> dict[str, Any]:
    """What the chart under `selector` draws, read from its instance (a canvas has no DOM)."""
    return tab.page.evaluate(
        """(sel) => {
          const chart = echarts.getInstanceByDom(document.querySelector(sel + ' .echart'));
          const o = chart.getOption();
          const lines = o.series.filter((s) => s.type === 'line' || s.type === 'scatter');
          return {
            aria: chart.getDom().getAttribute('aria-label') || '',
            legend: (o.legend && o.legend[0] && o.legend[0].data || []).map((d) => d.name ?? d),
            series: lines.map((s) => ({
              name: s.name, colour: s.color || (s.lineStyle || {}).color,
              data: s.data.map((d) => ({ value: d && d.value, fill: d && d.itemStyle?.color })),
            })),
            points: lines.reduce((n, s) => n + s.data.filter((d) => d?.value != null).length, 0),
            yRange: [o.yAxis[0].min, o.yAxis[0].max],
          };
        }""",
        selector,
    )


def _quadrant_drawing(tab: Tab) -> dict[str, Any]:
    """The IPA view as drawn: corner labels, point colours, the table's tags."""
    return tab.page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.querySelector('#ipa .echart'));
          const o = chart.getOption();
          const texts = (o.graphic[0] && o.graphic[0].elements || []).map((e) => e.style);
          return {
          corners: Object.fromEntries(
            [...document.querySelectorAll('#ipa .quadrant-legend [data-quadrant]')]
            .map((t) => [t.dataset.quadrant,
              [t.textContent, texts.find((x) => x.text === t.textContent)?.fill]])),
          points: o.series[0].data.map((d) => d.itemStyle.color),
          tags: [...document.querySelectorAll('#ipa-table .quadrant-tag[data-quadrant]')].map((t) =>
            [t.dataset.quadrant, t.textContent, t.querySelector('circle').getAttribute('fill')]),
        }}"""
    )  # fmt: skip


def test_the_gap_view_shows_the_quadrants_the_review_shows(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    desktop.page.get_by_label("选择旅程").select_option("retail")
    open_view(desktop, "gaps")
    drawn = _quadrant_drawing(desktop)
    assert drawn["corners"] == {q.key: [q.label, q.colour] for q in QUADRANTS}
    assert drawn["points"] and set(drawn["points"]) <= {q.colour for q in QUADRANTS}
    assert drawn["tags"] and all(
        [BY_KEY[key].label, BY_KEY[key].colour] == [text, fill] for key, text, fill in drawn["tags"]
    )
    assert desktop.errors == []


def test_the_dashboard_draws_with_the_definitions_it_is_served(
    desktop: Tab, live_server: LiveServer
) -> None:
    """Served other quadrants, bands and card verdicts, the page follows them: it defines none
    of its own (a card's band comes with the journey map, vocsvc/analytics/cards.py)."""

    def all_good(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for card in body["touchpoints"]:
            card.update(band="good" if card["band"] != "none" else "none", flags=[])
        route.fulfill(response=response, json=body)

    def altered(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for index, quadrant in enumerate(body["quadrants"]):
            quadrant.update(label=f"象限{index}", colour=f"#00000{index}")
        good = body["score_bands"][0]
        good.update(min_nps=-100, min_csat=1, description="全部良好")
        route.fulfill(response=response, json=body)

    desktop.page.route("**/dashboard/settings", altered)
    desktop.page.route("**/v1/journeys/*/overview?*", all_good)
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    panel = open_view(desktop, "map")
    assert panel.locator(".bands li").first.inner_text() == "全部良好"
    bands = page.evaluate(
        "() => [...document.querySelectorAll('#map article.tp')].map((a) => a.classList[1])"
    )
    assert "good" in bands and set(bands) <= {"good", "none"}

    open_view(desktop, "gaps")
    drawn = _quadrant_drawing(desktop)
    assert drawn["corners"] == {q.key: [f"象限{i}", f"#00000{i}"] for i, q in enumerate(QUADRANTS)}
    assert set(drawn["points"]) <= {f"#00000{i}" for i in range(4)}
    assert all(text.startswith("象限") for _, text, _ in drawn["tags"])
    assert desktop.errors == []


def api(server: LiveServer, path: str) -> Any:
    """GET a JSON document from the live server with the admin key."""
    request = urllib.request.Request(  # noqa: S310 - a local test server
        f"{server.url}{path}", headers={"X-API-Key": server.admin_key}
    )
    with urllib.request.urlopen(request) as reply:  # noqa: S310
        return json.loads(reply.read())


def test_trend_chart_has_tooltips_legend_stage_colours_and_exports_png(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    panel = open_view(desktop, "trend")
    palette = api(live_server, "/dashboard/settings")["stage_palette"]
    stages = [st["name"] for st in api(live_server, "/v1/journeys/retail")["stages"]]
    quarter = page.get_by_label("选择期间").input_value()
    end = {"1": "03-31", "2": "06-30", "3": "09-30", "4": "12-31"}[quarter[-1]]
    served = api(live_server, "/v1/journeys/retail/trend?metric=nps&interval=quarter&by=stage"
                 f"&periods=4&until={quarter[:4]}-{end}")["series"]  # fmt: skip
    drawn = chart_summary(desktop, "#trend")
    assert "各阶段 NPS" in drawn["aria"]
    assert len(drawn["series"]) >= 2
    served_by_name = {sr["label"]: sr for sr in served}
    for series in drawn["series"]:
        # Each stage keeps the colour of its place in the journey, whichever stages have data.
        colour = palette[stages.index(series["name"]) % len(palette)]
        assert series["colour"] == colour
        # A small sample is drawn hollow (white fill, coloured ring), any other point filled.
        for point, fill in zip(served_by_name[series["name"]]["points"], series["data"],
                               strict=True):  # fmt: skip
            if point["n"]:
                assert fill["fill"] == ("#fff" if point["low_sample"] else colour)
    assert drawn["legend"] == [s["name"] for s in drawn["series"]]
    assert "空心点：样本不足" in panel.locator(".chart-note").inner_text()
    # The y axis fits the data (intervals included) instead of spanning -100..100.
    shown = [p for sr in served for p in sr["points"] if p["n"]]
    bounds = [b for p in shown for b in (p["ci_low"], p["ci_high"])]
    lo, hi = drawn["yRange"]
    assert lo <= min(bounds) and hi >= max(bounds)
    assert hi - lo <= 1.5 * (max(bounds) - min(bounds)) + 25
    # A real tooltip: hovering the last quarter lists every stage with its interval and n.
    page.evaluate(
        """() => { const c = echarts.getInstanceByDom(document.querySelector('#trend .echart'));
                   c.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 3 }); }"""
    )
    tip = panel.locator(".tt-body")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "结账" in text and "n=" in text and "[" in text
    desktop.screenshot("dashboard-trend-tooltip")

    # Monthly: twelve months on the axis.
    panel.get_by_label("粒度").select_option("month")
    page.wait_for_selector("#view-trend[data-state=ready]")
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.querySelector('#trend .echart'))"
        ".getOption().xAxis[0].data.length === 12"
    )
    months = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#trend .echart'))"
        ".getOption().xAxis[0].data"
    )
    assert all(len(m) == 7 and m[4] == "-" for m in months), months  # 2026-11
    desktop.screenshot("dashboard-trend-monthly")

    with page.expect_download() as download:
        panel.get_by_role("button", name="导出 PNG").click()
    assert download.value.suggested_filename.endswith(".png")
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert desktop.errors == []


def test_the_map_ranks_stages_and_cards_never_contradict_their_flags(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    panel = open_view(desktop, "map")
    quarter = page.get_by_label("选择期间").input_value()
    served = api(live_server, f"/v1/journeys/retail/overview?period={quarter}")
    ranking = served["ranking"]
    headline = panel.locator(".ranking .weakest").inner_text()
    names = {s["key"]: s["label"] for s in ranking["stages"]}
    if ranking["distinguishable"]:
        assert headline.startswith(f"最弱阶段：{names[ranking['weakest'][0]]}")
    else:
        assert headline.startswith("无法区分最弱阶段") or "没有足够" in headline
        assert all(names[k] in headline for k in ranking["weakest"])
    # Every stage is in the ranking list, including the one that asks no NPS (到店).
    listed = panel.locator(".rank-list li").evaluate_all("(li) => li.map((x) => x.dataset.stage)")
    assert listed == [s["key"] for s in ranking["stages"]]
    arrival = next(s for s in ranking["stages"] if s["key"] == "arrival")
    assert arrival["verdict"] != "no_data" and "nps" not in arrival["metrics"]
    for key in ranking["weakest"]:
        assert panel.locator(f".stage[data-stage={key}] .rank-badge").count() == 1
    # One rule: a card's colour is the API's band, and no good card carries a below-target flag.
    cards = page.evaluate(
        """() => [...document.querySelectorAll('#map article.tp')].map((a) => ({
             key: a.dataset.touchpoint, band: a.dataset.band,
             flags: [...a.querySelectorAll('[data-flag]')].map((f) => f.dataset.flag),
             colour: getComputedStyle(a).borderLeftColor }))"""
    )
    by_key = {c["key"]: c for c in served["touchpoints"]}
    colours: dict[str, set[str]] = {}
    for c in cards:
        assert c["band"] == by_key[c["key"]]["band"]
        assert c["flags"] == [f["kind"] for f in by_key[c["key"]]["flags"]]
        if c["band"] == "good":
            assert not {"below_target", "significantly_below_target"} & set(c["flags"])
        colours.setdefault(c["band"], set()).add(c["colour"])
    assert all(len(v) == 1 for v in colours.values())  # one colour per band
    # A card opens the answers behind it.
    link = panel.locator("[data-touchpoint=checkout] .evidence a").first
    href = link.get_attribute("href") or ""
    assert href.startswith("/dashboard?") and href.endswith("#responses")
    for part in ("journey=retail", "stage=checkout", "touchpoint=checkout", f"period={quarter}"):
        assert part in href
    desktop.screenshot("dashboard-map-ranking")
    assert desktop.errors == []


def post(server: LiveServer, path: str, body: Any, method: str = "POST") -> Any:
    request = urllib.request.Request(  # noqa: S310 - a local test server
        f"{server.url}{path}", data=json.dumps(body).encode(), method=method,
        headers={"Content-Type": "application/json", "X-API-Key": server.admin_key},
    )  # fmt: skip
    with urllib.request.urlopen(request) as reply:  # noqa: S310
        return json.loads(reply.read() or b"null")


def test_the_gap_view_shows_staff_against_customers_as_dumbbells(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    quarter = page.get_by_label("选择期间").input_value()
    # The demo's staff rate every touchpoint each quarter; our cashiers add that checkout is
    # unimportant and flawless (customers disagree).
    ratings = [
        {"touchpoint": "checkout", "rater": f"c{i}", "department": "收银部",
         "importance": 1 + i % 2, "performance": 5} for i in range(12)
    ]  # fmt: skip
    post(
        live_server, "/v1/assessments", {"journey": "retail", "period": quarter, "ratings": ratings}
    )
    served = api(live_server, f"/v1/journeys/retail/gaps?period={quarter}")
    by_key = {r["touchpoint"]: r for r in served["rows"]}
    rated = [r for r in served["rows"] if r["internal_performance"]]
    checkout = by_key["checkout"]
    assert len(rated) >= 2 and checkout["performance_gap"]["significant"] is True, checkout
    unrated = [r for r in served["rows"] if not r["internal_performance"]]

    panel = open_view(desktop, "gaps")
    assert (
        panel.locator("#ipa canvas").count() == 1
        and panel.locator("#gap-dumbbell canvas").count() == 1
    )
    drawn = page.evaluate(
        """() => {
          const el = document.querySelector('#gap-dumbbell .echart');
          const o = echarts.getInstanceByDom(el).getOption();
          const dots = o.series.filter((s) => s.type === 'scatter');
          return { names: dots.map((s) => s.name), colours: dots.map((s) => s.color),
                   rows: o.yAxis[0].max, legend: o.legend[0].data };
        }"""
    )  # fmt: skip
    sides = api(live_server, "/dashboard/settings")["side_colours"]
    assert drawn["rows"] == len(rated)  # one row per rated touchpoint
    assert set(drawn["colours"]) == {sides["customer"], sides["internal"]}
    assert drawn["legend"] == ["顾客", "内部（员工）"]
    assert "差距显著" in panel.locator("#gap-dumbbell .chart-note").inner_text()
    # The tooltip of checkout's performance dumbbell gives both sides and the tested gap.
    page.evaluate(
        """() => {
          const c = echarts.getInstanceByDom(document.querySelector('#gap-dumbbell .echart'));
          const i = c.getOption().series.findIndex((s) => s.type === 'scatter' && s.xAxisIndex);
          c.dispatchAction({ type: 'showTip', seriesIndex: i, dataIndex: 0 }); }"""
    )  # fmt: skip
    tip = panel.locator("#gap-dumbbell .tt-body")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "顾客" in text and "内部" in text and "差距（内部−顾客）" in text and "q=" in text
    table = panel.locator("#ipa-table").inner_text()
    assert "（显著）" in table and ("无内部评分" in table) == bool(unrated)
    desktop.screenshot("dashboard-gaps-dumbbell")
    assert desktop.errors == []


ALERT = {
    "id": 901, "rule_id": 7, "journey": "retail", "kind": "nps_drop", "scope": "stage",
    "stage": "checkout", "touchpoint": None,
    "current": {"period": "2026-11", "value": -21.0, "ci_low": -31.0, "ci_high": -12.0, "n": 247},
    "previous": {"period": "2026-10", "value": 4.0, "ci_low": -5.0, "ci_high": 13.0, "n": 230},
    "change": {"difference": -25.0, "ci_low": -38.0, "ci_high": -12.0, "p_value": 0.0004,
               "confidence": 0.95},
    "message": "NPS of checkout fell", "fired_at": "2026-12-01T01:00:00Z",
}  # fmt: skip


def test_follow_up_cases_and_alerts_with_their_evidence(
    desktop: Tab, live_server: LiveServer
) -> None:
    def alerts(route: Any) -> None:
        route.fulfill(json={"items": [ALERT], "next_cursor": None})

    desktop.page.route("**/v1/alerts?*", alerts)  # no rule fires on 60 days of demo data
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    quarter = page.get_by_label("选择期间").input_value()
    panel = open_view(desktop, "followup")
    stats = api(live_server, f"/v1/cases/stats?journey=retail&period={quarter}")["departments"]
    assert stats, "the demo opens cases for contactable detractors"
    shown = panel.locator("#case-stats tbody tr").evaluate_all(
        "(rows) => rows.map((r) => [r.dataset.department, r.children[1].textContent])"
    )
    assert shown == [[d["department"], str(d["open"])] for d in stats]
    opened = api(live_server, "/v1/cases?journey=retail&status=open&limit=200")["items"]
    first = max(opened, key=lambda c: c["id"])
    # Twenty at a time, filtered by department on request.
    assert panel.locator("#cases tbody tr").count() == min(20, len(opened))
    assert "null" not in panel.locator("#cases").inner_text()
    panel.get_by_label("按部门筛选工单").select_option(first["department"])
    departments = set(panel.locator("#cases tbody tr td:nth-child(2)").all_inner_texts())
    assert departments == {first["department"]}
    row = panel.locator(f"#cases tr[data-case='{first['id']}']")
    assert float(row.locator("[data-age-days]").get_attribute("data-age-days") or "-1") >= 0
    desktop.screenshot("dashboard-followup")

    row.get_by_label(f"工单 {first['id']} 的负责人").fill("王经理")
    row.get_by_role("button", name="指派").click()
    page.wait_for_function(
        f"() => document.querySelector(\"#cases tr[data-case='{first['id']}'] input\")"
        "?.value === '王经理'"
    )
    row = panel.locator(f"#cases tr[data-case='{first['id']}']")
    row.get_by_role("button", name="标记已联系").click()
    page.wait_for_selector(f"#cases tr[data-case='{first['id']}'][data-status=contacted]")
    row = panel.locator(f"#cases tr[data-case='{first['id']}']")
    row.get_by_role("button", name="标记已解决").click()
    page.wait_for_selector(f"#cases tr[data-case='{first['id']}']", state="detached")
    case = api(live_server, f"/v1/cases/{first['id']}")
    assert case["status"] == "resolved" and case["assignee"] == "王经理"
    assert case["hours_to_resolve"] is not None

    alert = panel.locator("#alerts [data-alert='901']")
    text = alert.inner_text()
    assert "NPS 下降：结账" in text
    assert "上期 2026-10：+4 [-5, +13]，n=230" in text
    assert "本期 2026-11：-21 [-31, -12]，n=247" in text
    assert "变化 -25 [-38, -12]（95% 置信区间），p < 0.001" in text
    href = alert.get_by_role("link", name="查看本期回答").get_attribute("href") or ""
    assert "stage=checkout" in href and "period=2026-11" in href and "only_detractors=1" in href
    desktop.screenshot("dashboard-followup-alerts")
    assert desktop.errors == []


def _period_options(tab: Tab) -> list[dict[str, Any]]:
    return list(
        tab.page.locator("#period option").evaluate_all(
            """(os) => os.map((o) => ({ value: o.value, text: o.textContent, disabled: o.disabled,
                 current: o.dataset.current === 'true' || o.hasAttribute('data-current') }))"""
        )
    )


def test_period_selector_marks_the_quarter_in_progress_and_empty_quarters(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    settings = api(live_server, "/dashboard/settings")
    options = _period_options(desktop)
    assert [o["value"] for o in options] == [*settings["quarters"], ""]
    current, *older = options[:-1]
    assert current["text"].endswith("（进行中）") and current["current"]
    journey = page.get_by_label("选择旅程").input_value()
    trend = api(live_server, f"/v1/journeys/{journey}/trend?metric=nps&interval=quarter"
                f"&by=journey&periods={len(settings['quarters'])}")  # fmt: skip
    n = {p["period"]: p["n"] for p in trend["series"][0]["points"]}
    for option in older:
        empty = not n.get(option["value"])
        assert option["text"].endswith("· 无数据") == empty and option["disabled"] == empty
        assert "样本不足" not in option["text"]
    # The demo's 60 days all fall in the quarter in progress, so that is where it opens.
    assert page.get_by_label("选择期间").input_value() == (
        next((o["value"] for o in older if not o["disabled"]), current["value"])
    )
    desktop.screenshot("dashboard-period-selector")


def test_period_selector_defaults_to_the_last_complete_quarter(
    desktop: Tab, live_server: LiveServer
) -> None:
    def every_quarter_has_data(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for series in body["series"]:
            for point in series["points"]:
                point["n"] = max(point["n"], 40)
        route.fulfill(response=response, json=body)

    desktop.page.route("**/v1/journeys/*/trend?*by=journey*", every_quarter_has_data)
    sign_in(desktop, live_server)
    settings = api(live_server, "/dashboard/settings")
    assert desktop.page.get_by_label("选择期间").input_value() == settings["quarters"][1]
    assert all(not o["disabled"] for o in _period_options(desktop))
    # An evidence link's ?period= wins.
    desktop.page.goto(f"{live_server.url}/dashboard?period={settings['quarters'][2]}#map")
    desktop.page.wait_for_selector("#view-map[data-state=ready]")
    assert desktop.page.get_by_label("选择期间").input_value() == settings["quarters"][2]
    assert desktop.errors == []


def _query(href: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(href)
    assert parts.path == "/dashboard" and parts.fragment == "responses", href
    return dict(parse_qsl(parts.query))


def test_every_number_opens_the_answers_behind_it(desktop: Tab, live_server: LiveServer) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    quarter = page.get_by_label("选择期间").input_value()
    panel = open_view(desktop, "map")
    agreed = {"journey", "stage", "touchpoint", "period", "q", "only_detractors", "with_comment",
              "aspect", "mixed"}  # fmt: skip
    hrefs = panel.locator("a[href^='/dashboard?']").evaluate_all("(a) => a.map((x) => x.href)")
    assert hrefs and all(set(_query(h.replace(live_server.url, ""))) <= agreed for h in hrefs)
    detractors = _query(
        panel.locator("[data-touchpoint=checkout] .evidence a", has_text="贬损者评论")
        .get_attribute("href") or ""
    )  # fmt: skip
    assert detractors == {
        "journey": "retail", "period": quarter, "stage": "checkout", "touchpoint": "checkout",
        "only_detractors": "1", "with_comment": "1",
    }  # fmt: skip
    emotion = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#emotion .echart'))"
        ".getOption().series[0].data.map((d) => d.href)"
    )
    assert _query(emotion[3]) == {"journey": "retail", "period": quarter, "stage": "checkout",
                                  "with_comment": "1"}  # fmt: skip

    panel = open_view(desktop, "topics")
    word = panel.locator(".term a").first
    stage = panel.locator(".topic-card").first.get_attribute("data-stage")
    assert _query(word.get_attribute("href") or "") == {
        "journey": "retail", "period": quarter, "stage": stage or "",
        "q": word.get_attribute("data-term") or "", "with_comment": "1"}  # fmt: skip

    panel = open_view(desktop, "trend")
    cell = _query(panel.locator("#trend table a").first.get_attribute("href") or "")
    assert set(cell) == {"journey", "stage", "period"}
    points = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#trend .echart'))"
        ".getOption().series[0].data.map((d) => d.href)"
    )
    assert all(set(_query(p)) == {"journey", "stage", "period"} for p in points)

    panel = open_view(desktop, "gaps")
    row = _query(panel.locator("#ipa-table tbody th a").first.get_attribute("href") or "")
    assert set(row) == {"journey", "period", "stage", "touchpoint"}

    # Following a link opens the response browser on that journey and period.
    page.goto(f"{live_server.url}/dashboard?journey=b2b_procurement&period=&stage=x#responses")
    page.wait_for_selector("#view-responses[data-state=ready]")
    assert page.get_by_label("选择旅程").input_value() == "b2b_procurement"
    assert page.get_by_label("选择期间").input_value() == ""
    assert desktop.errors == []


def test_empty_states_say_what_is_missing(desktop: Tab, live_server: LiveServer) -> None:
    """No staff ratings, no cases, no alerts, no trend data: each view says so in words."""

    def without_staff(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for row in body["rows"]:
            row.update(internal_importance=None, internal_performance=None,
                       importance_gap=None, performance_gap=None)  # fmt: skip
        route.fulfill(response=response, json=body)

    def nothing(route: Any) -> None:
        route.fulfill(json={"items": [], "next_cursor": None})

    def no_departments(route: Any) -> None:
        route.fulfill(json={"journey": "retail", "period": None, "departments": []})

    def empty_trend(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        for series in body["series"]:
            for point in series["points"]:
                point.update(n=0, value=None, ci_low=None, ci_high=None)
        route.fulfill(response=response, json=body)

    page = desktop.page
    page.route("**/v1/journeys/*/gaps?*", without_staff)
    page.route("**/v1/alerts?*", nothing)
    page.route("**/v1/cases?*", nothing)
    page.route("**/v1/cases/stats?*", no_departments)
    page.route("**/v1/journeys/*/trend?*by=stage*", empty_trend)
    sign_in(desktop, live_server)
    page.get_by_label("选择旅程").select_option("retail")
    panel = open_view(desktop, "gaps")
    assert "还没有员工内部评分" in panel.locator("#gap-dumbbell .notice").inner_text()
    assert panel.locator("#gap-dumbbell canvas").count() == 0
    assert panel.locator("#ipa canvas").count() == 1  # customers' side still drawn
    desktop.screenshot("dashboard-gaps-no-staff-ratings")
    panel = open_view(desktop, "followup")
    assert "还没有触发的预警" in panel.locator("#alerts").inner_text()
    assert "本期间没有新开的跟进工单" in panel.locator("#case-stats").inner_text()
    assert "没有未关闭的跟进工单" in panel.locator("#cases").inner_text()
    desktop.screenshot("dashboard-followup-empty")
    panel = open_view(desktop, "trend")
    assert "没有 NPS 数据" in panel.locator("#trend .notice").inner_text()
    assert desktop.errors == []


def test_a_viewer_sees_cases_but_is_told_it_cannot_change_them(
    desktop: Tab, live_server: LiveServer
) -> None:
    env = {
        **os.environ,
        "VOCSVC_DATABASE_URL": f"sqlite:///{live_server.db_path}",
        "VOCSVC_ADMIN_KEY": live_server.admin_key,
        "VOCSVC_SECRET_KEY": "browser-tests-secret",
    }
    create = ["keys", "create", "--name", "看板访客", "--role", "viewer"]
    made = subprocess.run(
        [sys.executable, "-m", "vocsvc", *create],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    sign_in(desktop, live_server, key=made.stdout.strip().splitlines()[-1])
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    panel = open_view(desktop, "followup")
    row = panel.locator("#cases tbody tr[data-status=open]").first
    case_id = row.get_attribute("data-case")
    row.get_by_role("button", name="标记已联系").click()
    message = panel.locator(f"#cases tr[data-case='{case_id}'] .case-msg")
    message.wait_for(state="visible")
    page.wait_for_function(
        f"() => document.querySelector(\"#cases tr[data-case='{case_id}'] .case-msg\")"
        ".textContent.length > 0"
    )
    assert message.inner_text() == "无权限：需要经理及以上角色的密钥。"
    assert api(live_server, f"/v1/cases/{case_id}")["status"] == "open"
    desktop.screenshot("dashboard-followup-viewer-refused")


def test_the_map_and_its_charts_fit_a_phone(phone: Tab, live_server: LiveServer) -> None:
    sign_in(phone, live_server)
    page = phone.page
    page.get_by_label("选择旅程").select_option("retail")
    open_view(phone, "map")
    # Wide content scrolls inside its own box (the stage columns, the chart), never the page.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert page.locator("#emotion canvas").count() == 1
    open_view(phone, "trend")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.screenshot("dashboard-phone-trend")
    assert phone.errors == []
