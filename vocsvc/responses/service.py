"""Accept customers' answers and imports; every stored comment is redacted and scored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vocsvc.analytics import rollup
from vocsvc.cases import closed_loop
from vocsvc.cases.repository import TouchpointInfo
from vocsvc.config import get_settings
from vocsvc.errors import InvalidInput
from vocsvc.journeys.service import JourneySnapshot
from vocsvc.models import utcnow
from vocsvc.responses.enrich import Enriched, enrich_comments
from vocsvc.responses.repository import ResponseRepository, SecretRepository
from vocsvc.responses.schemas import ImportedResponseIn, PublicResponseIn
from vocsvc.responses.validation import (
    Catalog,
    Checked,
    Problem,
    check_answers,
    check_submitted_at,
    clean_comment,
)

RESPONDENT_SECRET = "respondent_hash_key"  # noqa: S105 - the name of a stored secret


@dataclass(frozen=True)
class Submitted:
    id: int
    created: bool


_GENERATED_HERE = "vocsvc.respondent_secret_generated"
_known_secrets: dict[str, str] = {}
_known_secrets_lock = threading.Lock()


def respondent_secret(session: Session) -> str:
    """The HMAC key for respondent ids: VOCSVC_SECRET_KEY, else one generated per installation.

    A generated key, once read back from the database, is remembered by the process (it never
    changes); one this session generated itself is not, as its transaction may still roll back.
    """
    configured = get_settings().secret_key
    if configured:
        return configured
    database = session.get_bind().engine.url.render_as_string(hide_password=False)
    with _known_secrets_lock:
        known = _known_secrets.get(database)
    if known is not None:
        return known
    repo = SecretRepository(session)
    existing = repo.get(RESPONDENT_SECRET)
    if existing:
        if not session.info.get(_GENERATED_HERE):
            with _known_secrets_lock:
                _known_secrets[database] = existing
        return existing
    value = secrets.token_hex(32)
    try:
        with session.begin_nested():
            repo.add(RESPONDENT_SECRET, value)
    except IntegrityError:  # another process created it first; use theirs
        existing = repo.get(RESPONDENT_SECRET)
        assert existing is not None
        return existing
    session.info[_GENERATED_HERE] = True
    return value


def hash_respondent(secret: str, respondent: str | None) -> str | None:
    if not respondent:
        return None
    return hmac.new(secret.encode(), respondent.encode(), hashlib.sha256).hexdigest()


def _row(
    checked: Checked,
    enriched: Enriched,
    secret: str,
    *,
    source: str,
    submitted_at: datetime,
) -> dict[str, Any]:
    return {
        "journey_id": checked.journey_id,
        "stage_id": checked.stage_id,
        "touchpoint_id": checked.touchpoint_id,
        "survey_version_id": checked.survey_version_id,
        "nps": checked.scores.get("nps"),
        "csat": checked.scores.get("csat"),
        "ces": checked.scores.get("ces"),
        "importance": checked.scores.get("importance"),
        "comment": enriched.comment,
        "sentiment": enriched.sentiment,
        "sentiment_label": enriched.sentiment_label,
        "sentiment_model": enriched.sentiment_model,
        "respondent_hash": hash_respondent(secret, checked.respondent),
        "segment": checked.segment,
        "channel": checked.channel,
        "source": source,
        "submitted_at": submitted_at,
        "received_at": utcnow(),
    }


@dataclass(frozen=True)
class PublicAnswer:
    """One customer's answer as posted, with the route's origin check for its journey."""

    item: PublicResponseIn
    idempotency_key: str | None = None
    check_journey: Callable[[JourneySnapshot], None] | None = None


def submit_public(
    session: Session,
    item: PublicResponseIn,
    idempotency_key: str | None,
    check_journey: Callable[[JourneySnapshot], None] | None = None,
) -> Submitted:
    """Store one customer's answer; a replayed Idempotency-Key returns the first answer's id."""
    [result] = submit_public_batch(session, [PublicAnswer(item, idempotency_key, check_journey)])
    if isinstance(result, Exception):
        raise result
    return result


def submit_public_batch(
    session: Session, answers: Sequence[PublicAnswer]
) -> list[Submitted | Exception]:
    """Store answers in the session's transaction; each bad answer gets its own error, alone.

    An answer's `check_journey` sees its journey before anything else of it happens. A replayed
    Idempotency-Key (earlier, or twice in this batch) is answered with the first answer's id,
    even when the replay would no longer pass the survey's checks.
    """
    # Redaction and scoring are pure CPU work: done before the first query, so no connection
    # or lock is held meanwhile (SQLite takes its write lock at the transaction's first query).
    cleaned = [clean_comment(a.item.comment) for a in answers]
    early = enrich_comments([c if 0 < len(c) <= _max_comment() else None for c in cleaned])
    keys = [(a.idempotency_key or "").strip() or None for a in answers]  # "" is no key
    catalog = Catalog(session)
    catalog.load({a.item.journey for a in answers})
    results: list[Submitted | Exception | None] = [None] * len(answers)
    valid: list[tuple[int, Checked, Enriched]] = []
    touchpoints: dict[int, TouchpointInfo] = {}  # for cases and events: no query needed
    for index, answer in enumerate(answers):
        try:
            checked, touchpoint = _check(answer, catalog)
        except Exception as error:  # this answer fails, the batch goes on
            results[index] = error
            continue
        touchpoints[checked.touchpoint_id] = touchpoint
        enriched = early[index]
        if enriched.comment is None and checked.comment is not None:  # longer than allowed
            [enriched] = enrich_comments([checked.comment])
        valid.append((index, checked, enriched))
    repo = ResponseRepository(session)
    # Only refused answers are looked up before inserting: replays among the valid ones are
    # found by the insert itself (ON CONFLICT), so a batch without errors costs no look-up.
    refused = [k for k, r in zip(keys, results, strict=True) if k and isinstance(r, InvalidInput)]
    replayed = repo.ids_for_idempotency_keys(refused)
    for index, key in enumerate(keys):
        if key in replayed and isinstance(results[index], InvalidInput):
            results[index] = Submitted(replayed[key], created=False)
    secret = respondent_secret(session) if valid else ""
    now = utcnow()
    rows = {i: _row(c, e, secret, source="public", submitted_at=now) for i, c, e in valid}
    stored = _insert(repo, rows, keys, results)
    if stored:
        closed_loop.on_responses_stored(session, stored, touchpoints)
        # The rollup's counter rows are the most contended: updated last, locked the shortest.
        rollup.record(session, stored, get_settings().tz)
    return [r if r is not None else RuntimeError("an answer got no result") for r in results]


def _check(answer: PublicAnswer, catalog: Catalog) -> tuple[Checked, TouchpointInfo]:
    journey = catalog.journey(answer.item.journey)
    if answer.check_journey is not None and journey is not None:
        answer.check_journey(journey)
    checked, problems = check_answers(answer.item, catalog, max_comment=_max_comment())
    if checked is None or journey is None:
        raise InvalidInput(_summary(problems), details=[p.to_dict() for p in problems])
    tp = journey.touchpoints[answer.item.touchpoint]
    return checked, TouchpointInfo(journey.key, tp.stage_key, tp.key, tp.owner)


def _insert(
    repo: ResponseRepository,
    rows: dict[int, dict[str, Any]],
    keys: list[str | None],
    results: list[Submitted | Exception | None],
) -> list[dict[str, Any]]:
    """Insert the rows (by answer index), fill in their results; returns the rows stored."""
    first_with_key: dict[str, int] = {}
    inserts: list[tuple[int, dict[str, Any]]] = []
    repeats: list[tuple[int, int]] = []
    # In key order: two batches holding the same keys lock them in the same order (no deadlock).
    for index in sorted(rows, key=lambda i: keys[i] or ""):
        key = keys[index]
        if key is not None and key in first_with_key:  # a retry of an answer in this batch
            repeats.append((index, first_with_key[key]))
            continue
        if key is not None:
            first_with_key[key] = index
        inserts.append((index, {**rows[index], "idempotency_key": key}))
    new_ids = repo.insert_public([row for _, row in inserts])
    # Keys already taken: replays of answers stored earlier (or racing in on another connection).
    taken = [
        row["idempotency_key"] for (_, row), i in zip(inserts, new_ids, strict=True) if i is None
    ]
    first_ids = repo.ids_for_idempotency_keys(taken)
    stored: list[dict[str, Any]] = []
    for (index, row), new_id in zip(inserts, new_ids, strict=True):
        if new_id is not None:
            results[index] = Submitted(new_id, created=True)
            stored.append({**row, "id": new_id})
        elif row["idempotency_key"] in first_ids:
            results[index] = Submitted(first_ids[row["idempotency_key"]], created=False)
        else:
            results[index] = RuntimeError("an answer was neither stored nor found under its key")
    for index, first_index in repeats:
        first = results[first_index]
        results[index] = (
            Submitted(first.id, created=False) if isinstance(first, Submitted) else first
        )
    return stored


def import_bulk(session: Session, items: Sequence[ImportedResponseIn | list[Problem]]) -> int:
    """Store all rows or none; the error lists every bad row with its index and reasons."""
    catalog = Catalog(session)
    catalog.load({item.journey for item in items if not isinstance(item, list)})
    now = utcnow()
    tz = get_settings().tz
    bad: list[dict[str, Any]] = []
    accepted: list[tuple[Checked, datetime]] = []
    for index, item in enumerate(items):
        if isinstance(item, list):
            bad.append({"index": index, "errors": [p.to_dict() for p in item]})
            continue
        submitted_at = item.submitted_at
        if submitted_at.tzinfo is None:  # naive times in imports are local to the service zone
            submitted_at = submitted_at.replace(tzinfo=tz)
        checked, problems = check_answers(item, catalog, max_comment=_max_comment())
        future = check_submitted_at(submitted_at, now)
        if future:
            problems.append(future)
        if checked is None or problems:
            bad.append({"index": index, "errors": [p.to_dict() for p in problems]})
        else:
            accepted.append((checked, submitted_at))
    if bad:
        raise InvalidInput(
            f"{len(bad)} of {len(items)} rows are invalid; nothing was stored", details=bad
        )
    enriched = enrich_comments([c.comment for c, _ in accepted])
    secret = respondent_secret(session)
    rows = [
        _row(checked, e, secret, source="import", submitted_at=at)
        for (checked, at), e in zip(accepted, enriched, strict=True)
    ]
    ids = ResponseRepository(session).insert_many(rows)
    rows = [{**row, "id": response_id} for row, response_id in zip(rows, ids, strict=True)]
    rollup.record(session, rows, tz)
    closed_loop.on_responses_stored(session, rows)
    return len(rows)


def _max_comment() -> int:
    return get_settings().max_comment_length


def _summary(problems: list[Problem]) -> str:
    return "; ".join(f"{p.field}: {p.message}" for p in problems)
