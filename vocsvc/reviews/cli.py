"""`vocsvc report JOURNEY [PERIOD]`: a quarterly review as HTML, JSON or PDF (see register())."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TypeAlias

from vocsvc.config import get_settings
from vocsvc.reviews.pdf import DEFAULT_CHROMIUM, PdfUnavailable, check_pdf_ready, html_to_pdf

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(subparsers: Commands, prepare_database: Callable[[], None]) -> None:
    """Add `report`; it checks the period first, then calls `prepare_database` (migrate, seed)."""
    report = subparsers.add_parser("report", help="a quarterly review of a journey")
    report.add_argument("journey")
    report.add_argument(
        "period", nargs="?", default=None,
        help="2026Q3, 2026-07 or 2026 (default: the last complete quarter)",
    )  # fmt: skip
    report.add_argument("--format", choices=["html", "json", "pdf"], default="html")
    report.add_argument("--out", help="write to this file instead of stdout (pdf: required)")
    report.add_argument(
        "--chromium", type=Path, default=DEFAULT_CHROMIUM,
        help=f"the Chromium that prints the PDF (default {DEFAULT_CHROMIUM})",
    )  # fmt: skip
    report.set_defaults(handler=partial(_report, prepare_database))


def _report(prepare_database: Callable[[], None], args: argparse.Namespace) -> int:
    from vocsvc.analytics.readmodel import journey_view
    from vocsvc.db import get_sessionmaker
    from vocsvc.errors import InvalidInput, NotFound
    from vocsvc.periods import review_period
    from vocsvc.reviews.service import get_review

    if args.format == "pdf":
        if not args.out:
            print("--format pdf needs --out FILE (a PDF is not written to a terminal)",
                  file=sys.stderr)  # fmt: skip
            return 2
        try:
            check_pdf_ready(args.chromium)
        except PdfUnavailable as error:
            print(error, file=sys.stderr)
            return 2
    try:
        period = review_period(args.period, datetime.now(get_settings().tz), "period")
    except InvalidInput as error:
        print(f"{args.period or 'latest'}: {error.message}", file=sys.stderr)
        return 2
    prepare_database()
    with get_sessionmaker()() as session:
        try:
            review = get_review(session, journey_view(session, args.journey), period)
        except NotFound as error:
            print(error.message, file=sys.stderr)
            return 2
    if args.format == "pdf":
        Path(args.out).write_bytes(html_to_pdf(review.html, args.chromium))
        print(f"wrote {args.out} ({review.content.period.label})", file=sys.stderr)
        return 0
    text = review.html if args.format == "html" else review.content.model_dump_json(indent=2)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0
