"""Official statistics store: the real files import, idempotently; vintages, revisions, as-of; scope; errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support import REPO, principal
from xinxiao.core import Conflict, InvalidInput, NotFound, PermissionDenied, Role, Scope, count_audit, system_principal
from xinxiao.monitoring import official
from xinxiao.monitoring.models import Series

DATA = REPO / "tests" / "data" / "monitoring"
NATIONAL = Scope.national()
YEAR_2019 = {"period_kind": "ytd", "start": date(2019, 12, 1), "end": date(2019, 12, 31)}


def _rows(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Series)) or 0)


@pytest.fixture
def loaded(session: Session) -> official.ReferenceLoad:
    return official.load_national_reference(session, actor=system_principal())


def test_each_packaged_file_imports_every_row(loaded: official.ReferenceLoad, session: Session) -> None:
    counts = {r.file: (r.layout, r.figures, r.inserted) for r in loaded.imports}
    assert counts == {
        "nbs_retail_releases_2017_2024.csv": ("long", 193, 193),
        "regional_bulletin_figures.csv": ("long", 5, 5),
        "nbs_retail_monthly_2012_2018.csv": ("wide", 140, 140),  # 70 rows × (社零, 限额以上)
        "nbs_retail_sa_mom_vintage_2014-11.csv": ("wide", 13, 13),
    }
    # 14 months derivable from consecutive YTD levels; 16 more are skipped because the month is published
    assert (loaded.derivation.inserted, loaded.derivation.skipped_published) == (14, 16)
    assert _rows(session) == 193 + 5 + 140 + 13 + 14


def test_reimport_adds_nothing_and_every_write_is_audited(loaded: official.ReferenceLoad, session: Session) -> None:
    before, audited = _rows(session), count_audit(session)
    again = official.load_national_reference(session, actor=system_principal())
    assert [r.inserted for r in again.imports] == [0, 0, 0, 0]
    assert [r.unchanged for r in again.imports] == [193, 5, 140, 13]
    assert (again.derivation.inserted, again.derivation.unchanged) == (0, 14)
    assert (_rows(session), count_audit(session)) == (before, audited)


def test_audit_has_one_entry_per_inserted_row(session: Session) -> None:
    before = count_audit(session)
    official.import_file(session, actor=system_principal(), path=DATA / "official_revision.csv")
    assert count_audit(session) == before + 1


def test_2019_total_as_published(loaded: official.ReferenceLoad, session: Session) -> None:
    (row,) = official.latest(session, scope=NATIONAL, indicator_id="retail_sales", region_adcode="000000", **YEAR_2019)
    assert (row.value, row.unit, row.yoy_pct, row.yoy_real_pct) == (411649, "亿元", 8.0, 6.0)
    assert (row.period_start, row.vintage, row.source_id, row.derived) == (
        date(2019, 1, 1),
        date(2020, 1, 17),
        "S2019Y",
        False,
    )


def test_published_growth_is_kept_not_recomputed(loaded: official.ReferenceLoad, session: Session) -> None:
    rows = official.latest(
        session,
        scope=NATIONAL,
        indicator_id="retail_sales",
        region_adcode="CN",
        period_kind="ytd",
        start=date(2018, 2, 1),
        end=date(2018, 2, 28),
    )
    # 61081.8 / 57959.7 − 1 = 5.4% by levels; the release says 9.7% on the comparable basis
    assert [(r.value, r.yoy_pct) for r in rows] == [(61081.8, 9.7)]


def test_as_of_hides_later_releases(loaded: official.ReferenceLoad, session: Session) -> None:
    def visible(as_of: date) -> list[date]:
        rows = official.latest(
            session,
            scope=NATIONAL,
            indicator_id="retail_sales",
            region_adcode="CN",
            as_of=as_of,
            period_kind="ytd",
            start=date(2019, 1, 1),
            end=date(2019, 12, 31),
        )
        return [r.period_end for r in rows]

    assert visible(date(2020, 1, 16))[-1] == date(2019, 11, 30)
    assert visible(date(2020, 1, 17))[-1] == date(2019, 12, 31)
    assert visible(date(2019, 3, 13)) == []


def test_a_later_vintage_is_a_revision(loaded: official.ReferenceLoad, session: Session) -> None:
    result = official.import_file(session, actor=system_principal(), path=DATA / "official_revision.csv")
    assert (result.inserted, result.layout) == (1, "long")
    history = official.revisions(
        session,
        scope=NATIONAL,
        indicator_id="retail_sales",
        region_adcode="CN",
        period_start=date(2019, 1, 1),
        period_end=date(2019, 12, 31),
        period_kind="ytd",
    )
    assert [(r.vintage, r.value) for r in history] == [(date(2020, 1, 17), 411649), (date(2021, 1, 18), 408017)]
    now = official.latest(session, scope=NATIONAL, indicator_id="retail_sales", region_adcode="CN", **YEAR_2019)
    then = official.latest(
        session, scope=NATIONAL, indicator_id="retail_sales", region_adcode="CN", as_of=date(2020, 6, 30), **YEAR_2019
    )
    assert ([r.value for r in now], [r.value for r in then]) == ([408017], [411649])


def test_same_key_with_another_value_is_a_conflict_naming_the_line(session: Session, tmp_path: Path) -> None:
    official.import_file(session, actor=system_principal(), path=DATA / "official_revision.csv")
    changed = tmp_path / "official_revision.csv"
    changed.write_text((DATA / "official_revision.csv").read_text().replace("408017", "408018"), encoding="utf-8")
    before = _rows(session)
    with pytest.raises(Conflict) as caught:
        official.import_file(session, actor=system_principal(), path=changed)
    assert caught.value.extra["errors"][0] | {"reason": ""} == {
        "file": "official_revision.csv",
        "line": 2,
        "field": "value",
        "reason": "",
    }
    assert _rows(session) == before


def test_invalid_file_names_every_line_and_field_and_imports_nothing(session: Session) -> None:
    before = _rows(session)
    with pytest.raises(InvalidInput) as caught:
        official.import_file(session, actor=system_principal(), path=DATA / "official_invalid.csv")
    found = [(e["line"], e["field"]) for e in caught.value.extra["errors"]]
    assert found == [
        (2, "period_start"),  # 2023-13
        (3, "period_end"),  # ends before it starts
        (4, "period_kind"),  # quarterly
        (5, "value"),  # abc
        (6, "value"),  # neither value nor yoy
        (7, "indicator"),  # tourist_arrivals
        (8, "vintage"),  # no vintage column value, source not in sources.yaml
    ]
    assert "official_invalid.csv 第2行 period_start" in caught.value.detail
    assert _rows(session) == before


def test_gbk_csv_with_chinese_headers(session: Session) -> None:
    result = official.import_file(session, actor=principal("533400"), path=DATA / "official_gbk.csv")
    assert (result.encoding, result.layout, result.inserted) == ("gbk", "long", 4)
    rows = official.latest(session, scope=Scope("533400"), indicator_id="社会消费品零售总额", region_adcode="迪庆州")
    assert [(r.period_start, r.period_end, r.period_kind, r.value) for r in rows] == [
        (date(2023, 1, 1), date(2023, 2, 28), "ytd", 12.5),
        (date(2023, 1, 1), date(2023, 3, 31), "ytd", 19.0),
    ]
    (online,) = official.latest(session, scope=Scope("533401"), indicator_id="online_retail", region_adcode="533401")
    assert (online.value, online.unit, online.yoy_pct) == (None, "亿元", 15.2)


def test_xlsx_with_a_vintage_column(session: Session, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "region",
            "period_start",
            "period_end",
            "period_kind",
            "indicator",
            "value",
            "unit",
            "yoy_pct",
            "source_id",
            "vintage",
        ]
    )
    sheet.append(
        [
            "420000",
            date(2023, 1, 1),
            date(2023, 9, 1),
            "ytd",
            "retail_sales_total",
            16378.56,
            "亿元",
            8.5,
            "TEST_XLSX",
            date(2023, 10, 20),
        ]
    )
    book.save(tmp_path / "hubei.xlsx")
    result = official.import_file(session, actor=principal("420000"), path=tmp_path / "hubei.xlsx")
    assert (result.encoding, result.inserted) == ("xlsx", 1)
    (row,) = official.latest(session, scope=Scope("420000"), indicator_id="retail_sales", region_adcode="Hubei")
    assert (row.period_end, row.value, row.vintage) == (date(2023, 9, 30), 16378.56, date(2023, 10, 20))


def test_derived_months_are_labelled_and_carry_no_growth(loaded: official.ReferenceLoad, session: Session) -> None:
    months = official.latest(
        session,
        scope=NATIONAL,
        indicator_id="online_retail",
        region_adcode="CN",
        period_kind="month",
        start=date(2019, 1, 1),
        end=date(2019, 12, 31),
    )
    assert [(r.period_start, r.value, r.derived, r.yoy_pct) for r in months] == [
        (date(2019, 3, 1), 22379 - 13983, True, None),
        (date(2019, 12, 1), 106324 - 94958, True, None),
    ]
    assert months[0].derivation == "2019-03 = ytd(2019-03) − ytd(2019-02)"
    assert (months[1].vintage, months[1].source_id) == (date(2020, 1, 17), "derived")


def test_a_published_month_is_not_derived(loaded: official.ReferenceLoad, session: Session) -> None:
    (december,) = official.latest(
        session,
        scope=NATIONAL,
        indicator_id="retail_sales",
        region_adcode="CN",
        period_kind="month",
        start=date(2019, 12, 1),
        end=date(2019, 12, 31),
    )
    assert (december.value, december.yoy_pct, december.derived) == (38777, 8.0, False)


def test_january_and_february_come_merged_and_are_never_single_months(
    loaded: official.ReferenceLoad, session: Session
) -> None:
    merged = official.latest(
        session,
        scope=NATIONAL,
        indicator_id="retail_sales",
        region_adcode="CN",
        period_kind="ytd",
        start=date(2012, 2, 1),
        end=date(2012, 2, 29),
    )
    assert [(r.period_start, r.period_end, r.value, r.source_note) for r in merged] == [
        (date(2012, 1, 1), date(2012, 2, 29), 33668.6, "2012年1-2月")
    ]
    early = select(Series.indicator_id).where(
        Series.period_kind == "month", func.extract("month", Series.period_end) <= 2
    )
    # only the seasonally adjusted m/m growth has January and February of its own (NBS models them apart)
    assert set(session.scalars(early)) == {"retail_sales_sa_mom"}


def test_a_region_outside_the_scope_is_not_found(session: Session) -> None:
    official.load_national_reference(session, actor=system_principal())
    diqing = Scope("533400")
    with pytest.raises(NotFound):
        official.latest(session, scope=diqing, indicator_id="retail_sales", region_adcode="420000")
    with pytest.raises(NotFound):
        official.revisions(
            session,
            scope=diqing,
            indicator_id="retail_sales",
            region_adcode="Hubei",
            period_start=date(2015, 1, 1),
            period_end=date(2015, 12, 31),
            period_kind="ytd",
        )
    assert official.latest(session, scope=diqing, indicator_id="gdp", region_adcode="533400")[0].value == 303.74
    assert official.latest(session, scope=diqing, indicator_id="retail_sales", region_adcode="CN")  # public
    held = {(s.indicator_id, s.region_adcode) for s in official.list_indicators_with_series(session, scope=diqing)}
    assert ("gdp", "533400") in held and ("retail_sales", "000000") in held
    assert not any(region == "420000" for _, region in held)
    assert not any(s.synthetic for s in official.list_indicators_with_series(session, scope=diqing))


def test_writing_needs_a_covering_scope_and_a_role(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        official.import_file(session, actor=principal("533400"), path=DATA / "official_revision.csv")
    assert caught.value.extra["errors"][0]["field"] == "region"
    with pytest.raises(PermissionDenied):
        official.import_file(session, actor=principal("533400", Role.submitter), path=DATA / "official_gbk.csv")
    assert _rows(session) == 0


def test_period_bounds_reject_a_quarter_that_is_not_one() -> None:
    assert official.period_bounds("quarter", "2019-09") == (date(2019, 7, 1), date(2019, 9, 30))
    with pytest.raises(InvalidInput):
        official.period_bounds("quarter", "2019-08")


def test_synthetic_imports_are_labelled_in_the_listing(session: Session) -> None:
    official.import_file(session, actor=system_principal(), path=DATA / "official_gbk.csv", synthetic=True)
    summaries = official.list_indicators_with_series(session, scope=Scope.national())
    assert summaries and all(s.synthetic for s in summaries)
