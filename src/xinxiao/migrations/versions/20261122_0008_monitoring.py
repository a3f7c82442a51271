"""monitoring

Revision ID: 20261122_0008
Revises: 20261122_0007
Create Date: 2026-11-22 05:37:56.330491
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import xinxiao.db

revision: str = "20261122_0008"
down_revision: str | None = "20261122_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monitoring_alert_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("indicator_id", sa.String(length=60), nullable=True),
        sa.Column("feed_kind", sa.String(length=12), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_alert_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_monitoring_alert_rule_code")),
    )
    with op.batch_alter_table("monitoring_alert_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_alert_rule_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "monitoring_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(length=60), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("yoy_pct", sa.Float(), nullable=True),
        sa.Column("yoy_real_pct", sa.Float(), nullable=True),
        sa.Column("derived", sa.Boolean(), nullable=False),
        sa.Column("derivation", sa.String(length=200), nullable=True),
        sa.Column("source_id", sa.String(length=60), nullable=False),
        sa.Column("source_note", sa.String(length=500), nullable=True),
        sa.Column("vintage", sa.Date(), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_series")),
        sa.UniqueConstraint(
            "indicator_id",
            "region_adcode",
            "period_start",
            "period_end",
            "period_kind",
            "vintage",
            "source_id",
            name=op.f("uq_monitoring_series_indicator_id"),
        ),
    )
    with op.batch_alter_table("monitoring_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_series_batch"), ["batch"], unique=False)
        batch_op.create_index(
            "ix_monitoring_series_lookup", ["indicator_id", "region_adcode", "period_end"], unique=False
        )

    op.create_table(
        "monitoring_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("alignment", sa.String(length=12), nullable=False),
        sa.Column("budget_yuan", sa.Float(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_window")),
        sa.UniqueConstraint("code", "year", "region_adcode", name=op.f("uq_monitoring_window_code")),
    )
    op.create_table(
        "monitoring_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("indicator_id", sa.String(length=60), nullable=True),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=14), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("fired_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", xinxiao.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"], ["accounts_user.id"], name=op.f("fk_monitoring_alert_acknowledged_by_accounts_user")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["monitoring_alert_rule.id"], name=op.f("fk_monitoring_alert_rule_id_monitoring_alert_rule")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_alert")),
        sa.UniqueConstraint("rule_id", "period_key", name=op.f("uq_monitoring_alert_rule_id")),
    )
    with op.batch_alter_table("monitoring_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_alert_region_adcode"), ["region_adcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_alert_rule_id"), ["rule_id"], unique=False)

    op.create_table(
        "monitoring_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("lake_version", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("started_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", xinxiao.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["accounts_user.id"], name=op.f("fk_monitoring_delivery_actor_id_accounts_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_delivery")),
    )
    with op.batch_alter_table("monitoring_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_delivery_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_delivery_sha256"), ["sha256"], unique=False)

    op.create_table(
        "monitoring_alert_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["monitoring_alert.id"], name=op.f("fk_monitoring_alert_note_alert_id_monitoring_alert")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["accounts_user.id"], name=op.f("fk_monitoring_alert_note_author_id_accounts_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_alert_note")),
    )
    with op.batch_alter_table("monitoring_alert_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_alert_note_alert_id"), ["alert_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("monitoring_alert_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_alert_note_alert_id"))

    op.drop_table("monitoring_alert_note")
    with op.batch_alter_table("monitoring_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_delivery_sha256"))
        batch_op.drop_index(batch_op.f("ix_monitoring_delivery_kind"))

    op.drop_table("monitoring_delivery")
    with op.batch_alter_table("monitoring_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_alert_rule_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_alert_region_adcode"))

    op.drop_table("monitoring_alert")
    op.drop_table("monitoring_window")
    with op.batch_alter_table("monitoring_series", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_series_lookup")
        batch_op.drop_index(batch_op.f("ix_monitoring_series_batch"))

    op.drop_table("monitoring_series")
    with op.batch_alter_table("monitoring_alert_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_alert_rule_region_adcode"))

    op.drop_table("monitoring_alert_rule")
