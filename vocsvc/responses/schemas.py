"""Survey answers as submitted, imported and listed."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from vocsvc.journeys.schemas import COMMENT_MAX_LENGTH
from vocsvc.models import ResponseAspect
from vocsvc.text.redact import DESCRIPTIONS, find_pii

LABEL_MAX_LENGTH = 64
# Control, format (zero-width, bidi), line and paragraph separators, lone surrogates: a label
# holding them is not what it shows (and PostgreSQL cannot store NUL or a surrogate).
_NOT_IN_LABELS = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def label_refusal(value: str) -> tuple[str, str] | None:
    """Why `value` cannot be a segment or channel label (problem code, message); None if it can."""
    if any(unicodedata.category(c) in _NOT_IN_LABELS for c in value):
        return "not_a_label", "must be a short label without control or invisible characters"
    kinds = dict.fromkeys(span.kind for span in find_pii(value))
    if kinds:
        found = " and ".join(DESCRIPTIONS[kind] for kind in kinds)
        return "personal_data", (
            f"must not hold personal data (this looks like {found}): segment and channel are "
            "labels that many answers share, stored, exported and sent to webhooks as given"
        )
    return None


def label_problem(value: str) -> str | None:
    """Why `value` cannot be a segment or channel label; None when it can."""
    refusal = label_refusal(value)
    return None if refusal is None else refusal[1]


class AnswerFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    journey: str = Field(max_length=64)
    touchpoint: str = Field(max_length=64)
    # StrictInt: "9" and 9.5 are errors, not silently coerced scores.
    nps: StrictInt | None = None
    csat: StrictInt | None = None
    ces: StrictInt | None = None
    importance: StrictInt | None = None
    # Raw text, before control characters are dropped; the limit that counts is checked after.
    comment: str | None = Field(default=None, max_length=10 * COMMENT_MAX_LENGTH)
    respondent: str | None = Field(default=None, max_length=200)
    # Labels such as "vip" or "小程序": refused, not cleaned, when they are something else (a
    # phone number would otherwise reach breakdowns, the CSV export and webhooks as given).
    segment: str | None = Field(default=None, max_length=LABEL_MAX_LENGTH)
    channel: str | None = Field(default=None, max_length=LABEL_MAX_LENGTH)

    @field_validator("journey", "touchpoint", "respondent")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        # PostgreSQL text cannot hold NUL; refused here on every database alike. (A comment's
        # NUL is a control character, dropped with the others.)
        if value is not None and "\x00" in value:
            raise PydanticCustomError("nul_character", "must not contain a NUL (\\x00) character")
        return value

    @field_validator("segment", "channel")
    @classmethod
    def _a_label(cls, value: str | None) -> str | None:
        refusal = None if value is None else label_refusal(value)
        if refusal is not None:
            raise PydanticCustomError(*refusal)
        return value


class PublicResponseIn(AnswerFields):
    """What a customer's widget or survey page posts."""


class ImportedResponseIn(AnswerFields):
    """One row of a bulk import: an answer collected elsewhere, with its time."""

    # Naive times are read in VOCSVC_TIMEZONE (spreadsheets rarely carry an offset).
    submitted_at: datetime


class CreatedOut(BaseModel):
    id: int


class InsertedOut(BaseModel):
    inserted: int


class AspectOut(BaseModel):
    """An aspect the comment talks about (vocsvc.text.aspects), with its clause's polarity."""

    aspect: str
    polarity: str
    text: str  # the clause


class AnswerOut(BaseModel):
    """What a customer answered (comment already redacted) and how the comment was read."""

    nps: int | None
    csat: int | None
    ces: int | None
    importance: int | None
    comment: str | None
    sentiment: float | None  # P(positive)
    sentiment_label: str | None  # negative / neutral / positive
    opinion: bool | None  # False: a question, a suggestion or "nothing to add"
    mixed: bool  # the comment's reading and the scores disagree
    aspects: list[AspectOut]
    segment: str | None
    channel: str | None
    submitted_at: datetime

    @staticmethod
    def aspects_of(rows: Iterable[ResponseAspect]) -> list[AspectOut]:
        return [AspectOut(aspect=a.aspect, polarity=a.polarity, text=a.clause) for a in rows]


class ResponseOut(AnswerOut):
    id: int
    journey: str
    stage: str
    touchpoint: str
    survey_version: int
    source: str
    received_at: datetime


class NamedKey(BaseModel):
    key: str
    name: str


class ResponseFilters(BaseModel):
    """The vocabulary of the listing's filters."""

    aspects: list[NamedKey]


class ResponsePage(BaseModel):
    items: list[ResponseOut]
    next_cursor: str | None  # opaque: pass it back as ?cursor=
