"""X-Forwarded-For/-Proto are believed only from VOCSVC_TRUSTED_PROXIES, on a real `vocsvc serve`
reached from loopback (where uvicorn's own proxy-header default would believe them)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from tests.security.conftest import serving

ADMIN_KEY = "voc_forwarded_header_tests_admin_key_0000"
SURVEY = "/v1/public/journeys/retail/touchpoints/checkout/survey"
LIMIT = 3  # survey fetches a minute per client address and touchpoint


def _served(database_url: str, workers: int, **settings: str) -> Iterator[int]:
    limit = str(LIMIT)
    options = {"admin_key": ADMIN_KEY, "rate_limit_per_minute": limit, **settings}
    with serving(database_url, workers=workers, **options) as port:
        yield port


# One worker is uvicorn.run, several are our supervisor's workers: both get the same options.
@pytest.fixture(scope="module", params=[1, 2], ids=lambda n: f"{n} workers")
def direct(request: pytest.FixtureRequest, own_database: str) -> Iterator[int]:
    """No trusted proxies (the default)."""
    yield from _served(own_database, request.param)


@pytest.fixture(scope="module")
def behind_proxy(own_database: str) -> Iterator[int]:
    """127.0.0.1 is the configured proxy."""
    yield from _served(own_database, 2, trusted_proxies='["127.0.0.1"]')


def connection(port: int, source: str = "127.0.0.1") -> http.client.HTTPConnection:
    # One keep-alive connection reaches one worker, whose limiter counts every request.
    return http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))


def survey_statuses(conn: http.client.HTTPConnection, forwarded_for: list[str]) -> list[int]:
    statuses = []
    for address in forwarded_for:
        conn.request("GET", SURVEY, headers={"X-Forwarded-For": address})
        reply = conn.getresponse()
        reply.read()
        statuses.append(reply.status)
    return statuses


def sign_in_over_claimed_https(conn: http.client.HTTPConnection) -> tuple[str, str]:
    """(Location, Set-Cookie) of a sign-in whose request claims it came in over HTTPS."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-Proto": "https",
    }
    conn.request("POST", "/dashboard/sign-in", body=f"key={ADMIN_KEY}", headers=headers)
    reply = conn.getresponse()
    reply.read()
    assert reply.status == 303
    return reply.getheader("location") or "", reply.getheader("set-cookie") or ""


FRESH_ADDRESSES = [f"198.51.100.{n}" for n in range(1, LIMIT + 2)]
REFUSED_AFTER_LIMIT = [200] * LIMIT + [429]


def test_without_trusted_proxies_a_forwarded_for_from_loopback_is_not_the_client(
    direct: int,
) -> None:
    # A fresh claimed address per request would be a fresh rate-limit budget per request.
    assert survey_statuses(connection(direct), FRESH_ADDRESSES) == REFUSED_AFTER_LIMIT


def test_without_trusted_proxies_a_claimed_https_changes_no_cookie_or_redirect(
    direct: int,
) -> None:
    location, cookie = sign_in_over_claimed_https(connection(direct))
    assert location.startswith("http://127.0.0.1:")
    assert "vocsvc_session=" in cookie and "secure" not in cookie.lower()


def test_the_configured_proxy_is_believed(behind_proxy: int) -> None:
    conn = connection(behind_proxy)
    assert survey_statuses(conn, FRESH_ADDRESSES) == [200] * len(FRESH_ADDRESSES)
    # The limiter counts the forwarded client, not the proxy.
    assert survey_statuses(conn, ["203.0.113.9"] * (LIMIT + 1)) == REFUSED_AFTER_LIMIT
    location, cookie = sign_in_over_claimed_https(conn)
    assert location.startswith("https://127.0.0.1:")
    assert "secure" in cookie.lower()


def test_a_peer_that_is_not_the_configured_proxy_is_not_believed(behind_proxy: int) -> None:
    conn = connection(behind_proxy, source="127.0.0.2")
    assert survey_statuses(conn, FRESH_ADDRESSES) == REFUSED_AFTER_LIMIT
    location, cookie = sign_in_over_claimed_https(conn)
    assert location.startswith("http://127.0.0.1:")
    assert "secure" not in cookie.lower()
