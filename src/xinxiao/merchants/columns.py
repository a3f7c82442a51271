"""The columns of a merchant import file: names (English or Chinese), parsers and their error reasons."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xinxiao.reference import InvalidIdentifier, validate_uscc

BUSINESS_FORMATS = (
    "便利店",
    "超市",
    "百货店",
    "购物中心",
    "专业店",
    "专卖店",
    "仓储会员店",
    "折扣店",
    "无店铺",
    "餐饮",
    "住宿",
    "生活服务",
    "文旅",
    "汽车",
    "其他",
)
STATUSES = {
    "active": "active",
    "在营": "active",
    "存续": "active",
    "开业": "active",
    "suspended": "suspended",
    "停业": "suspended",
    "closed": "closed",
    "注销": "closed",
    "歇业": "closed",
    "吊销": "closed",
}
_TRUE = {"1", "true", "yes", "y", "是", "有", "t"}
_FALSE = {"0", "false", "no", "n", "否", "无", "f", ""}
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–—~至]\s*(\d{1,2}):(\d{2})$")


def parse_uscc(value: str) -> str:
    """A valid 统一社会信用代码."""
    if not value:
        raise ValueError("统一社会信用代码不能为空")
    try:
        return validate_uscc(value)
    except InvalidIdentifier as exc:
        raise ValueError(str(exc)) from None


def parse_name(value: str) -> str:
    """A non-empty name of at most 200 characters."""
    if not value:
        raise ValueError("名称不能为空")
    if len(value) > 200:
        raise ValueError("名称超过200个字符")
    return value


def parse_industry(value: str) -> str:
    """A GB/T 4754 code of 2 to 4 digits (checked against the registry later)."""
    if not re.fullmatch(r"\d{2,4}", value):
        raise ValueError(f"行业代码 {value!r} 应为2-4位数字 (GB/T 4754-2017)")
    return value


def parse_format(value: str) -> str | None:
    """One of the 业态 in ``BUSINESS_FORMATS``, or empty."""
    if not value:
        return None
    if value not in BUSINESS_FORMATS:
        raise ValueError(f"业态 {value!r} 不在可选范围: {'、'.join(BUSINESS_FORMATS)}")
    return value


def parse_adcode(value: str) -> str:
    """A six-digit county adcode."""
    if not re.fullmatch(r"\d{6}", value):
        raise ValueError(f"区划代码 {value!r} 应为6位数字 (GB/T 2260)")
    return value


def parse_optional_text(value: str) -> str | None:
    """Free text, empty becomes NULL."""
    return value or None


def _coordinate(low: float, high: float, label: str) -> Callable[[str], float | None]:
    def parse(value: str) -> float | None:
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{label} {value!r} 不是数字") from None
        if not low <= number <= high:
            raise ValueError(f"{label} {number} 超出中国范围 [{low}, {high}]")
        return number

    return parse


def parse_bool(value: str) -> bool:
    """是/否, 1/0, true/false (empty is false)."""
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{value!r} 不是是/否")


def parse_year(value: str) -> int | None:
    """A year between 1978 and next year, or empty."""
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value) or not 1978 <= int(value) <= date.today().year + 1:
        raise ValueError(f"年份 {value!r} 无效")
    return int(value)


def parse_hours(value: str) -> str | None:
    """Opening hours ``HH:MM-HH:MM`` (may cross midnight), ``24小时``, or empty."""
    if not value:
        return None
    if value in {"24小时", "24h", "00:00-24:00"}:
        return "00:00-24:00"
    match = _HOURS.match(value)
    if not match or int(match[1]) > 24 or int(match[3]) > 24 or int(match[2]) > 59 or int(match[4]) > 59:
        raise ValueError(f"营业时间 {value!r} 应写作 09:00-22:00")
    return f"{int(match[1]):02d}:{match[2]}-{int(match[3]):02d}:{match[4]}"


def parse_status(value: str) -> str:
    """Merchant status (active, suspended, closed or the Chinese terms), empty is active."""
    if not value:
        return "active"
    status = STATUSES.get(value.lower(), STATUSES.get(value))
    if status is None:
        raise ValueError(f"状态 {value!r} 应为 在营/停业/注销 或 active/suspended/closed")
    return status


def parse_date(value: str) -> date | None:
    """An ISO date (also 2024/05/01 and 2024年5月1日), or empty."""
    if not value:
        return None
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)  # the common case, fast
        except ValueError:
            pass
    text = value.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").strip()
    text = text.split(" ")[0].split("T")[0]
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"日期 {value!r} 应写作 2024-05-01") from None


@dataclass(frozen=True, slots=True)
class Column:
    """One importable column: canonical key, accepted header names, parser, whether required."""

    key: str
    label: str
    parse: Callable[[str], Any]
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码", parse_uscc, True, ("信用代码", "社会信用代码")),
    Column("name", "名称", parse_name, True, ("企业名称", "商户名称", "主体名称")),
    Column("industry_code", "行业代码", parse_industry, True, ("国民经济行业代码", "行业")),
    Column("business_format", "业态", parse_format),
    Column("region_adcode", "区划代码", parse_adcode, True, ("行政区划代码", "所在县区代码")),
    Column("address", "地址", parse_optional_text, aliases=("经营地址", "住所")),
    Column("lat", "纬度", _coordinate(3.0, 54.0, "纬度")),
    Column("lon", "经度", _coordinate(73.0, 136.0, "经度")),
    Column("brand", "连锁品牌", parse_optional_text, aliases=("品牌",)),
    Column("above_quota", "限额以上", parse_bool, aliases=("是否限额以上",)),
    Column("above_quota_year", "达限年份", parse_year, aliases=("纳入限额以上年份",)),
    Column("mobile_payment", "移动支付", parse_bool, aliases=("是否移动支付",)),
    Column("online_store", "网店", parse_bool, aliases=("线上店铺", "是否开设网店")),
    Column("smart_facilities", "智能设施", parse_bool, aliases=("智慧设施",)),
    Column("opening_hours", "营业时间", parse_hours),
    Column("status", "状态", parse_status, aliases=("经营状态",)),
    Column("opened_on", "开业日期", parse_date, aliases=("成立日期",)),
    Column("closed_on", "歇业日期", parse_date, aliases=("注销日期",)),
    Column("place_code", "商圈编码", parse_optional_text, aliases=("集聚区编码",)),
)
_BY_NAME = {name: c for c in COLUMNS for name in (c.key, c.label, *c.aliases)}


def match_header(header: list[str]) -> tuple[dict[int, Column], list[str]]:
    """Map header positions to columns; returns the mapping and the names of missing required columns.

    >>> mapping, missing = match_header(["统一社会信用代码", "name", "备注"])
    >>> sorted(c.key for c in mapping.values()), missing
    (['name', 'uscc'], ['行业代码 (industry_code)', '区划代码 (region_adcode)'])
    """
    mapping = {i: _BY_NAME[h.strip()] for i, h in enumerate(header) if h.strip() in _BY_NAME}
    present = {c.key for c in mapping.values()}
    missing = [f"{c.label} ({c.key})" for c in COLUMNS if c.required and c.key not in present]
    return mapping, missing


def parse_row(values: list[str], mapping: dict[int, Column]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Parse one row; returns the record and a list of (column label, reason) errors."""
    record: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for index, column in mapping.items():
        raw = values[index].strip() if index < len(values) else ""
        try:
            record[column.key] = column.parse(raw)
        except ValueError as exc:
            errors.append((column.label, str(exc)))
    if not errors:
        errors.extend(_cross_checks(record))
    return record, errors


def _cross_checks(record: dict[str, Any]) -> list[tuple[str, str]]:
    errors = []
    if record.get("above_quota_year") and not record.get("above_quota"):
        errors.append(("达限年份", "填写了达限年份但限额以上为否"))
    if (record.get("lat") is None) != (record.get("lon") is None):
        errors.append(("经度", "经纬度须同时填写"))
    opened, closed = record.get("opened_on"), record.get("closed_on")
    if opened and closed and closed < opened:
        errors.append(("歇业日期", "歇业日期早于开业日期"))
    return errors
