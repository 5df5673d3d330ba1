"""Queries of the aspect rollup: comments per aspect, group and polarity; example clauses."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.models import ResponseDailyAspect, ResponseDailyStats
from vocsvc.rollups.repository import Days, best_examples, group_column, within_days

# {(group id, aspect, polarity): comments}; polarity `any` counts each comment once
AspectCounts = dict[tuple[int, str, str], int]


class AspectRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self, journey_id: int, by: str, days: Days) -> AspectCounts:
        """Comments mentioning each aspect, per group and clause polarity, over the days."""
        a = ResponseDailyAspect
        group = group_column(a, by)
        stmt = (
            select(group, a.aspect, a.polarity, func.sum(a.count))
            .where(*within_days(a, journey_id, days))
            .group_by(group, a.aspect, a.polarity)
        )
        return {(int(g), str(k), str(p)): int(n) for g, k, p, n in self.session.execute(stmt)}

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

    def examples(
        self,
        journey_id: int,
        by: str,
        polarity: str,
        days: Days,
        aspects: Collection[str],
        per: int,
    ) -> dict[tuple[int, str], list[str]]:
        """{(group id, aspect): up to `per` distinct clauses of `polarity`, best ranked first}."""
        if not aspects:
            return {}
        a = ResponseDailyAspect
        where = [
            *within_days(a, journey_id, days),
            a.polarity == polarity,
            a.aspect.in_(sorted(aspects)),
        ]
        out: dict[tuple[int, str], list[str]] = {}
        stmt = best_examples(a, group_column(a, by), a.aspect, where, per)
        for g, aspect, example in self.session.execute(stmt):
            out.setdefault((int(g), str(aspect)), []).append(str(example))
        return out
