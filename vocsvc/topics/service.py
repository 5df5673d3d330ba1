"""Pain points and delights: the words that set one stage's (or touchpoint's) comments apart."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from vocsvc.analytics.service import journey_groups, period_out
from vocsvc.models import Journey
from vocsvc.periods import Period
from vocsvc.text.keywords import distinctive_terms
from vocsvc.topics.repository import CommentRepository

# jieba's tagging runs at a couple of thousand comments a second; beyond this many comments a
# period's newest are a faithful sample and the request stays interactive.
MAX_COMMENTS = 5000


def topics(
    session: Session,
    journey: Journey,
    by: str,
    period: Period | None,
    polarity: str,
    top_n: int = 10,
) -> dict[str, Any]:
    """Top distinctive terms of negative (pain points) or positive (delights) comments per group."""
    groups = journey_groups(journey, by)  # type: ignore[arg-type]
    rows = CommentRepository(session).comments(
        journey.id,
        by,
        polarity,
        period.start if period else None,
        period.end if period else None,
        MAX_COMMENTS,
    )
    texts: dict[Any, list[str]] = defaultdict(list)
    for group_id, comment in rows:
        texts[group_id].append(comment)
    by_key = {g.key: texts.get(g.db_key, []) for g in groups}
    ranked = distinctive_terms({k: v for k, v in by_key.items() if v}, top_n=top_n)
    return {
        "by": by,
        "period": period_out(period).model_dump(),
        "polarity": polarity,
        "comments": len(rows),
        "sampled": len(rows) >= MAX_COMMENTS,
        "groups": [
            {
                "key": g.key,
                "label": g.label,
                "comments": len(by_key[g.key]),
                "terms": [
                    {
                        "term": t.term,
                        "count": t.count,
                        "share": round(t.share, 4),
                        "score": round(t.score, 3),
                        "examples": list(t.examples),
                    }
                    for t in ranked.get(g.key, [])
                ],
            }
            for g in groups
        ],
    }
