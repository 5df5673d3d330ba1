"""What the rollups and monthly partitions each buy, on a PostgreSQL database already loaded by
bench/analytics.py (it leaves its last, largest run in place).

    nice -n 10 .venv/bin/python bench/analytics.py --rows 10000000 --db postgresql --pg URL
    nice -n 10 .venv/bin/python bench/scaling.py --pg URL [--repeats 5]

It times, warm (median of --repeats after one call), the NPS-by-stage counts of a quarter and
of the whole year two ways: the scan of the answers (`AnalyticsRepository.score_counts`, what
every read cost before the rollups) and the daily rollup (`score_counts_from_rollup`, what the
service reads). Then it copies the answers into a table partitioned by month (PostgreSQL
declarative range partitioning on `submitted_at`, the same index), times the same scan there,
and times retiring the oldest month both ways: a DELETE of its rows against a DETACH PARTITION
(each in a transaction that is rolled back). Last, the size on disk of every table involved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from vocsvc.analytics.repository import AnalyticsRepository
from vocsvc.config import get_settings
from vocsvc.db import build_engine

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test_bench"
YEAR = 2026
PARTITIONED = "responses_by_month"
Windows = tuple[list[tuple[datetime, datetime]], list[tuple[date, date]]]


def _warm(call: Callable[[], Any], repeats: int) -> float:
    """Median ms of `repeats` calls after one untimed call."""
    call()
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def _windows(first: date, end: date) -> Windows:
    tz = get_settings().tz
    start = datetime(first.year, first.month, first.day, tzinfo=tz).astimezone(UTC)
    stop = datetime(end.year, end.month, end.day, tzinfo=tz).astimezone(UTC)
    return [(start, stop)], [(first, end)]


def _journey_id(session: Session) -> int:
    return int(session.execute(text("SELECT id FROM journeys WHERE key = 'retail'")).scalar_one())


def time_scan_and_rollup(engine: Engine, repeats: int) -> None:
    spans = {
        "quarter (2026Q3)": (date(YEAR, 7, 1), date(YEAR, 10, 1)),
        "year (2026)": (date(YEAR, 1, 1), date(YEAR + 1, 1, 1)),
    }
    with Session(engine) as session:
        journey = _journey_id(session)
        repo = AnalyticsRepository(session)
        answers = session.execute(text("SELECT count(*) FROM responses")).scalar_one()
        print(f"responses: {answers:,}")
        for label, (first, end) in spans.items():
            windows, days = _windows(first, end)
            scan = _warm(partial(repo.score_counts, journey, "nps", "stage", windows), repeats)
            rolled = _warm(
                partial(repo.score_counts_from_rollup, journey, "nps", "stage", days), repeats
            )
            same = repo.score_counts(journey, "nps", "stage", windows) == (
                repo.score_counts_from_rollup(journey, "nps", "stage", days)
            )
            print(f"  NPS by stage, {label:17s} scan {scan:9.1f} ms   rollup {rolled:7.1f} ms   "
                  f"({scan / rolled:6.0f}x; counts equal: {same})")  # fmt: skip


def partition(engine: Engine) -> float:
    """Copy the answers into a table partitioned by month; returns seconds taken."""
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {PARTITIONED} CASCADE"))
        conn.execute(text(
            f"CREATE TABLE {PARTITIONED} (LIKE responses INCLUDING DEFAULTS) "
            "PARTITION BY RANGE (submitted_at)"
        ))  # fmt: skip
        for month in range(1, 13):
            lo = date(YEAR, month, 1)
            hi = date(YEAR + (month == 12), month % 12 + 1, 1)
            conn.execute(text(
                f"CREATE TABLE {PARTITIONED}_{month:02d} PARTITION OF {PARTITIONED} "
                f"FOR VALUES FROM ('{lo}') TO ('{hi}')"
            ))  # fmt: skip
        conn.execute(text(f"CREATE TABLE {PARTITIONED}_rest PARTITION OF {PARTITIONED} DEFAULT"))
        conn.execute(text(f"INSERT INTO {PARTITIONED} SELECT * FROM responses"))  # noqa: S608
        conn.execute(text(
            f"CREATE INDEX ix_{PARTITIONED}_journey_submitted ON {PARTITIONED} "
            "(journey_id, submitted_at)"
        ))  # fmt: skip
        conn.execute(text(f"ANALYZE {PARTITIONED}"))
    return time.perf_counter() - began


def time_partitioned_scan(engine: Engine, repeats: int) -> None:
    sql = (
        "SELECT stage_id, nps, count(*) FROM {table} WHERE journey_id = :j "
        "AND submitted_at >= :lo AND submitted_at < :hi AND nps IS NOT NULL "
        "GROUP BY stage_id, nps"
    )
    with Session(engine) as session:
        journey = _journey_id(session)
        for label, (first, end) in {
            "quarter (2026Q3)": (date(YEAR, 7, 1), date(YEAR, 10, 1)),
            "month (2026-09)": (date(YEAR, 9, 1), date(YEAR, 10, 1)),
        }.items():
            windows, _ = _windows(first, end)
            lo, hi = windows[0]
            params = {"j": journey, "lo": lo, "hi": hi}

            def scan(table: str, params: dict[str, Any] = params) -> None:
                session.execute(text(sql.format(table=table)), params).all()

            plain, parted = (_warm(partial(scan, t), repeats) for t in ("responses", PARTITIONED))
            print(f"  NPS-by-stage scan, {label:17s} one table {plain:9.1f} ms   "
                  f"by month {parted:9.1f} ms   ({plain / parted:4.2f}x)")  # fmt: skip


def time_retiring_a_month(engine: Engine) -> None:
    lo, hi = datetime(YEAR, 1, 1, tzinfo=UTC), datetime(YEAR, 2, 1, tzinfo=UTC)
    january = "submitted_at >= :lo AND submitted_at < :hi"
    for label, sql in (
        ("DELETE one month", f"DELETE FROM {PARTITIONED} WHERE {january}"),  # noqa: S608
        ("DETACH its partition", f"ALTER TABLE {PARTITIONED} DETACH PARTITION {PARTITIONED}_01"),
    ):
        with engine.connect() as conn:
            began = time.perf_counter()
            result = conn.execute(text(sql), {"lo": lo, "hi": hi})
            took = (time.perf_counter() - began) * 1000
            rows = result.rowcount if result.rowcount and result.rowcount > 0 else 0
            conn.rollback()
        counted = f" ({rows:,} rows)" if rows else ""
        print(f"  retire January: {label:21s} {took:10.1f} ms{counted}")


def print_sizes(engine: Engine) -> None:
    tables = (
        "responses", "response_terms", "response_aspects", "response_daily_counts",
        "response_daily_stats", "response_daily_terms", "response_daily_aspects",
        "response_daily_dimensions",
    )  # fmt: skip
    with engine.connect() as conn:
        for t in tables:
            rows = conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
            size = conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": t}).scalar_one()
            print(f"  {t:27s} {rows:12,} rows {size / 2**20:9.0f} MiB (with indexes)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the partitioned copy")
    args = parser.parse_args()
    os.nice(max(0, 10 - os.nice(0)))
    engine = build_engine(args.pg)
    print("rollups: the scan of the answers against the daily rollup (same counts)")
    time_scan_and_rollup(engine, args.repeats)
    took = partition(engine)
    print(f"partitions: the answers copied into a table partitioned by month in {took:.1f}s")
    time_partitioned_scan(engine, args.repeats)
    time_retiring_a_month(engine)
    print("sizes on disk")
    print_sizes(engine)
    if not args.keep:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {PARTITIONED} CASCADE"))
    engine.dispose()


if __name__ == "__main__":
    main()
