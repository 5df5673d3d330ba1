"""Read comments with the configured model and keep stored comments read by the current one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from vocsvc.config import get_settings
from vocsvc.responses.agreement import text_and_scores_disagree
from vocsvc.rollups import service as rollup
from vocsvc.sentiment.repository import CommentToRead, Rereading, ScoringRepository
from vocsvc.text.analysis import AspectMention, TextAnalysis, get_analyzer
from vocsvc.text.keywords import TermMention, clause_terms
from vocsvc.text.sentiment import SentimentScore, get_backend

OWN = "own"


@dataclass(frozen=True)
class Reading:
    """One comment as the configured backend reads it."""

    p_positive: float
    label: str  # negative / neutral / positive
    model_version: str
    opinion: bool | None  # None: the backend cannot tell (SnowNLP reads polarity only)
    aspects: tuple[AspectMention, ...] = ()
    # (clause, polarity) in order; backends without clauses read the comment as one clause.
    clauses: tuple[tuple[str, str], ...] = ()

    def terms(self, comment: str) -> tuple[TermMention, ...]:
        """The terms the comment uses, each with the polarity of its clause."""
        return clause_terms(self.clauses or ((comment, self.label),))


def score_texts(texts: Sequence[str], backend: str | None = None) -> list[SentimentScore]:
    """Scores in input order; an empty text gets a score too."""
    return get_backend(backend or get_settings().sentiment_backend).score(list(texts))


def analyze_texts(texts: Sequence[str]) -> list[TextAnalysis]:
    """Our model's full reading (label, p_positive, opinion, clauses, aspects), in input order."""
    return get_analyzer().analyze(list(texts))


def read_comments(texts: Sequence[str], backend: str | None = None) -> list[Reading]:
    """Each text read by `backend` (default: VOCSVC_SENTIMENT_BACKEND), in input order."""
    name = backend or get_settings().sentiment_backend
    if name == OWN:
        return [
            Reading(
                a.p_positive,
                a.label,
                a.model_version,
                a.opinion,
                a.aspects,
                tuple((c.text, c.label) for c in a.clauses),
            )
            for a in analyze_texts(texts)
        ]
    return [
        Reading(s.probability, s.label, s.model_version, None) for s in score_texts(texts, name)
    ]


def load_readers(backend: str | None = None) -> None:
    """Load everything reading a comment needs (the model, the term segmenter: seconds of work)
    by reading one, so the first customer's answer does not wait for it."""
    text = "排队太久了，不过店员很热情"
    for reading in read_comments([text], backend):
        reading.terms(text)


def current_model_version(backend: str | None = None) -> str:
    """The version stored comments are read by when they are up to date."""
    name = backend or get_settings().sentiment_backend
    return get_analyzer().version if name == OWN else get_backend(name).version


def comments_to_reread(session: Session, *, only_missing: bool) -> int:
    """How many stored comments `reread_batch` would still go through."""
    version = None if only_missing else current_model_version()
    return ScoringRepository(session).count_to_read(version)


def reread_batch(
    session: Session, *, only_missing: bool, after_id: int, batch: int
) -> tuple[int, int]:
    """Read the next `batch` stale comments after `after_id` again: their label, score, opinion,
    `mixed` flag and aspects; returns (how many, the last id). Stale: unread or, unless
    only_missing, read by another model version."""
    version = None if only_missing else current_model_version()
    repo = ScoringRepository(session)
    rows = repo.comments_to_read(version, after_id, batch)
    if not rows:
        return 0, after_id
    readings = read_comments([r.comment for r in rows])
    ids = [r.id for r in rows]
    before = rollup.facts_of(session, ids)
    repo.store_readings([_rereading(r, reading) for r, reading in zip(rows, readings, strict=True)])
    # The rollups follow in the same transaction: a committed batch is counted exactly.
    rollup.replace(session, before, rollup.facts_of(session, ids), get_settings().tz)
    return len(rows), rows[-1].id


def backfill_terms(session: Session, batch: int = 2000) -> int:
    """Give comments stored before response_terms existed (migration 0009) their clause terms,
    so the rollups can count them; returns how many comments were read."""
    repo = ScoringRepository(session)
    done, after = 0, 0
    while rows := repo.comments_without_terms(after, batch):
        readings = read_comments([r.comment for r in rows])
        repo.add_terms(
            [(r, reading.terms(r.comment)) for r, reading in zip(rows, readings, strict=True)]
        )
        done, after = done + len(rows), rows[-1].id
    return done


def rescore(session: Session, *, only_missing: bool, batch: int = 2000) -> int:
    """Read every stale comment again in the session's transaction; returns how many."""
    done, after = 0, 0
    while True:
        count, after = reread_batch(session, only_missing=only_missing, after_id=after, batch=batch)
        if not count:
            return done
        done += count


def _rereading(row: CommentToRead, reading: Reading) -> Rereading:
    return Rereading(
        row=row,
        sentiment=reading.p_positive,
        label=reading.label,
        model_version=reading.model_version,
        opinion=reading.opinion,
        mixed=text_and_scores_disagree(reading.label, row.nps, row.csat),
        aspects=reading.aspects,
        terms=reading.terms(row.comment),
    )
