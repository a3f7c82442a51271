"""target actuals

Revision ID: 20261122_0003
Revises: 20261122_0002
Create Date: 2026-11-22 04:21:50.381122
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import xinxiao.db

revision: str = "20261122_0003"
down_revision: str | None = "20261122_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans_target_actual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(length=60), nullable=False),
        sa.Column("entered_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["plans_target.id"],
            name=op.f("fk_plans_target_actual_target_id_plans_target"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_target_actual")),
        sa.UniqueConstraint("target_id", "year", name=op.f("uq_plans_target_actual_target_id")),
    )
    with op.batch_alter_table("plans_target_actual", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_target_actual_target_id"), ["target_id"], unique=False)

    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base_value", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.drop_column("base_value")

    with op.batch_alter_table("plans_target_actual", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_target_actual_target_id"))

    op.drop_table("plans_target_actual")
