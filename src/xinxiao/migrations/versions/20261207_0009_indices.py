"""indices

Revision ID: 20261207_0009
Revises: 20261122_0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import xinxiao.db

revision: str = "20261207_0009"
down_revision: str | None = "20261122_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indices_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("index_id", sa.String(length=40), nullable=False),
        sa.Column("index_version", sa.Integer(), nullable=False),
        sa.Column("spec_sha256", sa.String(length=64), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("units_kind", sa.String(length=10), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indices_run")),
    )
    with op.batch_alter_table("indices_run", schema=None) as batch_op:
        batch_op.create_index("ix_indices_run_lookup", ["index_id", "region_adcode", "period"], unique=False)
        batch_op.create_index(batch_op.f("ix_indices_run_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "indices_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("unit_name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("rank_low", sa.Float(), nullable=True),
        sa.Column("rank_high", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["indices_run.id"], name=op.f("fk_indices_score_run_id_indices_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indices_score")),
    )
    with op.batch_alter_table("indices_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indices_score_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("indices_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indices_score_run_id"))

    op.drop_table("indices_score")
    with op.batch_alter_table("indices_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indices_run_region_adcode"))
        batch_op.drop_index("ix_indices_run_lookup")

    op.drop_table("indices_run")
