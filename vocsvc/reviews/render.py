"""HTML rendering of a review (Jinja2 with autoescaping: comments are data, never markup)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from vocsvc.reviews.builder import QUADRANT_ZH


@lru_cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("vocsvc.reviews", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def render_html(content: dict[str, Any]) -> str:
    return _environment().get_template("review.html").render(r=content, quadrants=QUADRANT_ZH)
