"""Domain errors carry their HTTP status; app.py maps them to responses in one place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from vocsvc.error_messages import Lang, error_message, joined, problem_message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the field (dotted path) and what is wrong with it.

    `code` and `params` name the problem for vocsvc.error_messages, which words it for a
    customer; `message` is the English wording the API keys' routes answer with.
    """

    field: str
    message: str
    code: str = "invalid"
    params: Mapping[str, object] = dataclass_field(default_factory=dict, compare=False)

    def to_dict(self, lang: Lang | None = None) -> dict[str, str]:
        if lang is None:
            return {"field": self.field, "message": self.message}
        message = problem_message(self.code, self.params, lang, self.message)
        return {"field": self.field, "code": self.code, "message": message}


def pydantic_problem(error: Any, skip: tuple[str, ...] = ("body",)) -> Problem:
    """One pydantic error dict as a problem (its type is the problem's code)."""
    loc = [str(p) for p in error.get("loc", ()) if p not in skip]
    kind = str(error.get("type", "invalid"))
    params: dict[str, object] = dict(error.get("ctx") or {})
    message = str(error.get("msg", "invalid"))
    if kind == "extra_forbidden":
        message = "unknown field"
    return Problem(".".join(loc) or "(body)", message, kind, params)


def pydantic_problems(errors: Iterable[Any]) -> list[Problem]:
    """Turn pydantic error dicts into field/message problems."""
    return [pydantic_problem(error) for error in errors]


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

    def to_dict(self, lang: Lang | None = None) -> dict[str, Any]:
        """The JSON body; `lang` words it for a customer (public routes), None keeps English."""
        problems = self.problems()
        message = self.message
        if lang == "zh":
            message = error_message(self.code, lang, message)
            if problems:
                parts = [f"{p.field}：{p.to_dict(lang)['message']}" for p in problems]
                message = f"{message}：{joined(parts, lang)}"
        body: dict[str, Any] = {"error": self.code, "message": message}
        if problems:
            body["details"] = [p.to_dict(lang) for p in problems]
        elif self.details is not None:
            body["details"] = self.details
        return body

    def problems(self) -> list[Problem]:
        """The details when they are problems (else empty)."""
        details = self.details
        if isinstance(details, list) and details and all(isinstance(p, Problem) for p in details):
            return list(details)
        return []


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
