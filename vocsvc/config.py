"""Settings, read once from VOCSVC_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_network
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vocsvc.origins import normalise_origin

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = Path("var") / "vocsvc.db"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "debug", "info", "warning", "error"]


class Settings(BaseSettings):
    """Service configuration; every field maps to VOCSVC_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="VOCSVC_", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DEFAULT_SQLITE_PATH}")
    admin_key: str | None = None
    timezone: str = "Asia/Shanghai"
    # Respondent identifiers are stored only as HMAC-SHA256 under this secret; when unset, a
    # random secret is generated once and kept in the database so hashes stay comparable.
    # Dashboard sessions are signed with a key derived from it, or, when unset, from key_file.
    secret_key: str | None = None
    # Where the dashboard session signing key is kept when secret_key is unset (never in the
    # database); by default next to the SQLite file, else var/vocsvc.session-key. Created 0600
    # on first use; see vocsvc/installation/keyfile.py.
    key_file: Path | None = None
    surveys_dir: Path = REPO_ROOT / "surveys"
    sentiment_backend: str = "own"
    max_body_bytes: int = 2_000_000
    # Public routes (/v1/public/*, /s/*): requests per client IP and touchpoint per minute (0
    # turns rate limiting off), and per client IP over all public routes (default 5x the first).
    # Counted per process: with N workers or replicas a client may get N times this (see README).
    rate_limit_per_minute: int = Field(default=120, ge=0)
    rate_limit_ip_per_minute: int | None = Field(default=None, ge=0)
    # Peers (IPs or CIDR networks) whose X-Forwarded-For / X-Forwarded-Proto are believed.
    trusted_proxies: list[str] = Field(default_factory=list)
    # Strict-Transport-Security max-age in seconds; 0 sends no HSTS header (serve HTTPS first).
    hsts_seconds: int = 0
    # Webhook receivers on loopback, private, link-local (cloud metadata) or other non-public
    # addresses are refused, when registered and on every connection; true allows them.
    webhook_allow_private: bool = False
    # The origin customers and staff reach us at (https://cx.example.com): QR codes, redirects
    # and our own-origin checks use it, whatever Host a request names. Unset: requests must name
    # one of allowed_hosts (TestClient's is "testserver"); "*" accepts any (behind a proxy that
    # sets Host itself).
    public_url: str | None = None
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "testserver"]
    )
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # Requests in flight per process (the rest queue): below the 40 request threads and the
    # database pool (30 connections on PostgreSQL); see vocsvc/security/admission.py.
    max_concurrent_requests: int = Field(default=24, ge=1, le=30)
    # How long a client may take to send a request (408 and the connection closed after): its
    # headers, counted from its first byte (a new connection's from its opening), and its body,
    # counted from the end of its headers. A body is read in full before the request takes an
    # admission slot; see vocsvc/security/connection.py.
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    body_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # How long an idle keep-alive connection is kept open; a balancer's pooled connections to us
    # must idle out sooner, or it may send a request on a connection we are closing.
    keep_alive_seconds: int = Field(default=5, ge=1, le=3600)
    # How long a process trusts its copy of a journey definition or of the webhook
    # subscriptions before checking it again (0: on every batch of answers). A change made
    # through another process takes effect within this time; see vocsvc/process_cache.py.
    catalog_recheck_seconds: float = Field(default=1.0, ge=0, le=60)
    # The CLI's log level (DEBUG, INFO, WARNING…); unset, INFO with Alembic's steps hidden.
    log_level: LogLevel | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone, at start-up rather than mid-request
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ip_network(entry.strip(), strict=False)  # raises for a typo, at start-up
        return value

    @field_validator("public_url")
    @classmethod
    def _origin(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else normalise_origin(value)

    @property
    def accepted_hosts(self) -> list[str]:
        """Host header values served: the configured hosts and the public URL's."""
        if self.public_url is None:
            return self.allowed_hosts
        return [*self.allowed_hosts, urlsplit(self.public_url).hostname or ""]

    @property
    def address_limit_per_minute(self) -> int:
        """Public requests per client IP and minute; 0 when rate limiting is off."""
        if self.rate_limit_per_minute == 0:
            return 0
        if self.rate_limit_ip_per_minute is None:
            return 5 * self.rate_limit_per_minute
        return self.rate_limit_ip_per_minute

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
