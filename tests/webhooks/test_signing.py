import hashlib
import hmac
import time
from datetime import timedelta

import pytest

from vocsvc.webhooks.service import MAX_DELAY, retry_delay
from vocsvc.webhooks.signing import signature_header, verify_signature

SECRET = "whsec_test"
BODY = '{"type":"case.opened","data":{"id":1,"department":"收银部"}}'.encode()


def test_header_is_stripe_style_hmac_of_timestamp_dot_body() -> None:
    header = signature_header(SECRET, 1_700_000_000, BODY)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_verify_accepts_a_fresh_signature() -> None:
    now = int(time.time())
    assert verify_signature(SECRET, signature_header(SECRET, now, BODY), BODY)
    assert verify_signature(SECRET, signature_header(SECRET, now, BODY), BODY.decode())


@pytest.mark.parametrize(
    ("secret", "body", "age"),
    [
        ("whsec_other", BODY, 0),  # wrong secret
        (SECRET, BODY + b" ", 0),  # body changed
        (SECRET, BODY, 301),  # replayed after the tolerance
        (SECRET, BODY, -301),  # from the future
    ],
)
def test_verify_rejects(secret: str, body: bytes, age: int) -> None:
    now = 1_700_000_000
    header = signature_header(SECRET, now - age, BODY)
    assert not verify_signature(secret, header, body, tolerance=300, now=now)


@pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", "t=1700000000", "garbage"])
def test_verify_rejects_malformed_headers(header: str) -> None:
    assert not verify_signature(SECRET, header, BODY, now=1_700_000_000)


def test_verify_accepts_any_of_several_v1_values() -> None:
    good = signature_header(SECRET, 1_700_000_000, BODY)
    header = f"t=1700000000,v1={'0' * 64},{good.split(',')[1]}"
    assert verify_signature(SECRET, header, BODY, now=1_700_000_000)


def test_back_off_doubles_with_equal_jitter_and_is_capped() -> None:
    for attempt in range(1, 10):
        ceiling = timedelta(seconds=30 * 2**attempt)
        assert retry_delay(attempt, rand=lambda: 0.0) == ceiling / 2
        assert retry_delay(attempt, rand=lambda: 1.0) == ceiling
    assert retry_delay(1, rand=lambda: 0.0) == timedelta(seconds=30)
    assert retry_delay(20, rand=lambda: 1.0) == MAX_DELAY == timedelta(hours=6)
