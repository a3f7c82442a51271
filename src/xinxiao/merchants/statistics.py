"""Merchant statistics as pure ibis expressions: counts, digitalisation rates and 限额以上 units.

The input is the merchants table the merchants model exports to Arrow, with columns ``id``,
``region_adcode`` (6-digit county code), ``industry_code`` (GB/T 4754, 2–4 digits),
``business_format`` (业态, nullable), ``place_id`` (nullable), ``status``
(``active``/``suspended``/``closed``), the flags ``mobile_payment``, ``online_store``,
``smart_facilities`` and ``above_quota`` (限额以上), ``above_quota_year`` (nullable) and ``opened_on``.
Every builder returns an ``ibis.Table`` that runs unchanged on DuckDB and on Spark.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import ibis.expr.types as ir
import pyarrow as pa

from xinxiao.core import InvalidInput

__all__ = [
    "DIMENSIONS",
    "MEASURES",
    "REGION_LEVELS",
    "Dimension",
    "RegionLevel",
    "new_above_quota_by_year",
    "region_key",
    "summary_by",
    "totals",
]

Dimension: TypeAlias = Literal["region", "industry", "format", "place"]
RegionLevel: TypeAlias = Literal["province", "prefecture", "county"]

DIMENSIONS: tuple[Dimension, ...] = ("region", "industry", "format", "place")
INPUT_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("region_adcode", pa.string()),
        ("industry_code", pa.string()),
        ("business_format", pa.string()),
        ("place_id", pa.int64()),
        ("status", pa.string()),
        ("mobile_payment", pa.bool_()),
        ("online_store", pa.bool_()),
        ("smart_facilities", pa.bool_()),
        ("above_quota", pa.bool_()),
        ("above_quota_year", pa.int64()),
        ("opened_on", pa.date32()),
    ]
)
"""The merchant columns these expressions read, as the registry exports them to Arrow."""
REGION_LEVELS: tuple[RegionLevel, ...] = ("province", "prefecture", "county")
MEASURES = (
    "merchants",
    "mobile_payment",
    "online_store",
    "digital",
    "mobile_payment_rate",
    "online_store_rate",
    "digital_rate",
    "above_quota",
)
"""The measure columns of ``summary_by`` and ``totals``, in result order."""

# Digits of a county adcode that name the region at each level; the rest become zeros.
_PREFIX_DIGITS: dict[str, int] = {"province": 2, "prefecture": 4, "county": 6}


def region_key(adcode: ir.StringValue, level: RegionLevel) -> ir.StringValue:
    """The adcode of the ``level`` region holding county ``adcode`` (533422 → 533400 → 530000).

    A county directly under a province (省直辖县级行政区划, codes xx90xx such as Hubei's 仙桃 429004)
    is its own prefecture-level unit, as on the province's map and in official tables.

    >>> import pyarrow as pa
    >>> from xinxiao.analytics import DuckDBEngine
    >>> def levels(tables):
    ...     code = tables["codes"].adcode
    ...     return tables["codes"].select(*(region_key(code, lvl).name(lvl) for lvl in REGION_LEVELS))
    >>> DuckDBEngine().execute(levels, {"codes": pa.table({"adcode": ["429004", "533422"]})}).values.tolist()
    [['420000', '429004', '429004'], ['530000', '533400', '533422']]
    """
    digits = _PREFIX_DIGITS.get(level)
    if digits is None:
        raise InvalidInput(f"unknown region level {level!r}", level=level)
    if digits == 6:
        return adcode
    truncated = adcode.substr(0, digits).concat("0" * (6 - digits))
    if digits == 4:
        return (adcode.substr(2, 2) == "90").ifelse(adcode, truncated)
    return truncated


def summary_by(
    t: ir.Table,
    dimension: Dimension,
    *,
    region_level: RegionLevel = "county",
    active_only: bool = True,
) -> ir.Table:
    """Merchant counts, digitalisation (数字化率) and 限额以上 counts per ``dimension`` key, by key.

    Keys: the region adcode at ``region_level``, the 2-digit industry division, the 业态 or the
    place id. Merchants without a 业态 or place form a group with a null key, sorted last.

    >>> import pyarrow as pa
    >>> from xinxiao.analytics import DuckDBEngine
    >>> shops = pa.table(
    ...     {
    ...         "region_adcode": ["533401", "533422", "533401", "429004"],
    ...         "status": ["active", "active", "active", "closed"],
    ...         "mobile_payment": [True, False, None, True],
    ...         "online_store": [False, False, True, True],
    ...         "above_quota": [True, False, False, True],
    ...     }
    ... )
    >>> by_prefecture = lambda t: summary_by(t["shops"], "region", region_level="prefecture")
    >>> frame = DuckDBEngine().execute(by_prefecture, {"shops": shops})
    >>> frame[["key", "merchants", "digital", "digital_rate", "above_quota"]].to_dict("records")
    [{'key': '533400', 'merchants': 3, 'digital': 2, 'digital_rate': 0.6666666666666666, 'above_quota': 1}]
    """
    rows = _select_status(t, active_only=active_only)
    key = _dimension_key(rows, dimension, region_level)
    return rows.group_by(key=key).aggregate(**_measures(rows)).order_by("key")


def totals(t: ir.Table, *, active_only: bool = True) -> ir.Table:
    """One row with the measures of ``summary_by`` over the whole table (rates null when empty).

    >>> import pyarrow as pa
    >>> from xinxiao.analytics import DuckDBEngine
    >>> shops = pa.table(
    ...     {
    ...         "status": ["active", "active", "suspended"],
    ...         "mobile_payment": [True, False, True],
    ...         "online_store": [True, False, False],
    ...         "above_quota": [False, False, True],
    ...     }
    ... )
    >>> frame = DuckDBEngine().execute(lambda t: totals(t["shops"], active_only=False), {"shops": shops})
    >>> frame[["merchants", "mobile_payment", "mobile_payment_rate", "above_quota"]].to_dict("records")
    [{'merchants': 3, 'mobile_payment': 2, 'mobile_payment_rate': 0.6666666666666666, 'above_quota': 1}]
    """
    rows = _select_status(t, active_only=active_only)
    return rows.aggregate(**_measures(rows))


def new_above_quota_by_year(t: ir.Table, *, region_level: RegionLevel = "county") -> ir.Table:
    """Merchants that became 限额以上 in each year, per region, by region and year.

    Counts every merchant whatever its status today: becoming 限额以上 is an event of that year
    (the plan target 新增限额以上单位 counts such events).

    >>> import pyarrow as pa
    >>> from xinxiao.analytics import DuckDBEngine
    >>> years = [2023, 2023, None]
    >>> shops = pa.table({"region_adcode": ["533401", "533422", "533401"], "above_quota_year": years})
    >>> by_prefecture = lambda t: new_above_quota_by_year(t["shops"], region_level="prefecture")
    >>> DuckDBEngine().execute(by_prefecture, {"shops": shops}).to_dict("records")
    [{'key': '533400', 'year': 2023, 'new_above_quota': 2}]
    """
    rows = t.filter(t.above_quota_year.notnull())
    key = region_key(rows.region_adcode, region_level)
    counted = rows.group_by(key=key, year=rows.above_quota_year.cast("int64"))
    return counted.aggregate(new_above_quota=rows.count()).order_by(["key", "year"])


def _select_status(t: ir.Table, *, active_only: bool) -> ir.Table:
    return t.filter(t.status == "active") if active_only else t


def _dimension_key(t: ir.Table, dimension: Dimension, region_level: RegionLevel) -> ir.Value:
    if dimension == "region":
        return region_key(t.region_adcode, region_level)
    if dimension == "industry":
        return t.industry_code.substr(0, 2)
    if dimension == "format":
        return t.business_format
    if dimension == "place":
        return t.place_id
    raise InvalidInput(f"unknown dimension {dimension!r}", dimension=dimension)


def _measures(t: ir.Table) -> dict[str, ir.Value]:
    """The measures in ``MEASURES`` order; counts are int64, rates float64 in 0..1."""
    merchants = t.count()
    mobile = _count_true(t.mobile_payment)
    online = _count_true(t.online_store)
    digital = _count_true(t.mobile_payment.fill_null(False) | t.online_store.fill_null(False))
    return {
        "merchants": merchants,
        "mobile_payment": mobile,
        "online_store": online,
        "digital": digital,
        "mobile_payment_rate": _rate(mobile, merchants),
        "online_store_rate": _rate(online, merchants),
        "digital_rate": _rate(digital, merchants),
        "above_quota": _count_true(t.above_quota),
    }


def _count_true(flag: ir.BooleanValue) -> ir.IntegerScalar:
    # Spark compiles a filtered count to SUM(CAST(flag AS BIGINT)), which is NULL for an all-null
    # group and for no rows, where DuckDB's COUNT(*) FILTER gives 0: spell out one meaning for both.
    return flag.fill_null(False).cast("int64").sum().fill_null(0).cast("int64")


def _rate(part: ir.IntegerScalar, whole: ir.IntegerScalar) -> ir.FloatingScalar:
    # Float division on both engines; NULLIF keeps Spark's ANSI mode from failing on no rows.
    return part.cast("float64") / whole.nullif(0).cast("float64")
