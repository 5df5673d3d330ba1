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

    term: str  # a phrase: frequent collocations (排队 + 时间) are merged into one
    count: int  # comments of the group and period that use it in a clause of this polarity
    share: Decimal4  # of all the group's comments in the period
    score: Decimal3  # log-odds z against the other groups
    examples: list[str]  # clauses of this polarity; each appears once in a group


class TopicGroup(BaseModel):
    key: str
    label: str
    comments: int  # every comment of the group in the period (with a reading)
    terms: list[TermOut]


class TopicsReport(BaseModel):
    by: TopicsBy
    period: PeriodOut
    polarity: Polarity
    comments: int  # comments counted: every comment of the period, none sampled
    sampled: bool  # always false since issue 17 (kept for clients that read it)
    groups: list[TopicGroup]
