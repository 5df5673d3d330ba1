"""Listing and revoking API keys through the admin API; the bootstrap key stays revoked."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.auth.test_sessions import FORM, key_record, plain_key, sign_in
from vocsvc.auth.keys import Role
from vocsvc.auth.service import create_key, ensure_key, revoke_key
from vocsvc.models import ApiKey, DashboardSession

Headers = dict[str, dict[str, str]]


def test_the_list_shows_every_key_but_never_a_key_or_its_hash(
    client: TestClient, keys: Headers, session: Session
) -> None:
    sign_in(client, plain_key(keys, "manager"))
    client.cookies.clear()  # the session stays live; the list is asked for with the admin key
    reply = client.get("/v1/keys", headers=keys["admin"])
    assert reply.status_code == 200
    listed = {k["role"]: k for k in reply.json()}
    assert set(listed) == {role.value for role in Role}
    manager = listed["manager"]
    assert set(manager) == {
        "id", "name", "role", "prefix", "created_at", "revoked_at", "live_sessions"
    }  # fmt: skip
    assert manager["name"] == "test manager" and manager["revoked_at"] is None
    assert manager["live_sessions"] == 1 and listed["viewer"]["live_sessions"] == 0
    for record in session.scalars(select(ApiKey)):
        assert record.key_hash not in reply.text
    for role in Role:
        plain = plain_key(keys, role.value)
        assert plain not in reply.text and plain[len(manager["prefix"]) :] not in reply.text


def test_only_an_admin_lists_or_revokes(
    client: TestClient, keys: Headers, session: Session
) -> None:
    viewer_id = key_record(session, "viewer").id
    for role in ("viewer", "manager", "assessor"):
        assert client.get("/v1/keys", headers=keys[role]).status_code == 403
        reply = client.post(f"/v1/keys/{viewer_id}/revoke", headers=keys[role])
        assert reply.status_code == 403
    assert key_record(session, "viewer").revoked_at is None


def test_revoking_a_key_ends_its_sessions_at_once(
    client: TestClient, keys: Headers, session: Session
) -> None:
    viewer = key_record(session, "viewer")
    sign_in(client, plain_key(keys, "viewer"))
    assert client.get("/v1/journeys").status_code == 200
    reply = client.post(f"/v1/keys/{viewer.id}/revoke", headers=keys["admin"])
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["id"] == viewer.id and body["revoked_at"] is not None
    assert body["sessions_ended"] == 1 and body["live_sessions"] == 0
    # The cookie is refused on the very next request, and the key itself too.
    assert client.get("/v1/journeys").status_code == 401
    assert (
        client.get("/dashboard", follow_redirects=False)
        .headers["location"]
        .endswith("/dashboard/sign-in")
    )
    client.cookies.clear()
    assert client.get("/v1/journeys", headers=keys["viewer"]).status_code == 401
    reply = client.post(
        "/dashboard/sign-in", content=f"key={plain_key(keys, 'viewer')}", headers=FORM
    )
    assert reply.status_code == 401
    ended = session.scalars(select(DashboardSession).where(DashboardSession.key_id == viewer.id))
    assert [s.ended_at is not None for s in ended] == [True]


def test_revoking_says_clearly_what_is_wrong(
    client: TestClient, keys: Headers, session: Session
) -> None:
    admin = keys["admin"]
    viewer_id = key_record(session, "viewer").id
    assert client.post(f"/v1/keys/{viewer_id}/revoke", headers=admin).status_code == 200
    again = client.post(f"/v1/keys/{viewer_id}/revoke", headers=admin)
    assert again.status_code == 409 and "already revoked" in again.json()["message"]
    unknown = client.post("/v1/keys/999999/revoke", headers=admin)
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert client.post("/v1/keys/abc/revoke", headers=admin).status_code == 422


def test_the_last_active_admin_key_cannot_be_revoked(
    client: TestClient, keys: Headers, session: Session
) -> None:
    admin = key_record(session, "admin")
    refused = client.post(f"/v1/keys/{admin.id}/revoke", headers=keys["admin"])
    assert refused.status_code == 409 and "last active admin key" in refused.json()["message"]
    assert client.get("/v1/keys", headers=keys["admin"]).status_code == 200
    # With a second admin key, the first can go (even by itself).
    create_key(session, "second admin", Role.admin)
    session.commit()
    assert client.post(f"/v1/keys/{admin.id}/revoke", headers=keys["admin"]).status_code == 200
    assert client.get("/v1/keys", headers=keys["admin"]).status_code == 401


def test_a_revoked_bootstrap_key_stays_revoked(session: Session) -> None:
    plain = "voc_bootstrap_admin_key_for_this_test_000000"
    ensure_key(session, "bootstrap", Role.admin, plain)
    create_key(session, "another admin", Role.admin)
    first = ensure_key(session, "bootstrap", Role.admin, plain)
    assert first is not None
    revoke_key(session, first.id)
    # The next start registers VOCSVC_ADMIN_KEY again: it must neither fail nor come back.
    assert ensure_key(session, "bootstrap", Role.admin, plain) is None
    count = select(func.count()).select_from(ApiKey).where(ApiKey.key_hash == first.key_hash)
    assert session.scalar(count) == 1 and first.revoked_at is not None
