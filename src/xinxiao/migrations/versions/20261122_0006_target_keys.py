"""target keys

Revision ID: 20261122_0006
Revises: 20261122_0005
Create Date: 2026-11-22 04:37:56.236503
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261122_0006"
down_revision: str | None = "20261122_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_plans_target_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_target_key"))
        batch_op.drop_column("key")
