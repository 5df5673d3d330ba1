"""How the review prints numbers, in one place: NPS in whole points, CSAT to two decimals.

The template (as Jinja filters) and the action sentences use these, so a figure reads the same
in a table, a chart label and a sentence. A missing value prints "—", never "None".
"""

from __future__ import annotations

import math
from typing import Literal

Metric = Literal["nps", "csat"]
DIGITS: dict[str, int] = {"nps": 0, "csat": 2}
MISSING = "—"
NO_DATA = "无数据"


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def score(value: float | None, metric: str) -> str:
    """An NPS (whole points) or a CSAT mean (two decimals); "—" when there is none."""
    if value is None or _missing(value):
        return MISSING
    text = f"{value:.{DIGITS[metric]}f}"
    return "0" if text in ("-0", "+0") else text


def change(value: float | None, metric: str) -> str:
    """A signed difference at the metric's precision: +12, -3, +0.25 (±0 for none)."""
    if value is None or _missing(value):
        return MISSING
    text = f"{value:+.{DIGITS[metric]}f}"
    return "±0" if text[1:] == f"{0:.{DIGITS[metric]}f}" else text


def interval(low: float | None, high: float | None, metric: str) -> str:
    """A 95% interval at the metric's precision: [12, 35]."""
    if low is None or high is None or _missing(low) or _missing(high):
        return MISSING
    return f"[{score(low, metric)}, {score(high, metric)}]"


def q_value(value: float | None) -> str:
    """A q-value to three decimals; below 0.001 it reads <0.001 (never 0.000)."""
    if value is None or _missing(value):
        return MISSING
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def share(value: float | None) -> str:
    """A share as a whole percentage."""
    if value is None or _missing(value):
        return MISSING
    return f"{value * 100:.0f}%"


def share_interval(low: float | None, high: float | None) -> str:
    """A share's 95% interval in whole percentages: [31%, 45%]."""
    if low is None or high is None or _missing(low) or _missing(high):
        return MISSING
    return f"[{share(low)}, {share(high)}]"


def points(value: float | None) -> str:
    """A change of a share in signed whole percentage points: +14 个百分点."""
    if value is None or _missing(value):
        return MISSING
    text = f"{value * 100:+.0f}"
    return f"{'±0' if text[1:] == '0' else text} 个百分点"


def rating(value: float | None) -> str:
    """A 1–5 rating (gap analysis, staff ratings): two decimals, as CSAT."""
    return score(value, "csat")


def hours(value: float | None) -> str:
    """Hours to close a case: whole hours, days past 48 hours."""
    if value is None or _missing(value):
        return MISSING
    return f"{value / 24:.1f} 天" if value >= 48 else f"{value:.0f} 小时"


def count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"
