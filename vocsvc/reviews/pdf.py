"""Print a review's HTML to an A4 PDF through headless Chromium, as the browser tests drive it.

The page size, margins and page numbers come from the review's own `@page` rule
(`prefer_css_page_size`), so the browser and the PDF agree. Needs playwright (`vocsvc[pdf]`)
and a Chromium binary (`make browser-deps` installs Debian's at /usr/bin/chromium).
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing that reaches out: the review is self-contained (no script, no fetch).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


class PdfUnavailable(Exception):
    """What is missing to print a PDF, said so that the reader can install it."""


def check_pdf_ready(chromium: Path) -> None:
    """PdfUnavailable naming what to install, before any work is done for a PDF."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise PdfUnavailable("printing a PDF needs playwright: pip install 'vocsvc[pdf]'") from None
    if not chromium.exists():
        raise PdfUnavailable(
            f"no Chromium at {chromium}: run `make browser-deps`, or pass --chromium PATH"
        )


def html_to_pdf(html: str, chromium: Path = DEFAULT_CHROMIUM) -> bytes:
    """The PDF Chromium prints for `html` (A4 from its @page rule, backgrounds kept)."""
    check_pdf_ready(chromium)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, locale="zh-CN")
            page = context.new_page()
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            data: bytes = page.pdf(prefer_css_page_size=True, print_background=True)
            return data
        finally:
            browser.close()
