"""The four IPA quadrants, defined once: key, label, colour and place (pure).

The gap analysis assigns the keys; the review's chart and table and the dashboard (which gets
them from `/dashboard/settings`) show the labels and colours. Importance is the y axis and
performance the x axis, so a quadrant's place in a chart follows from the two flags.
"""

from __future__ import annotations

from dataclasses import dataclass

CONCENTRATE = "concentrate_here"
KEEP_UP = "keep_up_the_good_work"
LOW_PRIORITY = "low_priority"
OVERKILL = "possible_overkill"


@dataclass(frozen=True)
class Quadrant:
    key: str
    label: str
    colour: str  # CSS colour of the quadrant's points and label
    important: bool  # customer importance at or above the crosshair (upper half)
    performing: bool  # customer performance at or above the crosshair (right half)


# The colours are those the stored review snapshots already carry in their charts.
QUADRANTS: tuple[Quadrant, ...] = (
    Quadrant(CONCENTRATE, "重点改进", "#d9480f", important=True, performing=False),
    Quadrant(KEEP_UP, "继续保持", "#2b8a3e", important=True, performing=True),
    Quadrant(LOW_PRIORITY, "低优先级", "#868e96", important=False, performing=False),
    Quadrant(OVERKILL, "可能过度投入", "#1971c2", important=False, performing=True),
)
BY_KEY = {q.key: q for q in QUADRANTS}


def quadrant_for(*, important: bool, performing: bool) -> Quadrant:
    """The quadrant of a touchpoint on either side of the two crosshairs."""
    return next(q for q in QUADRANTS if (q.important, q.performing) == (important, performing))
