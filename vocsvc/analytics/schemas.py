"""Response shapes of the analytics API: every estimate carries n, an interval and low_sample."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# The one significance rule, stated where the API schema states it (and in the README).
FAMILY_RULE = (
    "Benjamini-Hochberg q-value within one family: every period-over-period change of the same"
    " metric in the same journey for the same pair of periods (this period against the one"
    " before), at the levels of the journey map: the journey overall, each stage and each"
    " touchpoint that asks the metric. A segment or channel cut is a family of its own (all its"
    " groups). /nps, /csat, /sentiment, /trend, /overview and the quarterly review all use this"
    " family, so the same comparison carries the same q in every view; a trend adjusts each"
    " period pair on its own, whatever the number of periods shown."
)


class Change(BaseModel):
    """Current minus previous period, with interval, p-value and the family's BH q-value."""

    previous: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None = Field(description="two-sided p of the difference (unadjusted)")
    q_value: float | None = Field(description=FAMILY_RULE)
    significant: bool = Field(description="q_value < 0.05 (false when no q could be computed)")


class NPSRow(BaseModel):
    key: str
    label: str
    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    ci_low: float | None
    ci_high: float | None
    low_sample: bool
    change: Change | None = None


class CSATRow(BaseModel):
    key: str
    label: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    top2: float | None
    top2_ci_low: float | None
    top2_ci_high: float | None
    low_sample: bool
    change: Change | None = None


class SentimentRow(BaseModel):
    key: str
    label: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    negative_share: float | None
    negative_ci_low: float | None
    negative_ci_high: float | None
    low_sample: bool
    change: Change | None = None
    # Counted apart from n: comments whose reading the scores contradict, and comments that
    # state no opinion (questions, suggestions, "nothing to add").
    mixed: int = 0
    no_opinion: int = 0


class PeriodOut(BaseModel):
    label: str
    start: str | None
    end: str | None
    previous: str | None
    in_progress: bool = Field(
        default=False, description="the period has not ended yet: its figures are not final"
    )
    has_data: bool | None = Field(
        default=None,
        description="false: the journey has no answer at all in this period (say 无数据, not"
        " n 0); null: not checked by this route",
    )


class PeriodStatus(BaseModel):
    """One period a report can be asked for, with whether it is over and has any answer."""

    label: str
    start: str
    end: str
    in_progress: bool
    has_data: bool
    answers: int
    default: bool = Field(description="the last complete period: what a report shows first")


class PeriodCatalogue(BaseModel):
    """The periods to offer in a selector, newest first (the one in progress included)."""

    interval: str
    default: str = Field(description="the last complete period's label")
    periods: list[PeriodStatus]


class NPSReport(BaseModel):
    by: str
    period: PeriodOut
    overall: NPSRow
    rows: list[NPSRow]


class CSATReport(BaseModel):
    by: str
    period: PeriodOut
    overall: CSATRow
    rows: list[CSATRow]


class SentimentReport(BaseModel):
    by: str
    period: PeriodOut
    overall: SentimentRow
    rows: list[SentimentRow]


class TrendPoint(BaseModel):
    period: str
    in_progress: bool = Field(default=False, description="the period has not ended yet")
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    low_sample: bool
    change: Change | None


class TrendSeries(BaseModel):
    key: str
    label: str
    points: list[TrendPoint]


class TrendReport(BaseModel):
    metric: str
    interval: str
    by: str
    series: list[TrendSeries]


class StageOverview(BaseModel):
    key: str
    label: str
    n: int
    nps: NPSRow | None
    csat: CSATRow | None
    sentiment: SentimentRow | None


class TargetMiss(BaseModel):
    touchpoint: str
    label: str
    stage: str
    metric: str
    target: float
    value: float
    ci_low: float | None
    ci_high: float | None
    significantly_below: bool


class RankedStageOut(BaseModel):
    """A stage's place in the weakest-stage ranking (vocsvc/analytics/ranking.py)."""

    key: str
    label: str
    rank: int | None = Field(description="1 = weakest; null without any metric")
    score: float | None = Field(description="mean of its metrics on a 0-1 scale")
    score_low: float | None
    score_high: float | None
    metrics: list[str] = Field(description="nps, csat, sentiment, aspect: what the score uses")
    low_sample: bool
    verdict: Literal["weakest", "tied_weakest", "stronger", "small_sample", "no_data"]


class StageRankingOut(BaseModel):
    stages: list[RankedStageOut] = Field(description="weakest first; stages without data last")
    weakest: list[str] = Field(description="the weakest stage and those not told apart from it")
    distinguishable: bool = Field(description="false: the weakest stages cannot be told apart")
    rule: str


class CardFlagOut(BaseModel):
    kind: Literal["low_sample", "below_target", "significantly_below_target"]
    text: str


class TouchpointCard(BaseModel):
    """A journey-map card's colour and flags under one rule (vocsvc/analytics/cards.py)."""

    key: str
    stage: str
    band: str = Field(description="a score band key (good, fair, poor) or none")
    basis: str | None = Field(description="nps or csat: the metric the band was read from")
    capped: bool = Field(description="a missed target lowered the band")
    low_sample: bool
    flags: list[CardFlagOut]


class Overview(BaseModel):
    journey: str
    period: PeriodOut
    stages: list[StageOverview]
    weakest_stage: str | None
    weakest_reason: str | None
    moments_of_truth_below_target: list[TargetMiss]


class JourneyMap(Overview):
    """The overview as the dashboard's journey map reads it: the ranked weakest-stage judgement
    (weakest_stage and weakest_reason follow it) and each card's colour and flags."""

    ranking: StageRankingOut
    touchpoints: list[TouchpointCard]
    aspect_evidence: Literal["included", "rebuilding", "not_given"] = Field(
        "not_given",
        description="whether the ranking counts each stage's aspects: 'rebuilding' while the "
        "text rollups are being recounted (the map stays up, ranked on NPS, CSAT and sentiment)",
    )
