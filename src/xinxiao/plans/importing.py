"""Importing a policy document as a tracked plan, and parsing it again with ids and corrections kept."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, Principal, Role, record_write, utcnow
from xinxiao.plans.models import Plan, PlanTarget, PlanTask, TaskOverride, TaskUnit
from xinxiao.plans.parsing import ParsedPlan, Task, UnitRef, parse_plan
from xinxiao.plans.review import apply_override, unit_id_of
from xinxiao.plans.service import get_plan
from xinxiao.reference import get_region


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
    _store_targets(session, plan, parsed)
    session.flush()
    for override in session.scalars(select(TaskOverride).where(TaskOverride.plan_id == plan.id)):
        apply_override(session, plan.id, plan.tasks, override, plan.region_adcode)


def target_key(task_key: str | None, metric: str, ordinal: int) -> str:
    """The stable key of a parsed target: its task, its metric as parsed, and its rank among those.

    >>> target_key(None, "网络零售额", 1), target_key("二.(四).10", "限额以上单位", 0)
    ('目标|网络零售额|1', '二.(四).10|限额以上单位|0')
    """
    return f"{task_key or '目标'}|{metric}|{ordinal}"


def _store_targets(session: Session, plan: Plan, parsed: ParsedPlan) -> None:
    """Insert or update the plan's targets by key (their actuals stay); targets gone from the text go."""
    existing = {t.key: t for t in session.scalars(select(PlanTarget).where(PlanTarget.plan_id == plan.id))}
    seen: dict[tuple[str | None, str], int] = {}
    for position, target in enumerate(parsed.targets):
        ordinal = seen.get((target.task_id, target.metric), 0)
        seen[(target.task_id, target.metric)] = ordinal + 1
        key = target_key(target.task_id, target.metric, ordinal)
        row = existing.pop(key, None) or PlanTarget(plan_id=plan.id, key=key, region_adcode=plan.region_adcode)
        row.task_key, row.position, row.metric, row.kind = target.task_id, position, target.metric, target.kind
        row.operator, row.value, row.value_high, row.unit = (
            target.operator,
            target.value,
            target.value_high,
            target.unit,
        )
        row.deadline, row.base_year, row.firmness, row.scope = (
            target.deadline,
            target.base_year,
            target.firmness,
            target.scope,
        )
        row.text, row.span_start, row.span_end = target.text, target.span[0], target.span[1]
        session.add(row)
    for gone in existing.values():
        session.delete(gone)


def _fill_task(session: Session, task: PlanTask, parsed: Task, position: int, region: str) -> None:
    task.position, task.title, task.text = position, parsed.title, parsed.text
    task.span_start, task.span_end = parsed.span
    task.warnings = [_warning(w) for w in parsed.warnings]
    task.units = [_unit(session, ref, index, region) for index, ref in enumerate(parsed.units)]


def _unit(session: Session, ref: UnitRef, position: int, region: str) -> TaskUnit:
    unit_id = unit_id_of(session, ref.name, ref.region_adcode or region) if ref.resolved else None
    return TaskUnit(
        position=position,
        role=ref.role,
        name=ref.name,
        printed=ref.raw,
        unit_id=unit_id,
        resolved=ref.resolved,
        collective=ref.collective,
    )
