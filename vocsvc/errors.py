"""Domain errors carry their HTTP status; app.py maps them to responses in one place."""

from __future__ import annotations

from typing import Any


class VocError(Exception):
    """Base of every error the service reports to a client."""

    status_code = 400
    code = "bad_request"

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


class InvalidInput(VocError):
    """Input that parsed but breaks a rule; details list every problem found."""

    status_code = 422
    code = "invalid_input"


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
