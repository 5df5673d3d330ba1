"""Redact and read comments before they are stored (the raw text is never kept)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from vocsvc.sentiment.service import Reading, read_comments
from vocsvc.text.keywords import TermMention
from vocsvc.text.redact import redact_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enriched:
    comment: str | None  # redacted
    reading: Reading | None = None  # None: no comment, or reading it failed
    terms: tuple[TermMention, ...] = ()  # by clause polarity (response_terms)


def enrich_comments(comments: Sequence[str | None]) -> list[Enriched]:
    """Redact every comment, then read the non-empty ones in one batch."""
    redacted = [redact_text(c) if c else None for c in comments]
    texts = [c for c in redacted if c]
    if not texts:
        return [Enriched(comment=None) for _ in comments]
    try:
        readings = iter(read_comments(texts))
    except Exception:
        # A reading failure must not lose the answer: it is stored unread and `vocsvc text
        # rescore` (or the scheduled sweep) reads it later.
        log.exception("comment analysis failed; storing %d comments unread", len(texts))
        return [Enriched(comment=c) for c in redacted]
    out = []
    for c in redacted:
        if not c:
            out.append(Enriched(comment=None))
            continue
        # Segmented here, before any lock is taken, like the reading itself.
        reading = next(readings)
        out.append(Enriched(c, reading, reading.terms(c)))
    return out
