"""Score texts on request and keep stored comments scored by the current model."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from vocsvc.config import get_settings
from vocsvc.sentiment.repository import ScoringRepository
from vocsvc.text.sentiment import SentimentScore, get_backend


def score_texts(texts: Sequence[str], backend: str | None = None) -> list[SentimentScore]:
    """Scores in input order; an empty text gets a score too."""
    return get_backend(backend or get_settings().sentiment_backend).score(list(texts))


def rescore(session: Session, *, only_missing: bool, batch: int = 2000) -> int:
    """Score stored comments that lack a score (or, unless only_missing, carry another model's)."""
    model = get_backend(get_settings().sentiment_backend)
    repo = ScoringRepository(session)
    version = None if only_missing else model.version
    done, after = 0, 0
    while rows := repo.comments_to_score(version, after, batch):
        scores = model.score([comment for _, comment in rows])
        repo.set_scores(
            [
                {
                    "id": rid,
                    "sentiment": s.probability,
                    "sentiment_label": s.label,
                    "sentiment_model": s.model_version,
                }
                for (rid, _), s in zip(rows, scores, strict=True)
            ]
        )
        done += len(rows)
        after = rows[-1][0]
    return done
