"""Response shapes of aspects per stage or touchpoint."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from vocsvc.analytics.schemas import PeriodOut
from vocsvc.json_numbers import Decimal4

AspectsBy = Literal["stage", "touchpoint"]
Against = Literal["previous", "rest"]
Side = Literal["negative", "positive"]

FAMILY = (
    "Benjamini–Hochberg q-values are computed over one family: every comparison in this "
    "response (each group, aspect, side and baseline), so q < 0.05 keeps the expected share of "
    "false alarms among everything flagged on the page at 5%."
)


class ShareOut(BaseModel):
    """Share of the comments mentioning the aspect, Wilson 95% interval."""

    count: int
    share: Decimal4 | None
    ci_low: Decimal4 | None
    ci_high: Decimal4 | None


class ComparisonOut(BaseModel):
    """This group's share minus the baseline's (the previous period, or the rest of the
    journey in this period): Newcombe interval, two-proportion z p-value, BH q-value."""

    against: Against
    side: Side
    baseline_comments: int
    baseline_share: Decimal4 | None
    difference: Decimal4 | None
    ci_low: Decimal4 | None
    ci_high: Decimal4 | None
    p_value: float | None
    q_value: float | None = Field(description=FAMILY)
    significant: bool  # q < 0.05


class ExampleOut(BaseModel):
    text: str  # a redacted clause
    polarity: Side


class AspectRow(BaseModel):
    aspect: str  # key of the taxonomy (vocsvc.text.aspects)
    label: str  # its Chinese name
    comments: int  # comments of the group that mention it
    negative: ShareOut
    positive: ShareOut
    low_sample: bool
    changes: list[ComparisonOut]
    examples: list[ExampleOut]


class AspectGroup(BaseModel):
    key: str
    label: str
    comments: int  # comments of the group in the period (with a reading)
    aspects: list[AspectRow]  # most mentioned first


class AspectsReport(BaseModel):
    by: AspectsBy
    period: PeriodOut
    comments: int  # every comment of the period: counted from the rollup, none sampled
    q_family: str = Field(FAMILY, description=FAMILY)
    groups: list[AspectGroup]
