"""The one path an answer takes into the store, for customers' answers and bulk imports alike.

    clean once → resolve against the journey snapshot → enrich once (redact, score)
      → insert → StoredResponse → after_store (cases, webhook events, rollup)

Public answers are enriched before resolving: redaction and scoring are CPU work, done before
the batch's first query, so no connection or SQLite write lock is held meanwhile. An import is
resolved first: one bad row refuses all, before any of its comments is scored.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TypeVar

from sqlalchemy.orm import Session

from vocsvc.config import get_settings
from vocsvc.db import UnitOfWork
from vocsvc.errors import IdempotencyKeyReused, InvalidInput, Problem, VocError, summary
from vocsvc.ingest.after_store import after_store
from vocsvc.ingest.enrich import Enriched, enrich_comments
from vocsvc.ingest.idempotency import answer_hash, is_replay
from vocsvc.ingest.resolve import (
    Resolved,
    check_submitted_at,
    clean_comment,
    comment_fits,
    resolve,
)
from vocsvc.ingest.schemas import IMPORT_CHUNK_ROWS, ImportRow
from vocsvc.installation.service import hash_respondent, respondent_hash_key
from vocsvc.journeys.snapshots import Catalog, TouchpointSnapshot
from vocsvc.models import utcnow
from vocsvc.origins import CallerOrigin, check_origin
from vocsvc.responses.agreement import text_and_scores_disagree
from vocsvc.responses.records import KeyedAnswer, NewResponse, StoredResponse
from vocsvc.responses.repository import ResponseRepository
from vocsvc.responses.schemas import ImportedResponseIn, PublicResponseIn

_T = TypeVar("_T")


@dataclass(frozen=True)
class PublicAnswer:
    """One customer's answer as posted, with the origin of the page that posted it."""

    item: PublicResponseIn
    idempotency_key: str | None = None
    caller: CallerOrigin | None = None  # None: not from a browser route (no origin to check)


@dataclass(frozen=True)
class Submitted:
    id: int
    created: bool


def submit_public_batch(
    session: Session, answers: Sequence[PublicAnswer]
) -> list[Submitted | Exception]:
    """Store answers in the session's transaction; each bad answer gets its own error, alone.

    An Idempotency-Key sent again (earlier, or twice in this batch) with the same answer gets
    the first answer's id, even when that answer would no longer pass the survey's checks (a
    retry across a change of the survey). With another answer, an invalid one gets its
    validation error and a valid one is refused (IdempotencyKeyReused): nothing is dropped
    silently. See vocsvc/ingest/idempotency.py for what counts as the same answer.
    """
    comments = [clean_comment(a.item.comment) for a in answers]
    enriched = enrich_comments([c if comment_fits(c) else None for c in comments])
    keys = [(a.idempotency_key or "").strip() or None for a in answers]  # "" is no key
    catalog = Catalog(session)
    catalog.load({a.item.journey for a in answers})
    results: list[Submitted | Exception | None] = [None] * len(answers)
    valid: dict[int, tuple[Resolved, Enriched]] = {}
    for index, answer in enumerate(answers):
        try:
            valid[index] = (_resolve_public(answer, comments[index], catalog), enriched[index])
        except VocError as error:  # this answer fails, the batch goes on
            results[index] = error
    hash_key = respondent_hash_key(session)  # read once a process, then remembered
    hashes = {
        i: answer_hash(
            answer.item,
            enriched[i].comment if comment_fits(comments[i]) else comments[i],
            hash_respondent(hash_key, answer.item.respondent),
        )
        for i, answer in enumerate(answers)
        if keys[i]
    }
    repo = ResponseRepository(session)
    # Only refused answers are looked up before inserting: replays among the valid ones are
    # found by the insert itself (ON CONFLICT), so a batch without errors costs no look-up.
    refused = [k for k, r in zip(keys, results, strict=True) if k and isinstance(r, InvalidInput)]
    first = repo.answers_for_idempotency_keys(refused)
    for index, key in enumerate(keys):
        refusal = results[index]
        if (
            key in first
            and isinstance(refusal, InvalidInput)
            and is_replay(first[key], hashes[index])
        ):
            results[index] = Submitted(first[key].id, created=False)
    if valid:
        now = utcnow()
        new = {
            i: _new_response(r, e, hash_key, "public", now, now, keys[i], hashes.get(i))
            for i, (r, e) in valid.items()
        }
        stored = _insert_public(repo, new, {i: r for i, (r, _) in valid.items()}, results)
        repo.insert_facts(stored)
        after_store(session, stored)
    return [r if r is not None else RuntimeError("an answer got no result") for r in results]


