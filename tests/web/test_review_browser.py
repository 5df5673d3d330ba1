"""The quarterly review in real headless Chromium, and the PDF `vocsvc report --format pdf` prints.

The demo's last complete quarter is reviewed (200 days of answers reach back past it), through the
CLI as a manager would run it; the PDF is opened with pypdf and checked page by page.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, CHROMIUM, Tab, _open_tab
from vocsvc.config import REPO_ROOT, get_settings
from vocsvc.periods import last_complete_quarter

pytestmark = pytest.mark.browser

A4_POINTS = (595.28, 841.89)  # 210 x 297 mm
PAGE_FOOTER = re.compile(r"第 (\d+) 页, ?共 (\d+) 页")
# Chromium's PDF text layer names a glyph shared by an ideograph and a radical (Noto CJK draws
# 门 and ⻔ alike) by the radical for some simplified forms; NFKC undoes the Kangxi radicals
# (⾏ -> 行), these it does not. A reader copying text gets the same look-alike characters.
RADICAL_FORMS = str.maketrans(
    "⻚⻔⻅⻓⻢⻋⻜⻝⻛⻦⻥⻉⻈⻘⻁⻄⻩",
    "页门见长马车飞饣风鸟鱼贝讠青虎西黄",
)


@dataclass(frozen=True)
class Printed:
    quarter: str
    html: Path
    pdf: Path
    empty_pdf: Path


def _vocsvc(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "vocsvc", *args], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, f"vocsvc {' '.join(args)}:\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: run `make browser-deps`")
    folder = tmp_path_factory.mktemp("review")
    env = {**os.environ, "VOCSVC_DATABASE_URL": f"sqlite:///{folder / 'review.db'}",
           "VOCSVC_SECRET_KEY": "review-browser-tests"}  # fmt: skip
    _vocsvc(env, "demo", "--seed", "7", "--days", "200")
    html, pdf, empty = folder / "review.html", folder / "review.pdf", folder / "empty.pdf"
    _vocsvc(env, "report", "retail", "--out", str(html))  # the default: last complete quarter
    _vocsvc(env, "report", "retail", "--format", "pdf", "--out", str(pdf))
    _vocsvc(env, "report", "retail", "2020Q1", "--format", "pdf", "--out", str(empty))
    ARTIFACTS.mkdir(exist_ok=True)
    tz = get_settings().tz
    quarter = last_complete_quarter(datetime.now(tz), tz).label
    (ARTIFACTS / f"review-{quarter}.pdf").write_bytes(pdf.read_bytes())
    (ARTIFACTS / "review-2020Q1-empty.pdf").write_bytes(empty.read_bytes())
    return Printed(quarter, html, pdf, empty)


@pytest.fixture
def a4_tab(browser: Any) -> Iterator[Tab]:
    """About an A4 page's width at 96 dpi, as the review is read on screen before printing."""
    context, tab = _open_tab(browser, 900, 1200)
    yield tab
    context.close()


def _overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]):  # fmt: skip
                found.append((a["text"], b["text"]))
    return found


BOXES = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const b = el.getBBox(); return { text: el.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
})"""


def test_review_renders_in_chromium(printed: Printed, a4_tab: Tab) -> None:
    page = a4_tab.page
    page.goto(printed.html.as_uri())
    assert page.title() == f"零售门店顾客旅程 · {printed.quarter} 季度复盘"
    headings = page.locator("h2").all_inner_texts()
    assert headings[0] == "一、执行摘要" and len(headings) == 10
    assert "九、各阶段的方面（顾客谈到什么、评价如何）" in headings  # aspects per stage
    assert page.locator(".summary li").count() >= 3 and page.locator("ol.actions li").count() >= 1
    text = page.locator("body").inner_text()
    assert "None" not in text and "NaN" not in text
    english = re.findall(r"[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}", text)  # all Chinese, bar NPS/CSAT
    assert english == []
    # NPS prints in whole points and CSAT with two decimals in the stage tables.
    nps_cells = page.locator("section:nth-of-type(2) table:nth-of-type(1) td:nth-child(3)")
    csat_cells = page.locator("section:nth-of-type(2) table:nth-of-type(2) td:nth-child(3)")
    assert all(re.fullmatch(r"-?\d+|无数据", c) for c in nps_cells.all_inner_texts())
    assert all(re.fullmatch(r"\d\.\d\d|无数据", c) for c in csat_cells.all_inner_texts())
    # The IPA chart as Chromium lays it out: no label overlaps another or a quadrant's name.
    labels = page.evaluate(BOXES, ".ipa svg text.point-label, .ipa svg text.quadrant")
    assert len(labels) >= 10 and _overlapping(labels) == []
    dots = page.evaluate(BOXES, ".ipa svg circle")
    for label in labels:
        for dot in dots:
            centre_x, centre_y = dot["x"] + dot["w"] / 2, dot["y"] + dot["h"] / 2
            inside = (label["x"] < centre_x < label["x"] + label["w"]
                      and label["y"] < centre_y < label["y"] + label["h"])  # fmt: skip
            assert not inside, f"label {label['text']} covers a dot"
    # The trend: a legend entry per stage, and what a hollow dot means.
    trend = page.locator(".trend svg").first
    assert "空心点：n < 30" in trend.inner_html().replace("&lt;", "<")
    assert trend.locator("path").count() >= 3
    a4_tab.screenshot(f"review-{printed.quarter}")
    page.emulate_media(media="print")
    a4_tab.screenshot(f"review-{printed.quarter}-print")
    assert a4_tab.errors == []


def _pages(path: Path) -> list[tuple[Any, str]]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return [
        (p, unicodedata.normalize("NFKC", p.extract_text()).translate(RADICAL_FORMS))
        for p in reader.pages
    ]


def test_review_pdf_is_a4_with_page_numbers_and_chinese_text(printed: Printed) -> None:
    pages = _pages(printed.pdf)
    assert len(pages) >= 3
    for number, (page, text) in enumerate(pages, start=1):
        box = page.mediabox
        assert (float(box.width), float(box.height)) == (
            pytest.approx(A4_POINTS[0], abs=1), pytest.approx(A4_POINTS[1], abs=1),
        )  # fmt: skip
        footer = PAGE_FOOTER.search(text)
        assert footer, f"page {number} has no page number"
        assert (int(footer[1]), int(footer[2])) == (number, len(pages))
    first = pages[0][1]
    for words in ("零售门店顾客旅程", f"{printed.quarter} 季度复盘", "执行摘要", "本期行动建议"):
        assert words in first, words
    everything = "".join(text for _, text in pages)
    for words in ("各阶段 NPS 与 CSAT", "趋势", "各触点表现", "内外部认知差距", "重点改进",
                  "各阶段主要痛点", "跟进工单"):  # fmt: skip
        assert words in everything, words
    assert "None" not in everything
    assert everything.index("执行摘要") < everything.index("各阶段 NPS 与 CSAT")


def test_an_empty_quarter_prints_no_data(printed: Printed) -> None:
    pages = _pages(printed.empty_pdf)
    text = "".join(t for _, t in pages)
    assert "本期没有收到任何顾客反馈" in text and text.count("无数据") >= 3
    assert "None" not in text and PAGE_FOOTER.search(pages[0][1])
