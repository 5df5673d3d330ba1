"""Reads use one journey read model per snapshot and read the rollup's zone once per session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from vocsvc.analytics import views
from vocsvc.analytics.readmodel import journey_view
from vocsvc.config import REPO_ROOT, get_settings
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.service import upsert_journey
from vocsvc.periods import parse_period


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.get_bind().engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_read_model_follows_the_definition(session: Session, retail: str) -> None:
    view = journey_view(session, retail)
    assert journey_view(session, retail) is view  # one per snapshot, not one per read
    assert [s.key for s in view.stages] == ["awareness", "arrival", "shopping", "checkout",
                                            "after_sales"]  # fmt: skip
    checkout = next(t for t in view.touchpoints if t.key == "checkout")
    assert checkout.owner == "收银部" and checkout.moment_of_truth
    assert dict(checkout.targets) == {"nps": 30.0, "csat": 4.2}
    assert "nps" in checkout.asks and checkout.stage_key == "checkout"

    definition = load_journey_file(REPO_ROOT / "surveys" / "retail.yaml")
    stages = [s for s in definition.stages if s.key != "arrival"]
    upsert_journey(session, definition.model_copy(update={"stages": stages}))
    session.flush()
    changed = journey_view(session, retail)
    assert changed is not view
    assert "arrival" not in [s.key for s in changed.stages]  # retired stages are not read


def test_an_overview_reads_the_rollup_zone_once(session: Session, retail: str) -> None:
    view = journey_view(session, retail)
    session.info.clear()  # as a new request's session
    period = parse_period("2026Q3", get_settings().tz)
    with statements(session) as seen:
        views.overview(session, view, period)
    zone_reads = [s for s in seen if "instance_secrets" in s]
    assert len(zone_reads) == 1
    assert len([s for s in seen if "response_daily_counts" in s]) >= 4  # and it was used
