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
from vocsvc.config import get_settings
from vocsvc.errors import InvalidInput
from vocsvc.journeys.service import JourneySnapshot
from vocsvc.models import utcnow
from vocsvc.responses.enrich import enrich_comments
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
    checked: Checked, enriched_comment: Any, secret: str, *, source: str, submitted_at: datetime
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
        "comment": enriched_comment.comment,
        "sentiment": enriched_comment.sentiment,
        "sentiment_label": enriched_comment.sentiment_label,
        "sentiment_model": enriched_comment.sentiment_model,
        "respondent_hash": hash_respondent(secret, checked.respondent),
        "segment": checked.segment,
        "channel": checked.channel,
        "source": source,
        "submitted_at": submitted_at,
        "received_at": utcnow(),
    }


def submit_public(
    session: Session,
    item: PublicResponseIn,
    idempotency_key: str | None,
    catalog: Catalog | None = None,
    check_journey: Callable[[JourneySnapshot], None] | None = None,
) -> Submitted:
    """Store one customer's answer; a replayed Idempotency-Key returns the first answer's id.

    `check_journey` (the route's origin check) sees the journey before anything else happens.
    """
    # Redaction and scoring are pure CPU work: done before the first query, so no connection
    # or lock is held meanwhile (SQLite takes its write lock at the transaction's first query).
    cleaned = clean_comment(item.comment)
    early = enrich_comments([cleaned])[0] if 0 < len(cleaned) <= _max_comment() else None
    catalog = catalog or Catalog(session)
    journey = catalog.journey(item.journey)
    if check_journey is not None and journey is not None:
        check_journey(journey)
    repo = ResponseRepository(session)
    idempotency_key = (idempotency_key or "").strip() or None  # an empty key is no key
    if idempotency_key:
        earlier = repo.id_for_idempotency_key(idempotency_key)
        if earlier is not None:
            return Submitted(earlier, created=False)
    checked, problems = check_answers(item, catalog, max_comment=_max_comment())
    if checked is None:
        raise InvalidInput(_summary(problems), details=[p.to_dict() for p in problems])
    if early is None or checked.comment is None:
        [early] = enrich_comments([checked.comment])
    row = _row(checked, early, respondent_secret(session), source="public", submitted_at=utcnow())
    # INSERT ... ON CONFLICT (idempotency_key) DO NOTHING: a retry that raced in on another
    # connection with the same key inserts nothing here and is answered with the first id.
    new_id = repo.insert_public(row, idempotency_key)
    if new_id is None:
        earlier = repo.id_for_idempotency_key(idempotency_key) if idempotency_key else None
        if earlier is None:
            raise RuntimeError("an answer was neither stored nor found under its idempotency key")
        return Submitted(earlier, created=False)
    closed_loop.on_responses_stored(session, [{**row, "id": new_id}])
    # The rollup's counter rows are the most contended: updated last, locked the shortest.
    rollup.record(session, [row], get_settings().tz)
    return Submitted(new_id, created=True)


def import_bulk(session: Session, items: Sequence[ImportedResponseIn | list[Problem]]) -> int:
    """Store all rows or none; the error lists every bad row with its index and reasons."""
    catalog = Catalog(session)
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
