"""`vocsvc report JOURNEY [PERIOD]`: a quarterly review as HTML or JSON (see register())."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeAlias

from vocsvc.config import get_settings

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(subparsers: Commands, prepare_database: Callable[[], None]) -> None:
    """Add `report`; it checks the period first, then calls `prepare_database` (migrate, seed)."""
    report = subparsers.add_parser("report", help="a quarterly review of a journey")
    report.add_argument("journey")
    report.add_argument(
        "period", nargs="?", default=None,
        help="2026Q3, 2026-07 or 2026 (default: the last complete quarter)",
    )  # fmt: skip
    report.add_argument("--format", choices=["html", "json"], default="html")
    report.add_argument("--out", help="write to this file instead of stdout")
    report.set_defaults(handler=partial(_report, prepare_database))


def _report(prepare_database: Callable[[], None], args: argparse.Namespace) -> int:
    from vocsvc.analytics.readmodel import journey_view
    from vocsvc.db import get_sessionmaker
    from vocsvc.errors import InvalidInput, NotFound
    from vocsvc.periods import review_period
    from vocsvc.reviews.service import get_review

    try:
        period = review_period(args.period, datetime.now(get_settings().tz), "period")
    except InvalidInput as error:
        print(f"{args.period}: {error.message}", file=sys.stderr)
        return 2
    prepare_database()
    with get_sessionmaker()() as session:
        try:
            review = get_review(session, journey_view(session, args.journey), period)
        except NotFound as error:
            print(error.message, file=sys.stderr)
            return 2
    text = review.html if args.format == "html" else review.content.model_dump_json(indent=2)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0
