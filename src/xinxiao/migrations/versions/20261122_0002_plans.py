"""plans tables

Revision ID: 20261122_0002
Revises: 20261122_0001
Create Date: 2026-11-22 04:11:00.540118
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import xinxiao.db

revision: str = "20261122_0002"
down_revision: str | None = "20261122_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=True),
        sa.Column("doc_number", sa.String(length=100), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("period", sa.String(length=40), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("source_filename", sa.String(length=255), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("first_is_lead", sa.Boolean(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("parsed_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_adcode"], ["reference_region.adcode"], name=op.f("fk_plans_plan_region_adcode_reference_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_plan")),
    )
    with op.batch_alter_table("plans_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_plan_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "plans_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("task_key", sa.String(length=60), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_override_plan_id_plans_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_override")),
        sa.UniqueConstraint("plan_id", "task_key", "field", name=op.f("uq_plans_override_plan_id")),
    )
    with op.batch_alter_table("plans_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_override_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plans_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("task_key", sa.String(length=60), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("operator", sa.String(length=6), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("deadline", sa.String(length=20), nullable=True),
        sa.Column("base_year", sa.Integer(), nullable=True),
        sa.Column("firmness", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_target_plan_id_plans_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_target")),
    )
    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_target_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plans_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("ongoing", sa.Boolean(), nullable=False),
        sa.Column("percent_done", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_task_plan_id_plans_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_task")),
        sa.UniqueConstraint("plan_id", "key", name=op.f("uq_plans_task_plan_id")),
    )
    with op.batch_alter_table("plans_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_task_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plans_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("percent_done", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.String(length=60), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["accounts_user.id"],
            name=op.f("fk_plans_progress_reporter_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plans_task.id"], name=op.f("fk_plans_progress_task_id_plans_task"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["reference_gov_unit.id"],
            name=op.f("fk_plans_progress_unit_id_reference_gov_unit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_progress")),
    )
    with op.batch_alter_table("plans_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_progress_task_id"), ["task_id"], unique=False)

    op.create_table(
        "plans_task_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("printed", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("collective", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["plans_task.id"], name=op.f("fk_plans_task_unit_task_id_plans_task"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["reference_gov_unit.id"],
            name=op.f("fk_plans_task_unit_unit_id_reference_gov_unit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_task_unit")),
    )
    with op.batch_alter_table("plans_task_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_task_unit_task_id"), ["task_id"], unique=False)
        batch_op.create_index("ix_plans_task_unit_unit", ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plans_task_unit", schema=None) as batch_op:
        batch_op.drop_index("ix_plans_task_unit_unit")
        batch_op.drop_index(batch_op.f("ix_plans_task_unit_task_id"))

    op.drop_table("plans_task_unit")
    with op.batch_alter_table("plans_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_progress_task_id"))

    op.drop_table("plans_progress")
    with op.batch_alter_table("plans_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_task_plan_id"))

    op.drop_table("plans_task")
    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_target_plan_id"))

    op.drop_table("plans_target")
    with op.batch_alter_table("plans_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_override_plan_id"))

    op.drop_table("plans_override")
    with op.batch_alter_table("plans_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_plan_region_adcode"))

    op.drop_table("plans_plan")
