"""`vocsvc text rescore`: re-score stored comments after a model change."""

from __future__ import annotations

import argparse
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(text_commands: Commands) -> None:
    """Add `rescore` to the `text` group."""
    rescore = text_commands.add_parser(
        "rescore", help="re-score stored comments scored by another model version (or unscored)"
    )
    rescore.add_argument(
        "--only-missing", action="store_true", help="only comments that have no score yet"
    )
    rescore.set_defaults(handler=_rescore)


def _rescore(args: argparse.Namespace) -> int:
    from vocsvc.config import get_settings
    from vocsvc.db import unit_of_work
    from vocsvc.sentiment.service import rescore
    from vocsvc.text.sentiment import get_backend

    version = get_backend(get_settings().sentiment_backend).version
    with unit_of_work() as session:
        count = rescore(session, only_missing=args.only_missing)
    what = "unscored comments" if args.only_missing else "comments without a current score"
    print(f"rescored {count} {what} with {version}")
    return 0
