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


class SignedInKey(BaseModel):
    name: str
    role: str


class DashboardSettings(BaseModel):
    quarters: list[str]  # the current quarter first, then the seven before it
    timezone: str
    key: SignedInKey
    quadrants: list[QuadrantOut]
    score_bands: list[ScoreBandOut]  # best first
