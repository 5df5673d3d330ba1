"""Pain points and delights: the words that set one stage's (or touchpoint's) comments apart."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import JourneyView
from vocsvc.analytics.service import period_out
from vocsvc.periods import Period
from vocsvc.text.keywords import distinctive_terms
from vocsvc.topics.repository import CommentRepository
from vocsvc.topics.schemas import Polarity, TopicGroup, TopicsBy, TopicsReport

# jieba's tagging runs at a couple of thousand comments a second; beyond this many comments a
# period's newest are a faithful sample and the request stays interactive.
MAX_COMMENTS = 5000


def topics(
    session: Session,
    journey: JourneyView,
    by: TopicsBy,
    period: Period | None,
    polarity: Polarity,
    top_n: int = 10,
) -> TopicsReport:
    """Top distinctive terms of negative (pain points) or positive (delights) comments per group."""
    groups = journey.groups(by)
    rows = CommentRepository(session).comments(
        journey.id,
        by,
        polarity,
        period.start if period else None,
        period.end if period else None,
        MAX_COMMENTS,
    )
    texts: dict[int, list[str]] = defaultdict(list)
    for group_id, comment in rows:
        texts[group_id].append(comment)
    by_key = {g.key: texts.get(g.db_key, []) for g in groups}
    ranked = distinctive_terms({k: v for k, v in by_key.items() if v}, top_n=top_n)
    return TopicsReport(
        by=by,
        period=period_out(period),
        polarity=polarity,
        comments=len(rows),
        sampled=len(rows) >= MAX_COMMENTS,
        groups=[
            TopicGroup(
                key=g.key, label=g.label, comments=len(by_key[g.key]), terms=ranked.get(g.key, [])
            )
            for g in groups
        ],
    )
