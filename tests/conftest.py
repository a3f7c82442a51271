"""Shared fixtures: settings, migrated databases on SQLite (always) and PostgreSQL (when configured).

Each database-backed test runs inside an outer transaction that is rolled back; service code that
commits only releases a savepoint. PostgreSQL runs when XINXIAO_TEST_POSTGRES_URL is set, and then a
server that cannot be reached fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from support import BACKENDS, POSTGRES_URL, make_settings
from websupport import Site, ingest_payments, populate
from xinxiao import migrations, monitoring
from xinxiao.config import Settings
from xinxiao.core import system_principal
from xinxiao.db import make_engine, transaction
from xinxiao.reference import seed_reference


def _fresh_postgres() -> str:
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture(scope="session")
def template_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded SQLite file that tests copy instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "xinxiao.db"
    url = f"sqlite:///{path}"
    migrations.upgrade(url)
    engine = make_engine(url)
    with transaction(sessionmaker(engine)) as session:
        seed_reference(session)
    engine.dispose()
    return path


@pytest.fixture(scope="session", params=BACKENDS)
def db_engine(
    request: pytest.FixtureRequest, template_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated, seeded database engine per backend for the whole session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "xinxiao.db"
        shutil.copy(template_sqlite, path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        url = _fresh_postgres()
        migrations.upgrade(url)
        engine = make_engine(url)
        with transaction(sessionmaker(engine)) as session:
            seed_reference(session)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db_engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory whose every commit is undone after the test."""
    connection = db_engine.connect()
    outer = connection.begin()
    yield sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    outer.rollback()
    connection.close()


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One session inside the rolled-back test transaction."""
    with sessions() as s:
        yield s


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    """An empty runtime directory."""
    path = tmp_path / "var"
    path.mkdir()
    return path


@pytest.fixture
def settings(var_dir: Path) -> Settings:
    """Settings pointing at a fresh SQLite database under ``var_dir``."""
    return make_settings(var_dir)


# CI explores the same examples every run (a red CI reproduces); developers get fresh ones each time.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def _chromium_available() -> bool:
    return Path("/usr/bin/chromium").exists()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run browser and Spark tests whenever their tools exist; in CI (XINXIAO_REQUIRE_*) they always run."""
    if _chromium_available() or os.environ.get("XINXIAO_REQUIRE_BROWSER"):
        return
    kept = [i for i in items if "browser" not in i.keywords]
    deselected = [i for i in items if "browser" in i.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


LAKE_START, LAKE_END = date(2023, 1, 1), date(2024, 3, 31)


@pytest.fixture
def site(var_dir: Path, template_sqlite: Path) -> Iterator[Site]:
    """The populated site."""
    result = populate(make_settings(var_dir), template_sqlite)
    yield result
    result.runtime.close()


@pytest.fixture
def lake_site(site: Site) -> Site:
    """The populated site with 15 months of synthetic payments of its 香格里拉 and 德钦 merchants in the lake."""
    assert ingest_payments(site, LAKE_START, LAKE_END, seed=3) > 1000
    with transaction(site.runtime.sessions) as session:
        monitoring.seed_windows(session, actor=system_principal(), years=[2023, 2024])
    return site
