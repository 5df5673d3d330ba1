"""When a comment's reading and the answer's scores say opposite things (one rule, used by the
store's `mixed` flag and by the follow-up rule that no score contradicts)."""

from __future__ import annotations

from vocsvc.stats import DETRACTOR_MAX, PROMOTER_MIN

CSAT_TOP = 5
CSAT_LOW_MAX = 2


def scores_praise(nps: int | None, csat: int | None) -> bool:
    """A promoter's NPS (9-10) or the top CSAT (5)."""
    return (nps is not None and nps >= PROMOTER_MIN) or csat == CSAT_TOP


def scores_complain(nps: int | None, csat: int | None) -> bool:
    """A detractor's NPS (0-6) or a low CSAT (1-2)."""
    return (nps is not None and nps <= DETRACTOR_MAX) or (csat is not None and csat <= CSAT_LOW_MAX)


def text_and_scores_disagree(label: str | None, nps: int | None, csat: int | None) -> bool:
    """A negative reading beside praising scores, or a positive one beside complaining scores."""
    if label == "negative":
        return scores_praise(nps, csat)
    if label == "positive":
        return scores_complain(nps, csat)
    return False
