"""Read an edited 任务分工表 back: find the header by its labels, validate each row, never raise."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from xinxiao.plans.exporting_rows import STATUSES, DivisionRow

REQUIRED_LABELS: tuple[str, ...] = ("任务编号", "重点任务", "牵头单位", "配合单位", "完成时限", "指标", "状态")
OPTIONAL_LABELS: tuple[str, ...] = ("序号",)
# How far down a sheet the header row may sit (titles, notes and blank rows above it).
HEADER_SEARCH_ROWS = 30

_UNIT_SPLIT = re.compile(r"[、,;，；\n]+")
_STATUS_HINT = "、".join(STATUSES)

Cells = tuple[Any, ...]


@dataclass(frozen=True)
class RowError:
    """A problem in an imported table: Excel row number, column label (None for the whole file) and a reason."""

    line: int | None
    column: str | None
    reason: str


def read_division_table(data: bytes, *, filename: str = "任务分工表.xlsx") -> tuple[list[DivisionRow], list[RowError]]:
    """Read an edited 任务分工表; rows that fail validation are left out and reported as errors.

    >>> read_division_table(b"not a workbook", filename="a.xlsx")
    ([], [RowError(line=None, column=None, reason='a.xlsx 不是可读取的 XLSX 文件')])
    """
    sheets = _load_sheets(data)
    if sheets is None:
        return [], [RowError(None, None, f"{filename} 不是可读取的 XLSX 文件")]
    for sheet in sheets:
        found = _find_header(sheet)
        if found is not None:
            header_line, columns = found
            return _read_rows(_data_lines(sheet, header_line), columns)
    missing = "、".join(REQUIRED_LABELS)
    return [], [RowError(None, None, f"{filename} 中未找到表头(需包含:{missing})")]


def split_units(text: str) -> list[str]:
    """Split a cell of unit names on 、 , ; ，； and line breaks.

    >>> split_units("州商务局、州财政局, 州税务局；")
    ['州商务局', '州财政局', '州税务局']
    """
    return [name.strip() for name in _UNIT_SPLIT.split(text) if name.strip()]


def _load_sheets(data: bytes) -> list[Any] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it drops; irrelevant here
            workbook = load_workbook(BytesIO(data), data_only=True)
    except Exception:  # an uploaded file: any failure to parse it means "not a readable workbook"
        return None
    return list(workbook.worksheets)


def _find_header(sheet: Any) -> tuple[int, dict[str, int]] | None:
    rows = sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
    for line, cells in enumerate(rows, start=1):
        labels = {_label(value): index for index, value in reversed(list(enumerate(cells)))}
        if all(label in labels for label in REQUIRED_LABELS):
            wanted = REQUIRED_LABELS + OPTIONAL_LABELS
            return line, {label: labels[label] for label in wanted if label in labels}
    return None


def _label(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def _data_lines(sheet: Any, header_line: int) -> Iterator[tuple[int, Cells]]:
    rows = sheet.iter_rows(min_row=header_line + 1, values_only=True)
    return ((line, cells) for line, cells in enumerate(rows, start=header_line + 1))


def _read_rows(lines: Iterable[tuple[int, Cells]], columns: dict[str, int]) -> tuple[list[DivisionRow], list[RowError]]:
    rows: list[DivisionRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, cells in lines:
        values = {label: cell_text(_cell(cells, index)) for label, index in columns.items()}
        if not any(values.values()):
            continue  # blank rows are allowed anywhere
        row, row_errors = _parse_row(line, values, seen, position=len(rows) + len(errors) + 1)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    return rows, errors


def _cell(cells: Cells, index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _parse_row(
    line: int, values: dict[str, str], seen: dict[str, int], *, position: int
) -> tuple[DivisionRow | None, list[RowError]]:
    errors = [RowError(line, column, reason) for column, reason in _problems(values, seen)]
    seq = _seq(values.get("序号", ""), position)
    if seq is None:
        errors.append(RowError(line, "序号", f"序号“{values['序号']}”不是整数"))
    if values["任务编号"] and values["任务编号"] not in seen:
        seen[values["任务编号"]] = line
    if errors or seq is None:
        return None, errors
    return _row(seq, values), []


def _problems(values: dict[str, str], seen: dict[str, int]) -> Iterator[tuple[str, str]]:
    task_id, status = values["任务编号"], values["状态"]
    if not task_id:
        yield "任务编号", "缺少任务编号,无法与方案中的任务对应"
    elif task_id in seen:
        yield "任务编号", f"任务编号“{task_id}”与第{seen[task_id]}行重复"
    if not values["重点任务"]:
        yield "重点任务", "重点任务为空"
    if not status:
        yield "状态", f"状态为空,应为{_STATUS_HINT}之一"
    elif status not in STATUSES:
        yield "状态", f"状态“{status}”无效,应为{_STATUS_HINT}之一"


def _seq(text: str, position: int) -> int | None:
    if not text:
        return position
    return int(text) if text.isdecimal() else None


def _row(seq: int, values: dict[str, str]) -> DivisionRow:
    return DivisionRow(
        seq=seq,
        task_id=values["任务编号"],
        task=values["重点任务"],
        lead_units=split_units(values["牵头单位"]),
        co_units=split_units(values["配合单位"]),
        deadline=values["完成时限"] or None,
        targets=values["指标"],
        status=values["状态"],
    )


def cell_text(value: Any) -> str:
    """A cell's value as stripped text; whole numbers lose their ".0", dates become ISO dates.

    >>> [cell_text(v) for v in (None, " 推进中 ", 3.0, 2.5, datetime(2024, 12, 31))]
    ['', '推进中', '3', '2.5', '2024-12-31']
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def errors_as_text(errors: Sequence[RowError]) -> list[str]:
    """Errors as lines an officer reads: 第5行 状态:….

    >>> errors_as_text([RowError(5, "状态", "状态为空"), RowError(None, None, "不是 XLSX")])
    ['第5行 状态:状态为空', '不是 XLSX']
    """
    return [_error_text(error) for error in errors]


def _error_text(error: RowError) -> str:
    where = " ".join(part for part in (f"第{error.line}行" if error.line else "", error.column or "") if part)
    return f"{where}:{error.reason}" if where else error.reason
