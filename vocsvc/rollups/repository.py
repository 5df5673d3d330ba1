"""Queries of the write side: the rollups' upserts, their rebuild reads, the facts of answers."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Dialect,
    Select,
    Table,
    and_,
    case,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from vocsvc.models import (
    Response,
    ResponseAspect,
    ResponseDailyAspect,
    ResponseDailyCount,
    ResponseDailyDimension,
    ResponseDailyStats,
    ResponseDailyTerm,
    ResponseTerm,
)
from vocsvc.responses.records import SCORE_FIELDS, StoredResponse
from vocsvc.sqlutil import DriverStatement, arrays_of, insert_for_dialect, insert_from_arrays
from vocsvc.text.analysis import AspectMention, Label
from vocsvc.text.keywords import TermMention

RollupKey = tuple[int, str, date, int, int, int]  # journey, metric, day, stage, touchpoint, value
DimKey = tuple[int, str, date, str, str, int]  # journey, metric, day, dimension, label, value
DayKey = tuple[int, date, int, int]  # journey, day, stage, touchpoint
TermKey = tuple[int, date, int, int, str, str]  # ... polarity, term
AspectKey = tuple[int, date, int, int, str, str]  # ... aspect, polarity

DIMENSIONS = ("segment", "channel")
DIMENSION_METRICS = ("nps", "csat")
# The gap analysis's derived importance needs CSAT against likelihood to recommend, jointly, per
# touchpoint: those pairs share the score rollup under one more metric whose value holds both.
PAIRED_METRIC = "csat_nps"
PAIRED_FIELDS = ("csat", "nps")
_PAIR_BASE = 100  # above every score value (NPS is 0-10)


def paired_value(first: int, second: int) -> int:
    return first * _PAIR_BASE + second


def paired_scores(value: int) -> tuple[int, int]:
    first, second = divmod(value, _PAIR_BASE)
    return first, second


STATS_FIELDS = ("answers", "comments", "n", "total", "total_sq", "negatives", "mixed", "no_opinion")
NEVER = (1 << 62) - 1  # the example rank of no example

_DAY = ("journey_id", "day", "stage_id", "touchpoint_id")
_KEY_COLUMNS = ("journey_id", "metric", "day", "stage_id", "touchpoint_id", "value")
_COLUMNS = (*_KEY_COLUMNS, "count")
_DIM_KEY = ("journey_id", "metric", "day", "dimension", "value_key", "value")
_TERM_KEY = (*_DAY, "polarity", "term")
_ASPECT_KEY = (*_DAY, "aspect", "polarity")
_EXAMPLE = ("count", "example", "example_rank")


@dataclass(frozen=True)
class AnswerFacts:
    """One answer as the rollups count it."""

    id: int
    journey_id: int
    stage_id: int
    touchpoint_id: int
    submitted_at: datetime
    scores: tuple[int | None, ...]  # SCORE_FIELDS order
    segment: str | None
    channel: str | None
    sentiment: float | None
    label: str | None
    opinion: bool | None
    mixed: bool
    terms: tuple[TermMention, ...]
    aspects: tuple[AspectMention, ...]

    @classmethod
    def of_stored(cls, s: StoredResponse) -> AnswerFacts:
        r = s.response
        return cls(
            s.id,
            r.journey_id,
            r.stage_id,
            r.touchpoint_id,
            r.submitted_at,
            tuple(r.score(m) for m in SCORE_FIELDS),
            r.segment,
            r.channel,
            r.sentiment,
            r.sentiment_label,
            r.opinion,
            r.mixed,
            r.terms,
            r.aspects,
        )


@dataclass
class Example:
    """A term or aspect row's change: comments added (or taken away, negative), the best new
    example, and the ranks of examples taken away."""

    count: int = 0
    rank: int = NEVER
    clause: str = ""
    removed: set[int] = field(default_factory=set)


@dataclass
class Delta:
    """What a set of answers adds to (or takes from) every rollup."""

    scores: Counter[RollupKey] = field(default_factory=Counter)
    dimensions: Counter[DimKey] = field(default_factory=Counter)
    stats: dict[DayKey, list[float]] = field(default_factory=dict)
    terms: dict[TermKey, Example] = field(default_factory=dict)
    aspects: dict[AspectKey, Example] = field(default_factory=dict)

    def days(self) -> set[tuple[int, date]]:
        return {(k[0], k[1]) for k in self.stats}


_FACT_COLUMNS = (
    Response.id,
    Response.journey_id,
    Response.stage_id,
    Response.touchpoint_id,
    Response.submitted_at,
    *(getattr(Response, m) for m in SCORE_FIELDS),
    Response.segment,
    Response.channel,
    Response.sentiment,
    Response.sentiment_label,
    Response.opinion,
    Response.mixed,
)


class RollupRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- writes ---------------------------------------------------------------------------

    def apply(self, delta: Delta) -> None:
        """Add a delta to every rollup, keys in sorted (lock) order, safe under concurrent
        writers: on PostgreSQL one statement for all five tables, on SQLite one executemany per
        table the delta touches."""
        tables = _rows_of(delta)
        if not any(rows for *_, rows in tables):
            return
        connection = self.session.connection()  # Core: the ORM's bulk path costs more
        if connection.dialect.name == "postgresql":
            # One round trip, and one text whichever tables the delta touches (prepared once):
            # an untouched table gets empty arrays. Every batch so locks tables in one order.
            params: dict[str, list[Any]] = {}
            for i, (_, keys, values, rows) in enumerate(tables):
                params |= arrays_of(rows, (*keys, *values), f"r{i}_")
            _driver_statement(connection.dialect).execute(connection, params)
            return
        # SQLite: an executemany of each statement, cheap in-process.
        for model, keys, values, rows in tables:
            if rows:
                name = model.__tablename__
                _driver_statement(connection.dialect, name, keys, values).executemany(
                    connection, rows
                )

    def insert_new(self, delta: Delta) -> None:
        """Write a delta into empty rollups (a rebuild after `clear`): COPY on PostgreSQL, an
        executemany of a plain INSERT on SQLite; no conflict to look for."""
        connection = self.session.connection()
        for model, keys, values, rows in _rows_of(delta):
            if not rows:
                continue
            columns = (*keys, *values)
            if connection.dialect.name == "postgresql":
                raw: Any = connection.connection.driver_connection
                sql = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
                with raw.cursor().copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                table = model.__table__
                connection.execute(
                    table.insert(), [dict(zip(columns, row, strict=True)) for row in rows]
                )

    def drop_empty(self, delta: Delta) -> None:
        """Delete the rows of the delta's days that no answer counts any more."""
        by_journey: dict[int, set[date]] = {}
        for journey_id, day in delta.days():
            by_journey.setdefault(journey_id, set()).add(day)
        empty: list[tuple[Any, ColumnElement[bool]]] = [
            (ResponseDailyCount, ResponseDailyCount.count <= 0),
            (ResponseDailyDimension, ResponseDailyDimension.count <= 0),
            (ResponseDailyStats, ResponseDailyStats.answers <= 0),
            (ResponseDailyTerm, ResponseDailyTerm.count <= 0),
            (ResponseDailyAspect, ResponseDailyAspect.count <= 0),
        ]
        for journey_id, days in by_journey.items():
            for table, condition in empty:
                self.session.execute(
                    delete(table).where(
                        table.journey_id == journey_id, table.day.in_(sorted(days)), condition
                    )
                )

    def replace_examples(self, delta: Delta, tz: ZoneInfo, rank: Callable[[str, int], int]) -> None:
        """Rows whose example was taken away get the best example of the facts still stored."""
        for table, items in (
            (ResponseDailyTerm, delta.terms),
            (ResponseDailyAspect, delta.aspects),
        ):
            removed = {r for e in items.values() for r in e.removed}
            if not removed:
                continue
            keys = _key_columns(table)
            for key in self._rows_with_example_in(table, keys, delta, removed):
                best = (NEVER, "")
                for clause, rid in self._facts_for(table, key, tz):
                    candidate = rank(clause, rid)
                    if candidate < best[0]:
                        best = (candidate, clause)
                where = [getattr(table, c) == v for c, v in zip(keys, key, strict=True)]
                self.session.execute(
                    update(table).where(*where).values(example=best[1], example_rank=best[0])
                )

    def clear(self) -> None:
        for table in (
            ResponseDailyCount,
            ResponseDailyDimension,
            ResponseDailyStats,
            ResponseDailyTerm,
            ResponseDailyAspect,
        ):
            self.session.execute(delete(table))

    # --- reads ----------------------------------------------------------------------------

    def facts(self, ids: Collection[int]) -> list[AnswerFacts]:
        """The facts of the answers with these ids, in id order."""
        out: list[AnswerFacts] = []
        ordered = sorted(ids)
        for offset in range(0, len(ordered), 5_000):
            part = ordered[offset : offset + 5_000]
            out += self._facts(
                Response.id.in_(part),
                ResponseTerm.response_id.in_(part),
                ResponseAspect.response_id.in_(part),
            )
        return out

    def stored_facts(self, batch: int) -> Iterator[list[AnswerFacts]]:
        """Every stored answer's facts, `batch` answers at a time, in id order."""
        after = 0
        while True:
            ids = list(
                self.session.scalars(
                    select(Response.id)
                    .where(Response.id > after)
                    .order_by(Response.id)
                    .limit(batch)
                )
            )
            if not ids:
                return
            low, high = ids[0], ids[-1]
            yield self._facts(
                Response.id.between(low, high),
                ResponseTerm.response_id.between(low, high),
                ResponseAspect.response_id.between(low, high),
            )
            after = high

    def _facts(
        self,
        responses: ColumnElement[bool],
        terms: ColumnElement[bool],
        aspects: ColumnElement[bool],
    ) -> list[AnswerFacts]:
        by_term: dict[int, list[TermMention]] = {}
        term_rows = (
            select(
                ResponseTerm.response_id,
                ResponseTerm.term,
                ResponseTerm.polarity,
                ResponseTerm.clause,
            )
            .where(terms)
            .order_by(ResponseTerm.id)
        )
        for rid, term, polarity, clause in self.session.execute(term_rows):
            by_term.setdefault(rid, []).append(TermMention(term, polarity, clause))
        by_aspect: dict[int, list[AspectMention]] = {}
        aspect_rows = (
            select(
                ResponseAspect.response_id,
                ResponseAspect.aspect,
                ResponseAspect.polarity,
                ResponseAspect.clause,
            )
            .where(aspects)
            .order_by(ResponseAspect.id)
        )
        for rid, aspect, polarity, clause in self.session.execute(aspect_rows):
            mention = AspectMention(aspect, cast(Label, polarity), clause)
            by_aspect.setdefault(rid, []).append(mention)
        n = len(SCORE_FIELDS)
        return [
            AnswerFacts(
                id=row[0],
                journey_id=row[1],
                stage_id=row[2],
                touchpoint_id=row[3],
                submitted_at=row[4],
                scores=tuple(row[5 : 5 + n]),
                segment=row[5 + n],
                channel=row[6 + n],
                sentiment=row[7 + n],
                label=row[8 + n],
                opinion=row[9 + n],
                mixed=bool(row[10 + n]),
                terms=tuple(by_term.get(row[0], ())),
                aspects=tuple(by_aspect.get(row[0], ())),
            )
            for row in self.session.execute(
                select(*_FACT_COLUMNS).where(responses).order_by(Response.id)
            )
        ]

    def _rows_with_example_in(
        self, table: Any, keys: Sequence[str], delta: Delta, ranks: set[int]
    ) -> list[tuple[Any, ...]]:
        days = delta.days()
        journeys = sorted({j for j, _ in days})
        found: list[tuple[Any, ...]] = []
        ordered = sorted(ranks)
        for offset in range(0, len(ordered), 1_000):
            stmt = select(*(getattr(table, c) for c in keys)).where(
                table.journey_id.in_(journeys),
                table.day.in_(sorted({d for _, d in days})),
                table.example_rank.in_(ordered[offset : offset + 1_000]),
            )
            found += [tuple(r) for r in self.session.execute(stmt)]
        return found

    def _facts_for(self, table: Any, key: tuple[Any, ...], tz: ZoneInfo) -> list[tuple[str, int]]:
        """(clause, answer id) of the facts stored for one rollup row, in the order counted."""
        journey_id, day, stage_id, touchpoint_id, a, b = key
        start = datetime.combine(day, time.min, tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
        fact: Any = ResponseTerm if table is ResponseDailyTerm else ResponseAspect
        where = [
            fact.journey_id == journey_id,
            fact.stage_id == stage_id,
            fact.touchpoint_id == touchpoint_id,
            fact.submitted_at >= start,
            fact.submitted_at < end,
        ]
        if table is ResponseDailyTerm:
            where += [ResponseTerm.polarity == a, ResponseTerm.term == b]
        else:
            where.append(ResponseAspect.aspect == a)
            if b != "any":
                where.append(ResponseAspect.polarity == b)
        stmt = select(fact.clause, fact.response_id).where(and_(*where)).order_by(fact.id)
        return [(str(c), int(r)) for c, r in self.session.execute(stmt)]


def _rows_of(
    delta: Delta,
) -> list[tuple[Any, tuple[str, ...], tuple[str, ...], list[tuple[Any, ...]]]]:
    """(model, key columns, value columns, rows in key order) per rollup table."""
    return [
        (ResponseDailyCount, _KEY_COLUMNS, ("count",),
         [(*k, c) for k, c in sorted(delta.scores.items()) if c]),
        (ResponseDailyDimension, _DIM_KEY, ("count",),
         [(*k, c) for k, c in sorted(delta.dimensions.items()) if c]),
        (ResponseDailyStats, _DAY, STATS_FIELDS,
         [(*k, *_ints(v)) for k, v in sorted(delta.stats.items()) if any(v)]),
        (ResponseDailyTerm, _TERM_KEY, _EXAMPLE,
         [(*k, e.count, e.clause, e.rank) for k, e in sorted(delta.terms.items()) if e.count]),
        (ResponseDailyAspect, _ASPECT_KEY, _EXAMPLE,
         [(*k, e.count, e.clause, e.rank) for k, e in sorted(delta.aspects.items()) if e.count]),
    ]  # fmt: skip


def _ints(values: Sequence[float]) -> tuple[Any, ...]:
    """The stats columns with their counts as integers (total and total_sq stay floats)."""
    return tuple(
        v if name in ("total", "total_sq") else round(v)
        for name, v in zip(STATS_FIELDS, values, strict=True)
    )


def _key_columns(table: Any) -> tuple[str, ...]:
    return _TERM_KEY if table is ResponseDailyTerm else _ASPECT_KEY


_TABLES: dict[str, Any] = {
    m.__tablename__: m
    for m in (
        ResponseDailyCount,
        ResponseDailyDimension,
        ResponseDailyStats,
        ResponseDailyTerm,
        ResponseDailyAspect,
    )
}


@functools.cache
def _upsert_statement(
    dialect: str, name: str, keys: tuple[str, ...], values: tuple[str, ...], prefix: str = ""
) -> Any:
    # One statement object per table: compiled once and reused, where inline VALUES would be
    # rebuilt and its cache key recomputed on every answer.
    table = cast(Table, _TABLES[name].__table__)
    columns = (*keys, *values)
    if dialect == "postgresql":
        # Each key once in the arrays, so no row is updated twice by one statement.
        stmt = insert_from_arrays(table, columns, prefix)
    else:
        stmt = insert_for_dialect(dialect)(table)
    new = stmt.excluded
    if "example" in values:
        better = new.example_rank < table.c.example_rank
        set_: dict[str, Any] = {
            "count": table.c.count + new.count,
            "example": case((better, new.example), else_=table.c.example),
            "example_rank": case((better, new.example_rank), else_=table.c.example_rank),
        }
    else:
        set_ = {v: table.c[v] + new[v] for v in values}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=set_)


