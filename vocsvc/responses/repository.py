"""Queries for survey responses."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Dialect, Select, Table, and_, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from vocsvc.models import Response, ResponseAspect, ResponseTerm, Stage, SurveyVersion, Touchpoint
from vocsvc.responses.agreement import CSAT_LOW_MAX
from vocsvc.responses.records import KeyedAnswer, NewResponse, StoredResponse
from vocsvc.sqlutil import DriverStatement, arrays_of, insert_for_dialect, insert_from_arrays
from vocsvc.stats import DETRACTOR_MAX


@dataclass(frozen=True)
class ResponseFilter:
    journey_id: int
    stage_key: str | None = None
    touchpoint_key: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    segment: str | None = None
    channel: str | None = None
    only_detractors: bool = False  # NPS <= DETRACTOR_MAX or CSAT <= CSAT_LOW_MAX
    with_comment: bool = False
    text: str | None = None  # in the (redacted) comment, case-insensitive
    aspect: str | None = None  # the comment mentions this aspect (vocsvc.text.aspects key)
    mixed: bool | None = None  # the comment's reading and the scores disagree (or agree)


@dataclass(frozen=True)
class ListingPosition:
    """Where a page of the listing (newest submission first) ended: the last row's time and id."""

    submitted_at: datetime
    id: int


_ANSWERS_FOR_KEYS = select(Response.idempotency_key, Response.id, Response.answer_hash).where(
    Response.idempotency_key.in_(bindparam("keys", expanding=True))
)


class ResponseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def answers_for_idempotency_keys(self, keys: Collection[str]) -> dict[str, KeyedAnswer]:
        """{key: the answer stored under it} for those of `keys` already used."""
        if not keys:
            return {}
        rows = self.session.connection().execute(_ANSWERS_FOR_KEYS, {"keys": sorted(keys)})
        return {str(key): KeyedAnswer(int(i), hashed) for key, i, hashed in rows}

    def insert_public(self, responses: Sequence[NewResponse]) -> list[int | None]:
        """Insert answers (idempotency keys unique among them) in at most two statements; each
        one's new id, or None where another answer already has its key."""
        # Core on the connection: the ORM's bulk-insert path costs more than the insert itself.
        connection = self.session.connection()
        keyed = [r.values() for r in responses if r.idempotency_key is not None]
        keyless = [r for r in responses if r.idempotency_key is None]
        by_key: dict[str, int] = {}
        if keyed:
            # ON CONFLICT DO NOTHING returns only the rows it inserted: matched up by key.
            inserted = connection.execute(_insert_keyed_statement(connection.dialect.name), keyed)
            by_key = {str(key): int(new_id) for new_id, key in inserted}
        keyless_ids = iter(self.insert_many(keyless) if keyless else [])
        return [
            by_key.get(r.idempotency_key) if r.idempotency_key is not None else next(keyless_ids)
            for r in responses
        ]

    def insert_many(self, responses: Sequence[NewResponse]) -> list[int]:
        """Insert responses in one batched statement; returns their ids in the same order."""
        connection = self.session.connection()
        rows = [r.values() for r in responses]
        if connection.dialect.name != "sqlite":
            return [int(i) for i in connection.execute(_INSERT, rows).scalars()]
        # SQLite's RETURNING does not say which row is which, so SQLAlchemy would send one
        # INSERT per row to return ids in order (a 50,000-row import spent 14 s there). Every
        # SQLite transaction of ours holds the write lock from BEGIN IMMEDIATE (vocsvc.db), so
        # the ids SQLite would pick, max + 1 onwards, are ours to give; a clash would be an
        # IntegrityError, never a wrong id.
        first = int(connection.execute(_LAST_ID).scalar_one()) + 1
        ids = list(range(first, first + len(rows)))
        connection.execute(
            _INSERT_WITH_IDS, [{**r, "id": i} for r, i in zip(rows, ids, strict=True)]
        )
        return ids

    def insert_facts(self, stored: Sequence[StoredResponse]) -> None:
        """The aspects each stored comment mentions and the terms it uses (by clause polarity),
        one row each: on PostgreSQL in one statement, on SQLite an executemany per table."""
        aspects = [
            (s.id, s.response.journey_id, s.response.stage_id, s.response.touchpoint_id,
             s.response.submitted_at, m.aspect, m.polarity, m.text)
            for s in stored
            for m in s.response.aspects
        ]  # fmt: skip
        terms = [
            (s.id, s.response.journey_id, s.response.stage_id, s.response.touchpoint_id,
             s.response.submitted_at, m.term, m.polarity, m.clause)
            for s in stored
            for m in s.response.terms
        ]  # fmt: skip
        if not aspects and not terms:
            return
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            # One round trip, one text however many rows (prepared once): empty arrays insert none.
            params = arrays_of(aspects, _ASPECT_COLUMNS, "a_") | arrays_of(
                terms, _TERM_COLUMNS, "t_"
            )
            _facts_statement(connection.dialect).execute(connection, params)
            return
        for table, rows in (("aspects", aspects), ("terms", terms)):
            if rows:
                _facts_statement(connection.dialect, table).executemany(connection, rows)

    def aspects_of(self, response_ids: Collection[int]) -> dict[int, list[ResponseAspect]]:
        """The aspects of the given responses, by response id, in the order they were found."""
        if not response_ids:
            return {}
        stmt = (
            select(ResponseAspect)
            .where(ResponseAspect.response_id.in_(sorted(response_ids)))
            .order_by(ResponseAspect.id)
        )
        found: dict[int, list[ResponseAspect]] = {}
        for aspect in self.session.scalars(stmt):
            found.setdefault(aspect.response_id, []).append(aspect)
        return found

    def listing(
        self, flt: ResponseFilter, *, after: ListingPosition | None, limit: int
    ) -> list[Any]:
        """Newest submission first (an import's old answers fall into place), ties by id."""
        stmt = (
            self._select(flt)
            .order_by(Response.submitted_at.desc(), Response.id.desc())
            .limit(limit)
        )
        if after is not None:
            stmt = stmt.where(
                or_(
                    Response.submitted_at < after.submitted_at,
                    and_(Response.submitted_at == after.submitted_at, Response.id < after.id),
                )
            )
        return list(self.session.execute(stmt))

    def stream_with_aspects(
        self, flt: ResponseFilter, batch: int = 2000
    ) -> Iterator[tuple[Any, list[ResponseAspect]]]:
        """Matching responses in id order, each with its aspects, read `batch` rows at a time."""
        stmt = self._select(flt).order_by(Response.id).execution_options(yield_per=batch)
        for partition in self.session.execute(stmt).partitions(batch):
            aspects = self.aspects_of([row.Response.id for row in partition])
            for row in partition:
                yield row, aspects.get(row.Response.id, [])

    def _select(self, flt: ResponseFilter) -> Select[Response, str, str, int, str, str]:
        stmt = (
            select(
                Response,
                Stage.key.label("stage_key"),
                Touchpoint.key.label("touchpoint_key"),
                SurveyVersion.version.label("survey_version"),
                Stage.name.label("stage_name"),
                Touchpoint.name.label("touchpoint_name"),
            )
            .join(Stage, Response.stage_id == Stage.id)
            .join(Touchpoint, Response.touchpoint_id == Touchpoint.id)
            .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
            .where(Response.journey_id == flt.journey_id)
        )
        if flt.stage_key:
            stmt = stmt.where(Stage.key == flt.stage_key)
        if flt.touchpoint_key:
            stmt = stmt.where(Touchpoint.key == flt.touchpoint_key)
        if flt.start:
            stmt = stmt.where(Response.submitted_at >= flt.start)
        if flt.end:
            stmt = stmt.where(Response.submitted_at < flt.end)
        if flt.segment:
            stmt = stmt.where(Response.segment == flt.segment)
        if flt.channel:
            stmt = stmt.where(Response.channel == flt.channel)
        if flt.only_detractors:
            stmt = stmt.where(or_(Response.nps <= DETRACTOR_MAX, Response.csat <= CSAT_LOW_MAX))
        if flt.with_comment:
            stmt = stmt.where(Response.comment.is_not(None), Response.comment != "")
        if flt.text:
            stmt = stmt.where(Response.comment.icontains(flt.text, autoescape=True))
        if flt.aspect:
            mentions = select(ResponseAspect.id).where(
                ResponseAspect.response_id == Response.id, ResponseAspect.aspect == flt.aspect
            )
            stmt = stmt.where(mentions.exists())
        if flt.mixed is not None:
            stmt = stmt.where(Response.mixed.is_(flt.mixed))
        return stmt


