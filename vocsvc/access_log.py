"""The access log names each query parameter but never prints its value, and masks PII in paths.

A query value may be anything a client typed: `?segment=13812345678` for a filter, a survey
link's `?channel=`. uvicorn writes the target as received, so the line is rewritten here, on
the `uvicorn.access` logger, before any handler formats it.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

from vocsvc.text.redact import redact_text

ACCESS_LOGGER = "uvicorn.access"
HIDDEN = "..."


def loggable_target(target: str) -> str:
    """A request target as the access log shows it: `/path?name=...&other=...`, PII masked."""
    path, has_query, query = target.partition("?")
    if has_query:
        names = (unquote_plus(part.partition("=")[0]) for part in query.split("&") if part)
        path += "?" + "&".join(f"{name}={HIDDEN}" for name in names)
    return redact_text(path)


class HideQueryValues(logging.Filter):
    """Rewrites uvicorn's access records: (client, method, target, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], loggable_target(args[2]), args[3], args[4])
        return True


def hide_query_values() -> None:
    """Install the filter on uvicorn's access logger (once a process)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, HideQueryValues) for f in logger.filters):
        logger.addFilter(HideQueryValues())
