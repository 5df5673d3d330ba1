"""Domain errors carry their HTTP status; app.py maps them to responses in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the field (dotted path) and what is wrong with it."""

    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def pydantic_problems(errors: Iterable[Any]) -> list[Problem]:
    """Turn pydantic error dicts into field/message problems."""
    problems = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p != "body"]
        problems.append(Problem(".".join(loc) or "(body)", error.get("msg", "invalid")))
    return problems


def summary(problems: Iterable[Problem]) -> str:
    """The problems in one line, for an error's message."""
    return "; ".join(f"{p.field}: {p.message}" for p in problems)


class VocError(Exception):
    """Base of every error the service reports to a client."""

    status_code = 400
    code = "bad_request"
    retry_after: int | None = None  # seconds, sent as Retry-After

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(VocError):
    status_code = 404
    code = "not_found"


class Unauthorized(VocError):
    status_code = 401
    code = "unauthorized"


class Forbidden(VocError):
    status_code = 403
    code = "forbidden"


class Conflict(VocError):
    status_code = 409
    code = "conflict"


class IdempotencyKeyReused(Conflict):
    """An Idempotency-Key sent again with an answer other than the one stored under it."""

    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was already used for a different answer; the answer sent now"
            " was not stored (send a new key for a new answer)"
        )


class InvalidIdempotencyKey(VocError):
    status_code = 400
    code = "invalid_idempotency_key"


class InvalidInput(VocError):
    """Input that parsed but breaks a rule; details list every problem found."""

    status_code = 422
    code = "invalid_input"


class PeriodNotBegun(InvalidInput):
    """A report asked for a period that starts after now: there is nothing to report yet."""

    code = "period_not_begun"

    def __init__(self, label: str, starts: str, field: str) -> None:
        message = f"period '{label}' has not begun (it starts {starts}); choose one that has"
        super().__init__(message, details=[{"field": field, "message": message}])


class MalformedJSON(VocError):
    status_code = 400
    code = "malformed_json"


class PayloadTooLarge(VocError):
    status_code = 413
    code = "payload_too_large"


class TooManyRequests(VocError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DatabaseUnavailable(VocError):
    """The database cannot serve the request now (down, restarting, unreachable, busy).

    Nothing was acknowledged: a client retries later, with the same Idempotency-Key.
    """

    status_code = 503
    code = "database_unavailable"
    # A restart or a failover takes seconds; sooner would only add load while it recovers.
    retry_after = 5

    def __init__(self, reason: str) -> None:
        super().__init__(f"the database is unavailable ({reason}); retry later")
        self.reason = reason


class RollupRebuilding(VocError):
    """The text rollups were counted in another zone than the service's: a rebuild (start-up,
    `vocsvc db upgrade`) is due, and until then no exact answer can be given."""

    status_code = 503
    code = "rollup_rebuilding"
    retry_after = 30

    def __init__(self) -> None:
        super().__init__("统计汇总正在按当前时区重建，请稍后再试 (the rollups are being rebuilt)")
