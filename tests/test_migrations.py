"""Migrations run on SQLite and PostgreSQL, match the models, go down and up again, and protect the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from support import BACKENDS, POSTGRES_URL
from xinxiao import migrations
from xinxiao.db import Base, make_engine
from xinxiao.models import import_all_models


def test_schema_matches_the_models(db_engine: Engine) -> None:
    import_all_models()
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_table_is_created(db_engine: Engine) -> None:
    import_all_models()
    tables = set(inspect(db_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_audit_log_is_append_only(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        outer = connection.begin()
        connection.execute(
            text("INSERT INTO core_audit (at, actor_name, action, entity) VALUES (:at, 'tester', 'create', 'x')"),
            {"at": datetime.now(UTC)},
        )
        for statement in ("UPDATE core_audit SET action = 'forged'", "DELETE FROM core_audit"):
            savepoint = connection.begin_nested()
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))
            savepoint.rollback()
        outer.rollback()


def _scratch_postgres() -> str:
    """An empty scratch database beside the test database (recreated each time)."""
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = make_url(POSTGRES_URL).database + "_migrations"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_and_upgrade_again(backend: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else _scratch_postgres()
    migrations.upgrade(url)
    head = migrations.current(url)
    migrations.downgrade(url, "base")
    assert migrations.current(url) is None
    migrations.upgrade(url)
    assert migrations.current(url) == head
