"""Document exports of plan tracking, as pure functions: the 任务分工表 (XLSX) and the 督办通报 (DOCX).

The 任务分工表 round-trips: ``write_division_table`` produces a sheet an office edits in Excel or WPS,
and ``read_division_table`` reads it back, matching rows to tasks by the 任务编号 column.
"""

from xinxiao.plans.exporting_docx import NoticeItem, write_supervision_notice
from xinxiao.plans.exporting_import import RowError, read_division_table, split_units
from xinxiao.plans.exporting_rows import (
    STATUSES,
    DivisionRow,
    division_rows_from_plan,
    format_deadline,
    summarise_target,
    summarise_targets,
    task_deadline,
)
from xinxiao.plans.exporting_xlsx import write_division_table

__all__ = [
    "STATUSES",
    "DivisionRow",
    "NoticeItem",
    "RowError",
    "division_rows_from_plan",
    "format_deadline",
    "read_division_table",
    "split_units",
    "summarise_target",
    "summarise_targets",
    "task_deadline",
    "write_division_table",
    "write_supervision_notice",
]
