"""The migrations build what the models describe; each step keeps the rows it finds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.support import fresh_postgres_schema
from vocsvc.config import REPO_ROOT
from vocsvc.db import build_engine
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import downgrade, upgrade
from vocsvc.models import Base


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (a SQLite file, or a new PostgreSQL schema)."""
    if make_url(database_url).get_backend_name() == "postgresql":
        with fresh_postgres_schema(database_url, "vocsvc_test_migration_steps") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'steps.db'}"


def test_0008_keeps_every_answer_and_leaves_the_old_ones_unhashed(fresh_url: str) -> None:
    upgrade(fresh_url, "0007")
    engine = build_engine(fresh_url)
    try:
        with Session(engine) as session, session.begin():
            upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "retail.yaml"))
        with engine.begin() as conn:  # an answer stored before 0008, under a key
            checkout = conn.execute(
                text("SELECT id, journey_id, stage_id, current_survey_id FROM touchpoints"
                     " WHERE key = 'checkout'")
            ).one()  # fmt: skip
            conn.execute(
                text("INSERT INTO responses (journey_id, stage_id, touchpoint_id,"
                     " survey_version_id, nps, source, submitted_at, received_at, mixed,"
                     " idempotency_key) VALUES (:j, :s, :t, :v, 7, 'public', :now, :now,"
                     " false, 'k-before')"),
                {"j": checkout.journey_id, "s": checkout.stage_id, "t": checkout.id,
                 "v": checkout.current_survey_id, "now": datetime.now(UTC)},
            )  # fmt: skip
        upgrade(fresh_url, "0008")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT idempotency_key, answer_hash FROM responses")).all()
            assert [tuple(r) for r in rows] == [("k-before", None)]
        downgrade(fresh_url, "0007")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("responses")}
            assert "answer_hash" not in columns
            assert conn.execute(text("SELECT count(*) FROM responses")).scalar_one() == 1
        upgrade(fresh_url, "head")
    finally:
        engine.dispose()