def _resolve_public(answer: PublicAnswer, comment: str, catalog: Catalog) -> Resolved:
    journey = catalog.journey(answer.item.journey)
    if answer.caller is not None and journey is not None:
        check_origin(answer.caller, journey.key, journey.allowed_origins)
    resolved, problems = resolve(answer.item, comment, catalog)
    if resolved is None:
        raise InvalidInput(summary(problems), details=problems)
    return resolved


def _insert_public(
    repo: ResponseRepository,
    new: dict[int, NewResponse],
    resolved: dict[int, Resolved],
    results: list[Submitted | Exception | None],
) -> list[StoredResponse]:
    """Insert the answers (by index), fill in their results; returns those stored."""
    first_with_key: dict[str, int] = {}
    inserts: list[tuple[int, NewResponse]] = []
    repeats: list[tuple[int, int]] = []
    # In key order: two batches holding the same keys lock them in the same order (no deadlock).
    for index in sorted(new, key=lambda i: new[i].idempotency_key or ""):
        key = new[index].idempotency_key
        if key is not None and key in first_with_key:  # a retry of an answer in this batch
            repeats.append((index, first_with_key[key]))
            continue
        if key is not None:
            first_with_key[key] = index
        inserts.append((index, new[index]))
    new_ids = repo.insert_public([response for _, response in inserts])
    # Keys already taken: replays of answers stored earlier (or racing in on another connection).
    taken = [r.idempotency_key for (_, r), i in zip(inserts, new_ids, strict=True) if i is None]
    first = repo.answers_for_idempotency_keys([k for k in taken if k is not None])
    stored: list[StoredResponse] = []
    for (index, response), new_id in zip(inserts, new_ids, strict=True):
        key = response.idempotency_key
        if new_id is not None:
            results[index] = Submitted(new_id, created=True)
            stored.append(StoredResponse(new_id, response, resolved[index].touchpoint))
        elif key is not None and key in first:
            results[index] = _replayed(first[key], response.answer_hash)
        else:
            results[index] = RuntimeError("an answer was neither stored nor found under its key")
    for index, first_index in repeats:
        earlier = results[first_index]
        if new[index].answer_hash != new[first_index].answer_hash:
            results[index] = IdempotencyKeyReused()
        elif isinstance(earlier, Submitted):
            results[index] = Submitted(earlier.id, created=False)
        else:
            results[index] = earlier
    return stored


def _replayed(first: KeyedAnswer, hashed: str | None) -> Submitted | IdempotencyKeyReused:
    if hashed is not None and is_replay(first, hashed):
        return Submitted(first.id, created=False)
    return IdempotencyKeyReused()


def import_bulk(
    session: Session, rows: Iterable[ImportRow], *, write: UnitOfWork | None = None
) -> int:
    """Store all rows or none; the error lists every bad row with its index and reasons.

    Every row is checked, then the rows are redacted and scored, `IMPORT_CHUNK_ROWS` at a time
    on `session`, keeping only the records to insert; then inserted chunk by chunk in one
    transaction: `write`'s when given (on SQLite the write gate is held only while inserting),
    else `session`'s.
    """
    accepted, total, bad = _check_imported_rows(Catalog(session), rows)
    if bad:
        raise InvalidInput(
            f"{len(bad)} of {total} rows are invalid; nothing was stored", details=bad
        )
    if write is None:
        hash_key = respondent_hash_key(session)
    else:
        # Its own short transaction: it may create the installation secret (a write).
        with write() as writing:
            hash_key = respondent_hash_key(writing)
    now = utcnow()
    new: list[tuple[NewResponse, TouchpointSnapshot]] = []
    for part in _chunks(accepted, IMPORT_CHUNK_ROWS):
        enriched = enrich_comments([r.comment for r, _ in part])
        for (r, at), e in zip(part, enriched, strict=True):
            new.append((_new_response(r, e, hash_key, "import", at, now, None), r.touchpoint))
    del accepted  # the resolved rows are no longer needed while inserting
    if write is None:
        _insert_imported(session, new)
    else:
        with write() as writing:
            _insert_imported(writing, new)
    return len(new)


