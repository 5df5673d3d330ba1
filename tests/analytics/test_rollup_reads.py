"""The reads that moved to the rollups answer exactly what a scan of the answers answers."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.rollups.test_rollups_exact import rows
from vocsvc.analytics.repository import AnalyticsRepository
from vocsvc.analytics.service import rollup_days
from vocsvc.config import get_settings
from vocsvc.ingest.erase import delete_responses
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.periods import parse_period
from vocsvc.rollups import service as rollup

Headers = dict[str, dict[str, str]]


def windows(labels: list[str]) -> list[tuple[datetime, datetime]]:
    tz = get_settings().tz
    return [(p.start, p.end) for p in (parse_period(label, tz) for label in labels)]


def compare(session: Session, journey_id: int) -> None:
    repo = AnalyticsRepository(session)
    for labels in (["2026Q1", "2026Q2"], ["2026-05", "2026-06", "2026-07"], ["2026"]):
        ws = windows(labels)
        days = rollup_days(session, ws)
        assert days is not None
        for metric in ("nps", "csat"):
            for by in ("segment", "channel"):
                scan = repo.score_counts(journey_id, metric, by, ws)
                rolled = repo.score_counts_from_rollup(journey_id, metric, by, days)
                assert dict(rolled) == dict(scan), (labels, metric, by)
        for by in ("stage", "touchpoint", "journey"):
            scan_sums = repo.sentiment_sums(journey_id, by, ws)
            rolled_sums = repo.sentiment_sums_from_rollup(journey_id, by, days)
            assert rolled_sums.keys() == scan_sums.keys(), (labels, by)
            for key, want in scan_sums.items():
                have = rolled_sums[key]
                assert (have.n, have.negatives, have.mixed, have.no_opinion) == (
                    want.n, want.negatives, want.mixed, want.no_opinion)  # fmt: skip
                assert have.total == pytest.approx(want.total, rel=1e-9, abs=1e-9)
                assert have.total_sq == pytest.approx(want.total_sq, rel=1e-9, abs=1e-9)
        for window, day in zip(ws, days, strict=True):
            assert repo.response_counts_from_rollup(journey_id, day) == repo.response_counts(
                journey_id, window
            )
    assert repo.response_counts_from_rollup(journey_id, None) == repo.response_counts(
        journey_id, None
    )


def test_rollup_reads_equal_scans(session: Session, retail: str) -> None:
    import_bulk(session, rows(400, 11))
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    compare(session, journey.id)
    from sqlalchemy import select

    from vocsvc.models import Response

    ids = list(session.scalars(select(Response.id)))
    delete_responses(session, ids[::4])
    compare(session, journey.id)


def test_api_gives_the_same_figures_from_rollup_and_scan(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    from zoneinfo import ZoneInfo

    import_bulk(session, rows(300, 12))
    session.commit()
    urls = [
        "/v1/journeys/retail/nps?by=segment&period=2026Q2",
        "/v1/journeys/retail/csat?by=channel&period=2026Q2",
        "/v1/journeys/retail/sentiment?by=stage&period=2026Q2",
        "/v1/journeys/retail/overview?period=2026Q2",
    ]
    fast = [client.get(u, headers=keys["viewer"]).json() for u in urls]
    rollup.rebuild(session, ZoneInfo("UTC"))  # the rollups now disagree with VOCSVC_TIMEZONE
    session.commit()
    slow = [client.get(u, headers=keys["viewer"]).json() for u in urls]
    # The map stays up; only its ranking leaves the aspects out (they have no scan to fall
    # back on) and says so. Every figure is the same.
    assert (fast[-1].pop("aspect_evidence"), slow[-1].pop("aspect_evidence")) == (
        "included", "rebuilding")  # fmt: skip
    assert all("aspect" not in s["metrics"] for s in slow[-1]["ranking"]["stages"])
    for body in (fast[-1], slow[-1]):
        for key in ("ranking", "weakest_stage", "weakest_reason"):
            body.pop(key)
    assert close(slow, fast)


def close(a: object, b: object) -> bool:
    """Equal, floats up to summation order (p-values are sent unrounded)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-12)
    return a == b
