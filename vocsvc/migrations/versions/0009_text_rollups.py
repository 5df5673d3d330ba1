"""exact rollups of terms, aspects, sentiment and segment/channel scores per local day

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
    )


def _day_key(table: str) -> list[Any]:
    return [
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stage_id", ID, nullable=False),
        sa.Column("touchpoint_id", ID, nullable=False),
        _fk(table, "journey_id", "journeys"),
        _fk(table, "stage_id", "stages"),
        _fk(table, "touchpoint_id", "touchpoints"),
    ]


def upgrade() -> None:
    # Filled from the stored answers by `vocsvc db upgrade` / start-up (rollups.service.ensure_rollup):
    # the rollup state recorded in instance_secrets is unset until then.
    op.create_table(
        "response_terms",
        sa.Column("id", ID, nullable=False),
        sa.Column("response_id", ID, nullable=False),
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("stage_id", ID, nullable=False),
        sa.Column("touchpoint_id", ID, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("term", sa.String(length=32), nullable=False),
        sa.Column("polarity", sa.String(length=8), nullable=False),
        sa.Column("clause", sa.Text(), nullable=False),
        _fk("response_terms", "response_id", "responses"),
        _fk("response_terms", "journey_id", "journeys"),
        _fk("response_terms", "stage_id", "stages"),
        _fk("response_terms", "touchpoint_id", "touchpoints"),
        sa.PrimaryKeyConstraint("id", name="pk_response_terms"),
    )
    op.create_index(
        "ix_response_terms_journey_submitted", "response_terms", ["journey_id", "submitted_at"]
    )
    op.create_index("ix_response_terms_response_id", "response_terms", ["response_id"])
    op.create_table(
        "response_daily_stats",
        *_day_key("response_daily_stats"),
        sa.Column("answers", sa.BigInteger(), nullable=False),
        sa.Column("comments", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.Column("negatives", sa.BigInteger(), nullable=False),
        sa.Column("mixed", sa.BigInteger(), nullable=False),
        sa.Column("no_opinion", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "journey_id", "day", "stage_id", "touchpoint_id", name="pk_response_daily_stats"
        ),
    )
    op.create_table(
        "response_daily_terms",
        *_day_key("response_daily_terms"),
        sa.Column("polarity", sa.String(length=8), nullable=False),
        sa.Column("term", sa.String(length=32), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("example", sa.Text(), nullable=False),
        sa.Column("example_rank", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "journey_id", "day", "stage_id", "touchpoint_id", "polarity", "term",
            name="pk_response_daily_terms",
        ),
    )  # fmt: skip
    op.create_table(
        "response_daily_aspects",
        *_day_key("response_daily_aspects"),
        sa.Column("aspect", sa.String(length=32), nullable=False),
        sa.Column("polarity", sa.String(length=8), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("example", sa.Text(), nullable=False),
        sa.Column("example_rank", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "journey_id", "day", "stage_id", "touchpoint_id", "aspect", "polarity",
            name="pk_response_daily_aspects",
        ),
    )  # fmt: skip
    op.create_table(
        "response_daily_dimensions",
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("value_key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        _fk("response_daily_dimensions", "journey_id", "journeys"),
        sa.PrimaryKeyConstraint(
            "journey_id", "metric", "day", "dimension", "value_key", "value",
            name="pk_response_daily_dimensions",
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("response_daily_dimensions")
    op.drop_table("response_daily_aspects")
    op.drop_table("response_daily_terms")
    op.drop_table("response_daily_stats")
    op.drop_index("ix_response_terms_response_id", table_name="response_terms")
    op.drop_index("ix_response_terms_journey_submitted", table_name="response_terms")
    op.drop_table("response_terms")
