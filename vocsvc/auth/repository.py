"""Queries for API keys and dashboard sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vocsvc.models import ApiKey, DashboardSession


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_prefix(self, prefix: str) -> list[ApiKey]:
        stmt = select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
        return list(self.session.scalars(stmt))

    def by_hash(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, revoked or not."""
        return self.session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))

    def get(self, key_id: int) -> ApiKey | None:
        return self.session.get(ApiKey, key_id)

    def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        self.session.flush()
        return key

    def count_active(self, role: str) -> int:
        stmt = select(func.count()).where(ApiKey.role == role, ApiKey.revoked_at.is_(None))
        return self.session.scalar(stmt) or 0

    def list_with_live_sessions(self, now: datetime) -> list[tuple[ApiKey, int]]:
        """Every key, oldest first, with how many of its dashboard sessions are live at `now`."""
        live = (
            select(DashboardSession.key_id, func.count().label("n"))
            .where(DashboardSession.ended_at.is_(None), DashboardSession.expires_at > now)
            .group_by(DashboardSession.key_id)
            .subquery()
        )
        stmt = (
            select(ApiKey, func.coalesce(live.c.n, 0))
            .outerjoin(live, live.c.key_id == ApiKey.id)
            .order_by(ApiKey.id)
        )
        return [(key, int(n)) for key, n in self.session.execute(stmt)]


class DashboardSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: DashboardSession) -> DashboardSession:
        self.session.add(record)
        self.session.flush()
        return record

    def with_key(self, session_id: int) -> tuple[DashboardSession, ApiKey] | None:
        """The session and its API key, in one query."""
        stmt = (
            select(DashboardSession, ApiKey)
            .join(ApiKey, ApiKey.id == DashboardSession.key_id)
            .where(DashboardSession.id == session_id)
        )
        row = self.session.execute(stmt).one_or_none()
        return None if row is None else (row[0], row[1])

    def end_all_of_key(self, key_id: int, now: datetime) -> int:
        """End the key's sessions that are still live; how many there were."""
        stmt = (
            update(DashboardSession)
            .where(
                DashboardSession.key_id == key_id,
                DashboardSession.ended_at.is_(None),
                DashboardSession.expires_at > now,
            )
            .values(ended_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return self.session.execute(stmt).rowcount  # type: ignore[attr-defined,no-any-return]
