"""Follow-up cases: which answers open one, the open → contacted → resolved workflow, figures.

A case is opened for an answer that is (1) a detractor: NPS ≤ 6, CSAT ≤ 2 or a comment whose
sentiment probability is below 0.2 when no score contradicts it (an NPS of 9-10 or a CSAT of 5
never opens a case on the text alone, nor does a question or suggestion), and (2) contactable:
it carries a respondent id. That id is stored only as its HMAC (`respondent_hash`), which the
CRM maps back to the customer; answers without one are anonymous, nobody could call back, so
they open no case (we keep no contact details with answers). (3) Answers submitted more than
FOLLOW_UP_WINDOW ago (a back-fill import) open none either: a call-back months later is not a
follow-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from vocsvc.cases.repository import CaseFilter, CaseRepository
from vocsvc.cases.schemas import (
    CaseDetail,
    CaseEventOut,
    CaseOut,
    CasePage,
    CasePatch,
    CaseStats,
    DepartmentCaseStats,
)
from vocsvc.errors import Conflict, InvalidInput, NotFound
from vocsvc.models import CaseEvent, FollowUpCase, utcnow
from vocsvc.periods import Period
from vocsvc.responses.agreement import CSAT_LOW_MAX, scores_praise
from vocsvc.responses.records import NewResponse, StoredResponse
from vocsvc.responses.repository import ResponseRepository
from vocsvc.responses.schemas import AnswerOut
from vocsvc.stats import DETRACTOR_MAX
from vocsvc.text.redact import redact_text
from vocsvc.webhooks import service as webhooks

SENTIMENT_NEGATIVE_BELOW = 0.2
FOLLOW_UP_WINDOW = timedelta(days=30)

# The only moves a case can make; anything else is a 409.
NEXT_STATUS = {"open": "contacted", "contacted": "resolved"}


def follow_up_reasons(response: NewResponse) -> list[str]:
    """Why an answer calls for a follow-up (empty: it does not)."""
    reasons = []
    nps, csat = response.nps, response.csat
    if nps is not None and nps <= DETRACTOR_MAX:
        reasons.append(f"nps<={DETRACTOR_MAX}")
    if csat is not None and csat <= CSAT_LOW_MAX:
        reasons.append(f"csat<={CSAT_LOW_MAX}")
    text_negative = response.sentiment is not None and response.sentiment < SENTIMENT_NEGATIVE_BELOW
    if text_negative and response.opinion is not False and not scores_praise(nps, csat):
        reasons.append(f"sentiment<{SENTIMENT_NEGATIVE_BELOW}")
    return reasons


def needs_case(response: NewResponse, now: datetime) -> bool:
    """A contactable, recent detractor (see the module docstring)."""
    return (
        bool(response.respondent_hash)
        and now - response.submitted_at <= FOLLOW_UP_WINDOW
        and bool(follow_up_reasons(response))
    )


def open_cases(
    session: Session, stored: Sequence[StoredResponse], now: datetime, webhook_ids: Sequence[int]
) -> list[FollowUpCase]:
    """Open a case per stored response; queue `case.opened` for `webhook_ids`."""
    rows = [
        {
            "response_id": s.id,
            "journey_id": s.response.journey_id,
            "stage_id": s.response.stage_id,
            "touchpoint_id": s.response.touchpoint_id,
            "department": s.touchpoint.owner,
            "reasons": follow_up_reasons(s.response),
            "status": "open",
            "opened_at": now,
            "updated_at": now,
        }
        for s in stored
    ]
    if not rows:
        return []
    ids = CaseRepository(session).insert_many(rows)
    cases = [FollowUpCase(id=case_id, **row) for row, case_id in zip(rows, ids, strict=True)]
    if not webhook_ids:
        return cases  # nobody subscribed: no payloads to build
    events = []
    for case, s in zip(cases, stored, strict=True):
        tp = s.touchpoint
        out = _out(case, tp.journey_key, tp.stage_key, tp.key, s.response.respondent_hash)
        events.append(out.model_dump(mode="json"))
    webhooks.emit(session, webhooks.CASE_OPENED, events, webhook_ids)
    return cases


# --- reading -----------------------------------------------------------------------------------


def _out(
    case: FollowUpCase, journey: str, stage: str, touchpoint: str, respondent_hash: str | None
) -> CaseOut:
    return CaseOut(
        id=case.id,
        response_id=case.response_id,
        journey=journey,
        stage=stage,
        touchpoint=touchpoint,
        department=case.department,
        reasons=list(case.reasons),
        respondent_hash=respondent_hash,
        status=case.status,
        assignee=case.assignee,
        opened_at=case.opened_at,
        contacted_at=case.contacted_at,
        contacted_by=case.contacted_by,
        resolved_at=case.resolved_at,
        resolved_by=case.resolved_by,
        hours_to_resolve=case.hours_to_resolve,
        updated_at=case.updated_at,
    )


def _row_out(row: Any) -> CaseOut:
    return _out(row.FollowUpCase, row.journey_key, row.stage_key, row.touchpoint_key,
                row.respondent_hash)  # fmt: skip


def list_cases(session: Session, flt: CaseFilter, cursor: int | None, limit: int) -> CasePage:
    """Newest first; pass `next_cursor` back as `cursor` for the next page."""
    rows = CaseRepository(session).listing(flt, before_id=cursor, limit=limit + 1)
    items = [_row_out(row) for row in rows[:limit]]
    return CasePage(items=items, next_cursor=items[-1].id if len(rows) > limit else None)


def get_case(session: Session, case_id: int) -> CaseDetail:
    """A case with the answer that opened it and its history."""
    repo = CaseRepository(session)
    row = repo.one(case_id)
    if row is None:
        raise NotFound(f"no case {case_id}")
    answer = repo.answer(row.FollowUpCase.response_id)
    assert answer is not None  # the case's foreign key guarantees it
    history = [
        CaseEventOut(
            kind=e.kind,
            actor=e.actor,
            at=e.created_at,
            from_status=e.from_status,
            to_status=e.to_status,
            assignee=e.assignee,
            note=e.note,
        )
        for e in repo.events(case_id)
    ]
    return CaseDetail(
        **_row_out(row).model_dump(),
        answer=AnswerOut(
            nps=answer.nps,
            csat=answer.csat,
            ces=answer.ces,
            importance=answer.importance,
            comment=answer.comment,
            sentiment=answer.sentiment,
            sentiment_label=answer.sentiment_label,
            opinion=answer.opinion,
            mixed=answer.mixed,
            aspects=AnswerOut.aspects_of(
                ResponseRepository(session).aspects_of([answer.id]).get(answer.id, [])
            ),
            segment=answer.segment,
            channel=answer.channel,
            submitted_at=answer.submitted_at,
        ),
        history=history,
    )


# --- working a case ----------------------------------------------------------------------------


def update_case(session: Session, case_id: int, patch: CasePatch, actor: str) -> CaseDetail:
    """Move the status one step, (un)assign, and/or append a note; each change is recorded."""
    if not patch.model_fields_set:
        raise InvalidInput("send at least one of status, assignee, note")
    repo = CaseRepository(session)
    case = repo.get_for_update(case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    now = utcnow()
    changed = False

    def record(kind: str, **fields: Any) -> None:
        repo.add_event(CaseEvent(case_id=case.id, kind=kind, actor=actor, created_at=now, **fields))

    if patch.status is not None and patch.status != case.status:
        if NEXT_STATUS.get(case.status) != patch.status:
            allowed = NEXT_STATUS.get(case.status)
            hint = f"the only next status is '{allowed}'" if allowed else "it is closed"
            raise Conflict(
                f"case {case_id} is '{case.status}' and cannot become '{patch.status}': {hint}",
                details=[{"field": "status", "message": "open → contacted → resolved"}],
            )
        record("status", from_status=case.status, to_status=patch.status)
        case.status = patch.status
        if patch.status == "contacted":
            case.contacted_at, case.contacted_by = now, actor
        else:
            case.resolved_at, case.resolved_by = now, actor
            case.hours_to_resolve = (now - case.opened_at).total_seconds() / 3600
        changed = True
    if "assignee" in patch.model_fields_set and patch.assignee != case.assignee:
        record("assignee", assignee=patch.assignee)
        case.assignee = patch.assignee
        changed = True
    if patch.note:
        # Staff notes go through the same PII redaction as customers' comments.
        record("note", note=redact_text(patch.note))
        changed = True
    if changed:
        case.updated_at = now
    session.flush()
    return get_case(session, case_id)


# --- time to close -----------------------------------------------------------------------------


def case_stats(
    session: Session, journey_id: int | None, journey_key: str | None, period: Period | None
) -> CaseStats:
    """Per department: open and closed cases, median and p90 hours to resolve (opened in period)."""
    repo = CaseRepository(session)
    window = (period.start, period.end) if period else None
    counts = repo.department_counts(journey_id, window)
    percentiles = repo.hours_to_resolve_percentiles(journey_id, window, (0.5, 0.9))
    departments = [
        DepartmentCaseStats(
            department=department,
            open=c.open,
            not_contacted=c.not_contacted,
            closed=c.closed,
            median_hours_to_resolve=_hours(percentiles.get(department, [None, None])[0]),
            p90_hours_to_resolve=_hours(percentiles.get(department, [None, None])[1]),
        )
        for department, c in sorted(counts.items())
    ]
    return CaseStats(
        journey=journey_key, period=period.label if period else None, departments=departments
    )


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
