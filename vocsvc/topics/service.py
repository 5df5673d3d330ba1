"""Pain points and delights: the phrases that set one stage's (or touchpoint's) comments apart.

Counted over every comment of the period from the term rollup (vocsvc.rollups): a term's count
is the comments that use it in a clause of the asked polarity, exactly; nothing is sampled.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import JourneyView
from vocsvc.analytics.service import period_out
from vocsvc.config import get_settings
from vocsvc.periods import Period
from vocsvc.rollups.service import period_days
from vocsvc.text.keywords import (
    collocation_parts,
    merge_collocations,
    rank_distinctive,
    spread_examples,
)
from vocsvc.topics.repository import TermRepository
from vocsvc.topics.schemas import Polarity, TermOut, TopicGroup, TopicsBy, TopicsReport

EXAMPLES_PER_TERM = 3
MIN_COUNT = 2  # a term one comment uses says nothing about the group
# Candidates fetched per term: a clause another term took first is skipped.
_EXAMPLE_ROWS = 12


def topics(
    session: Session,
    journey: JourneyView,
    by: TopicsBy,
    period: Period | None,
    polarity: Polarity,
    top_n: int = 10,
) -> TopicsReport:
    """Top distinctive phrases of negative (pain points) or positive (delights) clauses."""
    days = period_days(session, period, get_settings().tz)
    repo = TermRepository(session)
    groups = journey.groups(by)
    comments = repo.comment_counts(journey.id, by, days)
    raw = repo.term_counts(journey.id, by, polarity, days)
    per_group: dict[str, dict[str, int]] = {g.key: {} for g in groups}
    key_of = {g.db_key: g.key for g in groups}
    for (group_id, term), n in raw.items():
        if group_id in key_of:
            per_group[key_of[group_id]][term] = n
    parts = collocation_parts({t for _, t in raw})
    merged = {k: merge_collocations(c, parts) for k, c in per_group.items() if c}
    ranked = rank_distinctive(
        {k: {t: m.count for t, m in terms.items()} for k, terms in merged.items()}, MIN_COUNT
    )
    chosen = {k: ranked.get(k, [])[:top_n] for k in per_group}
    wanted = {t for terms in chosen.values() for t, _ in terms}
    examples = repo.examples(journey.id, by, polarity, days, wanted, _EXAMPLE_ROWS)
    out = []
    for g in groups:
        n_comments = comments.get(g.db_key, 0)
        picked = spread_examples(
            [examples.get((g.db_key, t), []) for t, _ in chosen[g.key]], EXAMPLES_PER_TERM
        )
        terms = [
            TermOut(
                term=term,
                count=merged[g.key][term].count,
                share=merged[g.key][term].count / n_comments if n_comments else 0.0,
                score=score,
                examples=found,
            )
            for (term, score), found in zip(chosen[g.key], picked, strict=True)
        ]
        out.append(TopicGroup(key=g.key, label=g.label, comments=n_comments, terms=terms))
    return TopicsReport(
        by=by,
        period=period_out(period),
        polarity=polarity,
        comments=sum(comments.get(g.db_key, 0) for g in groups),
        sampled=False,
        groups=out,
    )
