"""The plans domain's verbs: import a parsed document, review it, and collect progress reports."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, NotFound, PermissionDenied, Principal, Role, record_write, utcnow
from xinxiao.plans.models import Plan, PlanTarget, PlanTask, ProgressReport, TaskOverride, TaskUnit
from xinxiao.plans.parsing import ParsedPlan, Task, UnitRef, parse_plan
from xinxiao.reference import find_unit, get_region

STATUSES = ("not_started", "in_progress", "done", "ongoing", "overdue")
REVIEWERS = (Role.analyst, Role.officer)


def import_plan(
    session: Session,
    *,
    actor: Principal,
    text: str,
    filename: str,
    region_adcode: str | None = None,
    first_is_lead: bool = True,
    synthetic: bool = False,
) -> Plan:
    """Parse a document and store it as a tracked plan of a region inside the actor's scope."""
    actor.require(Role.analyst)
    parsed = parse_plan(text, region_adcode=region_adcode, first_is_lead=first_is_lead)
    region = region_adcode or parsed.region_adcode
    if region is None:
        raise InvalidInput("无法识别发文地区, 请指定 region_adcode", field="region_adcode")
    get_region(session, adcode=region)
    if not actor.scope.covers(region):
        raise InvalidInput(f"地区 {region} 不在您的管辖范围内", field="region_adcode")
    plan = Plan(
        title=parsed.title or filename,
        issuer=parsed.issuer,
        doc_number=parsed.doc_number,
        issued_on=parsed.issued_on,
        period=parsed.period,
        region_adcode=region,
        source_filename=filename,
        source_sha256=hashlib.sha256(text.encode()).hexdigest(),
        raw_text=text,
        first_is_lead=first_is_lead,
        warnings=[_warning(w) for w in parsed.warnings],
        synthetic=synthetic,
        created_by=actor.username,
    )
    session.add(plan)
    _store_parse(session, plan, parsed)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="import",
        entity="plans_plan",
        entity_id=plan.id,
        region_adcode=region,
        after={"title": plan.title, "tasks": len(plan.tasks), "file": filename},
    )
    return plan


def reparse_plan(session: Session, *, actor: Principal, plan_id: int, text: str) -> Plan:
    """Parse a (lightly edited) text again; tasks keep their ids and reviewers' corrections are re-applied."""
    actor.require(Role.analyst)
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    parsed = parse_plan(text, region_adcode=plan.region_adcode, first_is_lead=plan.first_is_lead)
    kept = {task.key: task for task in plan.tasks}
    plan.raw_text, plan.parsed_at = text, utcnow()
    plan.warnings = [_warning(w) for w in parsed.warnings]
    for target in session.scalars(select(PlanTarget).where(PlanTarget.plan_id == plan.id)):
        session.delete(target)
    _store_parse(session, plan, parsed, kept=kept)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="reparse",
        entity="plans_plan",
        entity_id=plan.id,
        region_adcode=plan.region_adcode,
        after={"tasks": len(plan.tasks)},
    )
    return plan


def _warning(warning: object) -> dict[str, object]:
    return {
        "code": getattr(warning, "code", ""),
        "message": getattr(warning, "message", ""),
        "span": getattr(warning, "span", None),
    }


def _store_parse(session: Session, plan: Plan, parsed: ParsedPlan, kept: dict[str, PlanTask] | None = None) -> None:
    kept = kept or {}
    tasks = []
    for position, parsed_task in enumerate(parsed.tasks):
        task = kept.pop(parsed_task.id, None) or PlanTask(key=parsed_task.id)
        _fill_task(session, task, parsed_task, position, plan.region_adcode)
        tasks.append(task)
    for orphan in kept.values():
        orphan.status = "ongoing" if orphan.ongoing else orphan.status
        orphan.warnings = [*orphan.warnings, {"code": "task_gone", "message": "重新解析后原文中已找不到该任务"}]
        tasks.append(orphan)
    plan.tasks = tasks
    session.flush()
    for position, target in enumerate(parsed.targets):
        session.add(
            PlanTarget(
                plan_id=plan.id,
                task_key=target.task_id,
                position=position,
                metric=target.metric,
                kind=target.kind,
                operator=target.operator,
                value=target.value,
                value_high=target.value_high,
                unit=target.unit,
                deadline=target.deadline,
                base_year=target.base_year,
                firmness=target.firmness,
                scope=target.scope,
                text=target.text,
                span_start=target.span[0],
                span_end=target.span[1],
            )
        )
    session.flush()
    for override in session.scalars(select(TaskOverride).where(TaskOverride.plan_id == plan.id)):
        corrected = next((t for t in plan.tasks if t.key == override.task_key), None)
        if corrected is not None and override.field == "units":
            _assign_units(session, corrected, override.value, plan.region_adcode)
        elif corrected is not None:
            _apply_field(corrected, override.field, override.value)


