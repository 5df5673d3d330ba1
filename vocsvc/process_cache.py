"""Copies of rarely changing rows that a process reuses for a moment without reading them again.

Every customer's answer needs its journey's definition and the webhook subscriptions. Checking
both against the database costs two queries per batch of answers: on a busy server, the largest
fixed cost of a small batch. A copy read or confirmed less than `catalog_recheck_seconds` ago is
used as it is. So:

- a change made by another process (another worker, another replica) reaches this one within
  that time;
- a change made by this process reaches it at once: the changing code forgets the copy
  (`forget_on_commit`);
- a batch of answers that fails forgets every copy before it is retried, so a copy that
  outlived its rows (a deleted webhook) costs one retry, never an answer.

Copies are kept per database (engine), so two databases in one process never share them.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from vocsvc.config import get_settings

V = TypeVar("V")

_every_cache: weakref.WeakSet[ProcessCopies[Any]] = weakref.WeakSet()
_clock: Callable[[], float] = time.monotonic  # tests move time forward


def now() -> float:
    """The clock copies are stamped with."""
    return _clock()


def engine_of(session: Session) -> Engine:
    """The engine behind a session (bound to an engine, or to a connection in tests)."""
    return session.get_bind().engine


class ProcessCopies(Generic[V]):
    """key -> (copy, when it was last confirmed), per engine; the least recently used go first."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._by_engine: weakref.WeakKeyDictionary[
            Engine, OrderedDict[Hashable, tuple[V, float]]
        ] = weakref.WeakKeyDictionary()
        _every_cache.add(self)

    def fresh(self, engine: Engine, key: Hashable) -> V | None:
        """The copy of `key` if it was confirmed within `catalog_recheck_seconds`, else None."""
        window = get_settings().catalog_recheck_seconds
        entry = self._entry(engine, key)
        if entry is None or now() - entry[1] >= window:
            return None
        return entry[0]

    def any_age(self, engine: Engine, key: Hashable) -> V | None:
        """The copy of `key` however old (to compare its version with the database's)."""
        entry = self._entry(engine, key)
        return None if entry is None else entry[0]

    def _entry(self, engine: Engine, key: Hashable) -> tuple[V, float] | None:
        with self._lock:
            copies = self._by_engine.get(engine)
            return None if copies is None else copies.get(key)

    def confirm(self, engine: Engine, key: Hashable, copy: V, read_at: float) -> None:
        """Keep `copy` as matching the database at `read_at` (taken before the query ran)."""
        with self._lock:
            copies = self._by_engine.setdefault(engine, OrderedDict())
            copies[key] = (copy, read_at)
            copies.move_to_end(key)
            while len(copies) > self._limit:
                copies.popitem(last=False)

    def forget(self, key: Hashable | None = None) -> None:
        """Drop the copies of `key` (of everything when None) for every engine."""
        with self._lock:
            for copies in self._by_engine.values():
                if key is None:
                    copies.clear()
                else:
                    copies.pop(key, None)


def forget_on_commit(session: Session, copies: ProcessCopies[V], key: Hashable) -> None:
    """For code that changes the rows behind `key`: forget the copy now and when `session`
    commits (a batch of answers may read and keep the old rows in between)."""
    copies.forget(key)
    event.listen(session, "after_commit", lambda _session: copies.forget(key), once=True)


def forget_all() -> None:
    """Forget every copy in this process (after a failed batch; between tests)."""
    for cache in list(_every_cache):
        cache.forget()
