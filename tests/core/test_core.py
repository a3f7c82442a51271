"""Scopes, principals, the clock seam and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from support import principal
from xinxiao.core import (
    ANONYMOUS,
    AuditEntry,
    NotFound,
    PermissionDenied,
    Role,
    Scope,
    adcode_prefix,
    frozen_clock,
    list_audit,
    record_write,
    utcnow,
)


@pytest.mark.parametrize(
    ("scope", "adcode", "covered"),
    [
        ("420000", "420102", True),
        ("420000", "429004", True),
        ("420000", "533401", False),
        ("533400", "533422", True),
        ("533422", "533401", False),
        ("533422", "533422", True),
        ("429000", "429004", True),
        ("000000", "533401", True),
        ("533400", None, False),
    ],
)
def test_scope_covers(scope: str, adcode: str | None, covered: bool) -> None:
    assert Scope(scope).covers(adcode) is covered


@given(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
def test_a_division_is_inside_its_ancestors(adcode: str) -> None:
    for parent in (adcode[:2] + "0000", adcode[:4] + "00", adcode):
        assert Scope(parent).covers(adcode)
    assert adcode.startswith(adcode_prefix(adcode))


def test_narrowing_outside_the_scope_is_not_found() -> None:
    assert Scope("533400").narrow("533422") == Scope("533422")
    assert Scope("533400").narrow(None) == Scope("533400")
    with pytest.raises(NotFound):
        Scope("533422").narrow("533400")
    with pytest.raises(NotFound):
        Scope("533422").narrow("533401")


def test_roles() -> None:
    principal("533400", Role.analyst).require(Role.analyst)
    principal("533400", Role.admin).require(Role.inspector)
    with pytest.raises(PermissionDenied, match="roles"):
        principal("533400", Role.submitter).require(Role.analyst)
    assert ANONYMOUS.is_anonymous and ANONYMOUS.role is Role.public


def test_the_clock_can_be_frozen_and_audit_entries_use_it(session: Session) -> None:
    instant = datetime(2024, 2, 10, 8, 0, tzinfo=UTC)
    with frozen_clock(instant):
        assert utcnow() == instant
        record_write(
            session,
            actor=principal("533400"),
            action="create",
            entity="t",
            entity_id=1,
            region_adcode="533401",
            after={"day": date(2024, 2, 10), "n": 1},
        )
        session.flush()
    assert utcnow() != instant
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "t")).one()
    assert entry.at == instant
    assert entry.after == {"day": "2024-02-10", "n": 1}
    with pytest.raises(ValueError, match="timezone"), frozen_clock(datetime(2024, 1, 1)):
        pass


def test_audit_entries_are_read_within_the_scope(session: Session) -> None:
    for region in ("533401", "533422", "420102"):
        record_write(session, actor=principal(region), action="create", entity="t", region_adcode=region)
    session.flush()
    seen = {e.region_adcode for e in list_audit(session, scope=Scope("533400"), entity="t")}
    assert seen == {"533401", "533422"}


@pytest.mark.parametrize(
    ("scope", "inside", "outside"),
    [("533400", ["533401", "533499"], ["533500", "533399", "530000"]), ("590000", ["591234"], ["600000", "58"])],
)
def test_scope_clause_selects_exactly_the_covered_codes(scope: str, inside: list[str], outside: list[str]) -> None:
    from sqlalchemy import column, literal, select
    from sqlalchemy import create_engine as engine_for

    engine = engine_for("sqlite://")
    with engine.connect() as connection:
        for code in inside + outside:
            query = select(literal(1)).select_from(select(literal(code).label("a")).subquery())
            clause = Scope(scope).clause(column("a"))
            hit = connection.execute(query.where(clause)).first() is not None
            assert hit is (code in inside) is Scope(scope).covers(code), code
