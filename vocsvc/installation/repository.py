"""Queries for the installation's own values (the `instance_secrets` table)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vocsvc.models import InstanceSecret


class InstallationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> str | None:
        return self.session.scalar(select(InstanceSecret.value).where(InstanceSecret.name == name))

    def add(self, name: str, value: str) -> None:
        self.session.add(InstanceSecret(name=name, value=value))
        self.session.flush()

    def put(self, name: str, value: str) -> None:
        """Set `name` to `value`, creating it if needed."""
        existing = self.session.get(InstanceSecret, name)
        if existing is None:
            self.session.add(InstanceSecret(name=name, value=value))
        else:
            existing.value = value
        self.session.flush()