_INSERT = insert(Response).returning(Response.id, sort_by_parameter_order=True)
_INSERT_WITH_IDS = insert(Response)
_FACT_KEY = ("response_id", "journey_id", "stage_id", "touchpoint_id", "submitted_at")
_ASPECT_COLUMNS = (*_FACT_KEY, "aspect", "polarity", "clause")
_TERM_COLUMNS = (*_FACT_KEY, "term", "polarity", "clause")
_LAST_ID = select(func.coalesce(func.max(Response.id), 0))


@functools.cache
def _facts_statement(dialect: Dialect, table: str = "") -> DriverStatement:
    """PostgreSQL: both facts' inserts; SQLite: `table`'s ("aspects" or "terms")."""
    if dialect.name == "postgresql":
        return DriverStatement(_insert_facts_statement(), dialect)
    if table == "aspects":
        return DriverStatement(insert(ResponseAspect), dialect, _ASPECT_COLUMNS)
    return DriverStatement(insert(ResponseTerm), dialect, _TERM_COLUMNS)


@functools.cache
def _insert_facts_statement() -> Any:
    """PostgreSQL: the aspects' and the terms' inserts over arrays, the first as a CTE."""
    aspects = insert_from_arrays(cast(Table, ResponseAspect.__table__), _ASPECT_COLUMNS, "a_")
    terms = insert_from_arrays(cast(Table, ResponseTerm.__table__), _TERM_COLUMNS, "t_")
    return terms.add_cte(aspects.cte("aspects"))


@functools.cache
def _insert_keyed_statement(dialect: str) -> Any:
    # Built once and executed with parameters (compiled once), not rebuilt per batch.
    table = Response.__table__
    return (
        insert_for_dialect(dialect)(table)
        .on_conflict_do_nothing(index_elements=[table.c.idempotency_key])
        .returning(table.c.id, table.c.idempotency_key)
    )
