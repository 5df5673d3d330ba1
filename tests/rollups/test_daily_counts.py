"""The daily rollup must answer exactly what a GROUP BY over the responses answers."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vocsvc.analytics.repository import AnalyticsRepository
from vocsvc.config import get_settings
from vocsvc.ingest.pipeline import import_bulk
from vocsvc.installation.service import rollup_timezone
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.periods import parse_period
from vocsvc.responses.schemas import ImportedResponseIn
from vocsvc.rollups import service as rollup

TOUCHPOINTS = ["checkout", "returns", "fresh_produce", "hotline", "parking", "word_of_mouth"]


def random_rows(n: int, seed: int) -> list[ImportedResponseIn]:
    rng = np.random.default_rng(seed)
    start = datetime(2026, 3, 25, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for _ in range(n):
        tp = TOUCHPOINTS[int(rng.integers(len(TOUCHPOINTS)))]
        row: dict[str, Any] = {
            "journey": "retail",
            "touchpoint": tp,
            # minutes, so that local-midnight edges (16:00 UTC) are crossed often
            "submitted_at": start + timedelta(minutes=int(rng.integers(0, 200 * 24 * 60))),
        }
        if tp in ("checkout", "returns", "fresh_produce", "hotline", "word_of_mouth"):
            row["nps"] = int(rng.integers(0, 11))
        if tp != "word_of_mouth":
            row["csat"] = int(rng.integers(1, 6))
        if tp != "fresh_produce" and tp != "word_of_mouth" and rng.random() < 0.7:
            row["importance"] = int(rng.integers(1, 6))
        rows.append(row)
    return [ImportedResponseIn.model_validate(r) for r in rows]


def windows(labels: list[str]) -> list[tuple[datetime, datetime]]:
    tz = get_settings().tz
    return [(p.start, p.end) for p in (parse_period(label, tz) for label in labels)]


def compare(session: Session, journey_id: int) -> None:
    """Rollup counts equal GROUP BY counts for every metric, grouping and several windows."""
    tz = get_settings().tz
    repo = AnalyticsRepository(session)
    for labels in (["2026Q1", "2026Q2"], ["2026Q2", "2026Q3"], ["2026-06", "2026-07", "2026-08"]):
        ws = windows(labels)
        local_days = [(a.astimezone(tz).date(), b.astimezone(tz).date()) for a, b in ws]
        for metric in ("nps", "csat", "importance"):
            for by in ("stage", "touchpoint", "journey"):
                raw = repo.score_counts(journey_id, metric, by, ws)  # type: ignore[arg-type]
                rolled = repo.score_counts_from_rollup(journey_id, metric, by, local_days)  # type: ignore[arg-type]
                assert dict(rolled) == dict(raw), (labels, metric, by)


def test_incremental_rollup_equals_group_by(session: Session, retail: str) -> None:
    for seed in (1, 2):  # two batches: the upsert must add, not overwrite
        import_bulk(session, random_rows(600, seed))
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    compare(session, journey.id)


def test_public_answers_are_counted(client: TestClient, session: Session, retail: str) -> None:
    for score in (10, 10, 3):
        client.post(
            "/v1/public/responses",
            json={"journey": "retail", "touchpoint": "checkout", "nps": score},
        )
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    tz = get_settings().tz
    today = datetime.now(tz).date()
    counts = AnalyticsRepository(session).score_counts_from_rollup(
        journey.id, "nps", "journey", [(today, today + timedelta(days=1))]
    )
    assert counts[(0, "all")] == {10: 2, 3: 1}


def test_rebuild_in_another_zone(session: Session, retail: str) -> None:
    import_bulk(session, random_rows(400, 3))
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    berlin = ZoneInfo("Europe/Berlin")  # has DST, unlike Shanghai
    assert rollup.ensure_rollup(session, berlin) == 400
    assert rollup_timezone(session) == "Europe/Berlin"
    assert rollup.ensure_rollup(session, berlin) is None  # nothing to do the second time
    repo = AnalyticsRepository(session)
    start = datetime(2026, 4, 1, tzinfo=berlin)
    end = datetime(2026, 7, 1, tzinfo=berlin)
    raw = repo.score_counts(journey.id, "nps", "touchpoint", [(start, end)])
    rolled = repo.score_counts_from_rollup(
        journey.id, "nps", "touchpoint", [(start.date(), end.date())]
    )
    assert dict(rolled) == dict(raw)
    rollup.ensure_rollup(session, get_settings().tz)
    compare(session, journey.id)


def test_api_uses_raw_path_when_rollup_is_stale(
    client: TestClient, session: Session, keys: dict[str, dict[str, str]], retail: str
) -> None:
    import_bulk(session, random_rows(300, 4))
    session.commit()
    url = "/v1/journeys/retail/nps?by=touchpoint&period=2026Q2"
    fast = client.get(url, headers=keys["viewer"]).json()
    rollup.rebuild(session, ZoneInfo("UTC"))  # the rollup now disagrees with VOCSVC_TIMEZONE
    session.commit()
    slow = client.get(url, headers=keys["viewer"]).json()
    assert slow == fast


@pytest.mark.parametrize("moment", ["2026-06-30T16:00:00+00:00", "2026-06-30T15:59:59+00:00"])
def test_day_boundary(session: Session, retail: str, moment: str) -> None:
    row = {"journey": "retail", "touchpoint": "checkout", "nps": 9, "submitted_at": moment}
    import_bulk(session, [ImportedResponseIn.model_validate(row)])
    journey = JourneyRepository(session).get_by_key("retail")
    assert journey is not None
    compare(session, journey.id)
