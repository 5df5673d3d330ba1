"""The Host header is not believed: unknown hosts get 400; VOCSVC_PUBLIC_URL is the origin used."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.support import override_sessions, reuse
from vocsvc.app import create_app
from vocsvc.config import Settings

Headers = dict[str, dict[str, str]]
PUBLIC = "https://cx.example.com"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def public_client(session: Session) -> Iterator[TestClient]:
    """The app with VOCSVC_PUBLIC_URL set, reached as http://localhost (a proxy's upstream)."""
    app = override_sessions(create_app(Settings(public_url=PUBLIC)), reuse(session))
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/s/retail/checkout/qr.svg", "/dashboard", "/healthz", "/v1/journeys"]
)
def test_a_host_we_do_not_serve_is_refused(client: TestClient, retail: str, path: str) -> None:
    reply = client.get(path, headers={"Host": "evil.example"})
    assert reply.status_code == 400
    assert "evil.example" not in reply.text


def test_qr_codes_point_at_the_public_url(public_client: TestClient, retail: str) -> None:
    for host in ("localhost", "cx.example.com"):
        svg = public_client.get("/s/retail/checkout/qr.svg", headers={"Host": host})
        assert svg.status_code == 200
        assert f"<title>{PUBLIC}/s/retail/checkout</title>" in svg.text
    assert (
        public_client.get("/s/retail/checkout/qr.svg", headers={"Host": "evil.example"}).status_code
        == 400
    )


def test_redirects_point_at_the_public_url(public_client: TestClient, keys: Headers) -> None:
    page = public_client.get("/dashboard", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"{PUBLIC}/dashboard/sign-in"
    key = keys["viewer"]["Authorization"].removeprefix("Bearer ")
    signed_in = public_client.post(
        "/dashboard/sign-in",
        content=f"key={key}",
        headers={**FORM, "Origin": PUBLIC},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == f"{PUBLIC}/dashboard"
    assert "secure" in signed_in.headers["set-cookie"].lower()  # the public origin is https
    # Our own origin is the public one: the upstream's http://localhost is a foreign origin.
    foreign = public_client.post(
        "/dashboard/sign-in", content=f"key={key}", headers={**FORM, "Origin": "http://localhost"}
    )
    assert foreign.status_code == 403


def test_public_url_must_be_an_origin() -> None:
    assert Settings(public_url="HTTPS://CX.example.com:443/").public_url == PUBLIC
    with pytest.raises(ValueError, match="not an origin"):
        Settings(public_url="https://cx.example.com/voc")
