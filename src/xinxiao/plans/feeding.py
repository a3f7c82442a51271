"""Target actuals fed from reporting forms: a year's submissions of a field become a target's actual value."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, Principal, Role
from xinxiao.plans.form_models import FormSubmission
from xinxiao.plans.forms import get_form, parse_period
from xinxiao.plans.models import PlanTarget, TargetActual
from xinxiao.plans.targets import record_actual


def feed_actuals(session: Session, *, actor: Principal, form_id: int, year: int) -> list[TargetActual]:
    """For each field of the form that names a target of its plan, store the year's total (or last value)."""
    actor.require(Role.analyst)
    form = get_form(session, actor=actor, form_id=form_id)
    feeding = [spec for spec in form.field_specs if spec.target_metric]
    if form.plan_id is None or not feeding:
        raise InvalidInput("该报表未关联方案指标 (字段须声明 target_metric, 报表须关联方案)")
    submissions = sorted(
        (
            s
            for s in session.scalars(select(FormSubmission).where(FormSubmission.form_id == form.id))
            if parse_period(form.period, s.period)[0].year == year
        ),
        key=lambda s: s.period,
    )
    stored = []
    for spec in feeding:
        target = session.scalar(
            select(PlanTarget).where(PlanTarget.plan_id == form.plan_id, PlanTarget.metric == spec.target_metric)
        )
        values = [float(s.values[spec.key]) for s in submissions if s.values.get(spec.key) is not None]
        if target is None or not values:
            continue
        value = sum(values) if spec.aggregate == "sum" else values[-1]
        source = (
            f"填报汇总: {form.name} {year}年 {len(values)} 份报送 ({'合计' if spec.aggregate == 'sum' else '期末值'})"
        )
        stored.append(
            record_actual(
                session,
                actor=actor,
                target_id=target.id,
                year=year,
                value=value,
                source=source,
                synthetic=any(s.synthetic for s in submissions),
            )
        )
    return stored
