"""`vocsvc keys create|list|revoke` (registered into the main CLI by register())."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from typing import TypeAlias

from vocsvc.auth.keys import Role

_TIME = "%Y-%m-%dT%H:%MZ"

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(subparsers: Commands, prepare_database: Callable[[], None]) -> None:
    """Add the `keys` group; its commands call `prepare_database` (migrate, seed) first."""
    keys = subparsers.add_parser("keys", help="API keys").add_subparsers(
        dest="keys_command", required=True
    )
    create = keys.add_parser("create", help="issue a key and print it once")
    create.add_argument("--name", required=True)
    create.add_argument("--role", choices=[role.value for role in Role], default="viewer")
    create.set_defaults(handler=partial(_create, prepare_database))

    listing = keys.add_parser("list", help="every key with its role and state (never the key)")
    listing.set_defaults(handler=partial(_list, prepare_database))

    revoke = keys.add_parser("revoke", help="revoke a key and end its dashboard sessions")
    revoke.add_argument("id", type=int, help="the key's id, as `keys list` shows it")
    revoke.set_defaults(handler=partial(_revoke, prepare_database))


def _create(prepare_database: Callable[[], None], args: argparse.Namespace) -> int:
    from vocsvc.auth.service import create_key
    from vocsvc.db import unit_of_work

    prepare_database()
    with unit_of_work() as session:
        record, plain = create_key(session, args.name, Role(args.role))
    print(plain)
    print(f"created {record.role} key '{record.name}' (shown once; store it now)", file=sys.stderr)
    return 0


def _list(prepare_database: Callable[[], None], _args: argparse.Namespace) -> int:
    from vocsvc.auth.service import list_keys
    from vocsvc.db import unit_of_work

    prepare_database()
    with unit_of_work() as session:
        keys = list_keys(session)
    # One token per column (the name, last, may have spaces); times in UTC.
    print(f"{'id':>5}  {'role':<8}  {'prefix':<10}  {'created':<17}  {'revoked':<17}  "
          f"{'sessions':>8}  name")  # fmt: skip
    for key in keys:
        revoked = f"{key.revoked_at:{_TIME}}" if key.revoked_at else "-"
        print(f"{key.id:>5}  {key.role:<8}  {key.prefix:<10}  {key.created_at:{_TIME}}  "
              f"{revoked:<17}  {key.live_sessions:>8}  {key.name}")  # fmt: skip
    return 0


def _revoke(prepare_database: Callable[[], None], args: argparse.Namespace) -> int:
    from vocsvc.auth.service import revoke_key
    from vocsvc.db import unit_of_work
    from vocsvc.errors import VocError

    prepare_database()
    try:
        with unit_of_work() as session:
            revoked = revoke_key(session, args.id)
    except VocError as error:
        print(error.message, file=sys.stderr)
        return 2
    print(f"revoked {revoked.role} key {revoked.id} '{revoked.name}'; "
          f"ended {revoked.sessions_ended} dashboard session(s)")  # fmt: skip
    return 0
