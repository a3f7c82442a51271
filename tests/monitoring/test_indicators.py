"""The indicator registry: the shipped file loads, and bad entries fail with file, line, field and token."""

from __future__ import annotations

import pytest

from xinxiao.core import InvalidInput, NotFound
from xinxiao.monitoring.indicators import get_indicator, list_indicators, load_registry, registry

MEASURES = """
measures:
  payments_cube:
    amount_fen: {column: amount_fen, kind: money, name_zh: 交易额}
    txn_count: {column: txn_count, kind: count, name_zh: 笔数}
  footfall_cube:
    visitors: {column: visitors, kind: people, name_zh: 客流}
indicators:
"""
GOOD = "  - {id: t, name_zh: 交易额, name_en: T, unit: 万元, source: payments_cube, formula: amount_fen, grain: day, dims: [region], caliber: c, version: 1}\n"  # noqa: E501


def _entry(**fields: object) -> str:
    base: dict[str, object] = {
        "id": "x",
        "name_zh": "名",
        "name_en": "X",
        "unit": "元每笔",
        "source": "payments_cube",
        "formula": "amount_fen / txn_count",
        "grain": "day",
        "dims": "[region]",
        "caliber": "c",
        "version": 1,
    }
    base |= fields
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in base.items() if v is not None) + "}\n"


REQUIRED_IDS = [
    "retail_sales",
    "retail_sales_above_quota",
    "online_retail",
    "online_share",
    "payment_turnover",
    "payment_count",
    "avg_ticket",
    "night_turnover",
    "night_share",
    "nonlocal_share",
    "origin_share_other_province",
    "place_turnover",
    "footfall",
    "conversion",
    "voucher_redemption",
    "voucher_leverage",
]


def test_the_shipped_registry_has_the_required_indicators() -> None:
    ids = [i.id for i in list_indicators()]
    assert set(REQUIRED_IDS) <= set(ids)
    assert get_indicator("online_share").sources == ("orders_cube", "payments_cube")
    assert get_indicator("retail_sales").is_official
    assert get_indicator("avg_ticket").is_ratio and not get_indicator("avg_ticket").additive
    assert get_indicator("payment_turnover").additive
    assert not registry().measures["payers_sum"].additive


def test_every_entry_has_the_documented_fields() -> None:
    for indicator in list_indicators():
        described = indicator.describe()
        assert described["name_zh"] and described["name_en"] and described["caliber"]
        assert described["unit"] in ("元", "万元", "亿元", "%", "笔", "人次", "元每人次", "元每笔", "倍")
        assert "region" in described["dims"]


def test_unknown_indicator_is_not_found() -> None:
    with pytest.raises(NotFound):
        get_indicator("no_such_indicator")


def test_a_good_entry_loads() -> None:
    loaded = load_registry(MEASURES + GOOD)
    assert loaded.get("t").formula is not None


@pytest.mark.parametrize(
    ("fields", "field", "token", "reason"),
    [
        ({"formula": "amount_fen / txn_countt"}, "formula", "txn_countt", "unknown measure 'txn_countt'"),
        ({"formula": "amount_fen.real"}, "formula", "amount_fen.real", "not allowed"),
        ({"formula": "amount_fen / visitors"}, "source", None, "footfall_cube"),
        ({"dims": "[region, category]"}, "dims", "category", "not a column of payments_cube"),
        ({"dims": "[region, colour]"}, "dims", "colour", "unknown dimension"),
        ({"unit": '"%"'}, "unit", None, "amount of money"),
        ({"unit": "万元", "formula": "txn_count"}, "unit", None, "ratio or count"),
        ({"unit": "斤"}, "unit", None, "is not one of"),
        ({"grain": "week"}, "grain", None, "day or month"),
        ({"name_en": None}, "name_en", None, "required"),
        ({"formula": "amount_fen + txn_count"}, "formula", "+", "adds an amount of money"),
        ({"source": "weather_cube"}, "source", None, "unknown source"),
        ({"formula": "amount_fen * amount_fen"}, "formula", None, "power 2"),
    ],
)
def test_bad_entries_name_file_line_indicator_and_field(
    fields: dict[str, object], field: str, token: str | None, reason: str
) -> None:
    text = MEASURES + GOOD + _entry(**fields)
    with pytest.raises(InvalidInput) as caught:
        load_registry(text, filename="test.yaml")
    error = caught.value
    assert error.extra["file"] == "test.yaml"
    assert error.extra["line"] == 10
    assert error.extra["indicator"] == "x"
    assert error.extra["field"] == field
    assert error.extra.get("token") == token
    assert reason in error.detail and "test.yaml line 10" in error.detail


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(InvalidInput, match="appears twice"):
        load_registry(MEASURES + GOOD + GOOD)


@pytest.mark.parametrize(
    ("measure", "reason"),
    [
        ("{column: channel, kind: count}", "not an integer column"),
        ("{column: amount_fen, kind: weight}", "kind 'weight'"),
        ("{column: amount_fen, kind: money, where: {origin_band: mars}}", "unknown values ['mars']"),
        ("{column: amount_fen, kind: money, where: {night: yes_please}}", "true/false"),
        ("{column: amount_fen, kind: money, where: {colour: red}}", "not in the cube"),
    ],
)
def test_bad_measures_are_refused(measure: str, reason: str) -> None:
    text = MEASURES.replace("indicators:", f"  orders_cube:\n    bad: {measure}\nindicators:")
    if "channel" in measure or "origin_band" in measure or "night" in measure:
        text = (
            MEASURES.replace("indicators:", "").replace("  footfall_cube:", f"    bad: {measure}\n  footfall_cube:")
            + "indicators:\n"
        )
    with pytest.raises(InvalidInput, match="bad") as caught:
        load_registry(text + GOOD)
    assert reason in caught.value.detail


def test_official_entries_have_no_formula_and_only_region() -> None:
    entry = _entry(source="official", formula=None, unit="亿元", grain="month", dims="[region, channel]")
    with pytest.raises(InvalidInput, match="only be filtered by region"):
        load_registry(MEASURES + entry)
    entry = _entry(source="official", unit="亿元", grain="month")
    with pytest.raises(InvalidInput, match="no formula"):
        load_registry(MEASURES + entry)
