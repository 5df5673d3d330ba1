"""The demo loads staff ratings, so its gap view shows staff against customers."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vocsvc.config import REPO_ROOT, get_settings
from vocsvc.demo.generate import IMPORTANCE, QUALITY, load_responses
from vocsvc.demo.staff import load_staff_ratings, quarters
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.models import InternalRating

Headers = dict[str, dict[str, str]]


def test_quarters_span_the_demo() -> None:
    tz = get_settings().tz
    assert quarters(datetime(2025, 12, 2, tzinfo=tz), datetime(2026, 12, 2, tzinfo=tz)) == [
        "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4",
    ]  # fmt: skip


def test_the_demos_gap_view_has_staff_and_customer_figures(
    client: TestClient, session: Session, keys: Headers
) -> None:
    retail = load_journey_file(REPO_ROOT / "surveys" / "retail.yaml")
    upsert_journey(session, retail)
    tz = get_settings().tz
    start, end = datetime(2026, 8, 10, tzinfo=tz), datetime(2026, 9, 30, 20, tzinfo=tz)
    rng = np.random.default_rng(11)
    load_responses(session, retail, rng, start, end)
    stored = load_staff_ratings(session, retail, rng, start, end, QUALITY, IMPORTANCE)
    session.flush()
    touchpoints = [tp.key for stage in retail.stages for tp in stage.touchpoints]
    assert stored == session.scalar(select(func.count()).select_from(InternalRating))
    assert stored >= 4 * len(touchpoints)

    reply = client.get("/v1/journeys/retail/gaps?period=2026Q3", headers=keys["viewer"])
    assert reply.status_code == 200, reply.text
    rows = {row["touchpoint"]: row for row in reply.json()["rows"]}
    assert set(rows) == set(touchpoints)
    for row in rows.values():  # several raters on every touchpoint
        assert row["internal_importance"]["n"] >= 4 and row["internal_performance"]["n"] >= 4
    both = [r for r in rows.values() if r["customer_performance"] and r["performance_gap"]]
    assert len(both) >= len(touchpoints) - 2, [r["touchpoint"] for r in rows.values()]
    # The misjudgements the demo tells: staff think the checkout queue performs well...
    checkout = rows["checkout"]["performance_gap"]
    assert float(checkout["value"]) > 0.5 and checkout["significant"]
    # ...and that price labels matter less than customers say they do.
    prices = rows["price_display"]["importance_gap"]
    assert float(prices["value"]) < -0.5 and prices["significant"]
    # Touchpoints with neither bias are not all flagged: the gaps are not noise everywhere.
    fair = [r for k, r in rows.items() if k in ("greeting", "staff_help", "fitting_room")]
    assert not all(r["performance_gap"]["significant"] for r in fair)
