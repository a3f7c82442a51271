"""report forms

Revision ID: 20261122_0004
Revises: 20261122_0003
Create Date: 2026-11-22 04:25:46.725075
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import xinxiao.db

revision: str = "20261122_0004"
down_revision: str | None = "20261122_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans_report_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("starts", sa.String(length=10), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("task_key", sa.String(length=60), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_report_form_plan_id_plans_plan"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["region_adcode"],
            ["reference_region.adcode"],
            name=op.f("fk_plans_report_form_region_adcode_reference_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_report_form")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_report_form_code")),
    )
    with op.batch_alter_table("plans_report_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_report_form_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "plans_form_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_uscc", sa.String(length=18), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["plans_report_form.id"],
            name=op.f("fk_plans_form_assignment_form_id_plans_report_form"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["reference_gov_unit.id"],
            name=op.f("fk_plans_form_assignment_unit_id_reference_gov_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_form_assignment")),
        sa.UniqueConstraint("form_id", "enterprise_uscc", name="uq_plans_form_assignment_enterprise"),
        sa.UniqueConstraint("form_id", "unit_id", name="uq_plans_form_assignment_unit"),
    )
    with op.batch_alter_table("plans_form_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_form_assignment_form_id"), ["form_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_form_assignment_region_adcode"), ["region_adcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_form_assignment_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "plans_form_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("submitted_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=60), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["plans_form_assignment.id"],
            name=op.f("fk_plans_form_submission_assignment_id_plans_form_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["plans_report_form.id"],
            name=op.f("fk_plans_form_submission_form_id_plans_report_form"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_form_submission")),
        sa.UniqueConstraint("assignment_id", "period", name="uq_plans_form_submission_period"),
    )
    with op.batch_alter_table("plans_form_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_form_submission_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_form_submission_form_id"), ["form_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plans_form_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_form_submission_form_id"))
        batch_op.drop_index(batch_op.f("ix_plans_form_submission_assignment_id"))

    op.drop_table("plans_form_submission")
    with op.batch_alter_table("plans_form_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_form_assignment_unit_id"))
        batch_op.drop_index(batch_op.f("ix_plans_form_assignment_region_adcode"))
        batch_op.drop_index(batch_op.f("ix_plans_form_assignment_form_id"))

    op.drop_table("plans_form_assignment")
    with op.batch_alter_table("plans_report_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_report_form_region_adcode"))

    op.drop_table("plans_report_form")