TASK_FIELDS = ("title", "deadline", "ongoing")


def _apply_field(task: PlanTask, field: str, value: object) -> None:
    if field == "title":
        task.title = str(value)
    elif field == "deadline":
        task.deadline = date.fromisoformat(str(value)) if value else None
    elif field == "ongoing":
        task.ongoing = bool(value)


def correct_task(
    session: Session, *, actor: Principal, task_id: int, title: str, deadline: date | None, ongoing: bool
) -> PlanTask:
    """Correct a task's title, deadline and 长期 flag; each change is an override kept across re-parsing."""
    actor.require(*REVIEWERS)
    task = get_task(session, actor=actor, task_id=task_id)
    if not title.strip():
        raise InvalidInput("任务名称不能为空", field="title")
    wanted = {"title": title.strip(), "deadline": deadline.isoformat() if deadline else None, "ongoing": ongoing}
    current = {
        "title": task.title,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "ongoing": task.ongoing,
    }
    changed = {k: v for k, v in wanted.items() if current[k] != v}
    for field, value in changed.items():
        override = session.scalar(
            select(TaskOverride).where(
                TaskOverride.plan_id == task.plan_id, TaskOverride.task_key == task.key, TaskOverride.field == field
            )
        )
        if override is None:
            override = TaskOverride(plan_id=task.plan_id, task_key=task.key, field=field, created_by=actor.username)
            session.add(override)
        override.value = value
        _apply_field(task, field, value)
    if changed:
        session.flush()
        record_write(
            session,
            actor=actor,
            action="correct_task",
            entity="plans_task",
            entity_id=task.id,
            region_adcode=task.plan.region_adcode,
            before={k: current[k] for k in changed},
            after=changed,
        )
    return task


def _fill_task(session: Session, task: PlanTask, parsed: Task, position: int, region: str) -> None:
    task.position, task.title, task.text = position, parsed.title, parsed.text
    task.span_start, task.span_end = parsed.span
    task.warnings = [_warning(w) for w in parsed.warnings]
    task.units = [_unit(session, ref, index, region) for index, ref in enumerate(parsed.units)]


def _unit(session: Session, ref: UnitRef, position: int, region: str) -> TaskUnit:
    unit_id = _unit_id(session, ref.name, ref.region_adcode or region) if ref.resolved else None
    return TaskUnit(
        position=position,
        role=ref.role,
        name=ref.name,
        printed=ref.raw,
        unit_id=unit_id,
        resolved=ref.resolved,
        collective=ref.collective,
    )


def _unit_id(session: Session, name: str, region: str) -> int | None:
    try:
        return find_unit(session, name=name, region_adcode=region).id
    except NotFound:
        return None


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


def correct_units(
    session: Session, *, actor: Principal, task_id: int, lead_units: list[str], co_units: list[str]
) -> PlanTask:
    """Replace a task's lead and co-operating units; stored as an override that survives re-parsing."""
    actor.require(*REVIEWERS)
    task = get_task(session, actor=actor, task_id=task_id)
    value = {"lead": lead_units, "co": co_units}
    before = {
        "lead": [u.name for u in task.units if u.role == "lead"],
        "co": [u.name for u in task.units if u.role == "co"],
    }
    override = session.scalar(
        select(TaskOverride).where(
            TaskOverride.plan_id == task.plan_id, TaskOverride.task_key == task.key, TaskOverride.field == "units"
        )
    )
    if override is None:
        override = TaskOverride(plan_id=task.plan_id, task_key=task.key, field="units", created_by=actor.username)
        session.add(override)
    override.value = value
    _assign_units(session, task, value, task.plan.region_adcode)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="correct_units",
        entity="plans_task",
        entity_id=task.id,
        region_adcode=task.plan.region_adcode,
        before=before,
        after=value,
    )
    return task


def _assign_units(session: Session, task: PlanTask, value: dict[str, list[str]], region: str) -> None:
    units: list[TaskUnit] = []
    for role in ("lead", "co"):
        for name in value.get(role, []):
            unit_id = _unit_id(session, name, region)
            units.append(
                TaskUnit(
                    position=len(units),
                    role=role,
                    name=name,
                    printed=name,
                    unit_id=unit_id,
                    resolved=unit_id is not None,
                )
            )
    task.units = units


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
