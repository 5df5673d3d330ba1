"""Queries for follow-up cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from vocsvc.models import CaseEvent, FollowUpCase, Journey, Response, Stage, Touchpoint


@dataclass(frozen=True)
class CaseFilter:
    journey_id: int | None = None
    department: str | None = None
    stage_key: str | None = None
    touchpoint_key: str | None = None
    status: str | None = None
    opened_before: datetime | None = None
    opened_after: datetime | None = None


@dataclass(frozen=True)
class DepartmentCounts:
    open: int
    not_contacted: int
    closed: int


# Run on ingest: built once (compiled once) and executed on the connection.
_INSERT_CASES = insert(FollowUpCase).returning(FollowUpCase.id, sort_by_parameter_order=True)


class CaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- opening ---

    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert cases (column dicts) in one statement; their ids in the rows' order."""
        # Core on the connection: cases open on ingest, where the ORM's flush costs too much.
        return [int(i) for i in self.session.connection().execute(_INSERT_CASES, rows).scalars()]

    # --- working a case ---

    def get_for_update(self, case_id: int) -> FollowUpCase | None:
        return self.session.get(FollowUpCase, case_id, with_for_update=True)

    def add_event(self, event: CaseEvent) -> None:
        self.session.add(event)

    def events(self, case_id: int) -> list[CaseEvent]:
        stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        return list(self.session.scalars(stmt))

    def answer(self, response_id: int) -> Response | None:
        return self.session.get(Response, response_id)

    # --- reading ---

    def _select(self) -> Select[FollowUpCase, str, str, str, str | None]:
        return (
            select(
                FollowUpCase,
                Journey.key.label("journey_key"),
                Stage.key.label("stage_key"),
                Touchpoint.key.label("touchpoint_key"),
                Response.respondent_hash,
            )
            .join(Journey, FollowUpCase.journey_id == Journey.id)
            .join(Stage, FollowUpCase.stage_id == Stage.id)
            .join(Touchpoint, FollowUpCase.touchpoint_id == Touchpoint.id)
            .join(Response, FollowUpCase.response_id == Response.id)
        )

    def one(self, case_id: int) -> Any:
        return self.session.execute(self._select().where(FollowUpCase.id == case_id)).first()

    def listing(self, flt: CaseFilter, *, before_id: int | None, limit: int) -> list[Any]:
        """Newest first."""
        stmt = self._select().order_by(FollowUpCase.id.desc()).limit(limit)
        conditions: list[ColumnElement[bool]] = []
        if flt.journey_id is not None:
            conditions.append(FollowUpCase.journey_id == flt.journey_id)
        if flt.department is not None:
            conditions.append(FollowUpCase.department == flt.department)
        if flt.stage_key:
            conditions.append(Stage.key == flt.stage_key)
        if flt.touchpoint_key:
            conditions.append(Touchpoint.key == flt.touchpoint_key)
        if flt.status:
            conditions.append(FollowUpCase.status == flt.status)
        if flt.opened_before is not None:
            conditions.append(FollowUpCase.opened_at <= flt.opened_before)
        if flt.opened_after is not None:
            conditions.append(FollowUpCase.opened_at >= flt.opened_after)
        if before_id is not None:
            conditions.append(FollowUpCase.id < before_id)
        return list(self.session.execute(stmt.where(*conditions)))

    # --- time to close ---

    @staticmethod
    def _scope(
        journey_id: int | None, window: tuple[datetime, datetime] | None
    ) -> list[ColumnElement[bool]]:
        scope: list[ColumnElement[bool]] = []
        if journey_id is not None:
            scope.append(FollowUpCase.journey_id == journey_id)
        if window is not None:
            scope += [FollowUpCase.opened_at >= window[0], FollowUpCase.opened_at < window[1]]
        return scope

    def department_counts(
        self, journey_id: int | None, window: tuple[datetime, datetime] | None
    ) -> dict[str, DepartmentCounts]:
        """Open, not yet contacted and closed cases per department."""
        resolved = FollowUpCase.status == "resolved"
        stmt = (
            select(
                FollowUpCase.department,
                func.sum(case((resolved, 0), else_=1)),
                func.sum(case((FollowUpCase.status == "open", 1), else_=0)),
                func.sum(case((resolved, 1), else_=0)),
            )
            .where(*self._scope(journey_id, window))
            .group_by(FollowUpCase.department)
        )
        return {
            dept: DepartmentCounts(int(o or 0), int(nc or 0), int(c or 0))
            for dept, o, nc, c in self.session.execute(stmt)
        }

    def hours_to_resolve_percentiles(
        self,
        journey_id: int | None,
        window: tuple[datetime, datetime] | None,
        fractions: Sequence[float],
    ) -> dict[str, list[float | None]]:
        """Percentiles of hours to resolve per department, interpolated like percentile_cont.

        Portable SQL (window functions; SQLite has no percentile_cont): with the values ranked
        0..n-1 and position h = (n - 1) * fraction, the result is v[floor h] + (h - floor h) *
        (v[ceil h] - v[floor h]); floor and ceil are found by comparing ranks with h.
        """
        hours = FollowUpCase.hours_to_resolve
        ranked = (
            select(
                FollowUpCase.department.label("department"),
                hours.label("hours"),
                (
                    func.row_number().over(partition_by=FollowUpCase.department, order_by=hours) - 1
                ).label("idx"),
                func.count().over(partition_by=FollowUpCase.department).label("n"),
            )
            .where(*self._scope(journey_id, window), hours.is_not(None))
            .subquery()
        )
        columns = []
        for fraction in fractions:
            position = (ranked.c.n - 1) * literal(fraction, Float)
            at_floor = and_(ranked.c.idx <= position, ranked.c.idx + 1 > position)
            at_ceil = and_(ranked.c.idx >= position, ranked.c.idx - 1 < position)
            low = func.max(case((at_floor, ranked.c.hours)))
            high = func.max(case((at_ceil, ranked.c.hours)))
            weight = func.max(case((at_floor, position - ranked.c.idx)))
            columns.append(low + weight * (high - low))
        stmt = select(ranked.c.department, *columns).group_by(ranked.c.department)
        return {
            row[0]: [None if v is None else float(v) for v in row[1:]]
            for row in self.session.execute(stmt)
        }
