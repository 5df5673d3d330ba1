"""daily rollup of score counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:20:06.462485
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filled from existing responses by `vocsvc db upgrade` / start-up (rollups.service.ensure_rollup):
    # local days depend on VOCSVC_TIMEZONE, which plain SQL cannot apply on SQLite.
    op.create_table(
        "response_daily_counts",
        sa.Column(
            "journey_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stage_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "touchpoint_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_response_daily_counts_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["stages.id"],
            name=op.f("fk_response_daily_counts_stage_id_stages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoints.id"],
            name=op.f("fk_response_daily_counts_touchpoint_id_touchpoints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "journey_id",
            "metric",
            "day",
            "stage_id",
            "touchpoint_id",
            "value",
            name=op.f("pk_response_daily_counts"),
        ),
    )


def downgrade() -> None:
    op.drop_table("response_daily_counts")
