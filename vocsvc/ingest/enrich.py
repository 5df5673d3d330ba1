"""Redact and score comments before they are stored (the raw text is never kept)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from vocsvc.config import get_settings
from vocsvc.text.redact import redact_text
from vocsvc.text.sentiment import get_backend

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enriched:
    comment: str | None
    sentiment: float | None = None
    sentiment_label: str | None = None
    sentiment_model: str | None = None


def enrich_comments(comments: Sequence[str | None]) -> list[Enriched]:
    """Redact every comment, then score the non-empty ones in one batch."""
    redacted = [redact_text(c) if c else None for c in comments]
    texts = [c for c in redacted if c]
    if not texts:
        return [Enriched(comment=None) for _ in comments]
    try:
        scores = iter(get_backend(get_settings().sentiment_backend).score(texts))
    except Exception:
        # A scoring failure must not lose the answer: it is stored unscored and
        # `vocsvc text rescore` (or the scheduled sweep) fills the score in later.
        log.exception("sentiment scoring failed; storing %d comments unscored", len(texts))
        return [Enriched(comment=c) for c in redacted]
    out: list[Enriched] = []
    for comment in redacted:
        if not comment:
            out.append(Enriched(comment=None))
            continue
        score = next(scores)
        out.append(Enriched(comment, score.probability, score.label, score.model_version))
    return out
