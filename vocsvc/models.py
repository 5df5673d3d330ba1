"""Every ORM table, in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetime stored as UTC; SQLite keeps no offset, so we restore it on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: vocsvc stores only timezone-aware times")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class InstanceSecret(Base):
    """Secrets generated once per installation (e.g. the respondent-hash key)."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class DashboardSession(Base):
    """One dashboard sign-in; it ends at sign-out, when its key is revoked, or when it expires.

    The cookie naming it is signed with a key kept outside the database (vocsvc.auth.sessions),
    so nothing in this table is enough to present a session.
    """

    __tablename__ = "dashboard_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class Journey(Base):
    __tablename__ = "journeys"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    personas: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Browser origins allowed to use the public routes for this journey; NULL: any origin.
    allowed_origins: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    stages: Mapped[list[Stage]] = relationship(
        back_populates="journey", order_by="Stage.position", cascade="all, delete-orphan"
    )


class Stage(Base):
    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("journey_id", "key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    # A stage dropped from a definition is retired rather than deleted: its answers stay.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    journey: Mapped[Journey] = relationship(back_populates="stages")
    touchpoints: Mapped[list[Touchpoint]] = relationship(
        back_populates="stage", order_by="Touchpoint.position"
    )


class Touchpoint(Base):
    __tablename__ = "touchpoints"
    __table_args__ = (UniqueConstraint("journey_id", "key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(64), default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    stage_side: Mapped[str] = mapped_column(String(8), default="front")
    moment_of_truth: Mapped[bool] = mapped_column(Boolean, default=False)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    current_survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_versions.id", use_alter=True, ondelete="SET NULL"), default=None
    )

    stage: Mapped[Stage] = relationship(back_populates="touchpoints")
    current_survey: Mapped[SurveyVersion | None] = relationship(
        foreign_keys=[current_survey_id], post_update=True
    )


class SurveyVersion(Base):
    """The questions a touchpoint asks; immutable once created, so answers keep their wording."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("touchpoint_id", "version"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list[str]] = mapped_column(JSON)
    prompts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_journey_submitted", "journey_id", "submitted_at"),
        Index("ix_responses_touchpoint_submitted", "touchpoint_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    # Denormalised from the touchpoint so per-stage aggregates need no join.
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    nps: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    csat: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    ces: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    importance: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    # Always the redacted text: the raw comment is never written anywhere.
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    respondent_hash: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    segment: Mapped[str | None] = mapped_column(String(64), default=None)
    channel: Mapped[str | None] = mapped_column(String(64), default=None)
    source: Mapped[str] = mapped_column(String(16), default="public")
    submitted_at: Mapped[datetime] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), default=None, unique=True)
    # SHA-256 of the answer as stored (vocsvc/ingest/idempotency.py), kept with its key: a
    # replay of the key with another answer is refused. None for answers without a key.
    answer_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    sentiment: Mapped[float | None] = mapped_column(Float, default=None)
    sentiment_label: Mapped[str | None] = mapped_column(String(16), default=None)  # 3 classes
    sentiment_model: Mapped[str | None] = mapped_column(String(64), default=None)
    # False for questions, suggestions and "nothing to add" (those are neutral); None: no comment
    # or not analysed.
    opinion: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # The comment's reading and the scores disagree (praise with NPS 2, a complaint with CSAT 5).
    mixed: Mapped[bool] = mapped_column(Boolean, default=False)


class ResponseAspect(Base):
    """One aspect a comment talks about, with the polarity of the clause that says it."""

    __tablename__ = "response_aspects"
    __table_args__ = (Index("ix_response_aspects_journey_submitted", "journey_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from the response so per-stage aspect aggregates need no join.
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    submitted_at: Mapped[datetime] = mapped_column()
    aspect: Mapped[str] = mapped_column(String(32))
    polarity: Mapped[str] = mapped_column(String(8))
    clause: Mapped[str] = mapped_column(Text)  # redacted, like the comment it comes from


class ResponseDailyCount(Base):
    """Answers per score value per touchpoint and local day, kept exact on ingest.

    Analytics over months and quarters read this instead of scanning every response; `day` is the
    local date in VOCSVC_TIMEZONE (recorded in instance_secrets as `rollup_timezone`).
    """

    __tablename__ = "response_daily_counts"

    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journeys.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("stages.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_id: Mapped[int] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class ResponseTerm(Base):
    """One term a comment uses, with the polarity of the clause it is in (the shortest such
    clause kept as its example); the facts the term rollup is counted from."""

    __tablename__ = "response_terms"
    __table_args__ = (Index("ix_response_terms_journey_submitted", "journey_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    submitted_at: Mapped[datetime] = mapped_column()
    term: Mapped[str] = mapped_column(String(32))
    polarity: Mapped[str] = mapped_column(String(8))
    clause: Mapped[str] = mapped_column(Text)


class _DayKey:
    """The key every text rollup shares: journey, local day, stage, touchpoint."""

    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journeys.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("stages.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_id: Mapped[int] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="CASCADE"), primary_key=True
    )


class ResponseDailyStats(_DayKey, Base):
    """Per touchpoint and local day: answers, comments, and the sentiment sums of
    AnalyticsRepository.sentiment_sums (kept exact on ingest, re-scoring and deletion)."""

    __tablename__ = "response_daily_stats"

    answers: Mapped[int] = mapped_column(BigInteger)
    comments: Mapped[int] = mapped_column(BigInteger)  # comments with a reading
    n: Mapped[int] = mapped_column(BigInteger)  # comments whose score counts
    total: Mapped[float] = mapped_column(Float)
    total_sq: Mapped[float] = mapped_column(Float)
    negatives: Mapped[int] = mapped_column(BigInteger)
    mixed: Mapped[int] = mapped_column(BigInteger)
    no_opinion: Mapped[int] = mapped_column(BigInteger)


class ResponseDailyTerm(_DayKey, Base):
    """Comments using a term in a clause of one polarity, per touchpoint and local day, with one
    example clause (the one ranked first by `example_rank`, whichever order answers came in)."""

    __tablename__ = "response_daily_terms"

    polarity: Mapped[str] = mapped_column(String(8), primary_key=True)
    term: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    example: Mapped[str] = mapped_column(Text)
    example_rank: Mapped[int] = mapped_column(BigInteger)


class ResponseDailyAspect(_DayKey, Base):
    """Comments mentioning an aspect in a clause of one polarity (`any`: in any clause), per
    touchpoint and local day, with one example clause ranked as in ResponseDailyTerm."""

    __tablename__ = "response_daily_aspects"

    aspect: Mapped[str] = mapped_column(String(32), primary_key=True)
    polarity: Mapped[str] = mapped_column(String(8), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    example: Mapped[str] = mapped_column(Text)
    example_rank: Mapped[int] = mapped_column(BigInteger)


class ResponseDailyDimension(Base):
    """Answers per score value per segment (or channel) and local day: NPS and CSAT by segment
    and by channel without scanning answers. `value_key` '' stands for no segment/channel."""

    __tablename__ = "response_daily_dimensions"

    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journeys.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    value_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class InternalRating(Base):
    """A staff member's view of a touchpoint in a period; a re-rating replaces the earlier one."""

    __tablename__ = "internal_ratings"
    __table_args__ = (UniqueConstraint("touchpoint_id", "period", "rater"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    rater: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(200), default="")
    importance: Mapped[int] = mapped_column(SmallInteger)
    performance: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_internal_ratings_journey_period", InternalRating.journey_id, InternalRating.period)


class ReviewReport(Base):
    """An immutable snapshot of a quarterly review; one scheduled per journey and period."""

    __tablename__ = "review_reports"
    __table_args__ = (UniqueConstraint("journey_id", "period", "kind"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="scheduled")
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchedulerJob(Base):
    """APScheduler's SQLAlchemyJobStore table, declared here so Alembic owns the schema."""

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(String(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


# --- closed loop (cases, alerts, webhooks) ---


class FollowUpCase(Base):
    """A detractor to call back: opened on ingest, worked open → contacted → resolved."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_department_status", "department", "status"),
        Index("ix_cases_journey_opened", "journey_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    # The touchpoint's owner when the case was opened: a later re-org does not move old cases.
    department: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee: Mapped[str | None] = mapped_column(String(200), default=None)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    contacted_at: Mapped[datetime | None] = mapped_column(default=None)
    contacted_by: Mapped[str | None] = mapped_column(String(200), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(200), default=None)
    # Fixed at resolution so per-department percentiles are plain SQL on SQLite and PostgreSQL.
    hours_to_resolve: Mapped[float | None] = mapped_column(Float, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseEvent(Base):
    """Append-only history of a case: status changes, notes, assignments; with who and when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # status | note | assignee
    actor: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str | None] = mapped_column(String(16), default=None)
    assignee: Mapped[str | None] = mapped_column(String(200), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertRule(Base):
    """Watch one measure of a journey (or one stage/touchpoint) for a significant change."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # nps_drop | csat_drop | negative_share_rise
    scope: Mapped[str] = mapped_column(String(16))  # journey | stage | touchpoint
    scope_key: Mapped[str | None] = mapped_column(String(64), default=None)
    interval: Mapped[str] = mapped_column(String(16))  # month | quarter
    confidence: Mapped[float] = mapped_column(Float)
    min_n: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """A rule that fired for one pair of periods, with the evidence it fired on."""

    __tablename__ = "alerts"
    # One alert per rule and period pair: re-evaluating the same pair never duplicates it.
    __table_args__ = (
        UniqueConstraint("rule_id", "period", "previous_period"),
        Index("ix_alerts_journey_fired", "journey_id", "fired_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"))
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(16))
    scope_key: Mapped[str | None] = mapped_column(String(64), default=None)
    period: Mapped[str] = mapped_column(String(16))
    previous_period: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    value_low: Mapped[float | None] = mapped_column(Float, default=None)
    value_high: Mapped[float | None] = mapped_column(Float, default=None)
    n: Mapped[int] = mapped_column(Integer)
    previous_value: Mapped[float] = mapped_column(Float)
    previous_low: Mapped[float | None] = mapped_column(Float, default=None)
    previous_high: Mapped[float | None] = mapped_column(Float, default=None)
    previous_n: Mapped[int] = mapped_column(Integer)
    difference: Mapped[float] = mapped_column(Float)
    difference_low: Mapped[float] = mapped_column(Float)
    difference_high: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)


class Webhook(Base):
    """A receiver of events; the secret signs every delivery and is shown only at creation."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    # Kept in clear: signing needs it (like the respondent-hash key in instance_secrets).
    secret: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """The outbox: one event for one webhook, written in the transaction that caused the event."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookAttempt(Base):
    """One HTTP attempt of a delivery: the delivery log."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column()
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
