"""`vocsvc` command line: serve, db upgrade, keys, journeys, demo and the domain commands."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from vocsvc.config import get_settings

Handler = Callable[[argparse.Namespace], int]
# Loggers that explain the machinery at INFO (each migration step, each plugin): shown with
# --verbose or VOCSVC_LOG_LEVEL, not on every command a newcomer types.
CHATTY_LOGGERS = ("alembic",)


def _prepare() -> None:
    """prepare_database for a command that expects data: warns first when that creates it."""
    from vocsvc.bootstrap import prepare_database
    from vocsvc.db import sqlite_file

    settings = get_settings()
    path = sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        print(
            f"vocsvc: warning: {path} does not exist; creating a new, empty database there.\n"
            "  Meant another one? Set VOCSVC_DATABASE_URL. Want example data? Run `vocsvc demo`.",
            file=sys.stderr,
        )
    prepare_database(settings)


def _serve(args: argparse.Namespace) -> int:
    from vocsvc import serve
    from vocsvc.installation.keyfile import KeyFileError
    from vocsvc.installation.service import session_signing_key

    _prepare()
    try:
        session_signing_key()  # the key file is created (or refused) before any worker starts
    except KeyFileError as error:
        print(error, file=sys.stderr)
        return 2
    return serve.run("vocsvc.app:create_app", args.host, args.port, args.workers)


def _db_upgrade(args: argparse.Namespace) -> int:
    from vocsvc.bootstrap import prepare_database
    from vocsvc.migrate import upgrade

    upgrade(get_settings().database_url, args.revision)
    prepare_database(get_settings(), migrate=False)  # backfills the analytics rollup if needed
    print(f"database at revision {args.revision}")
    return 0


def _journeys_sync(args: argparse.Namespace) -> int:
    from vocsvc.db import get_sessionmaker
    from vocsvc.journeys.loader import DefinitionError, load_journey_dir, load_journey_file
    from vocsvc.journeys.service import upsert_journey

    path = Path(args.path or get_settings().surveys_dir)
    try:
        definitions = load_journey_dir(path) if path.is_dir() else [load_journey_file(path)]
    except DefinitionError as error:
        print(error, file=sys.stderr)
        return 2
    _prepare()
    with get_sessionmaker()() as session, session.begin():
        for definition in definitions:
            _, created = upsert_journey(session, definition)
            print(f"{'created' if created else 'updated'} journey {definition.key}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from vocsvc.demo import run_demo

    return run_demo(if_empty=args.if_empty, seed=args.seed, days=args.days)


def _scheduler(_args: argparse.Namespace) -> int:
    from vocsvc.scheduler import build_scheduler

    _prepare()
    scheduler = build_scheduler(get_settings())
    logging.getLogger(__name__).info(
        "scheduler started with jobs: %s", [j.id for j in scheduler.get_jobs()]
    )
    scheduler.start()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vocsvc", description=__doc__)
    parser.add_argument(
        "-v", "--verbose", action="store_true",
        help="log every step, Alembic's migrations included (or set VOCSVC_LOG_LEVEL)",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API (SQLite databases are migrated first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    up = db.add_parser("upgrade", help="apply Alembic migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(handler=_db_upgrade)

    journeys = sub.add_parser("journeys", help="journey definitions").add_subparsers(
        dest="journeys_command", required=True
    )
    sync = journeys.add_parser("sync", help="create/update journeys from YAML files")
    sync.add_argument("path", nargs="?", help="a YAML file or folder (default: surveys/)")
    sync.set_defaults(handler=_journeys_sync)

    demo = sub.add_parser("demo", help="load the example journeys and a year of responses")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if responses exist")
    demo.add_argument("--seed", type=int, default=20260101)
    demo.add_argument("--days", type=int, default=365)
    demo.set_defaults(handler=_demo)

    scheduler = sub.add_parser("scheduler", help="run the job scheduler (one per deployment)")
    scheduler.set_defaults(handler=_scheduler)

    _domain_commands(sub)
    return parser


def _domain_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from vocsvc.auth import cli as auth_cli
    from vocsvc.reviews import cli as reviews_cli
    from vocsvc.sentiment import cli as sentiment_cli
    from vocsvc.text import cli as text_cli

    auth_cli.register(sub, _prepare)
    reviews_cli.register(sub, _prepare)
    sentiment_cli.register(text_cli.register(sub))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(verbose=args.verbose, level=get_settings().log_level)
    handler: Handler = args.handler
    return handler(args)


def _configure_logging(*, verbose: bool, level: str | None) -> None:
    root = (level or ("DEBUG" if verbose else "INFO")).upper()
    logging.basicConfig(level=root, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose and level is None:
        for name in CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
