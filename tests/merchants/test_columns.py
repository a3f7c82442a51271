"""Table-driven tests of the import column parsers."""

from __future__ import annotations

from datetime import date

import pytest

from xinxiao.merchants.columns import (
    match_header,
    parse_bool,
    parse_date,
    parse_hours,
    parse_row,
    parse_status,
    parse_uscc,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("是", True), ("否", False), ("1", True), ("0", False), ("TRUE", True), ("", False), ("有", True)],
)
def test_parse_bool(value: str, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("9:00-22:00", "09:00-22:00"), ("18:00~02:00", "18:00-02:00"), ("24小时", "00:00-24:00"), ("", None)],
)
def test_parse_hours(value: str, expected: str | None) -> None:
    assert parse_hours(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", date(2024, 5, 1)),
        ("2024/5/1", date(2024, 5, 1)),
        ("2024年5月1日", date(2024, 5, 1)),
        ("2024-05-01 00:00:00", date(2024, 5, 1)),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("parser", "value", "reason"),
    [
        (parse_uscc, "", "不能为空"),
        (parse_uscc, "91110000600037341X", "校验码"),
        (parse_uscc, "9111000060003734", "18位"),
        (parse_hours, "9点到晚上10点", "营业时间"),
        (parse_status, "倒闭", "状态"),
        (parse_date, "2024-13-01", "日期"),
        (parse_bool, "可能", "是/否"),
    ],
)
def test_parsers_reject_with_reason(parser, value: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=reason):
        parser(value)


def test_header_accepts_english_chinese_and_aliases() -> None:
    mapping, missing = match_header(["uscc", "企业名称", "行业", "行政区划代码", "unknown"])
    assert missing == []
    assert sorted(c.key for c in mapping.values()) == ["industry_code", "name", "region_adcode", "uscc"]


def test_row_cross_checks() -> None:
    mapping, _ = match_header(["uscc", "name", "industry_code", "region_adcode", "纬度", "达限年份", "限额以上"])
    values = ["91110000600037341L", "店", "5212", "533401", "27.8", "2020", "否"]
    _, errors = parse_row(values, mapping)
    columns = {c for c, _ in errors}
    assert columns == {"达限年份", "经度"}
