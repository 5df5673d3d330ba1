"""What the dashboard page loads before any data: `/dashboard/settings`."""

from __future__ import annotations

from pydantic import BaseModel

from vocsvc.gaps.schemas import QuadrantOut


class ScoreBandOut(BaseModel):
    """A journey-map band: a touchpoint is in the first band whose minimum its score reaches."""

    key: str
    label: str
    min_nps: float | None
    min_csat: float | None
    description: str  # the legend line


class SideColoursOut(BaseModel):
    customer: str
    internal: str


class SignedInKey(BaseModel):
    name: str
    role: str


class DashboardSettings(BaseModel):
    quarters: list[str]  # the current quarter first, then the seven before it
    timezone: str
    key: SignedInKey
    quadrants: list[QuadrantOut]
    score_bands: list[ScoreBandOut]  # best first
    # A stage's colour is stage_palette[its position in the journey % len]: the same in every chart.
    stage_palette: list[str]
    side_colours: SideColoursOut  # gap charts: customer vs internal ratings
