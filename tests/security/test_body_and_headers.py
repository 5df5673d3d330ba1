"""Request body size limit (413), security headers on every response."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.security.conftest import MakeClient
from vocsvc.models import Response
from vocsvc.security.middleware import BodySizeLimitMiddleware


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def big_answer(size: int) -> bytes:
    return json.dumps({"journey": "retail", "touchpoint": "checkout", "nps": 9,
                       "comment": "好" * size}, ensure_ascii=False).encode()  # fmt: skip


def test_declared_oversize_body_is_refused_up_front(
    make_client: MakeClient, session: Session, retail: str
) -> None:
    client = make_client(max_body_bytes=1000)
    response = client.post(
        "/v1/public/responses",
        content=big_answer(600),  # 3 bytes a character in UTF-8
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert stored(session) == 0
    ok = client.post("/v1/public/responses", content=big_answer(100),
                     headers={"Content-Type": "application/json"})  # fmt: skip
    assert ok.status_code == 201


def test_streamed_oversize_body_is_counted_and_refused(
    make_client: MakeClient, session: Session, keys: dict[str, dict[str, str]], retail: str
) -> None:
    client = make_client(max_body_bytes=1000)
    body = big_answer(600)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for start in range(0, len(body), 256):
            yield body[start : start + 256]

    response = client.post(
        "/v1/public/responses", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    # The admin import reads its body itself; the limit applies there too.
    csv = "journey,touchpoint,submitted_at,nps\n" + "retail,checkout,2026-01-01T10:00,9\n" * 40

    def csv_chunks() -> Iterator[bytes]:
        yield csv.encode()[:600]
        yield csv.encode()[600:]

    headers = {**keys["admin"], "Content-Type": "text/csv"}
    response = client.post("/v1/responses/bulk", content=csv_chunks(), headers=headers)
    assert response.status_code == 413
    assert stored(session) == 0


def test_body_limit_middleware_drops_the_route_answer_after_its_413() -> None:
    sent: list[dict[str, Any]] = []
    messages = [
        {"type": "http.request", "body": b"x" * 60, "more_body": True},
        {"type": "http.request", "body": b"x" * 60, "more_body": False},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(_scope: Any, receive_: Any, send_: Any) -> None:
        try:
            while (await receive_()).get("more_body"):
                pass
        except Exception:
            # A framework turning the failure into its own error answer: must not reach the client.
            await send_({"type": "http.response.start", "status": 400, "headers": []})
            await send_({"type": "http.response.body", "body": b"bad"})
            raise

    scope = {"type": "http", "headers": [], "method": "POST", "path": "/x"}
    asyncio.run(BodySizeLimitMiddleware(app, max_bytes=100)(scope, receive, send))
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [413]
    assert json.loads(sent[-1]["body"])["error"] == "payload_too_large"


def test_json_answers_carry_security_headers(
    make_client: MakeClient, keys: dict[str, dict[str, str]], retail: str
) -> None:
    client = make_client()
    for response in (
        client.get("/healthz"),
        client.get("/v1/journeys", headers=keys["viewer"]),
        client.get("/v1/journeys"),  # 401
        client.post("/v1/public/responses", json={"journey": "retail"}),  # 422
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in response.headers


def test_html_without_its_own_policy_gets_one_and_pages_keep_theirs(
    make_client: MakeClient, retail: str
) -> None:
    client = make_client()
    docs = client.get("/docs")
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert docs.headers["x-frame-options"] == "DENY"
    # The hosted survey sets its own (framable) policy: it is neither replaced nor duplicated.
    page = client.get("/s/retail/checkout")
    assert page.status_code == 200
    policies = page.headers.get_list("content-security-policy")
    assert len(policies) == 1 and "frame-ancestors *" in policies[0]
    assert "x-frame-options" not in page.headers
    assert len(page.headers.get_list("x-content-type-options")) == 1


def test_hsts_only_when_configured(make_client: MakeClient) -> None:
    client = make_client(hsts_seconds=31_536_000)
    assert client.get("/healthz").headers["strict-transport-security"] == "max-age=31536000"


def test_internal_errors_carry_the_headers_too(make_client: MakeClient, monkeypatch: Any) -> None:
    client = make_client()

    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("vocsvc.journeys.service.journey_snapshot", explode)  # the survey route's
    response = client.get("/v1/public/journeys/retail/touchpoints/checkout/survey")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
