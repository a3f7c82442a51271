"""foundation: reference, accounts, audit, merchants

Revision ID: 20261122_0001
Revises:
Create Date: 2026-11-22 03:02:31.879748
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import xinxiao.db

revision: str = "20261122_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_audit")),
    )
    with op.batch_alter_table("core_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_audit_entity"), ["entity"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_audit_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "reference_industry",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=4), nullable=True),
        sa.CheckConstraint(
            "level IN ('section', 'division', 'group', 'class')", name=op.f("ck_reference_industry_level")
        ),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["reference_industry.code"],
            name=op.f("fk_reference_industry_parent_code_reference_industry"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_reference_industry")),
    )
    with op.batch_alter_table("reference_industry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_industry_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "reference_region",
        sa.Column("adcode", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("short_name", sa.String(length=50), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("parent_adcode", sa.String(length=6), nullable=True),
        sa.Column("is_pseudo", sa.Boolean(), nullable=False),
        sa.Column("province_direct", sa.Boolean(), nullable=False),
        sa.Column("centroid_lat", sa.Float(), nullable=True),
        sa.Column("centroid_lon", sa.Float(), nullable=True),
        sa.CheckConstraint("level IN ('province', 'prefecture', 'county')", name=op.f("ck_reference_region_level")),
        sa.ForeignKeyConstraint(
            ["parent_adcode"],
            ["reference_region.adcode"],
            name=op.f("fk_reference_region_parent_adcode_reference_region"),
        ),
        sa.PrimaryKeyConstraint("adcode", name=op.f("pk_reference_region")),
    )
    with op.batch_alter_table("reference_region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_region_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_reference_region_parent_adcode"), ["parent_adcode"], unique=False)

    op.create_table(
        "merchants_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("center_lat", sa.Float(), nullable=False),
        sa.Column("center_lon", sa.Float(), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=True),
        sa.Column("polygon", sa.JSON(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_adcode"],
            ["reference_region.adcode"],
            name=op.f("fk_merchants_place_region_adcode_reference_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchants_place")),
        sa.UniqueConstraint("code", name=op.f("uq_merchants_place_code")),
    )
    with op.batch_alter_table("merchants_place", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merchants_place_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "reference_gov_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("level_prefix", sa.String(length=8), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('government', 'department', 'party', 'mass-organization', 'central-vertical', 'collective')",
            name=op.f("ck_reference_gov_unit_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["reference_gov_unit.id"], name=op.f("fk_reference_gov_unit_parent_id_reference_gov_unit")
        ),
        sa.ForeignKeyConstraint(
            ["region_adcode"],
            ["reference_region.adcode"],
            name=op.f("fk_reference_gov_unit_region_adcode_reference_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_gov_unit")),
        sa.UniqueConstraint("region_adcode", "name", name=op.f("uq_reference_gov_unit_region_adcode")),
    )
    with op.batch_alter_table("reference_gov_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_gov_unit_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reference_gov_unit_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "accounts_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", xinxiao.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_adcode"], ["reference_region.adcode"], name=op.f("fk_accounts_user_region_adcode_reference_region")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["reference_gov_unit.id"], name=op.f("fk_accounts_user_unit_id_reference_gov_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts_user")),
        sa.UniqueConstraint("username", name=op.f("uq_accounts_user_username")),
    )
    with op.batch_alter_table("accounts_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_user_region_adcode"), ["region_adcode"], unique=False)

    op.create_table(
        "merchants_merchant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry_code", sa.String(length=4), nullable=False),
        sa.Column("business_format", sa.String(length=30), nullable=True),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("coord_system", sa.String(length=10), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=True),
        sa.Column("above_quota", sa.Boolean(), nullable=False),
        sa.Column("above_quota_year", sa.Integer(), nullable=True),
        sa.Column("mobile_payment", sa.Boolean(), nullable=False),
        sa.Column("online_store", sa.Boolean(), nullable=False),
        sa.Column("smart_facilities", sa.Boolean(), nullable=False),
        sa.Column("opening_hours", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=40), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["merchants_place.id"],
            name=op.f("fk_merchants_merchant_place_id_merchants_place"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["region_adcode"],
            ["reference_region.adcode"],
            name=op.f("fk_merchants_merchant_region_adcode_reference_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchants_merchant")),
        sa.UniqueConstraint("uscc", name=op.f("uq_merchants_merchant_uscc")),
    )
    with op.batch_alter_table("merchants_merchant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merchants_merchant_name"), ["name"], unique=False)
        batch_op.create_index("ix_merchants_merchant_place", ["place_id"], unique=False)
        batch_op.create_index("ix_merchants_merchant_region_industry", ["region_adcode", "industry_code"], unique=False)

    op.create_table(
        "reference_gov_unit_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("region_adcode", sa.String(length=6), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_adcode"],
            ["reference_region.adcode"],
            name=op.f("fk_reference_gov_unit_alias_region_adcode_reference_region"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["reference_gov_unit.id"],
            name=op.f("fk_reference_gov_unit_alias_unit_id_reference_gov_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_gov_unit_alias")),
        sa.UniqueConstraint("region_adcode", "alias", name=op.f("uq_reference_gov_unit_alias_region_adcode")),
    )
    with op.batch_alter_table("reference_gov_unit_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_gov_unit_alias_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "accounts_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["accounts_user.id"], name=op.f("fk_accounts_token_user_id_accounts_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_accounts_token_digest")),
    )
    with op.batch_alter_table("accounts_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "merchants_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=60), nullable=False),
        sa.Column("scope_adcode", sa.String(length=6), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=True),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("error_report", sa.String(length=255), nullable=True),
        sa.Column("started_at", xinxiao.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", xinxiao.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["accounts_user.id"],
            name=op.f("fk_merchants_import_actor_id_accounts_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchants_import")),
    )
    with op.batch_alter_table("merchants_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merchants_import_scope_adcode"), ["scope_adcode"], unique=False)

    _audit_append_only()


def downgrade() -> None:
    _drop_audit_triggers()
    with op.batch_alter_table("merchants_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merchants_import_scope_adcode"))

    op.drop_table("merchants_import")
    with op.batch_alter_table("accounts_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_token_user_id"))

    op.drop_table("accounts_token")
    with op.batch_alter_table("reference_gov_unit_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_gov_unit_alias_unit_id"))

    op.drop_table("reference_gov_unit_alias")
    with op.batch_alter_table("merchants_merchant", schema=None) as batch_op:
        batch_op.drop_index("ix_merchants_merchant_region_industry")
        batch_op.drop_index("ix_merchants_merchant_place")
        batch_op.drop_index(batch_op.f("ix_merchants_merchant_name"))

    op.drop_table("merchants_merchant")
    with op.batch_alter_table("accounts_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_user_region_adcode"))

    op.drop_table("accounts_user")
    with op.batch_alter_table("reference_gov_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_gov_unit_region_adcode"))
        batch_op.drop_index(batch_op.f("ix_reference_gov_unit_parent_id"))

    op.drop_table("reference_gov_unit")
    with op.batch_alter_table("merchants_place", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merchants_place_region_adcode"))

    op.drop_table("merchants_place")
    with op.batch_alter_table("reference_region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_region_parent_adcode"))
        batch_op.drop_index(batch_op.f("ix_reference_region_level"))

    op.drop_table("reference_region")
    with op.batch_alter_table("reference_industry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_industry_parent_code"))

    op.drop_table("reference_industry")
    with op.batch_alter_table("core_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_audit_region_adcode"))
        batch_op.drop_index(batch_op.f("ix_core_audit_entity"))
        batch_op.drop_index(batch_op.f("ix_core_audit_at"))

    op.drop_table("core_audit")


def _audit_append_only() -> None:
    """The audit log refuses UPDATE and DELETE on both backends."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER core_audit_no_{verb.lower()} BEFORE {verb} ON core_audit "
                "BEGIN SELECT RAISE(ABORT, 'core_audit is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION core_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'core_audit is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER core_audit_append_only BEFORE UPDATE OR DELETE ON core_audit "
        "FOR EACH ROW EXECUTE FUNCTION core_audit_append_only()"
    )


def _drop_audit_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS core_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS core_audit_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS core_audit_append_only ON core_audit")
    op.execute("DROP FUNCTION IF EXISTS core_audit_append_only()")
