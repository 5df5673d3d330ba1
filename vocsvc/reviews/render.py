"""HTML rendering of a review (Jinja2 with autoescaping: comments are data, never markup)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from vocsvc.gaps.quadrants import QUADRANTS
from vocsvc.gaps.service import PRIORITY_RULE_ZH
from vocsvc.reviews import formatting
from vocsvc.reviews.schemas import ReviewContent

QUADRANT_LABELS = {q.key: q.label for q in QUADRANTS}
VERDICTS = {"weakest": "最薄弱", "tied_weakest": "最薄弱之一（无法区分）", "stronger": "较强",
            "small_sample": "样本不足，未参与判断", "no_data": "无数据"}  # fmt: skip


@lru_cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("vocsvc.reviews", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    # The one formatting rule (vocsvc/reviews/formatting.py), as filters.
    env.filters.update(
        score=formatting.score,
        change=formatting.change,
        interval=formatting.interval,
        q=formatting.q_value,
        share=formatting.share,
        share_interval=formatting.share_interval,
        points=formatting.points,
        rating=formatting.rating,
        hours=formatting.hours,
        count=formatting.count,
    )
    return env


def render_html(content: ReviewContent) -> str:
    template = _environment().get_template("review.html")
    return template.render(
        r=content, quadrants=QUADRANT_LABELS, no_data=formatting.NO_DATA,
        missing=formatting.MISSING, priority_rule=PRIORITY_RULE_ZH, verdicts=VERDICTS,
    )  # fmt: skip
