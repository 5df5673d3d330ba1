"""Response shapes of the gap analysis; they read the analysis' dataclasses by attribute."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from vocsvc.json_numbers import (
    Decimal3,
    Decimal3OrNull,
    Decimal4,
    Significant,
    SignificantOrNull,
)


class _FromAttributes(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SideMeanOut(_FromAttributes):
    """One side's mean rating (1-5) with its t interval (null bounds when n < 2)."""

    mean: Decimal3
    n: int
    ci_low: Decimal3OrNull
    ci_high: Decimal3OrNull


class GapOut(_FromAttributes):
    """Internal mean - customer mean, Welch interval, p-value and the journey-wide BH q-value."""

    value: Decimal3
    ci_low: Decimal3OrNull
    ci_high: Decimal3OrNull
    p_value: SignificantOrNull
    q_value: SignificantOrNull
    n_internal: int
    n_customer: int
    significant: bool


class DerivedImportanceOut(_FromAttributes):
    """Spearman rho of CSAT with likelihood to recommend, with its interval."""

    rho: Decimal4
    low: Decimal4
    high: Decimal4
    p_value: Significant
    n: int
    confidence: float
    low_sample: bool


class GroupSummaryOut(_FromAttributes):
    """Gaps rolled up over a stage or a department."""

    name: str
    touchpoints: int
    mean_importance_gap: Decimal3OrNull
    mean_performance_gap: Decimal3OrNull
    significant_gaps: int
    misjudged_touchpoints: int
    mean_abs_significant_gap: Decimal3OrNull


class GapRow(BaseModel):
    """One touchpoint: both sides' ratings, the gaps, its quadrant and its priority."""

    touchpoint: str
    label: str
    stage: str
    stage_label: str
    department: str | None
    customer_importance: SideMeanOut | None
    customer_performance: SideMeanOut | None
    internal_importance: SideMeanOut | None
    internal_performance: SideMeanOut | None
    derived_importance: DerivedImportanceOut | None
    importance_gap: GapOut | None
    performance_gap: GapOut | None
    quadrant: str | None  # a key of vocsvc.gaps.quadrants; null without customer ratings
    priority: int
    priority_score: Decimal3OrNull
    misjudged: bool


class GapsReport(BaseModel):
    """A journey's gap analysis for a period: rows in journey order, crosshairs, roll-ups."""

    journey: str
    period: str
    rows: list[GapRow]
    importance_crosshair: Decimal3OrNull
    performance_crosshair: Decimal3OrNull
    by_stage: list[GroupSummaryOut]
    by_department: list[GroupSummaryOut]
    most_misjudging_department: str | None
    priority_rule: str


class QuadrantOut(_FromAttributes):
    """An IPA quadrant as charts show it."""

    key: str
    label: str
    colour: str
    important: bool
    performing: bool
