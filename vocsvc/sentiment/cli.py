"""`vocsvc text rescore`: read every stored comment again after a model change."""

from __future__ import annotations

import argparse
import sys
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(text_commands: Commands) -> None:
    """Add `rescore` to the `text` group."""
    rescore = text_commands.add_parser(
        "rescore",
        help="read stored comments again (label, score, opinion, aspects) when another model "
        "version read them, or none did; each batch is committed, so a stopped run resumes",
    )
    rescore.add_argument(
        "--only-missing", action="store_true", help="only comments that have no reading yet"
    )
    rescore.add_argument("--batch", type=int, default=2000, help="comments per transaction")
    rescore.add_argument("--quiet", action="store_true", help="no progress bar")
    rescore.set_defaults(handler=_rescore)


def _rescore(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vocsvc.db import unit_of_work
    from vocsvc.sentiment.service import comments_to_reread, current_model_version, reread_batch

    version = current_model_version()
    with unit_of_work() as session:
        total = comments_to_reread(session, only_missing=args.only_missing)
    done, after = 0, 0
    with tqdm(total=total, unit="comments", disable=args.quiet, file=sys.stderr) as bar:
        while True:
            # One transaction a batch: an interrupted run keeps what it did, and the next run
            # starts with the comments still read by another model.
            with unit_of_work() as session:
                count, after = reread_batch(
                    session, only_missing=args.only_missing, after_id=after, batch=args.batch
                )
            if not count:
                break
            done += count
            bar.update(count)
    from vocsvc.config import get_settings
    from vocsvc.rollups.service import ensure_rollup

    # Each batch kept the rollups exact; recording the model they are now counted with spares
    # the next start-up a rebuild (and rebuilds them if anything was left behind).
    with unit_of_work() as session:
        ensure_rollup(session, get_settings().tz, version)
    what = "unread comments" if args.only_missing else "comments not read by the current model"
    print(f"rescored {done} {what} with {version}")
    return 0
