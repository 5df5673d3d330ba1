"""The per-process journey snapshot: reused while unchanged, reloaded after a change (at once
after this process's own change, within the recheck window after another's)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from vocsvc import process_cache
from vocsvc.config import REPO_ROOT, get_settings
from vocsvc.journeys import snapshots
from vocsvc.journeys.loader import load_journey_file
from vocsvc.journeys.repository import JourneyRepository
from vocsvc.journeys.service import upsert_journey
from vocsvc.journeys.snapshots import Catalog
from vocsvc.models import Journey, Response
from vocsvc.process_cache import engine_of

Headers = dict[str, dict[str, str]]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Keys of every full journey load (the query the snapshot saves)."""
    seen: list[str] = []
    original = JourneyRepository.get_by_key

    def counting(self: JourneyRepository, key: str) -> Any:
        seen.append(key)
        return original(self, key)

    monkeypatch.setattr(JourneyRepository, "get_by_key", counting)
    return seen


def test_unchanged_journeys_are_not_loaded_again(
    client: TestClient, retail: str, loads: list[str]
) -> None:
    for nps in range(5):
        answer = {"journey": "retail", "touchpoint": "checkout", "nps": nps}
        assert client.post("/v1/public/responses", json=answer).status_code == 201
    assert client.get("/v1/public/journeys/retail/touchpoints/checkout/survey").status_code == 200
    assert loads.count("retail") <= 1


def test_a_changed_survey_is_used_at_once(
    client: TestClient, session: Session, keys: Headers, retail: str
) -> None:
    answer = {"journey": "retail", "touchpoint": "checkout", "nps": 9}
    first = client.post("/v1/public/responses", json=answer).json()["id"]
    definition = yaml.safe_load((REPO_ROOT / "surveys" / "retail.yaml").read_text())
    checkout = next(t for s in definition["stages"] for t in s["touchpoints"]
                    if t["key"] == "checkout")  # fmt: skip
    checkout["questions"] = ["csat", "comment"]  # nps no longer asked: a new survey version
    assert client.post("/v1/journeys", json=definition, headers=keys["admin"]).status_code == 200
    refused = client.post("/v1/public/responses", json=answer)
    assert refused.status_code == 422 and "not_asked" in refused.text  # the stable code
    second = client.post("/v1/public/responses", json={**answer, "nps": None, "csat": 4})
    assert second.status_code == 201
    versions = {session.get(Response, i).survey_version_id for i in (first, second.json()["id"])}  # type: ignore[union-attr]
    assert len(versions) == 2
    survey = client.get("/v1/public/journeys/retail/touchpoints/checkout/survey").json()
    assert [q["id"] for q in survey["questions"]] == ["csat", "comment"]


def test_unknown_journeys_are_not_cached(session: Session) -> None:
    assert snapshots.journey_snapshot(session, "nope") is None
    assert snapshots._snapshots.any_age(engine_of(session), "nope") is None


def test_a_batch_checks_all_its_journeys_with_one_query(
    session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    upsert_journey(session, load_journey_file(REPO_ROOT / "surveys" / "b2b_procurement.yaml"))
    session.commit()
    asked: list[set[str]] = []
    original = JourneyRepository.versions

    def counting(self: JourneyRepository, keys: Collection[str]) -> Any:
        asked.append(set(keys))
        return original(self, keys)

    monkeypatch.setattr(JourneyRepository, "versions", counting)
    catalog = Catalog(session)
    catalog.load(["retail", "b2b_procurement", "nope", "retail"])
    assert asked == [{"retail", "b2b_procurement", "nope"}]
    assert catalog.journey("retail") is not None and catalog.journey("nope") is None
    assert catalog.journey("b2b_procurement") is not None
    assert len(asked) == 1  # the look-ups above were answered by the batch's one query


def test_a_change_made_elsewhere_is_seen_once_the_window_passed(
    session: Session, retail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [100.0]
    monkeypatch.setattr(process_cache, "_clock", lambda: clock[0])
    asked: list[Collection[str]] = []
    original = JourneyRepository.versions

    def counting(self: JourneyRepository, keys: Collection[str]) -> Any:
        asked.append(keys)
        return original(self, keys)

    monkeypatch.setattr(JourneyRepository, "versions", counting)
    before = snapshots.journey_snapshot(session, "retail")
    assert before is not None and len(asked) == 1
    # Another process changes the journey: no upsert_journey here to forget this copy.
    changed_at = before.updated_at + timedelta(seconds=5)
    session.execute(update(Journey).where(Journey.key == "retail").values(updated_at=changed_at))
    session.commit()
    clock[0] += get_settings().catalog_recheck_seconds * 0.9
    assert snapshots.journey_snapshot(session, "retail") is before
    assert len(asked) == 1  # trusted: no query
    clock[0] += get_settings().catalog_recheck_seconds * 0.2
    after = snapshots.journey_snapshot(session, "retail")
    assert len(asked) == 2 and after is not None
    assert after.updated_at.replace(tzinfo=None) == changed_at.replace(tzinfo=None)
