"""Plans (行动方案): parse policy documents into tasks, units and targets, and track implementation."""

from xinxiao.plans import cli, parsing
from xinxiao.plans.models import Plan, PlanTarget, PlanTask, ProgressReport, TaskOverride, TaskUnit
from xinxiao.plans.parsing import ParsedPlan, parse_plan, read_document
from xinxiao.plans.service import (
    correct_units,
    get_plan,
    get_task,
    import_plan,
    list_plans,
    reparse_plan,
    report_progress,
)

__all__ = [
    "ParsedPlan",
    "Plan",
    "PlanTarget",
    "PlanTask",
    "ProgressReport",
    "TaskOverride",
    "TaskUnit",
    "cli",
    "correct_units",
    "get_plan",
    "get_task",
    "import_plan",
    "list_plans",
    "parse_plan",
    "parsing",
    "read_document",
    "reparse_plan",
    "report_progress",
]