def _check_imported_rows(
    catalog: Catalog, rows: Iterable[ImportRow]
) -> tuple[list[tuple[Resolved, datetime]], int, list[dict[str, object]]]:
    """The valid rows resolved, how many rows there were, and every bad row's problems."""
    now = utcnow()
    tz = get_settings().tz
    accepted: list[tuple[Resolved, datetime]] = []
    bad: list[dict[str, object]] = []
    total = 0
    for chunk in _chunks(rows, IMPORT_CHUNK_ROWS):
        catalog.load({item.journey for item in chunk if not isinstance(item, list)})
        for item in chunk:
            index, total = total, total + 1
            checked = item if isinstance(item, list) else _check_imported(item, catalog, now, tz)
            if isinstance(checked, list):
                bad.append({"index": index, "errors": [p.to_dict() for p in checked]})
            elif not bad:  # once a row is bad nothing is stored: only the errors still count
                accepted.append(checked)
    return accepted, total, bad


def _check_imported(
    item: ImportedResponseIn, catalog: Catalog, now: datetime, tz: tzinfo
) -> tuple[Resolved, datetime] | list[Problem]:
    submitted_at = item.submitted_at
    if submitted_at.tzinfo is None:  # naive times in imports are local to the service zone
        submitted_at = submitted_at.replace(tzinfo=tz)
    resolved, problems = resolve(item, clean_comment(item.comment), catalog)
    future = check_submitted_at(submitted_at, now)
    if future:
        problems.append(future)
    if resolved is None or problems:
        return problems
    return resolved, submitted_at


def _insert_imported(
    session: Session, new: Sequence[tuple[NewResponse, TouchpointSnapshot]]
) -> None:
    repo = ResponseRepository(session)
    for part in _chunks(new, IMPORT_CHUNK_ROWS):
        ids = repo.insert_many([response for response, _ in part])
        stored = [StoredResponse(i, r, tp) for i, (r, tp) in zip(ids, part, strict=True)]
        repo.insert_facts(stored)
        after_store(session, stored)


def _chunks(items: Iterable[_T], size: int) -> Iterator[tuple[_T, ...]]:
    """`items` in tuples of `size` (the last may be shorter): itertools.batched before 3.12."""
    iterator = iter(items)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


def _new_response(
    resolved: Resolved,
    enriched: Enriched,
    hash_key: str,
    source: str,
    submitted_at: datetime,
    received_at: datetime,
    idempotency_key: str | None,
    answer_hash: str | None = None,
) -> NewResponse:
    tp = resolved.touchpoint
    assert tp.survey_id is not None  # resolve() takes only surveyed touchpoints
    scores = resolved.scores
    reading = enriched.reading
    label = reading.label if reading else None
    return NewResponse(
        journey_id=resolved.journey_id,
        stage_id=tp.stage_id,
        touchpoint_id=tp.id,
        survey_version_id=tp.survey_id,
        nps=scores.get("nps"),
        csat=scores.get("csat"),
        ces=scores.get("ces"),
        importance=scores.get("importance"),
        comment=enriched.comment,
        sentiment=reading.p_positive if reading else None,
        sentiment_label=label,
        sentiment_model=reading.model_version if reading else None,
        opinion=reading.opinion if reading else None,
        mixed=text_and_scores_disagree(label, scores.get("nps"), scores.get("csat")),
        respondent_hash=hash_respondent(hash_key, resolved.respondent),
        segment=resolved.segment,
        channel=resolved.channel,
        source=source,
        submitted_at=submitted_at,
        received_at=received_at,
        idempotency_key=idempotency_key,
        answer_hash=answer_hash,
        aspects=reading.aspects if reading else (),
        terms=enriched.terms,
    )
