"""The plan's documents from the database: the 任务分工表 (export and re-import) and the 督办通报."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy.orm import Session

from xinxiao.core import Principal, record_write
from xinxiao.plans.exporting import (
    DivisionRow,
    NoticeItem,
    RowError,
    read_division_table,
    summarise_targets,
    write_division_table,
    write_supervision_notice,
)
from xinxiao.plans.models import Plan, PlanTarget, PlanTask
from xinxiao.plans.parsing import Target
from xinxiao.plans.parsing.model import Firmness, Operator, TargetKind
from xinxiao.plans.review import correct_units
from xinxiao.plans.service import get_plan, has_synthetic_reports, list_targets

STATUS_LABELS = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "done": "已完成",
    "ongoing": "长期",
    "overdue": "逾期",
}
STATUS_CODES = {label: code for code, label in STATUS_LABELS.items()}


def _target(row: PlanTarget) -> Target:
    return Target(
        metric=row.metric,
        kind=cast(TargetKind, row.kind),
        operator=cast(Operator, row.operator),
        value=row.value,
        unit=row.unit,
        text=row.text,
        span=(row.span_start, row.span_end),
        value_high=row.value_high,
        firmness=cast(Firmness, row.firmness),
        deadline=row.deadline,
        base_year=row.base_year,
        scope=row.scope,
        task_id=row.task_key,
    )


def _deadline(task: PlanTask, plan: Plan, targets: list[Target]) -> str | None:
    if task.ongoing:
        return "长期"
    if task.deadline:
        return task.deadline.isoformat()
    years = sorted({t.deadline[:4] for t in targets if t.deadline and t.deadline[:4].isdigit()})
    if years:
        return f"{years[-1]}年底"
    period_years = [
        part for part in (plan.period or "").replace("年", "").replace("—", "-").split("-") if part.isdigit()
    ]
    return f"{period_years[-1]}年底" if period_years else None


def division_rows(session: Session, *, actor: Principal, plan_id: int) -> list[DivisionRow]:
    """One row per task of the plan, with its units, deadline, target summary and status."""
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    by_task: dict[str | None, list[Target]] = {}
    for row in list_targets(session, actor=actor, plan_id=plan_id):
        by_task.setdefault(row.task_key, []).append(_target(row))
    rows = []
    for seq, task in enumerate(plan.tasks, start=1):
        targets = by_task.get(task.key, [])
        rows.append(
            DivisionRow(
                seq=seq,
                task_id=task.key,
                task=task.title,
                lead_units=[u.name for u in task.units if u.role == "lead"],
                co_units=[u.name for u in task.units if u.role == "co"],
                deadline=_deadline(task, plan, targets),
                targets=summarise_targets(targets),
                status=STATUS_LABELS.get(task.status, task.status),
            )
        )
    return rows


def _audit_export(session: Session, actor: Principal, plan: Plan, document: str) -> None:
    record_write(
        session,
        actor=actor,
        action="export",
        entity="plans_plan",
        entity_id=plan.id,
        region_adcode=plan.region_adcode,
        after={"document": document},
    )


def division_table(session: Session, *, actor: Principal, plan_id: int, as_of: date) -> bytes:
    """The 任务分工表 as XLSX (the export is audited)."""
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    _audit_export(session, actor, plan, "任务分工表")
    return write_division_table(
        division_rows(session, actor=actor, plan_id=plan_id),
        title=plan.title,
        issuer=plan.issuer,
        as_of=as_of,
        synthetic=plan.synthetic or has_synthetic_reports(session, plan_id=plan.id),
    )


@dataclass
class TableImport:
    """What re-importing an edited 任务分工表 changed, and the rows it refused."""

    changed: list[str]
    errors: list[RowError]


def import_division_table(
    session: Session, *, actor: Principal, plan_id: int, data: bytes, filename: str
) -> TableImport:
    """Apply the units and statuses of an edited 任务分工表; rows with errors change nothing."""
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    rows, errors = read_division_table(data, filename=filename)
    tasks = {task.key: task for task in plan.tasks}
    changed = []
    for row in rows:
        task = tasks.get(row.task_id)
        if task is None:
            errors.append(RowError(row.seq, "任务编号", f"方案中没有编号为 {row.task_id} 的任务"))
            continue
        lead = [u.name for u in task.units if u.role == "lead"]
        co = [u.name for u in task.units if u.role == "co"]
        if (row.lead_units, row.co_units) != (lead, co):
            correct_units(session, actor=actor, task_id=task.id, lead_units=row.lead_units, co_units=row.co_units)
            changed.append(task.key)
        status = STATUS_CODES.get(row.status)
        if status and status != task.status:
            record_write(
                session,
                actor=actor,
                action="update_status",
                entity="plans_task",
                entity_id=task.id,
                region_adcode=plan.region_adcode,
                before={"status": task.status},
                after={"status": status},
            )
            task.status = status
            changed.append(task.key)
    return TableImport(changed=sorted(set(changed)), errors=errors)


def supervision_notice(session: Session, *, actor: Principal, plan_id: int, as_of: date) -> bytes:
    """The 督办通报 listing overdue and lagging tasks (not done, under half done) by lead unit."""
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    overdue, lagging = [], []
    for task in plan.tasks:
        if task.status in ("done", "ongoing"):
            continue
        lead = next((u.name for u in task.units if u.role == "lead"), "未明确牵头单位")
        item = NoticeItem(
            task_id=task.key,
            title=task.title,
            lead_unit=lead,
            deadline=task.deadline.isoformat() if task.deadline else None,
            percent_done=task.percent_done,
            reason="已逾期" if task.status == "overdue" else f"完成 {task.percent_done}%, 进度滞后",
        )
        if task.status == "overdue":
            overdue.append(item)
        elif task.percent_done < 50:
            lagging.append(item)
    _audit_export(session, actor, plan, "督办通报")
    return write_supervision_notice(
        plan_title=plan.title,
        issuer=plan.issuer or "",
        number=None,
        as_of=as_of,
        lagging=lagging,
        overdue=overdue,
        total_tasks=len(plan.tasks),
        synthetic=plan.synthetic or has_synthetic_reports(session, plan_id=plan.id),
    )
