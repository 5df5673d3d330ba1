"""an Idempotency-Key is bound to the answer it was first used for: responses.answer_hash

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no backfill: answers stored before have no hash, and a replay of one of their
    # keys is taken as the same answer (as it was before this migration).
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("answer_hash")
