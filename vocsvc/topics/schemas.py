"""Response shapes of the pain-point and delight keywords."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from vocsvc.analytics.schemas import PeriodOut
from vocsvc.json_numbers import Decimal3, Decimal4

TopicsBy = Literal["stage", "touchpoint"]
Polarity = Literal["negative", "positive"]


class TermOut(BaseModel):
    """A term that sets a group's comments apart, with up to three (redacted) examples."""

    model_config = ConfigDict(from_attributes=True)

    term: str
    count: int  # comments of the group that use it
    share: Decimal4  # of the group's comments
    score: Decimal3
    examples: list[str]


class TopicGroup(BaseModel):
    key: str
    label: str
    comments: int
    terms: list[TermOut]


class TopicsReport(BaseModel):
    by: TopicsBy
    period: PeriodOut
    polarity: Polarity
    comments: int  # comments read, the newest first
    sampled: bool  # true when the period had more comments than were read
    groups: list[TopicGroup]
