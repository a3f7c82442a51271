"""The plans domain's reads and progress reports (importing: ``importing``; corrections: ``review``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, NotFound, PermissionDenied, Principal, Role, record_write
from xinxiao.plans.models import Plan, PlanTarget, PlanTask, ProgressReport, TaskUnit

STATUSES = ("not_started", "in_progress", "done", "ongoing", "overdue")
REVIEWERS = (Role.analyst, Role.officer)


def list_plans(session: Session, *, actor: Principal) -> list[Plan]:
    """Plans of the regions inside the actor's scope, newest first."""
    query = select(Plan).where(actor.scope.clause(Plan.region_adcode)).order_by(Plan.id.desc())
    return list(session.scalars(query))


def get_plan(session: Session, *, actor: Principal, plan_id: int) -> Plan:
    """A plan inside the actor's scope."""
    plan = session.get(Plan, plan_id)
    if plan is None or not actor.scope.covers(plan.region_adcode):
        raise NotFound(f"方案 {plan_id} 不存在")
    return plan


def get_task(session: Session, *, actor: Principal, task_id: int) -> PlanTask:
    """A task of a plan inside the actor's scope."""
    task = session.get(PlanTask, task_id)
    if task is None or not actor.scope.covers(task.plan.region_adcode):
        raise NotFound(f"任务 {task_id} 不存在")
    return task


def report_progress(
    session: Session,
    *,
    actor: Principal,
    task_id: int,
    text: str,
    percent_done: int,
    status: str,
    reported_on: date,
    synthetic: bool = False,
) -> ProgressReport:
    """File a progress report; an officer may report only on tasks assigned to their own unit."""
    actor.require(*REVIEWERS)
    task = get_task(session, actor=actor, task_id=task_id)
    if actor.role is Role.officer and actor.unit_id not in {u.unit_id for u in task.units}:
        raise PermissionDenied("只能填报本单位牵头或配合的任务")
    if status not in STATUSES or not 0 <= percent_done <= 100 or not text.strip():
        raise InvalidInput("进展须有内容, 完成比例在0-100之间, 状态须为 " + "/".join(STATUSES))
    report = ProgressReport(
        task_id=task.id,
        reported_on=reported_on,
        text=text.strip(),
        percent_done=percent_done,
        status=status,
        unit_id=actor.unit_id,
        reporter_id=actor.user_id,
        reporter_name=actor.username,
        synthetic=synthetic,
    )
    session.add(report)
    before = {"status": task.status, "percent_done": task.percent_done}
    task.status, task.percent_done = status, percent_done
    session.flush()
    record_write(
        session,
        actor=actor,
        action="report_progress",
        entity="plans_task",
        entity_id=task.id,
        region_adcode=task.plan.region_adcode,
        before=before,
        after={"status": status, "percent_done": percent_done, "report": report.id},
    )
    return report


def list_targets(session: Session, *, actor: Principal, plan_id: int) -> list[PlanTarget]:
    """The targets of a plan inside the actor's scope, goals first."""
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    query = select(PlanTarget).where(PlanTarget.plan_id == plan.id).order_by(PlanTarget.position)
    return list(session.scalars(query))


def list_reports(session: Session, *, actor: Principal, task_id: int) -> list[ProgressReport]:
    """The progress reports of a task, newest first."""
    task = get_task(session, actor=actor, task_id=task_id)
    query = select(ProgressReport).where(ProgressReport.task_id == task.id).order_by(ProgressReport.id.desc())
    return list(session.scalars(query))


def my_tasks(session: Session, *, actor: Principal) -> list[PlanTask]:
    """Tasks that name the actor's unit as lead or co-operating unit, inside the scope."""
    if actor.unit_id is None:
        return []
    query = (
        select(PlanTask)
        .join(TaskUnit, TaskUnit.task_id == PlanTask.id)
        .join(Plan, Plan.id == PlanTask.plan_id)
        .where(TaskUnit.unit_id == actor.unit_id, actor.scope.clause(Plan.region_adcode))
        .order_by(Plan.id, PlanTask.position)
        .distinct()
    )
    return list(session.scalars(query))


def can_report(actor: Principal, task: PlanTask) -> bool:
    """Whether the actor may file progress on the task (used by pages to show the form)."""
    if actor.role is Role.officer:
        return actor.unit_id in {u.unit_id for u in task.units}
    return actor.role in (Role.admin, Role.analyst)


def has_synthetic_reports(session: Session, *, plan_id: int) -> bool:
    """Whether any progress report of the plan is synthetic (pages then show the 模拟数据 banner)."""
    query = (
        select(ProgressReport.id)
        .join(PlanTask, PlanTask.id == ProgressReport.task_id)
        .where(PlanTask.plan_id == plan_id, ProgressReport.synthetic)
        .limit(1)
    )
    return session.scalar(query) is not None
