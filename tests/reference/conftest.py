"""Fixtures of the reference tests: in-memory databases holding the reference tables only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinxiao.db import Base, make_engine
from xinxiao.reference.models import GovUnit, GovUnitAlias, Industry, Region
from xinxiao.reference.service import seed_reference


def _reference_engine() -> Engine:
    # Only this domain's tables: other domains' models may reference tables these tests never load.
    engine = make_engine("sqlite://")
    names = [model.__tablename__ for model in (Region, GovUnit, GovUnitAlias, Industry)]
    Base.metadata.create_all(engine, tables=[Base.metadata.tables[name] for name in names])
    return engine


@pytest.fixture
def empty_engine() -> Iterator[Engine]:
    """An in-memory SQLite database with empty reference tables."""
    engine = _reference_engine()
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def ref_engine() -> Iterator[Engine]:
    """An in-memory SQLite database with the reference tables seeded once."""
    engine = _reference_engine()
    with Session(engine) as session, session.begin():
        seed_reference(session)
    yield engine
    engine.dispose()


@pytest.fixture
def ref_session(ref_engine: Engine) -> Iterator[Session]:
    """A session on the seeded database whose writes are rolled back after the test."""
    with ref_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection)
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()
