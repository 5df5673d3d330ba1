"""The content of a quarterly review: what the JSON route serves and the HTML renders.

Stored snapshots keep this content as JSON and load back through these models, so a field
may be added with a default but never renamed or removed without a migration of the snapshots.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from vocsvc.analytics.schemas import (
    FAMILY_RULE,
    CSATRow,
    NPSRow,
    Overview,
    PeriodOut,
    StageRankingOut,
)
from vocsvc.aspects.schemas import AspectGroup
from vocsvc.cases.schemas import CaseStats
from vocsvc.gaps.schemas import GapsReport
from vocsvc.topics.schemas import TermOut


class JourneyRef(BaseModel):
    key: str
    name: str


class NPSSection(BaseModel):
    overall: NPSRow
    by_stage: list[NPSRow]


class CSATSection(BaseModel):
    overall: CSATRow
    by_stage: list[CSATRow]


class PainPoints(BaseModel):
    """A stage's most distinctive complaint terms."""

    stage: str
    label: str
    comments: int
    terms: list[TermOut]


class Mover(BaseModel):
    """A touchpoint whose NPS or CSAT changed significantly against the previous period."""

    touchpoint: str
    label: str
    metric: Literal["nps", "csat"]
    value: float | None
    previous: float | None
    difference: float
    ci_low: float | None
    ci_high: float | None
    q_value: float | None = Field(description=FAMILY_RULE)
    n: int


class TouchpointLine(BaseModel):
    """A touchpoint's NPS and CSAT this period against the last (rows of the same family)."""

    key: str
    label: str
    stage_label: str
    department: str | None
    nps: NPSRow | None
    csat: CSATRow | None


class TrendChart(BaseModel):
    """A metric by stage over the last periods, drawn as SVG (hollow dots: n < 30)."""

    metric: Literal["nps", "csat"]
    periods: list[str]
    svg: str


class ReviewContent(BaseModel):
    """Every section of a review of one journey and period."""

    journey: JourneyRef
    period: PeriodOut
    generated_at: str  # ISO 8601, UTC
    nps: NPSSection
    csat: CSATSection
    overview: Overview
    gaps: GapsReport  # rows by priority, 1 first
    ipa_svg: str
    pain_points: list[PainPoints]
    movers: list[Mover]
    actions: list[str]
    # Added for issue 18 (defaults: snapshots stored before load as they were).
    summary: list[str] = []  # the executive summary, in plain Chinese
    trends: list[TrendChart] = []
    touchpoints: list[TouchpointLine] = []
    cases: CaseStats | None = None
    # Added when aspects (issue 17) joined: the dashboard's weakest-stage ranking (overview's
    # weakest_stage follows it) and aspects per stage, each example once in the review.
    ranking: StageRankingOut | None = None
    aspects: list[AspectGroup] = []


class ReviewOut(ReviewContent):
    snapshot: bool  # true for the immutable snapshot taken once the quarter ended
