"""Windows kept as data: dates per rule, idempotent audited seeding, visibility by region, bad definitions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support import principal
from xinxiao.core import InvalidInput, NotFound, PermissionDenied, Role, count_audit, list_audit, system_principal
from xinxiao.monitoring.models import Window
from xinxiao.monitoring.windows import (
    aligned_dates,
    get_window,
    list_windows,
    load_window_defs,
    previous_window,
    seed_windows,
    window_defs,
)

D = date
ADMIN = system_principal()


@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [
        ("spring_festival", 2024, (D(2024, 2, 3), D(2024, 2, 17))),  # 正月初一 2024-02-10 ± 7
        ("spring_festival", 2023, (D(2023, 1, 15), D(2023, 1, 29))),  # 正月初一 2023-01-22 ± 7
        ("spring_festival_holiday", 2024, (D(2024, 2, 10), D(2024, 2, 17))),  # the State Council notice
        ("spring_festival_holiday", 2025, (D(2025, 1, 28), D(2025, 2, 4))),
        ("national_day_golden_week", 2024, (D(2024, 10, 1), D(2024, 10, 7))),
        ("double11", 2024, (D(2024, 11, 1), D(2024, 11, 11))),
        ("618", 2024, (D(2024, 6, 1), D(2024, 6, 18))),
        ("online_new_year_goods", 2025, (D(2025, 1, 7), D(2025, 2, 5))),  # published: 腊月初八 … 正月初八
        ("online_new_year_goods", 2024, (D(2024, 1, 19), D(2024, 2, 17))),  # the same lunar pattern, approximate
        ("spring_festival_holiday", 2040, None),  # outside the holiday table: not guessed
    ],
)
def test_dates_per_rule(code: str, year: int, expected: tuple[date, date] | None) -> None:
    assert window_defs()[code].dates_for(year) == expected


def test_every_required_window_is_defined() -> None:
    defs = window_defs()
    required = ["spring_festival", "national_day_golden_week", "double11", "618", "online_new_year_goods"]
    required += ["double_products_online", "shangri_la_awaits", "meili100", "birdwatching", "voucher_round_1"]
    assert set(required) <= set(defs)
    assert {defs[c].region for c in ("shangri_la_awaits", "meili100", "birdwatching")} == {"533400"}
    assert defs["voucher_round_1"].budget_yuan == 3_000_000 and defs["voucher_round_1"].kind == "voucher"
    assert "近似" in defs["double_products_online"].row_note(2024) and "示例" in defs["meili100"].row_note(2024)
    assert "近似值, 可在" not in defs["online_new_year_goods"].row_note(2025)  # 2025's dates are published


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Window)) or 0)


def test_seeding_is_idempotent_and_audited(session: Session) -> None:
    audit_before = count_audit(session)
    first = seed_windows(session, actor=ADMIN, years=[2023, 2024])
    assert first.inserted == 2 * len(window_defs()) and first.updated == 0
    rows, audited = _count(session), count_audit(session) - audit_before
    assert audited == rows == first.inserted
    again = seed_windows(session, actor=ADMIN, years=[2024, 2023, 2024])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, rows)
    assert _count(session) == rows and count_audit(session) - audit_before == audited


def test_a_changed_definition_updates_its_row_with_before_and_after(session: Session) -> None:
    seed_windows(session, actor=ADMIN, years=[2024])
    changed = replace(window_defs()["618"], rule={"fixed": {"start": "05-31", "end": "06-20"}})
    report = seed_windows(session, actor=ADMIN, years=[2024], defs=[changed])
    assert (report.inserted, report.updated) == (0, 1)
    row = get_window(session, actor=ADMIN, code="618", year=2024)
    assert (row.start_date, row.end_date) == (D(2024, 5, 31), D(2024, 6, 20))
    entry = list_audit(session, scope=ADMIN.scope, entity="monitoring_window", limit=1)[0]
    assert entry.action == "update" and entry.before and entry.before["start_date"] == "2024-06-01"
    assert entry.after and entry.after["start_date"] == "2024-05-31"


def test_years_the_rule_cannot_say_are_skipped(session: Session) -> None:
    report = seed_windows(session, actor=ADMIN, years=[2040], defs=[window_defs()["spring_festival_holiday"]])
    assert report.inserted == 0 and report.skipped == ("spring_festival_holiday/2040",)


def test_a_prefecture_user_seeds_only_its_own_windows(session: Session) -> None:
    report = seed_windows(session, actor=principal("533400"), years=[2024])
    codes = {w.code for w in session.scalars(select(Window))}
    assert report.inserted == 5 and codes == {"shangri_la_awaits", "meili100", "birdwatching",
                                              "voucher_round_1", "voucher_round_2"}  # fmt: skip


def test_seeding_needs_a_writer_role(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        seed_windows(session, actor=principal("533400", Role.public), years=[2024])


def test_visibility_follows_the_line_of_the_region_tree(session: Session) -> None:
    seed_windows(session, actor=ADMIN, years=[2024])
    county = {w.code for w in list_windows(session, actor=principal("533401"), year=2024)}
    assert {"spring_festival", "meili100"} <= county
    hubei = {w.code for w in list_windows(session, actor=principal("420000"), year=2024)}
    assert "spring_festival" in hubei and "meili100" not in hubei
    with pytest.raises(NotFound):
        get_window(session, actor=principal("420000"), code="meili100", year=2024)
    with pytest.raises(NotFound):
        get_window(session, actor=ADMIN, code="618", year=1999)
    promotions = list_windows(session, actor=ADMIN, year=2024, kind="promotion")
    assert {w.code for w in promotions} == {"618", "double11", "online_new_year_goods", "double_products_online"}


def test_last_years_window_is_the_stored_row_or_aligned(session: Session) -> None:
    seed_windows(session, actor=ADMIN, years=[2024, 2025], defs=[window_defs()["online_new_year_goods"]])
    window = get_window(session, actor=ADMIN, code="online_new_year_goods", year=2025)
    assert previous_window(session, window) == (D(2024, 1, 19), D(2024, 2, 17))
    older = get_window(session, actor=ADMIN, code="online_new_year_goods", year=2024)
    assert previous_window(session, older) == (D(2022, 12, 31), D(2023, 1, 29))  # aligned on 春节 2023-01-22


@pytest.mark.parametrize(
    ("first", "last", "alignment", "year", "expected"),
    [
        (D(2024, 2, 3), D(2024, 2, 17), "lunar", 2023, (D(2023, 1, 15), D(2023, 1, 29))),
        (D(2024, 10, 1), D(2024, 10, 7), "calendar", 2023, (D(2023, 10, 1), D(2023, 10, 7))),
        (D(2024, 2, 29), D(2024, 3, 2), "calendar", 2023, (D(2023, 2, 28), D(2023, 3, 2))),
    ],
)
def test_aligned_dates(first: date, last: date, alignment: str, year: int, expected: tuple[date, date]) -> None:
    assert aligned_dates(first, last, alignment, year) == expected


BASE = {
    "code": "a", "name_zh": "甲", "name_en": "A", "kind": "event", "region": "533400", "alignment": "calendar",
    "rule": {"fixed": {"start": "07-01", "end": "07-03"}},
}  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"kind": "party"}, "kind", "must be one of"),
        ({"region": "533499"}, "region", "unknown adcode"),
        ({"alignment": "solar"}, "alignment", "lunar or calendar"),
        ({"rule": {"moon": 1}}, "rule", "exactly one"),
        ({"rule": {"fixed": {"start": "07-09", "end": "07-03"}}}, "rule", "ends before"),
        ({"rule": {"fixed": {"start": "13-01", "end": "07-03"}}}, "rule", "cannot compute"),
        ({"dates": {2024: ["2023-01-01", "2023-01-02"]}}, "dates", "not a window in that year"),
        ({"dates": {2024: ["someday"]}}, "dates", "YYYY-MM-DD"),
        ({"name_zh": None}, "name_zh", "required"),
    ],
)
def test_bad_definitions_name_file_line_window_and_field(overrides: dict[str, object], field: str, reason: str) -> None:
    bad = {k: v for k, v in (BASE | {"code": "b"} | overrides).items() if v is not None}
    text = yaml.safe_dump({"windows": [BASE, bad]}, allow_unicode=True, sort_keys=False)
    with pytest.raises(InvalidInput) as caught:
        load_window_defs(text, filename="w.yaml")
    error = caught.value
    assert error.extra == {"file": "w.yaml", "line": error.extra["line"], "window": "b", "field": field}
    assert error.extra["line"] == text.splitlines().index("- code: b") + 1
    assert reason in error.detail


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="appears twice"):
        load_window_defs(yaml.safe_dump({"windows": [BASE, BASE]}, allow_unicode=True))
