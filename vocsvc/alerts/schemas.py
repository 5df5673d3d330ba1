"""Alert rules and the alerts they fired, with their statistical evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

AlertKind = Literal["nps_drop", "csat_drop", "negative_share_rise"]


class RuleIn(BaseModel):
    """Watch a journey, or one stage or touchpoint of it (at most one of the two keys)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    journey: str = Field(max_length=64)
    kind: AlertKind
    stage: str | None = Field(default=None, max_length=64)
    touchpoint: str | None = Field(default=None, max_length=64)
    interval: Literal["month", "quarter"] = "month"
    confidence: float = Field(default=0.95, ge=0.8, le=0.999)
    # A floor of 10 even when asked for less: below it every estimate is noise.
    min_n: int = Field(default=30, ge=10, le=1_000_000, description="per period, both periods")

    @model_validator(mode="after")
    def _one_scope(self) -> RuleIn:
        if self.stage and self.touchpoint:
            raise ValueError("give a stage or a touchpoint, not both (neither: the whole journey)")
        return self


class RuleOut(BaseModel):
    id: int
    journey: str
    kind: str
    scope: str = Field(description="journey | stage | touchpoint")
    stage: str | None
    touchpoint: str | None
    interval: str
    confidence: float
    min_n: int
    active: bool
    created_by: str
    created_at: datetime


class Estimate(BaseModel):
    """NPS in points, CSAT as a mean, negative share as 0-1; interval at the rule's confidence."""

    period: str
    value: float
    ci_low: float | None
    ci_high: float | None
    n: int


class ChangeOut(BaseModel):
    """Latest minus previous period with its interval and two-sided p-value."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    confidence: float


class AlertOut(BaseModel):
    id: int
    rule_id: int
    journey: str
    kind: str
    scope: str
    stage: str | None
    touchpoint: str | None
    current: Estimate
    previous: Estimate
    change: ChangeOut
    message: str
    fired_at: datetime


class AlertPage(BaseModel):
    items: list[AlertOut]
    next_cursor: int | None
