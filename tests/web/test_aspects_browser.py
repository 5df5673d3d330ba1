"""The dashboard's aspects per stage, as a CX manager reads them, in headless Chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.web.test_dashboard_browser import _query, api, sign_in
from vocsvc.reviews import formatting

if TYPE_CHECKING:  # fixtures come from tests/web/conftest.py
    from tests.web.conftest import LiveServer, Tab

pytestmark = pytest.mark.browser


def test_aspects_per_stage_with_shares_changes_and_their_comments(
    desktop: Tab, live_server: LiveServer
) -> None:
    sign_in(desktop, live_server)
    page = desktop.page
    page.get_by_label("选择旅程").select_option("retail")
    quarter = page.get_by_label("选择期间").input_value()
    report = api(live_server, f"/v1/journeys/retail/aspects?by=stage&period={quarter}")
    page.get_by_role("tab", name="各阶段方面").click()
    page.wait_for_selector("#view-aspects[data-state=ready]", timeout=30_000)
    panel = page.locator("#view-aspects")
    shown = [g for g in report["groups"] if g["aspects"]]
    assert shown, "the demo's comments mention aspects"
    assert panel.locator(".aspect-card").count() == len(report["groups"])  # every stage
    problems = 0
    for group in report["groups"]:
        card = panel.locator(f".aspect-card[data-stage='{group['key']}']")
        rows = card.locator("tbody tr")
        assert rows.count() == len(group["aspects"])
        if not group["aspects"]:
            assert "方面" in card.locator(".notice").inner_text() or "无数据" in card.inner_text()
        for row in group["aspects"]:
            tr = card.locator(f"tr[data-aspect='{row['aspect']}']")
            for side in ("negative", "positive"):
                s = row[side]
                cell = tr.locator(f"td.{side}").inner_text()
                assert formatting.share(s["share"]) in cell
                assert formatting.share_interval(s["ci_low"], s["ci_high"]) in cell
            for against in ("previous", "rest"):
                change = next(c for c in row["changes"]
                              if c["against"] == against and c["side"] == "negative")  # fmt: skip
                cell = tr.locator(f"td.change[data-against='{against}']").inner_text()
                if change["difference"] is None:
                    assert cell.strip() == "–"
                    continue
                assert formatting.points(change["difference"]) in cell
                if change["q_value"] is not None:  # the review's q, printed by the same rule
                    assert f"q={formatting.q_value(change['q_value'])}" in cell
                assert ("★" in cell) == change["significant"]
            quoted = tr.locator("td.examples li").all_inner_texts()
            assert [q.split("“", 1)[1].rstrip("”") for q in quoted] == [
                e["text"] for e in row["examples"]
            ]
            link = tr.locator("th a")
            assert link.inner_text() == row["label"]
            assert _query(link.get_attribute("href") or "") == {
                "journey": "retail", "period": quarter, "stage": group["key"],
                "aspect": row["aspect"], "with_comment": "1",
            }  # fmt: skip
            rising = not row["low_sample"] and any(
                c["side"] == "negative" and c["significant"] and c["difference"] > 0
                for c in row["changes"]
            )
            assert ("problem" in (tr.get_attribute("class") or "")) == rising
            problems += rising
    desktop.screenshot("dashboard-aspects")
    # An aspect opens the comments behind it in the response browser.
    group = shown[0]
    first = panel.locator(f".aspect-card[data-stage='{group['key']}'] tbody th a").first
    first.click()
    page.wait_for_selector("#view-responses[data-state=ready]", timeout=30_000)
    assert f"aspect={group['aspects'][0]['aspect']}" in page.url
    assert desktop.errors == []
    print(f"aspects shown: {sum(len(g['aspects']) for g in shown)}, problems: {problems}")
