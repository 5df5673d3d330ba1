"""three-class comment analysis: opinion, mixed, aspects per answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opinion", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("mixed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "response_aspects",
        sa.Column("id", ID, nullable=False),
        sa.Column("response_id", ID, nullable=False),
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("stage_id", ID, nullable=False),
        sa.Column("touchpoint_id", ID, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("aspect", sa.String(length=32), nullable=False),
        sa.Column("polarity", sa.String(length=8), nullable=False),
        sa.Column("clause", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"], ["responses.id"],
            name=op.f("fk_response_aspects_response_id_responses"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"],
            name=op.f("fk_response_aspects_journey_id_journeys"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["stages.id"],
            name=op.f("fk_response_aspects_stage_id_stages"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"], ["touchpoints.id"],
            name=op.f("fk_response_aspects_touchpoint_id_touchpoints"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_aspects")),
    )  # fmt: skip
    op.create_index(
        "ix_response_aspects_journey_submitted",
        "response_aspects",
        ["journey_id", "submitted_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_response_aspects_response_id"), "response_aspects", ["response_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_response_aspects_response_id"), table_name="response_aspects")
    op.drop_index("ix_response_aspects_journey_submitted", table_name="response_aspects")
    op.drop_table("response_aspects")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("mixed")
        batch_op.drop_column("opinion")
