"""Start-up chores shared by `serve`, `demo` and the scheduler."""

from __future__ import annotations

import logging

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from vocsvc.auth.keys import Role
from vocsvc.auth.service import ensure_key
from vocsvc.config import Settings
from vocsvc.db import get_sessionmaker
from vocsvc.installation.service import rollup_state
from vocsvc.migrate import upgrade
from vocsvc.rollups.service import ensure_rollup
from vocsvc.sentiment.service import backfill_terms, current_model_version

log = logging.getLogger(__name__)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def prepare_database(settings: Settings, *, migrate: bool | None = None) -> None:
    """Migrate (by default only SQLite: it has no deploy step of its own); seed the admin key."""
    if migrate if migrate is not None else is_sqlite(settings.database_url):
        upgrade(settings.database_url)
    with get_sessionmaker()() as session, session.begin():
        if settings.admin_key:
            register_admin_key(session, settings.admin_key)
        if rollup_state(session) is None:
            # First start after migration 0009: comments stored before it get their terms,
            # then the rebuild counts them.
            backfill_terms(session)
        ensure_rollup(session, settings.tz, current_model_version())


def register_admin_key(session: Session, plain: str) -> None:
    if ensure_key(session, "bootstrap admin (VOCSVC_ADMIN_KEY)", Role.admin, plain) is None:
        log.warning("VOCSVC_ADMIN_KEY names a revoked key; it stays revoked: set a new one")
