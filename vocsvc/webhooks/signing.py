"""Webhook signatures, Stripe-style (pure: stdlib only, so receivers can copy this file).

Every delivery carries `X-Vocsvc-Signature: t=<unix seconds>,v1=<hex>` where the hex is
HMAC-SHA256 keyed with the webhook's secret over `f"{t}.{raw body}"`. A receiver checks it with

    verify_signature(secret, request.headers["X-Vocsvc-Signature"], raw_body, tolerance=300)

on the raw body bytes (before any JSON parsing: re-serialising changes the bytes). The timestamp is
signed too, so a captured request cannot be replayed after `tolerance` seconds; a delivery can
arrive more than once (retries), so receivers de-duplicate on `X-Vocsvc-Delivery`.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SCHEME = "v1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256(secret, "<timestamp>.<body>")."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Vocsvc-Signature value for `body` sent at `timestamp`."""
    return f"t={timestamp},{SCHEME}={signature(secret, timestamp, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes | str,
    tolerance: float = 300,
    now: float | None = None,
) -> bool:
    """True when `header` signs `body` with `secret` and its timestamp is within `tolerance` s."""
    raw = body.encode() if isinstance(body, str) else body
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == SCHEME:
            candidates.append(value)  # the format allows several (one per secret in rotation)
    if timestamp is None or not candidates:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, raw)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
