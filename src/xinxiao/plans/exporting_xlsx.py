"""Write the 任务分工表 as an XLSX an office can edit and print (reading it back is exporting_import)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xinxiao.plans.exporting_rows import STATUSES, DivisionRow

UNIT_SEPARATOR = "、"
SHEET_TITLE = "任务分工表"
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
SYNTHETIC_NOTE = "模拟数据"
# Label and width of each column, in printed order; 任务编号 is narrow and grey, kept for the import.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 6),
    ("重点任务", 46),
    ("牵头单位", 22),
    ("配合单位", 36),
    ("完成时限", 12),
    ("指标", 34),
    ("状态", 10),
    ("任务编号", 11),
)
# Rows below the data that still offer the 状态 dropdown, for tasks an office adds by hand.
SPARE_ROWS = 200

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="方正小标宋简体", size=18)
_SUBTITLE_FONT = Font(name="楷体_GB2312", size=12)
_HEADER_FONT = Font(name="黑体", size=12, bold=True)
_BODY_FONT = Font(name="仿宋_GB2312", size=11)
_ID_FONT = Font(name="仿宋_GB2312", size=9, color="808080")
_CENTRED = frozenset({"序号", "完成时限", "状态", "任务编号"})


def write_division_table(
    rows: Sequence[DivisionRow], *, title: str, issuer: str | None, as_of: date, synthetic: bool = False
) -> bytes:
    """The 任务分工表 as XLSX bytes: title, subtitle, header, one row per task, status dropdown, print setup."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    workbook.properties.created = datetime.combine(as_of, time())
    _write_heading(sheet, table_title(title), subtitle(issuer=issuer, as_of=as_of, synthetic=synthetic))
    _write_header(sheet)
    for offset, row in enumerate(rows, start=1):
        _write_row(sheet, HEADER_ROW + offset, row)
    _add_status_dropdown(sheet, last_row=HEADER_ROW + len(rows) + SPARE_ROWS)
    _set_up_page(sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_title(plan_title: str) -> str:
    """The sheet's title line: the plan title followed by 任务分工表.

    >>> table_title("《迪庆州三年行动方案》")
    '迪庆州三年行动方案任务分工表'
    """
    bare = plan_title.strip().strip("《》")
    return bare if bare.endswith(SHEET_TITLE) else f"{bare}{SHEET_TITLE}"


def subtitle(*, issuer: str | None, as_of: date, synthetic: bool) -> str:
    """The line under the title: issuer, 截至 date and the synthetic-data mark.

    >>> subtitle(issuer="迪庆州人民政府", as_of=date(2024, 6, 30), synthetic=True)
    '迪庆州人民政府　截至2024年6月30日　模拟数据'
    """
    parts = [issuer or "", f"截至{chinese_date(as_of)}", SYNTHETIC_NOTE if synthetic else ""]
    return "\u3000".join(p for p in parts if p)


def chinese_date(day: date) -> str:
    """A date as 2024年6月30日.

    >>> chinese_date(date(2024, 1, 5))
    '2024年1月5日'
    """
    return f"{day.year}年{day.month}月{day.day}日"


def _write_heading(sheet: Any, title: str, sub: str) -> None:
    last = get_column_letter(len(COLUMNS))
    for row, text, font, height in ((TITLE_ROW, title, _TITLE_FONT, 36), (SUBTITLE_ROW, sub, _SUBTITLE_FONT, 22)):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.row_dimensions[row].height = height


def _write_header(sheet: Any) -> None:
    for column, (label, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=label)
        cell.font = _HEADER_FONT
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 24


def _write_row(sheet: Any, line: int, row: DivisionRow) -> None:
    values = _row_values(row)
    for column, (label, _width) in enumerate(COLUMNS, start=1):
        value = None if values[label] == "" else values[label]
        cell = sheet.cell(row=line, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula, whatever it starts with
        cell.font = _ID_FONT if label == "任务编号" else _BODY_FONT
        cell.border = _BORDER
        horizontal = "center" if label in _CENTRED else "left"
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


def _row_values(row: DivisionRow) -> dict[str, int | str]:
    return {
        "序号": row.seq,
        "重点任务": row.task,
        "牵头单位": UNIT_SEPARATOR.join(row.lead_units),
        "配合单位": UNIT_SEPARATOR.join(row.co_units),
        "完成时限": row.deadline or "",
        "指标": row.targets,
        "状态": row.status,
        "任务编号": row.task_id,
    }


def _add_status_dropdown(sheet: Any, *, last_row: int) -> None:
    letter = get_column_letter(1 + [label for label, _ in COLUMNS].index("状态"))
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态无效",
        error="请从下拉列表中选择:" + "、".join(STATUSES),
    )
    sheet.add_data_validation(validation)
    validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")


def _set_up_page(sheet: Any) -> None:
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
