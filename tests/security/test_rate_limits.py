"""Rate limits on public routes: per client address and touchpoint, 429 with Retry-After."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.security.conftest import MakeClient
from vocsvc.models import Response
from vocsvc.security.middleware import ClientAddressMiddleware, public_target
from vocsvc.security.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def answer(touchpoint: str = "checkout", **fields: Any) -> dict[str, Any]:
    return {"journey": "retail", "touchpoint": touchpoint, "nps": 9, **fields}


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


# --- the limiter ---------------------------------------------------------------------------------


def test_limiter_allows_the_budget_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock)  # one token a second
    assert [limiter.hit("a") for _ in range(60)] == [0.0] * 60
    assert limiter.hit("a") == pytest.approx(1.0)
    clock.now += 0.5
    assert limiter.hit("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.hit("a") == 0.0  # refilled one token
    assert limiter.hit("b") == 0.0  # other keys have their own bucket


def test_limiter_refills_to_at_most_its_capacity() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock)
    for _ in range(3):
        limiter.hit("a")
    clock.now += 3600
    assert [limiter.hit("a") > 0 for _ in range(4)] == [False, False, False, True]


def test_limiter_memory_is_bounded_least_recently_used_go_first() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1, max_keys=3, clock=clock)
    for key in ("a", "b", "c"):
        limiter.hit(key)
    assert limiter.hit("a") > 0  # a is now the most recently used
    limiter.hit("d")  # evicts b, the least recently used
    assert len(limiter) == 3
    assert limiter.hit("b") == 0.0  # b starts afresh
    assert limiter.hit("a") > 0 and limiter.hit("d") > 0


def test_limiter_counts_exactly_under_threads() -> None:
    limiter = RateLimiter(500, clock=FakeClock())
    allowed: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = sum(1 for _ in range(200) if limiter.hit("k") == 0.0)
        with lock:
            allowed.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 500


def test_public_paths_name_their_touchpoint() -> None:
    assert public_target("/v1/public/journeys/retail/touchpoints/checkout/survey") == (
        "retail",
        "checkout",
    )
    assert public_target("/s/retail/checkout") == ("retail", "checkout")
    assert public_target("/s/retail/checkout/qr.svg") == ("retail", "checkout")
    assert public_target("/v1/public/responses") is None


# --- over HTTP -----------------------------------------------------------------------------------


def test_answers_over_the_limit_get_429_with_retry_after(
    make_client: MakeClient, session: Session, retail: str
) -> None:
    client = make_client(rate_limit_per_minute=3)
    codes = [client.post("/v1/public/responses", json=answer()).status_code for _ in range(3)]
    assert codes == [201, 201, 201]
    refused = client.post("/v1/public/responses", json=answer(), headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited" and "a minute" in refused.json()["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 20  # 3 a minute: one every 20 s
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert stored(session) == 3
    # Another touchpoint of the same client has its own budget.
    assert client.post("/v1/public/responses", json=answer("returns")).status_code == 201


def test_the_limit_is_per_client_address(
    make_client: MakeClient, session: Session, retail: str
) -> None:
    first = make_client(rate_limit_per_minute=1, client=("198.51.100.1", 1))
    assert first.post("/v1/public/responses", json=answer()).status_code == 201
    assert first.post("/v1/public/responses", json=answer()).status_code == 429
    # The same app seen from another address.
    with TestClient(first.app, client=("198.51.100.2", 1)) as other:
        assert other.post("/v1/public/responses", json=answer()).status_code == 201


def test_survey_fetches_and_hosted_pages_are_limited_too(
    make_client: MakeClient, retail: str
) -> None:
    client = make_client(rate_limit_per_minute=2)
    url = "/v1/public/journeys/retail/touchpoints/checkout/survey"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get("/s/retail/returns").status_code for _ in range(3)] == [200, 200, 429]


def test_all_public_requests_of_an_address_are_capped(make_client: MakeClient, retail: str) -> None:
    client = make_client(rate_limit_per_minute=100, rate_limit_ip_per_minute=4)
    touchpoints = ["checkout", "returns", "fresh_produce", "hotline", "parking"]
    codes = [
        client.post("/v1/public/responses", json=answer(tp, csat=4, nps=None)).status_code
        for tp in touchpoints
    ]
    assert 429 not in codes[:4] and codes[4] == 429


def test_malformed_answers_count_against_the_limit(make_client: MakeClient, retail: str) -> None:
    client = make_client(rate_limit_per_minute=2)
    bad = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
    codes = [client.post("/v1/public/responses", **bad).status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_zero_turns_limits_off_and_admin_routes_are_not_limited(
    make_client: MakeClient, keys: dict[str, dict[str, str]], retail: str
) -> None:
    off = make_client(rate_limit_per_minute=0)
    assert all(off.post("/v1/public/responses", json=answer()).status_code == 201 for _ in range(8))
    limited = make_client(rate_limit_per_minute=1)
    codes = {limited.get("/v1/journeys", headers=keys["viewer"]).status_code for _ in range(5)}
    assert codes == {200}


def test_preflights_are_not_counted(make_client: MakeClient, retail: str) -> None:
    client = make_client(rate_limit_per_minute=1)
    preflight = {
        "Origin": "https://shop.example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for _ in range(3):
        assert client.options("/v1/public/responses", headers=preflight).status_code == 200
    assert client.post("/v1/public/responses", json=answer()).status_code == 201


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    make_client: MakeClient, retail: str
) -> None:
    untrusted = make_client(rate_limit_per_minute=1, client=("198.51.100.9", 1))
    spoof = [{"X-Forwarded-For": f"192.0.2.{n}"} for n in range(3)]
    codes = [untrusted.post("/v1/public/responses", json=answer(), headers=h).status_code
             for h in spoof]  # fmt: skip
    assert codes == [201, 429, 429]  # one address, whatever the header claims

    proxied = make_client(
        rate_limit_per_minute=1, trusted_proxies=["10.0.0.0/8"], client=("10.1.2.3", 1)
    )
    codes = [proxied.post("/v1/public/responses", json=answer(), headers=h).status_code
             for h in spoof]  # fmt: skip
    assert codes == [201, 201, 201]  # three clients behind our proxy


def test_client_address_takes_the_rightmost_untrusted_hop() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Any, _receive: Any, _send: Any) -> None:
        seen.update(client=scope["client"], scheme=scope["scheme"])

    middleware = ClientAddressMiddleware(app, ["10.0.0.0/8", "192.168.1.1"])
    headers = [
        (b"x-forwarded-for", b"1.2.3.4, 203.0.113.5, 10.9.9.9"),
        (b"x-forwarded-proto", b"https"),
    ]
    scope = {"type": "http", "client": ("192.168.1.1", 5), "scheme": "http", "headers": headers}
    asyncio.run(middleware(scope, None, None))  # type: ignore[arg-type]
    # 1.2.3.4 is only what 203.0.113.5 claimed; 203.0.113.5 is the first hop we did not add.
    assert seen == {"client": ("203.0.113.5", 0), "scheme": "https"}
