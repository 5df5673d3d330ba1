"""`vocsvc keys create|list|revoke`, each a process of its own on a committed database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.auth.conftest import Installation
from tests.auth.test_sessions import sign_in
from vocsvc.auth.keys import Role
from vocsvc.auth.service import create_key
from vocsvc.models import ApiKey


def listed(installation: Installation) -> tuple[str, dict[str, list[str]]]:
    """`vocsvc keys list`: its output, and its rows (one field a column) by key name."""
    listing = installation.vocsvc("keys", "list")
    assert listing.returncode == 0, listing.stderr
    header, *lines = listing.stdout.splitlines()
    assert header.split() == ["id", "role", "prefix", "created", "revoked", "sessions", "name"]
    rows = [line.split(maxsplit=6) for line in lines]
    return listing.stdout, {row[6]: row for row in rows}


def test_keys_list_and_revoke_from_the_command_line(installation: Installation) -> None:
    created = installation.vocsvc("keys", "create", "--name", "CX team", "--role", "manager")
    assert created.returncode == 0, created.stderr
    manager = created.stdout.strip()
    with Session(installation.engine) as session, session.begin():
        _, admin = create_key(session, "ops", Role.admin)
    client = sign_in(installation.client, manager)
    assert client.get("/v1/journeys").status_code == 200

    output, rows = listed(installation)
    assert rows["CX team"][1] == "manager" and rows["CX team"][4:6] == ["-", "1"]  # 1 session
    assert rows["ops"][1] == "admin" and rows["ops"][4:6] == ["-", "0"]
    with Session(installation.engine) as session:
        hashes = list(session.scalars(select(ApiKey.key_hash)))
    for secret in (admin, manager, *hashes):
        assert secret not in output and secret[10:] not in output
    manager_id = rows["CX team"][0]

    revoked = installation.vocsvc("keys", "revoke", manager_id)
    assert revoked.returncode == 0, revoked.stderr
    assert "ended 1 dashboard session" in revoked.stdout
    # The server's next request with the cookie, or with the key, is refused.
    assert client.get("/v1/journeys").status_code == 401
    client.cookies.clear()
    assert client.get("/v1/journeys", headers={"X-API-Key": manager}).status_code == 401
    assert client.get("/v1/journeys", headers={"X-API-Key": admin}).status_code == 200
    _, after = listed(installation)
    assert after["CX team"][4].endswith("Z") and after["CX team"][5] == "0"
    assert after["ops"][4] == "-"

    # Refusals (the API's 404 and 409) are exit code 2 with the reason.
    again = installation.vocsvc("keys", "revoke", manager_id)
    assert again.returncode == 2 and "already revoked" in again.stderr
