"""What binds an Idempotency-Key to an answer: a hash of the answer as it is stored.

Same key and same answer: the first answer's id (a retry). Same key, another answer: refused.
The hash covers the answer's fields after validation (journey, touchpoint, scores, segment,
channel), the comment as stored (cleaned and redacted) and the respondent's stored HMAC, not
the raw body: key order, whitespace the schema strips or a different phone number that
redaction masks are the same answer. It is computed from what the row holds anyway, so the
stored hash reveals nothing the row does not (a hash of the raw comment would let anyone with
a copy of the database test guesses of the PII it held).
"""

from __future__ import annotations

import hashlib
import json

from vocsvc.responses.records import KeyedAnswer
from vocsvc.responses.schemas import PublicResponseIn


def answer_hash(item: PublicResponseIn, comment: str | None, respondent_hash: str | None) -> str:
    """SHA-256 (hex) of the canonical JSON of an answer; `comment` as it would be stored."""
    fields = {
        "journey": item.journey,
        "touchpoint": item.touchpoint,
        "nps": item.nps,
        "csat": item.csat,
        "ces": item.ces,
        "importance": item.importance,
        "comment": comment or None,
        "respondent": respondent_hash,
        "segment": item.segment or None,
        "channel": item.channel or None,
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_replay(first: KeyedAnswer, hashed: str) -> bool:
    """Whether an answer hashed `hashed` repeats `first`, stored under the same key."""
    # An answer stored before hashes were kept matches any: the key alone decided then.
    return first.answer_hash is None or first.answer_hash == hashed
