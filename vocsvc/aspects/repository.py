"""Queries of the aspect rollup: comments per aspect, group and polarity; example clauses."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from vocsvc.models import ResponseDailyAspect
from vocsvc.rollups.repository import (
    DailyCommentReads,
    Days,
    best_examples,
    group_column,
    within_days,
)

# {(group id, aspect, polarity): comments}; polarity `any` counts each comment once
AspectCounts = dict[tuple[int, str, str], int]


class AspectRepository(DailyCommentReads):
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
