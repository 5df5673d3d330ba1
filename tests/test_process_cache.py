"""Process copies of definitions: trusted for the recheck window, per database, forgettable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from vocsvc import process_cache
from vocsvc.config import Settings
from vocsvc.process_cache import ProcessCopies, forget_all, forget_on_commit


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(process_cache, "_clock", fake)
    return fake


@pytest.fixture
def engines() -> Iterator[tuple[Engine, Engine]]:
    first, second = create_engine("sqlite://"), create_engine("sqlite://")
    yield first, second
    first.dispose()
    second.dispose()


def window(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    settings = Settings(catalog_recheck_seconds=seconds)
    monkeypatch.setattr(process_cache, "get_settings", lambda: settings)


@pytest.mark.parametrize("seconds", [1.0, 0.0])
def test_a_copy_is_trusted_for_the_window_only(
    clock: Clock, engines: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch, seconds: float
) -> None:
    window(monkeypatch, seconds)
    engine, _ = engines
    copies: ProcessCopies[str] = ProcessCopies(limit=4)
    read_at = process_cache.now()
    clock.t += 0.3  # the query took a while: the copy's age counts from before it ran
    copies.confirm(engine, "retail", "v1", read_at)
    clock.t += 0.6
    assert copies.fresh(engine, "retail") == ("v1" if seconds else None)  # 0: trust nothing
    clock.t += 0.1
    assert copies.fresh(engine, "retail") is None
    assert copies.any_age(engine, "retail") == "v1"  # still there, to compare versions with


def test_copies_are_kept_per_database(clock: Clock, engines: tuple[Engine, Engine]) -> None:
    first, second = engines
    copies: ProcessCopies[str] = ProcessCopies(limit=4)
    copies.confirm(first, "retail", "first", process_cache.now())
    assert copies.fresh(first, "retail") == "first"
    assert copies.fresh(second, "retail") is None
    copies.confirm(second, "retail", "second", process_cache.now())
    assert (copies.fresh(first, "retail"), copies.fresh(second, "retail")) == ("first", "second")


def test_the_least_recently_confirmed_copy_goes_first(
    clock: Clock, engines: tuple[Engine, Engine]
) -> None:
    engine, _ = engines
    copies: ProcessCopies[int] = ProcessCopies(limit=2)
    for number, key in enumerate(["a", "b", "a", "c"]):
        copies.confirm(engine, key, number, process_cache.now())
    assert [copies.any_age(engine, k) for k in "abc"] == [2, None, 3]


def test_forgetting(clock: Clock, engines: tuple[Engine, Engine]) -> None:
    first, second = engines
    journeys: ProcessCopies[str] = ProcessCopies(limit=4)
    hooks: ProcessCopies[str] = ProcessCopies(limit=1)
    for engine in engines:
        journeys.confirm(engine, "retail", "r", process_cache.now())
        journeys.confirm(engine, "b2b", "b", process_cache.now())
        hooks.confirm(engine, "subscriptions", "s", process_cache.now())
    journeys.forget("retail")
    assert [journeys.fresh(e, "retail") for e in engines] == [None, None]
    assert journeys.fresh(second, "b2b") == "b"
    forget_all()
    assert journeys.fresh(first, "b2b") is None and hooks.fresh(first, "subscriptions") is None


def test_a_change_forgets_the_copy_again_when_it_commits(
    clock: Clock, engines: tuple[Engine, Engine]
) -> None:
    engine, _ = engines
    copies: ProcessCopies[str] = ProcessCopies(limit=4)
    copies.confirm(engine, "retail", "old", process_cache.now())
    with Session(engine) as session:
        forget_on_commit(session, copies, "retail")
        assert copies.fresh(engine, "retail") is None
        # Meanwhile a batch of answers reads the rows as they were before the change.
        copies.confirm(engine, "retail", "old", process_cache.now())
        session.commit()
        assert copies.fresh(engine, "retail") is None
        copies.confirm(engine, "retail", "new", process_cache.now())
        session.commit()  # the listener fired once: later commits forget nothing
        assert copies.fresh(engine, "retail") == "new"
