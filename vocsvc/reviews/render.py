"""HTML rendering of a review (Jinja2 with autoescaping: comments are data, never markup)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from vocsvc.gaps.quadrants import QUADRANTS
from vocsvc.reviews.schemas import ReviewContent

QUADRANT_LABELS = {q.key: q.label for q in QUADRANTS}


@lru_cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("vocsvc.reviews", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def render_html(content: ReviewContent) -> str:
    template = _environment().get_template("review.html")
    return template.render(r=content, quadrants=QUADRANT_LABELS)
