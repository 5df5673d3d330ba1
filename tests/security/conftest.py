"""An app factory with chosen settings, on the test's rolled-back session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.support import override_sessions, reuse
from vocsvc.app import create_app
from vocsvc.config import Settings

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(session: Session) -> Iterator[MakeClient]:
    """`make_client(rate_limit_per_minute=3, client=("10.0.0.1", 1))`: a TestClient on a new app."""
    clients: list[TestClient] = []

    def build(client: tuple[str, int] = ("203.0.113.7", 50000), **overrides: Any) -> TestClient:
        app = create_app(Settings(**overrides))
        override_sessions(app, reuse(session))
        test_client = TestClient(app, raise_server_exceptions=False, client=client)
        clients.append(test_client)
        return test_client

    yield build
    for test_client in clients:
        test_client.close()
