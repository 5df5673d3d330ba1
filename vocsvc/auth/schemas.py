"""API keys as the admin routes and `vocsvc keys list` show them: never the key or its hash."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from vocsvc.auth.keys import Role


class ApiKeyOut(BaseModel):
    id: int
    name: str
    role: Role
    prefix: str = Field(description="the key's first characters, to tell keys apart")
    created_at: datetime
    revoked_at: datetime | None = Field(description="null while the key is active")
    live_sessions: int = Field(description="dashboard sessions signed in with it, not yet ended")


class KeyRevoked(ApiKeyOut):
    sessions_ended: int = Field(description="dashboard sessions the revocation ended")
