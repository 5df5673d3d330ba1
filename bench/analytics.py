"""Time NPS by stage for one quarter over 1,000,000 responses, on SQLite and on PostgreSQL.

    .venv/bin/python bench/analytics.py [--rows 1000000] [--sqlite-only] [--pg URL]

Loads synthetic responses straight through SQLAlchemy Core (the query is what is measured),
then times the service's breakdown (SQL aggregate + statistics) cold once and warm N times.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from vocsvc.analytics.readmodel import journey_view
from vocsvc.analytics.service import breakdown, family_breakdown
from vocsvc.config import REPO_ROOT, get_settings
from vocsvc.db import build_engine
from vocsvc.ingest.rollup import rebuild
from vocsvc.installation.service import record_rollup_timezone
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.journeys.service import upsert_journey
from vocsvc.migrate import upgrade
from vocsvc.models import Response
from vocsvc.periods import parse_period

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def load(engine: Engine, rows: int, seed: int = 7) -> None:
    with Session(engine) as session, session.begin():
        upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "retail.yaml"))
    with Session(engine) as session:
        journey = JourneyRepository(session).get_by_key("retail")
        assert journey is not None
        tps = [
            (tp.id, tp.stage_id, tp.current_survey_id)
            for s in journey.stages
            for tp in s.touchpoints
        ]
    rng = np.random.default_rng(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch = 50_000
    with engine.begin() as conn:
        for offset in range(0, rows, batch):
            size = min(batch, rows - offset)
            picks = rng.integers(len(tps), size=size)
            seconds = rng.integers(0, 365 * 86400, size=size)
            nps = rng.integers(0, 11, size=size)
            csat = rng.integers(1, 6, size=size)
            now = datetime.now(UTC)
            conn.execute(
                insert(Response),
                [
                    {
                        "journey_id": journey.id, "stage_id": tps[p][1], "touchpoint_id": tps[p][0],
                        "survey_version_id": tps[p][2], "nps": int(n), "csat": int(c),
                        "submitted_at": start + timedelta(seconds=int(s)), "received_at": now,
                        "source": "import",
                    }
                    for p, s, n, c in zip(picks, seconds, nps, csat, strict=True)
                ],
            )  # fmt: skip
    # Rows went in behind the service's back (Core inserts), so count them into the rollup the
    # way `vocsvc db upgrade` backfills an existing database.
    began = time.perf_counter()
    with Session(engine) as session, session.begin():
        rebuild(session, get_settings().tz)
    print(f"  rollup rebuilt from {rows:,} responses in {time.perf_counter() - began:.1f}s")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def time_query(
    engine: Engine, repeats: int, use_rollup: bool = True
) -> tuple[float, list[float], int]:
    period = parse_period("2026Q3", get_settings().tz)
    timings = []
    with Session(engine) as session:
        if not use_rollup:  # a zone the rollup was not counted in forces the GROUP BY path
            record_rollup_timezone(session, "UTC")
        journey = journey_view(session, "retail")  # what the routes pass (the read model)
        for _ in range(repeats + 1):
            began = time.perf_counter()
            overall, _rows = breakdown(session, journey, "nps", "stage", period)
            timings.append((time.perf_counter() - began) * 1000)
    return timings[0], timings[1:], overall.n


def time_without_touchpoints(engine: Engine, repeats: int) -> list[float]:
    """The same breakdown loading only the journey and stage levels: what it cost before the
    significance family (issue 18) added the touchpoints' comparisons to every stage view."""
    period = parse_period("2026Q3", get_settings().tz)
    timings = []
    with Session(engine) as session:
        journey = journey_view(session, "retail")  # what the routes pass (the read model)
        for _ in range(repeats + 1):
            began = time.perf_counter()
            family_breakdown(session, journey, "nps", ("journey", "stage"), period)
            timings.append((time.perf_counter() - began) * 1000)
    return timings[1:]


def run(name: str, url: str, rows: int, repeats: int) -> None:
    engine = build_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(url)
    began = time.perf_counter()
    load(engine, rows)
    loaded = time.perf_counter() - began
    cold, warm, n = time_query(engine, repeats)
    narrow = time_without_touchpoints(engine, repeats)
    _raw_cold, raw_warm, _ = time_query(engine, 3, use_rollup=False)
    p95 = sorted(warm)[int(0.95 * (len(warm) - 1))]
    print(
        f"{name:10s} rows={rows:,} load={loaded:.1f}s  NPS by stage, 2026Q3 (n={n:,} in quarter "
        f"+ previous quarter compared): cold {cold:.1f} ms, "
        f"warm median {statistics.median(warm):.1f} ms, p95 {p95:.1f} ms over {len(warm)} runs"
        f" | without rollup (plain GROUP BY): warm median {statistics.median(raw_warm):.1f} ms"
        f" | journey+stage only (no touchpoint family): warm median "
        f"{statistics.median(narrow):.1f} ms, family/narrow "
        f"{statistics.median(warm) / statistics.median(narrow):.2f}x"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg", default=PG_DEFAULT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.rows, args.repeats)
    if not args.sqlite_only:
        run("postgresql", args.pg, args.rows, args.repeats)


if __name__ == "__main__":
    main()
