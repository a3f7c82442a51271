"""Reading official files without a database: cell parsers, layouts, the 1–2月 rule, and YTD differencing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.monitoring import official_reading as reading
from xinxiao.monitoring.official_derive import YtdFigure, monthly_from_ytd
from xinxiao.monitoring.official_layouts import Defaults, parse_series


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2019-12", (2019, 12)),
        ("2019/1", (2019, 1)),
        ("2019年2月", (2019, 2)),
        ("201903", (2019, 3)),
        ("2019-04-15", (2019, 4)),
        ("2019-05-01 00:00:00", (2019, 5)),
    ],
)
def test_period_cells(text: str, month: tuple[int, int]) -> None:
    assert reading.month_of(text) == month


@pytest.mark.parametrize("text", ["2019-13", "19-12", "2019", "December 2019", ""])
def test_bad_period_cells(text: str) -> None:
    with pytest.raises(ValueError, match="月份"):
        reading.month_of(text)


@pytest.mark.parametrize(
    ("kind", "start", "end", "ok"),
    [
        ("month", "2019-03", "2019-03", True),
        ("month", "2019-01", "2019-02", False),  # the merged 1–2月 release is ytd, not a month
        ("ytd", "2019-01", "2019-02", True),
        ("ytd", "2019-02", "2019-03", False),
        ("quarter", "2019-04", "2019-06", True),
        ("quarter", "2019-05", "2019-07", False),
        ("year", "2019-01", "2019-12", True),
        ("year", "2019-01", "2019-11", False),
        ("ytd", "2019-05", "2019-03", False),  # ends before it starts
    ],
)
def test_period_kinds(kind: str, start: str, end: str, ok: bool) -> None:
    bounds = (reading.period_start(start), reading.period_end(end))
    if ok:
        reading.check_period(kind, *bounds)
    else:
        with pytest.raises(ValueError, match="期间"):
            reading.check_period(kind, *bounds)


def _wide(text: str, **defaults: str) -> tuple[list[tuple[object, ...]], list[tuple[int, str]]]:
    parsed = parse_series(text.encode(), filename="w.csv", defaults=Defaults(**defaults))
    records = [
        (r.indicator_id, r.period_kind, r.period_start, r.period_end, r.value, r.yoy_pct) for r in parsed.records
    ]
    return records, [(e.line, e.field) for e in parsed.errors]


def test_wide_layout_merges_january_and_february_into_one_ytd_figure() -> None:
    text = "period_start,period_end,retail_sales_total_100m_yuan,retail_sales_total_yoy_pct\n"
    text += "2013-01,2013-02,37809.8,12.3\n2013-03,2013-03,17641.2,12.6\n"
    records, errors = _wide(text, region="CN", source_id="GOVCN2018")
    assert errors == []
    assert records == [
        ("retail_sales", "ytd", date(2013, 1, 1), date(2013, 2, 28), 37809.8, 12.3),
        ("retail_sales", "month", date(2013, 3, 1), date(2013, 3, 31), 17641.2, 12.6),
    ]


def test_wide_layout_refuses_a_two_month_month_and_unknown_columns() -> None:
    text = "period_start,period_end,period_kind,retail_sales_total_100m_yuan\n2013-01,2013-02,month,37809.8\n"
    assert _wide(text, region="CN", source_id="GOVCN2018")[1] == [(2, "period_end")]
    text = "month,tourists_10k_people\n2013-01,5\n"
    assert _wide(text, region="CN", source_id="GOVCN2018")[1] == [(1, "tourists_10k_people")]


def test_a_wide_file_needs_a_source_or_a_vintage() -> None:
    text = "month,sa_mom_pct\n2014-01,0.84\n"
    assert _wide(text, region="CN")[1] == [(2, "source_id"), (2, "vintage")]
    records, errors = _wide("month,sa_mom_pct,vintage\n2014-01,0.84,2014-02-13\n", region="CN", source_id="X")
    assert (records[0][0], records[0][4], errors) == ("retail_sales_sa_mom", 0.84, [])


def test_a_month_only_vintage_must_agree_with_its_source() -> None:
    ok = "month,sa_mom_pct,vintage,source_id\n2014-01,0.84,2014-11 release,SA201411\n"
    wrong = "month,sa_mom_pct,vintage,source_id\n2014-01,0.84,2014-12 release,SA201411\n"
    assert _wide(ok, region="CN")[1] == []
    assert _wide(wrong, region="CN")[1] == [(2, "vintage")]


def test_unknown_header_and_unreadable_file() -> None:
    assert parse_series(b"a,b\n1,2\n", filename="x.csv").errors[0].field == "header"
    assert parse_series(b"\xff\xfe\x00garbage\x81", filename="x.csv").errors[0].field == "file"
    assert parse_series(b"x", filename="x.pdf").errors[0].reason.startswith("不支持")


@given(st.integers(2000, 2030), st.lists(st.integers(1, 10**6), min_size=11, max_size=11))
def test_differencing_ytd_levels_gives_back_the_months_from_march(year: int, months: list[int]) -> None:
    # months[0] is the merged Jan–Feb figure, months[k] the month k + 2 (March .. December)
    levels = [sum(months[: k + 1]) for k in range(11)]
    figures = [
        YtdFigure(
            "retail_sales",
            "000000",
            reading.period_end(f"{year}-{k + 2:02d}"),
            float(level),
            "亿元",
            date(year + 1, 1, 1),
            "T",
        )
        for k, level in enumerate(levels)
    ]
    derived = monthly_from_ytd(figures)
    assert [r.period_start.month for r in derived] == list(range(3, 13))
    assert [r.value for r in derived] == [float(m) for m in months[1:]]
    assert all(r.yoy_pct is None and r.derivation for r in derived)


def test_gaps_between_ytd_figures_are_not_differenced() -> None:
    def ytd(month: int, value: float) -> YtdFigure:
        return YtdFigure(
            "retail_sales",
            "000000",
            reading.period_end(f"2019-{month:02d}"),
            value,
            "亿元",
            date(2019, month + 1, 15),
            "T",
        )

    assert [r.period_start.month for r in monthly_from_ytd([ytd(2, 1.0), ytd(6, 5.0), ytd(9, 9.0), ytd(10, 12.0)])] == [
        10
    ]
