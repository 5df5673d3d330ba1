"""Aggregates over responses, computed in SQL: counts per score value per group and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from vocsvc.models import Response, ResponseDailyCount, ResponseDailyDimension, ResponseDailyStats
from vocsvc.rollups.repository import PAIRED_METRIC, paired_scores

GroupBy = Literal["stage", "touchpoint", "segment", "channel", "journey"]
ScoreMetric = Literal["nps", "csat", "ces", "importance"]
Window = tuple[datetime, datetime]

GROUP_COLUMNS: dict[str, Any] = {
    "stage": Response.stage_id,
    "touchpoint": Response.touchpoint_id,
    "segment": Response.segment,
    "channel": Response.channel,
}
SCORE_COLUMNS: dict[str, Any] = {
    "nps": Response.nps,
    "csat": Response.csat,
    "ces": Response.ces,
    "importance": Response.importance,
}
# (bucket index, group key) → {score value: count}
ScoreCounts = dict[tuple[int, Any], dict[int, int]]


@dataclass(frozen=True)
class SentimentSums:
    """Comments that state an opinion their scores do not contradict (the sums are theirs), and
    apart from them those whose reading and scores disagree, and those stating no opinion."""

    n: int
    total: float
    total_sq: float
    negatives: int
    mixed: int = 0
    no_opinion: int = 0


def _bucket(windows: Sequence[Window]) -> ColumnElement[int]:
    """The index of the window a response falls in (windows are contiguous and ordered)."""
    if len(windows) == 1:
        return literal(0)
    return case(
        *[(Response.submitted_at < end, index) for index, (_, end) in enumerate(windows[:-1])],
        else_=len(windows) - 1,
    )


def _group(by: GroupBy) -> ColumnElement[Any]:
    return literal("all") if by == "journey" else GROUP_COLUMNS[by]


def _day_bucket(table: Any, days: Sequence[tuple[date, date]]) -> ColumnElement[int]:
    """The index of the day window a rollup row falls in (windows contiguous and ordered)."""
    if len(days) == 1:
        return literal(0)
    whens = [(table.day < end, index) for index, (_, end) in enumerate(days[:-1])]
    return case(*whens, else_=len(days) - 1)


class AnalyticsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _scope(self, journey_id: int, windows: Sequence[Window]) -> ColumnElement[bool]:
        return and_(
            Response.journey_id == journey_id,
            Response.submitted_at >= windows[0][0],
            Response.submitted_at < windows[-1][1],
        )

    def score_counts(
        self, journey_id: int, metric: ScoreMetric, by: GroupBy, windows: Sequence[Window]
    ) -> ScoreCounts:
        """How many answers gave each score, per window and group."""
        score = SCORE_COLUMNS[metric]
        bucket, group = _bucket(windows).label("bucket"), _group(by).label("grp")
        stmt = (
            select(bucket, group, score, func.count())
            .where(self._scope(journey_id, windows), score.is_not(None))
            .group_by(bucket, group, score)
        )
        out: ScoreCounts = defaultdict(dict)
        for b, g, value, count in self.session.execute(stmt):
            out[(int(b), g)][int(value)] = int(count)
        return out

    def score_counts_from_rollup(
        self, journey_id: int, metric: ScoreMetric, by: GroupBy, days: Sequence[tuple[date, date]]
    ) -> ScoreCounts:
        """The same counts as score_counts, read from the daily rollups (windows are local
        days); by segment or channel only for the metrics in DIMENSION_METRICS."""
        if by in ("segment", "channel"):
            dim = ResponseDailyDimension
            b, g = _day_bucket(dim, days).label("bucket"), dim.value_key.label("grp")
            where = [dim.dimension == by]
            table: Any = dim
        else:
            table = ResponseDailyCount
            group_column = {"stage": table.stage_id, "touchpoint": table.touchpoint_id}
            group = literal("all") if by == "journey" else group_column[by]
            b, g = _day_bucket(table, days).label("bucket"), group.label("grp")
            where = []
        stmt = (
            select(b, g, table.value, func.sum(table.count))
            .where(
                table.journey_id == journey_id,
                table.metric == metric,
                table.day >= days[0][0],
                table.day < days[-1][1],
                *where,
            )
            .group_by(b, g, table.value)
        )
        out: ScoreCounts = defaultdict(dict)
        for bucket_index, key, value, count in self.session.execute(stmt):
            # '' stands for no segment/channel in the rollup; the scan reports it as None
            label = (key or None) if by in ("segment", "channel") else key
            out[(int(bucket_index), label)][int(value)] = int(count)
        return out

    def sentiment_sums_from_rollup(
        self, journey_id: int, by: GroupBy, days: Sequence[tuple[date, date]]
    ) -> dict[tuple[int, Any], SentimentSums]:
        """The same sums as sentiment_sums (by stage, touchpoint or journey), from the rollup."""
        s = ResponseDailyStats
        group_column = {"stage": s.stage_id, "touchpoint": s.touchpoint_id}
        group = literal("all") if by == "journey" else group_column[by]
        b, g = _day_bucket(s, days).label("bucket"), group.label("grp")
        stmt = (
            select(
                b, g, func.sum(s.n), func.sum(s.total), func.sum(s.total_sq),
                func.sum(s.negatives), func.sum(s.mixed), func.sum(s.no_opinion),
                func.sum(s.comments),
            )
            .where(s.journey_id == journey_id, s.day >= days[0][0], s.day < days[-1][1])
            .group_by(b, g)
        )  # fmt: skip
        return {
            (int(bucket), key): SentimentSums(
                int(n), float(total), float(total_sq), int(neg), int(mixed), int(silent)
            )
            for bucket, key, n, total, total_sq, neg, mixed, silent, comments in
            self.session.execute(stmt)
            if comments  # the scan sees a group only when it has a scored comment
        }  # fmt: skip

    def response_counts_from_rollup(
        self, journey_id: int, days: tuple[date, date] | None
    ) -> dict[int, int]:
        """Responses per stage (as response_counts), from the rollup."""
        s = ResponseDailyStats
        stmt = select(s.stage_id, func.sum(s.answers)).where(s.journey_id == journey_id)
        if days is not None:
            stmt = stmt.where(s.day >= days[0], s.day < days[1])
        stmt = stmt.group_by(s.stage_id)
        return {int(stage_id): int(n) for stage_id, n in self.session.execute(stmt)}

    def sentiment_sums(
        self, journey_id: int, by: GroupBy, windows: Sequence[Window]
    ) -> dict[tuple[int, Any], SentimentSums]:
        """COUNT, SUM(p), SUM(p²) and negatives of the scored comments that count (see
        SentimentSums), and how many are mixed or state no opinion; per window and group."""
        bucket, group = _bucket(windows).label("bucket"), _group(by).label("grp")
        no_opinion = Response.opinion.is_(False)
        counted = and_(Response.mixed.is_(False), or_(Response.opinion.is_(None), ~no_opinion))
        p = case((counted, Response.sentiment))
        stmt = (
            select(
                bucket,
                group,
                func.count(p),
                func.coalesce(func.sum(p), 0.0),
                func.coalesce(func.sum(p * p), 0.0),
                func.sum(case((and_(counted, Response.sentiment_label == "negative"), 1), else_=0)),
                func.sum(case((Response.mixed, 1), else_=0)),
                func.sum(case((and_(no_opinion, Response.mixed.is_(False)), 1), else_=0)),
            )
            .where(self._scope(journey_id, windows), Response.sentiment.is_not(None))
            .group_by(bucket, group)
        )
        return {
            (int(b), g): SentimentSums(
                int(n), float(total), float(total_sq), int(neg), int(mixed), int(silent)
            )
            for b, g, n, total, total_sq, neg, mixed, silent in self.session.execute(stmt)
        }

    def paired_counts(
        self, journey_id: int, window: Window, first: ScoreMetric, second: ScoreMetric
    ) -> dict[int, dict[tuple[int, int], int]]:
        """Per touchpoint, how many answers gave each (first, second) score pair."""
        a, b = SCORE_COLUMNS[first], SCORE_COLUMNS[second]
        stmt = (
            select(Response.touchpoint_id, a, b, func.count())
            .where(self._scope(journey_id, [window]), a.is_not(None), b.is_not(None))
            .group_by(Response.touchpoint_id, a, b)
        )
        out: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
        for touchpoint_id, x, y, count in self.session.execute(stmt):
            out[int(touchpoint_id)][(int(x), int(y))] = int(count)
        return out

    def paired_counts_from_rollup(
        self, journey_id: int, days: tuple[date, date]
    ) -> dict[int, dict[tuple[int, int], int]]:
        """The (csat, nps) pairs of paired_counts, from the daily rollup (whole local days)."""
        c = ResponseDailyCount
        stmt = (
            select(c.touchpoint_id, c.value, func.sum(c.count))
            .where(
                c.journey_id == journey_id,
                c.metric == PAIRED_METRIC,
                c.day >= days[0],
                c.day < days[1],
            )
            .group_by(c.touchpoint_id, c.value)
        )
        out: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
        for touchpoint_id, value, count in self.session.execute(stmt):
            if count:
                out[int(touchpoint_id)][paired_scores(int(value))] = int(count)
        return out

    def answers_per_window(self, journey_id: int, windows: Sequence[Window]) -> list[int]:
        """How many answers the journey has in each window (contiguous, ordered)."""
        bucket = _bucket(windows).label("bucket")
        stmt = select(bucket, func.count()).where(self._scope(journey_id, windows)).group_by(bucket)
        found = {int(index): int(n) for index, n in self.session.execute(stmt)}
        return [found.get(i, 0) for i in range(len(windows))]

    def response_counts(self, journey_id: int, window: Window | None) -> dict[int, int]:
        """Responses per stage, optionally within a window."""
        stmt = select(Response.stage_id, func.count()).where(Response.journey_id == journey_id)
        if window is not None:
            stmt = stmt.where(Response.submitted_at >= window[0], Response.submitted_at < window[1])
        stmt = stmt.group_by(Response.stage_id)
        return {int(stage_id): int(n) for stage_id, n in self.session.execute(stmt)}