@functools.cache
def _driver_statement(
    dialect: Dialect, name: str = "", keys: tuple[str, ...] = (), values: tuple[str, ...] = ()
) -> DriverStatement:
    """PostgreSQL: all the rollups' upserts; SQLite: table `name`'s."""
    if dialect.name == "postgresql":
        return DriverStatement(_upsert_all_statement(), dialect)
    return DriverStatement(
        _upsert_statement(dialect.name, name, keys, values), dialect, (*keys, *values)
    )


@functools.cache
def _upsert_all_statement() -> Any:
    """PostgreSQL: every rollup's upsert over arrays in one statement, the first table's as the
    main statement, the others as data-modifying CTEs (run to completion though unread)."""
    first, *others = (
        _upsert_statement("postgresql", model.__tablename__, keys, values, f"r{i}_")
        for i, (model, keys, values, _) in enumerate(_rows_of(Delta()))
    )
    return first.add_cte(*(s.cte(f"upsert_{i}") for i, s in enumerate(others)))


# --- reads shared by topics and aspects ---------------------------------------------------

Days = tuple[date, date] | None


def within_days(table: Any, journey_id: int, days: Days) -> list[ColumnElement[bool]]:
    where = [table.journey_id == journey_id]
    if days is not None:
        where += [table.day >= days[0], table.day < days[1]]
    return where


