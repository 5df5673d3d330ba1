"""Response shapes of the pain-point and delight keywords."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from vocsvc.analytics.schemas import PeriodOut
from vocsvc.stats import rnd

TopicsBy = Literal["stage", "touchpoint"]
Polarity = Literal["negative", "positive"]


def _four(value: float) -> float | None:
    return rnd(value, 4)


def _three(value: float) -> float | None:
    return rnd(value, 3)


class TermOut(BaseModel):
    """A term that sets a group's comments apart, with up to three (redacted) examples."""

    model_config = ConfigDict(from_attributes=True)

    term: str
    count: int  # comments of the group that use it
    share: Annotated[float, AfterValidator(_four)]  # of the group's comments
    score: Annotated[float, AfterValidator(_three)]
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
