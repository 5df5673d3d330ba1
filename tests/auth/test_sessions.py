"""Dashboard sign-in and the session cookie as an alternative to API-key headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.auth.sessions import COOKIE_NAME, LIFETIME_SECONDS, issue_token
from vocsvc.models import ApiKey, DashboardSession, utcnow

Headers = dict[str, dict[str, str]]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def plain_key(keys: Headers, role: str) -> str:
    return keys[role]["Authorization"].removeprefix("Bearer ")


def sign_in(client: TestClient, key: str) -> TestClient:
    reply = client.post(
        "/dashboard/sign-in", content=f"key={key}", headers=FORM, follow_redirects=False
    )
    assert reply.status_code == 303, reply.text
    return client


def key_record(session: Session, role: str) -> ApiKey:
    record = session.scalars(select(ApiKey).where(ApiKey.role == role)).first()
    assert record is not None
    return record


def test_dashboard_without_a_session_goes_to_sign_in(client: TestClient) -> None:
    reply = client.get("/dashboard", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["location"].endswith("/dashboard/sign-in")


@pytest.mark.parametrize("body", ["key=voc_wrong_key_123456", "key=", ""])
def test_bad_key_is_refused_with_401_page(client: TestClient, keys: Headers, body: str) -> None:
    reply = client.post("/dashboard/sign-in", content=body, headers=FORM, follow_redirects=False)
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in reply.text
    assert "set-cookie" not in reply.headers


def test_sign_in_sets_a_signed_httponly_cookie_without_the_key(
    client: TestClient, keys: Headers
) -> None:
    key = plain_key(keys, "viewer")
    reply = client.post(
        "/dashboard/sign-in", content=f"key={key}", headers=FORM, follow_redirects=False
    )
    assert reply.status_code == 303 and reply.headers["location"].endswith("/dashboard")
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    for attribute in ("HttpOnly", "SameSite=lax", "Path=/", f"Max-Age={LIFETIME_SECONDS}"):
        assert attribute.lower() in cookie.lower()
    assert key not in cookie and key[4:20] not in cookie
    page = client.get("/dashboard")
    assert page.status_code == 200 and "test viewer" in page.text


def test_cookie_is_accepted_by_api_routes(client: TestClient, keys: Headers, retail: str) -> None:
    sign_in(client, plain_key(keys, "viewer"))
    assert client.get("/v1/journeys").status_code == 200
    assert client.get("/v1/journeys/retail/nps").status_code == 200
    assert client.get("/v1/journeys/retail/responses.csv").status_code == 200
    settings = client.get("/dashboard/settings").json()
    assert settings["key"]["role"] == "viewer" and len(settings["quarters"]) == 8


def test_cookie_keeps_the_role_of_its_key(client: TestClient, keys: Headers) -> None:
    sign_in(client, plain_key(keys, "viewer"))
    origin = {"Origin": "http://testserver"}
    reply = client.post("/v1/journeys", json={}, headers=origin)
    assert reply.status_code == 403 and reply.json()["error"] == "forbidden"


def test_cookie_cannot_write_from_another_site(client: TestClient, keys: Headers) -> None:
    sign_in(client, plain_key(keys, "admin"))
    for headers in ({"Origin": "https://evil.example"}, {}):
        reply = client.post("/v1/journeys", json={}, headers=headers)
        assert reply.status_code == 403
        assert "dashboard itself" in reply.json()["message"]
    # The same session may write from the dashboard's own origin (422: the body is empty).
    reply = client.post("/v1/journeys", json={}, headers={"Origin": "http://testserver"})
    assert reply.status_code == 422


def tampered(token: str) -> list[str]:
    session_id, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    return [
        f"{session_id}.{flipped}",
        f"{int(session_id) + 1}.{mac}",
        f"{int(session_id) - 1}.{mac}",
        f"{session_id}.{mac}.{mac}",
        f"{session_id}.",
        session_id,
        f"{session_id}.{mac[:-1]}%",
        f"{'9' * 30}.{mac}",
        "not-a-token",
        plain_token_like := "voc_" + "x" * 40,
        plain_token_like + ".1.2",
    ]


def test_tampered_or_foreign_cookies_are_rejected(
    client: TestClient, keys: Headers, session: Session
) -> None:
    token = issue_token(session, key_record(session, "admin"))
    session.commit()  # keep the installation secret it may have generated
    for bad in tampered(token):
        client.cookies.set(COOKIE_NAME, bad)
        reply = client.get("/v1/journeys")
        assert reply.status_code == 401, bad
        assert reply.json()["error"] == "unauthorized"
        dashboard = client.get("/dashboard", follow_redirects=False)
        assert dashboard.status_code == 303, bad
    client.cookies.set(COOKIE_NAME, token)
    assert client.get("/v1/journeys").status_code == 200


def test_expired_cookie_is_rejected(client: TestClient, keys: Headers, session: Session) -> None:
    started = utcnow() - timedelta(seconds=LIFETIME_SECONDS + 1)
    old = issue_token(session, key_record(session, "viewer"), now=started)
    session.commit()
    client.cookies.set(COOKIE_NAME, old)
    reply = client.get("/v1/journeys")
    assert reply.status_code == 401 and "sign in again" in reply.json()["message"]


def test_revoking_the_key_ends_its_sessions(
    client: TestClient, keys: Headers, session: Session
) -> None:
    sign_in(client, plain_key(keys, "viewer"))
    assert client.get("/v1/journeys").status_code == 200
    key_record(session, "viewer").revoked_at = utcnow()
    session.commit()
    assert client.get("/v1/journeys").status_code == 401


def test_an_api_key_header_wins_over_the_cookie(client: TestClient, keys: Headers) -> None:
    sign_in(client, plain_key(keys, "admin"))
    reply = client.get("/v1/journeys", headers={"Authorization": "Bearer voc_unknown_key_99"})
    assert reply.status_code == 401
    assert client.get("/v1/journeys", headers=keys["viewer"]).status_code == 200


def test_sign_out_clears_the_cookie(client: TestClient, keys: Headers) -> None:
    sign_in(client, plain_key(keys, "viewer"))
    reply = client.post("/dashboard/sign-out", follow_redirects=False)
    assert reply.status_code == 303
    assert reply.headers["set-cookie"].startswith(f'{COOKIE_NAME}="";')
    assert "max-age=0" in reply.headers["set-cookie"].lower()
    assert client.get("/v1/journeys").status_code == 401


def test_sign_out_ends_the_session_on_the_server(
    client: TestClient, keys: Headers, session: Session
) -> None:
    sign_in(client, plain_key(keys, "viewer"))
    cookie = client.cookies[COOKIE_NAME]
    client.post("/dashboard/sign-out", follow_redirects=False)
    client.cookies.set(COOKIE_NAME, cookie)  # a copy kept from before the sign-out, replayed
    reply = client.get("/v1/journeys")
    assert reply.status_code == 401 and "sign in again" in reply.json()["message"]
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    record = session.get(DashboardSession, int(cookie.split(".")[0]))
    assert record is not None and record.ended_at is not None
    # Another sign-in starts a new session; the old cookie stays dead.
    client.cookies.clear()
    sign_in(client, plain_key(keys, "viewer"))
    assert client.get("/v1/journeys").status_code == 200
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, cookie)
    assert client.get("/v1/journeys").status_code == 401


def test_sign_out_from_another_site_ends_nothing(client: TestClient, keys: Headers) -> None:
    sign_in(client, plain_key(keys, "viewer"))
    client.post("/dashboard/sign-out", headers={"Origin": "https://evil.example"})
    assert client.get("/v1/journeys").status_code == 200


def test_sign_in_from_another_site_is_refused(client: TestClient, keys: Headers) -> None:
    headers = {**FORM, "Origin": "https://evil.example"}
    key = plain_key(keys, "viewer")
    reply = client.post("/dashboard/sign-in", content=f"key={key}", headers=headers)
    assert reply.status_code == 403 and "set-cookie" not in reply.headers
