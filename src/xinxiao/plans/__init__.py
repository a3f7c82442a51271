"""Plans (行动方案): parse policy documents into tasks, units and targets, and track implementation."""

from xinxiao.plans import cli, documents, feeding, form_routes, forms, pages, parsing, router
from xinxiao.plans.form_models import FormAssignment, FormSubmission, ReportForm
from xinxiao.plans.importing import import_plan, reparse_plan
from xinxiao.plans.models import Plan, PlanTarget, PlanTask, ProgressReport, TaskOverride, TaskUnit
from xinxiao.plans.parsing import ParsedPlan, parse_plan, read_document
from xinxiao.plans.review import correct_target, correct_task, correct_units
from xinxiao.plans.service import (
    can_report,
    get_plan,
    get_task,
    list_plans,
    list_reports,
    list_targets,
    my_tasks,
    report_progress,
)
from xinxiao.plans.tracking import task_deadline, task_light

__all__ = [
    "FormAssignment",
    "FormSubmission",
    "ParsedPlan",
    "Plan",
    "PlanTarget",
    "PlanTask",
    "ProgressReport",
    "ReportForm",
    "TaskOverride",
    "TaskUnit",
    "can_report",
    "cli",
    "correct_target",
    "correct_task",
    "correct_units",
    "documents",
    "feeding",
    "form_routes",
    "forms",
    "get_plan",
    "get_task",
    "import_plan",
    "list_plans",
    "list_reports",
    "list_targets",
    "my_tasks",
    "pages",
    "parse_plan",
    "parsing",
    "read_document",
    "reparse_plan",
    "report_progress",
    "router",
    "task_deadline",
    "task_light",
]
