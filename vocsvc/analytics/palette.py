"""Chart colours defined once (pure): each stage keeps its colour in every chart and view.

A stage's colour is picked by its place in the journey, so it does not change with the period,
the metric or which stages happen to have data. `/dashboard/settings` serves these.
"""

from __future__ import annotations

from dataclasses import dataclass

# Colour-blind-aware, distinct from the map's good/fair/poor greens, yellows and reds.
STAGE_PALETTE: tuple[str, ...] = (
    "#2563eb", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563", "#65a30d", "#9333ea",
)  # fmt: skip


@dataclass(frozen=True)
class SideColours:
    """The two sides of a gap: what customers say and what staff believe."""

    customer: str = "#2563eb"
    internal: str = "#ea580c"


SIDE_COLOURS = SideColours()


def stage_colour(position: int) -> str:
    """The colour of the stage at `position` (0-based) in its journey."""
    return STAGE_PALETTE[position % len(STAGE_PALETTE)]
