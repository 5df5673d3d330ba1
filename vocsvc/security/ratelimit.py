"""An in-process token-bucket rate limiter: thread-safe, bounded memory, LRU eviction (pure).

Each key (a client address, or an address and a touchpoint) has a bucket holding up to
`per_minute` tokens that refills at `per_minute / 60` tokens a second; a request takes one
token. So a client gets `per_minute` requests a minute on average, in bursts of at most
`per_minute`. At most `max_keys` buckets are kept; the least recently used one is dropped first
(an evicted client simply starts again with a full bucket).

The limit holds per process: with N workers or replicas a client may get up to N times as much.
A limit shared by every process belongs in the load balancer or API gateway in front.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class RateLimiter:
    """Token buckets per key; `hit(key)` takes a token or says how long to wait for one."""

    def __init__(
        self,
        per_minute: int,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.per_minute = per_minute
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: Hashable) -> float:
        """Take a token for `key`: 0.0 when allowed, else the seconds until one is available."""
        with self._lock:
            now = self._clock()
            bucket = self._buckets.pop(key, None)
            if bucket is None:
                tokens = self.capacity
            else:
                tokens, updated = bucket
                tokens = min(self.capacity, tokens + (now - updated) * self.rate)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)  # re-inserted last: the most recently used
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)
