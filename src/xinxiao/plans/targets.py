"""Target actuals and attainment: enter an actual value, compare it with the required path, check that a
plan's growth rate and level targets agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, NotFound, Principal, Role, record_write
from xinxiao.plans.attainment import Attainment, Consistency, Kind, Operator, assess, check_consistency
from xinxiao.plans.models import Plan, PlanTarget, TargetActual
from xinxiao.plans.service import get_plan


@dataclass(frozen=True)
class TargetView:
    """A target with its actual values and, when it can be assessed, its attainment."""

    target: PlanTarget
    actuals: dict[int, float]
    attainment: Attainment | None
    base_year: int | None


def get_target(session: Session, *, actor: Principal, target_id: int) -> PlanTarget:
    """A target of a plan inside the actor's scope."""
    target = session.get(PlanTarget, target_id)
    if target is None:
        raise NotFound(f"指标 {target_id} 不存在")
    get_plan(session, actor=actor, plan_id=target.plan_id)
    return target


def record_actual(
    session: Session,
    *,
    actor: Principal,
    target_id: int,
    year: int,
    value: float,
    source: str,
    synthetic: bool = False,
) -> TargetActual:
    """Enter (or replace) the actual value of a target's metric for a year, with its source."""
    actor.require(Role.analyst)
    target = get_target(session, actor=actor, target_id=target_id)
    if not source.strip():
        raise InvalidInput("请注明数据来源(如: 州统计局月报, 2024年12月)", field="source")
    row = session.scalar(select(TargetActual).where(TargetActual.target_id == target.id, TargetActual.year == year))
    before = {"value": row.value, "source": row.source} if row else None
    row = row or TargetActual(target_id=target.id, year=year)
    row.value, row.source, row.synthetic, row.entered_by = value, source.strip(), synthetic, actor.username
    session.add(row)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="record_actual",
        entity="plans_target",
        entity_id=target.id,
        before=before,
        after={"year": year, "value": value, "source": row.source},
    )
    return row


def _base_year(target: PlanTarget, plan: Plan) -> int | None:
    if target.base_year:
        return target.base_year
    years = sorted(int(y) for y in "".join(c if c.isdigit() else " " for c in plan.period or "").split())
    if years:
        return years[0] - 1
    return plan.issued_on.year - 1 if plan.issued_on else None


def view(session: Session, *, actor: Principal, target: PlanTarget, as_of_year: int) -> TargetView:
    """The target's actuals and its attainment as of a year (None when it cannot be assessed)."""
    plan = get_plan(session, actor=actor, plan_id=target.plan_id)
    rows = session.scalars(select(TargetActual).where(TargetActual.target_id == target.id))
    actuals = {row.year: row.value for row in rows}
    base_year = _base_year(target, plan)
    deadline_year = int(target.deadline[:4]) if target.deadline and target.deadline[:4].isdigit() else None
    if target.value is None or base_year is None or deadline_year is None or deadline_year <= base_year:
        return TargetView(target, actuals, None, base_year)
    attainment = assess(
        kind=cast(Kind, target.kind),
        operator=cast(Operator, target.operator),
        target_value=target.value,
        target_value_high=target.value_high,
        base_value=target.base_value,
        base_year=base_year,
        target_year=deadline_year,
        actuals=actuals,
        as_of_year=as_of_year,
    )
    return TargetView(target, actuals, attainment, base_year)


def consistency_checks(session: Session, *, actor: Principal, plan_id: int) -> list[tuple[str, Consistency]]:
    """For each metric with both a level and an annual-growth target, whether the two agree."""
    plan = get_plan(session, actor=actor, plan_id=plan_id)
    targets = list(session.scalars(select(PlanTarget).where(PlanTarget.plan_id == plan.id)))
    found = []
    for level in (t for t in targets if t.kind == "level" and t.value):
        for growth in (t for t in targets if t.kind == "annual_growth" and t.metric == level.metric and t.value):
            base_year = _base_year(level, plan)
            year = int(level.deadline[:4]) if level.deadline and level.deadline[:4].isdigit() else None
            if base_year is None or year is None or level.value is None or growth.value is None:
                continue
            base = level.base_value or _actual(session, level.id, base_year)
            result = check_consistency(
                base_value=base,
                base_year=base_year,
                level_target=level.value,
                growth_rate_pct=growth.value,
                target_year=year,
                unit=level.unit,
            )
            if result is not None:
                found.append((level.metric, result))
    return found


def _actual(session: Session, target_id: int, year: int) -> float | None:
    query = select(TargetActual.value).where(TargetActual.target_id == target_id, TargetActual.year == year)
    return session.scalar(query)
