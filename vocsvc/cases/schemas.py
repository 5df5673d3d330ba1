"""Follow-up cases for detractors: listing, detail, updates and time-to-close figures."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vocsvc.responses.schemas import AnswerOut

CaseStatus = Literal["open", "contacted", "resolved"]


class CaseOut(BaseModel):
    id: int
    response_id: int
    journey: str
    stage: str
    touchpoint: str
    department: str
    reasons: list[str] = Field(description='why it was opened, e.g. ["nps<=6", "sentiment<0.2"]')
    respondent_hash: str | None = Field(description="the customer id's HMAC; the CRM maps it back")
    status: str = Field(description="open → contacted → resolved")
    assignee: str | None
    opened_at: datetime
    contacted_at: datetime | None
    contacted_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    hours_to_resolve: float | None
    updated_at: datetime


class CaseEventOut(BaseModel):
    kind: str = Field(description="status | note | assignee")
    actor: str
    at: datetime
    from_status: str | None = None
    to_status: str | None = None
    assignee: str | None = None
    note: str | None = None


class CaseDetail(CaseOut):
    answer: AnswerOut  # the answer that opened the case
    history: list[CaseEventOut] = Field(description="oldest first; append-only")


class CasePage(BaseModel):
    items: list[CaseOut]
    next_cursor: int | None


class CasePatch(BaseModel):
    """Any of: the next status, an assignee (null unassigns), a note to append."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: CaseStatus | None = None
    assignee: str | None = Field(default=None, min_length=1, max_length=200)
    note: str | None = Field(default=None, min_length=1, max_length=5000)


class DepartmentCaseStats(BaseModel):
    department: str
    open: int = Field(description="not yet resolved (open or contacted)")
    not_contacted: int = Field(description="still in status open")
    closed: int = Field(description="resolved")
    median_hours_to_resolve: float | None
    p90_hours_to_resolve: float | None


class CaseStats(BaseModel):
    journey: str | None
    period: str | None = Field(description="cases opened in this period; null means all time")
    departments: list[DepartmentCaseStats]