def group_column(table: Any, by: str) -> Any:
    return table.stage_id if by == "stage" else table.touchpoint_id


class DailyCommentReads:
    """Reads of the daily rollups that topics and aspects share."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def comment_counts(self, journey_id: int, by: str, days: Days) -> dict[int, int]:
        """{group id: comments with a reading} over the days."""
        s = ResponseDailyStats
        group = group_column(s, by)
        stmt = (
            select(group, func.sum(s.comments))
            .where(*within_days(s, journey_id, days))
            .group_by(group)
        )
        return {int(g): int(n or 0) for g, n in self.session.execute(stmt)}


def best_examples(
    table: Any, group: Any, item: Any, where: list[ColumnElement[bool]], per: int
) -> Select[Any]:
    """(group, item, example) of each (group, item)'s `per` best-ranked distinct examples (a
    clause said on many days is one example)."""
    distinct = (
        select(
            group.label("grp"),
            item.label("item"),
            table.example.label("example"),
            func.min(table.example_rank).label("rank"),
        )
        .where(*where)
        .group_by(group, item, table.example)
        .subquery()
    )
    ranked = select(
        distinct,
        func.row_number()
        .over(partition_by=(distinct.c.grp, distinct.c.item), order_by=distinct.c.rank)
        .label("pos"),
    ).subquery()
    return (
        select(ranked.c.grp, ranked.c.item, ranked.c.example)
        .where(ranked.c.pos <= per)
        .order_by(ranked.c.grp, ranked.c.item, ranked.c.rank)
    )
