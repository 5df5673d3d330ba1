"""What a long-running process (the server, a CLI reading a stream) does once it has loaded."""

from __future__ import annotations

import functools
import gc


@functools.cache  # once a process: a test run starts many apps
def freeze_what_lives_forever() -> None:
    """Move every object alive now out of the collector's sight, for the rest of the process."""
    # What is loaded by now (modules, the model, routes) lives as long as the process: the
    # collector need not walk it again. Without this, each full collection of the server walked
    # ~200k objects, a 130-150 ms pause of every request in flight (the ingest p99), and
    # `text analyze` spent about a seventh of its time collecting (bench/sentiment.py, speed).
    gc.collect()
    gc.freeze()
