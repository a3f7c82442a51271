"""Reading official-statistics files: CSV (UTF-8 or GBK) and XLSX into cells with line numbers, and the cell parsers.

Periods are months or longer: a period cell is read to its month (``2019-12``, ``2019/12``, ``2019年12月``,
``201912``, or a date whose day is ignored); a period starts on the first day of its start month and ends
on the last day of its end month. Numbers may carry thousands separators; an empty cell is no value.
"""

from __future__ import annotations

import calendar
import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

CANDIDATE_ENCODINGS = (("utf-8-sig", "utf-8"), ("gb18030", "gbk"))
_MONTH = re.compile(r"(\d{4})(?:[-/.年]\s*(\d{1,2})|(\d{2}))(?:月|[-/.]\d{1,2}日?)?(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")


class Unreadable(ValueError):
    """The file as a whole cannot be read (encoding, type, empty)."""


@dataclass(frozen=True, slots=True)
class Table:
    """A read file: its encoding (``xlsx`` for workbooks), header cells and data rows with their line numbers."""

    encoding: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV (UTF-8, else GBK/GB18030) or XLSX file held in memory.

    >>> t = read_table("指标,数值\\n社零,1\\n".encode("gbk"), "x.csv")
    >>> t.encoding, t.header, t.rows
    ('gbk', ['指标', '数值'], [(2, ['社零', '1'])])
    """
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise Unreadable("文件为空 (the file is empty)")
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(data)
    if suffix in {".csv", ".txt", ""}:
        return _read_csv(data)
    raise Unreadable(f"不支持的文件类型 {suffix} (use CSV or XLSX)")


def _read_csv(data: bytes) -> Table:
    for codec, label in CANDIDATE_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        rows: list[tuple[int, list[str]]] = []
        header = next(reader, [])
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
        return Table(label, [h.strip() for h in header], rows)
    raise Unreadable("无法识别文件编码, 请另存为 UTF-8 或 GBK 编码的 CSV (neither UTF-8 nor GBK)")


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # a heavy import, only for workbooks

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise Unreadable(f"无法读取 XLSX 文件 ({exc.__class__.__name__})") from None
    sheet = book.worksheets[0]
    lines = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    header = lines[0] if lines else []
    rows = [(n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)]
    return Table("xlsx", [h.strip() for h in header], rows)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def month_of(text: str) -> tuple[int, int]:
    """The (year, month) a period cell names.

    >>> month_of("2019-12"), month_of("2019年2月"), month_of("201903"), month_of("2020-01-01T00:00:00")
    ((2019, 12), (2019, 2), (2019, 3), (2020, 1))
    """
    match = _MONTH.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} 不是月份 (expected YYYY-MM)")
    year, month = int(match[1]), int(match[2] or match[3])
    if not 1 <= month <= 12 or year < 1949:
        raise ValueError(f"{text!r} 不是有效月份 (no such month)")
    return year, month


def period_start(text: str) -> date:
    """The first day of the month a period-start cell names.

    >>> period_start("2019-01")
    datetime.date(2019, 1, 1)
    """
    year, month = month_of(text)
    return date(year, month, 1)


def period_end(text: str) -> date:
    """The last day of the month a period-end cell names.

    >>> period_end("2024-02")
    datetime.date(2024, 2, 29)
    """
    year, month = month_of(text)
    return date(year, month, calendar.monthrange(year, month)[1])


def release_date(text: str) -> date:
    """A release date (vintage) given to the day.

    >>> release_date("2020-01-17"), release_date("2020年1月17日")
    (datetime.date(2020, 1, 17), datetime.date(2020, 1, 17))
    """
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} 不是日期 (expected YYYY-MM-DD)")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"{text!r} 不是有效日期 (no such day)") from None


def number(text: str) -> float | None:
    """A number, or None for an empty cell.

    >>> number("411,649"), number(" -20.5 "), number("")
    (411649.0, -20.5, None)
    """
    cleaned = text.strip().replace(",", "").replace("，", "").replace("−", "-")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} 不是数值 (not a number)") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} 不是有限数值 (not a finite number)")
    return value


def check_period(kind: str, start: date, end: date) -> None:
    """Refuse a period whose bounds do not fit its kind (1–2月 is ``ytd`` from January to February).

    >>> check_period("ytd", date(2019, 1, 1), date(2019, 2, 28))
    >>> check_period("month", date(2019, 1, 1), date(2019, 2, 28))
    Traceback (most recent call last):
    ValueError: month 期间须为同一个月 (a month period starts and ends in one month; 1–2月 is ytd)
    """
    if end < start:
        raise ValueError("期间止早于期间起 (period_end before period_start)")
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if kind == "month" and months != 1:
        raise ValueError("month 期间须为同一个月 (a month period starts and ends in one month; 1–2月 is ytd)")
    if kind == "ytd" and (start.month != 1 or start.year != end.year):
        raise ValueError("ytd 期间须从当年1月开始 (a ytd period starts in January of its year)")
    if kind == "quarter" and (months != 3 or start.month % 3 != 1):
        raise ValueError("quarter 期间须为一个自然季度 (a quarter spans three months from Jan, Apr, Jul or Oct)")
    if kind == "year" and (start.month != 1 or months != 12):
        raise ValueError("year 期间须为1月至12月 (a year runs from January to December)")


def infer_kind(start: date, end: date) -> str:
    """The period kind of a wide-layout row without a period_kind column.

    >>> infer_kind(date(2012, 3, 1), date(2012, 3, 31)), infer_kind(date(2012, 1, 1), date(2012, 2, 29))
    ('month', 'ytd')
    """
    if (start.year, start.month) == (end.year, end.month):
        return "month"
    if start.month == 1 and start.year == end.year:
        return "ytd"  # the merged 1–2月 release, or any Jan..N cumulative figure
    raise ValueError("无法判断期间类型, 请增加 period_kind 列 (add a period_kind column)")
