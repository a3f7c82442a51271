"""evidence

Revision ID: 20261122_0005
Revises: 20261122_0004
Create Date: 2026-11-22 04:35:52.761687
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import xinxiao.db

revision: str = "20261122_0005"
down_revision: str | None = "20261122_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["plans_progress.id"],
            name=op.f("fk_plans_evidence_report_id_plans_progress"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_evidence")),
    )
    with op.batch_alter_table("plans_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_evidence_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plans_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_evidence_report_id"))

    op.drop_table("plans_evidence")
