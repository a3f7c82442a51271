"""target regions

Revision ID: 20261122_0007
Revises: 20261122_0006
Create Date: 2026-11-22 04:55:12.436606
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261122_0007"
down_revision: str | None = "20261122_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_adcode", sa.String(length=6), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_plans_target_region_adcode_reference_region"),
            "reference_region",
            ["region_adcode"],
            ["adcode"],
        )


def downgrade() -> None:
    with op.batch_alter_table("plans_target", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plans_target_region_adcode_reference_region"), type_="foreignkey")
        batch_op.drop_column("region_adcode")
