"""Reviewers' corrections of a parsed plan: units, task fields and target fields, kept as overrides."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, NotFound, Principal, Scope, record_write
from xinxiao.plans.models import PlanTarget, PlanTask, TaskOverride, TaskUnit
from xinxiao.plans.service import REVIEWERS, get_plan, get_task
from xinxiao.reference import find_unit


def apply_override(session: Session, plan_id: int, tasks: list[PlanTask], override: TaskOverride, region: str) -> None:
    """Re-apply one stored correction after a (re-)parse."""
    if override.field == "target":
        _apply_target_override(session, plan_id, override.task_key, override.value)
        return
    task = next((t for t in tasks if t.key == override.task_key), None)
    if task is None:
        return
    if override.field == "units":
        _assign_units(session, task, override.value, region)
    else:
        _apply_field(task, override.field, override.value)


def _override(session: Session, actor: Principal, *, plan_id: int, key: str, field: str) -> TaskOverride:
    """The stored correction of one field of a task or target, created empty when there is none yet."""
    query = select(TaskOverride).where(
        TaskOverride.plan_id == plan_id, TaskOverride.task_key == key, TaskOverride.field == field
    )
    override = session.scalar(query)
    if override is None:
        override = TaskOverride(plan_id=plan_id, task_key=key, field=field, created_by=actor.username, value={})
        session.add(override)
    return override


def unit_id_of(session: Session, name: str, region: str) -> int | None:
    """The registry id of a unit of ``region`` by name or alias, if it is registered."""
    try:
        return find_unit(session, name=name, region_adcode=region).id
    except NotFound:
        return None


TASK_FIELDS = ("title", "deadline", "ongoing")


TARGET_FIELDS = (
    "metric",
    "kind",
    "operator",
    "value",
    "value_high",
    "unit",
    "deadline",
    "firmness",
    "scope",
    "base_year",
    "base_value",
    "indicator_id",
    "region_adcode",
)


def _apply_target_override(session: Session, plan_id: int, key: str, value: dict[str, object]) -> None:
    row = session.scalar(select(PlanTarget).where(PlanTarget.plan_id == plan_id, PlanTarget.key == key))
    if row is not None:
        for field, new in value.items():
            if field in TARGET_FIELDS:
                setattr(row, field, new)


def correct_target(session: Session, *, actor: Principal, target_id: int, changes: dict[str, object]) -> PlanTarget:
    """Correct a target's fields (metric, kind, value, unit, deadline, indicator id, …); kept across re-parsing."""
    actor.require(*REVIEWERS)
    row = session.get(PlanTarget, target_id)
    if row is None or row.key is None:
        raise NotFound(f"指标 {target_id} 不存在")
    plan = get_plan(session, actor=actor, plan_id=row.plan_id)
    unknown = set(changes) - set(TARGET_FIELDS)
    if unknown:
        raise InvalidInput(f"不能更正的字段: {', '.join(sorted(unknown))}")
    region = changes.get("region_adcode")
    if region is not None and not Scope(plan.region_adcode).covers(str(region)):
        raise InvalidInput(f"指标地区 {region} 不在方案发文地区 {plan.region_adcode} 内", field="region_adcode")
    before = {field: getattr(row, field) for field in changes}
    override = _override(session, actor, plan_id=row.plan_id, key=row.key, field="target")
    override.value = {**(override.value or {}), **changes}
    for field, value in changes.items():
        setattr(row, field, value)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="correct_target",
        entity="plans_target",
        entity_id=row.id,
        before=before,
        after=changes,
    )
    return row


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
        _override(session, actor, plan_id=task.plan_id, key=task.key, field=field).value = value
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
    _override(session, actor, plan_id=task.plan_id, key=task.key, field="units").value = value
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
            unit_id = unit_id_of(session, name, region)
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
