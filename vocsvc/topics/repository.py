"""Queries of the term rollup: comments per term, group and polarity; their example clauses."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from vocsvc.models import ResponseDailyTerm
from vocsvc.rollups.repository import (
    DailyCommentReads,
    Days,
    best_examples,
    group_column,
    within_days,
)


class TermRepository(DailyCommentReads):
    def term_counts(
        self, journey_id: int, by: str, polarity: str, days: Days
    ) -> dict[tuple[int, str], int]:
        """{(group id, term): comments using it in a clause of `polarity`} over the days."""
        t = ResponseDailyTerm
        group = group_column(t, by)
        stmt = (
            select(group, t.term, func.sum(t.count))
            .where(*within_days(t, journey_id, days), t.polarity == polarity)
            .group_by(group, t.term)
        )
        return {(int(g), str(term)): int(n) for g, term, n in self.session.execute(stmt)}

    def examples(
        self, journey_id: int, by: str, polarity: str, days: Days, terms: Collection[str], per: int
    ) -> dict[tuple[int, str], list[str]]:
        """{(group id, term): up to `per` distinct example clauses, best ranked first}."""
        if not terms:
            return {}
        t = ResponseDailyTerm
        stmt = best_examples(
            t, group_column(t, by), t.term,
            [*within_days(t, journey_id, days), t.polarity == polarity, t.term.in_(sorted(terms))],
            per,
        )  # fmt: skip
        out: dict[tuple[int, str], list[str]] = {}
        for g, term, example in self.session.execute(stmt):
            found = out.setdefault((int(g), str(term)), [])
            if example not in found:
                found.append(str(example))
        return out
