"""Internal (staff) ratings of touchpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    touchpoint: str = Field(max_length=64)
    rater: str = Field(min_length=1, max_length=100, description="an employee id, not a name")
    department: str = Field(default="", max_length=200)
    importance: StrictInt
    performance: StrictInt


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    journey: str = Field(max_length=64)
    period: str = Field(max_length=16, description="2026Q3, 2026-07 or 2026")
    ratings: list[RatingIn] = Field(min_length=1, max_length=20_000)


class AssessmentOut(BaseModel):
    journey: str
    period: str
    stored: int
    replaced: int
