"""Fuzz every operation of our OpenAPI schema with schemathesis: no input may cause a 5xx.

The app runs in-process against a SQLite file of its own (answers are really committed; set
VOCSVC_FUZZ_DATABASE_URL to a PostgreSQL URL for a fresh schema there instead), with
the demo journeys and an admin key, so authenticated routes are exercised past the key check.
Path parameters are steered to existing journeys and touchpoints most of the time.

Examples per operation: VOCSVC_FUZZ_EXAMPLES (default 20, deterministic); `bench/fuzz.py` runs
the same test with many more, randomised.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from sqlalchemy.orm import Session

from tests.support import fresh_postgres_schema, override_sessions
from vocsvc.app import create_app
from vocsvc.auth.keys import Role
from vocsvc.auth.service import ensure_key
from vocsvc.config import REPO_ROOT, Settings
from vocsvc.db import build_engine
from vocsvc.journeys.loader import load_journey_dir
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import upgrade
from vocsvc.rollups.service import ensure_rollup

ADMIN_KEY = "voc_fuzzing_admin_key_0123456789abcdefghijklmnop"
EXAMPLES = int(os.environ.get("VOCSVC_FUZZ_EXAMPLES", "20"))
RANDOMISE = os.environ.get("VOCSVC_FUZZ_RANDOM") == "1"
# Existing values the generated path parameters are mapped to two times in three.
KNOWN = {"journey": "retail", "touchpoint": "checkout", "report": "2026Q1"}


@pytest.fixture(scope="module")
def fuzz_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh SQLite file, or with VOCSVC_FUZZ_DATABASE_URL a fresh PostgreSQL schema."""
    url = os.environ.get("VOCSVC_FUZZ_DATABASE_URL", "sqlite")
    if url == "sqlite":
        yield f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'fuzz.db'}"
        return
    with fresh_postgres_schema(url, f"vocsvc_fuzz_{os.getpid()}") as scoped:
        yield scoped


@pytest.fixture(scope="module")
def fuzz_app(fuzz_database: str) -> Iterator[FastAPI]:
    """The API on its own database with the example journeys and an admin key."""
    url = fuzz_database
    upgrade(url)
    engine = build_engine(url)
    base = Settings(database_url=url, rate_limit_per_minute=0)
    with Session(engine) as session, session.begin():
        ensure_rollup(session, base.tz)
        ensure_key(session, "fuzzer", Role.admin, ADMIN_KEY)
        for definition in load_journey_dir(REPO_ROOT / "surveys"):
            upsert_journey(session, definition)
    app = override_sessions(create_app(base), lambda: Session(engine, expire_on_commit=False))
    yield app
    engine.dispose()


def _operations() -> list[tuple[str, str]]:
    # The schema does not depend on the database, so the list is known at collection time.
    paths = create_app(Settings(rate_limit_per_minute=0)).openapi()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def _steer(case: Any) -> None:
    """Point most generated path parameters at rows that exist, so routes get past the 404."""
    for name, value in list((case.path_parameters or {}).items()):
        if name in KNOWN and len(str(value)) % 3 != 0:
            case.path_parameters[name] = KNOWN[name]


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda v: str(v))
def test_no_input_causes_a_server_error(api_schema: Any, method: str, path: str) -> None:
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOMISE,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        _steer(case)
        case.call_and_validate(
            headers={"Authorization": f"Bearer {ADMIN_KEY}"}, checks=[not_a_server_error]
        )

    fuzz()
