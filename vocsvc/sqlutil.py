"""Dialect-aware statements shared by repositories."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Any:
    """The INSERT construct with ON CONFLICT support for the session's database."""
    return insert_for_dialect(session.get_bind().dialect.name)


def insert_for_dialect(dialect: str) -> Any:
    """The INSERT construct with ON CONFLICT support for a dialect name."""
    return pg_insert if dialect == "postgresql" else sqlite_insert
