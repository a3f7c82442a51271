"""Where a task stands: its deadline and its 红/黄/绿 light under the rules in force."""

from __future__ import annotations

import re
from datetime import date
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import utcnow
from xinxiao.plans.lights import LightResult, StatusCode, TaskState, evaluate_light
from xinxiao.plans.models import PlanTarget, PlanTask, ProgressReport


def task_deadline(session: Session, task: PlanTask) -> date | None:
    """The task's deadline: set explicitly, else the end of its latest target year, else of the plan period."""
    if task.deadline:
        return task.deadline
    years = [
        int(t.deadline[:4])
        for t in session.scalars(
            select(PlanTarget).where(PlanTarget.plan_id == task.plan_id, PlanTarget.task_key == task.key)
        )
        if t.deadline and t.deadline[:4].isdigit()
    ]
    period = [int(y) for y in re.findall(r"\d{4}", task.plan.period or "")]
    year = max(years) if years else (max(period) if period else None)
    return date(year, 12, 31) if year else None


def task_light(session: Session, task: PlanTask, *, today: date | None = None) -> LightResult:
    """The 红/黄/绿 light of a task under the rules in force (data/lights.yaml)."""
    latest = session.scalar(
        select(ProgressReport.reported_on)
        .where(ProgressReport.task_id == task.id)
        .order_by(ProgressReport.reported_on.desc())
        .limit(1)
    )
    state = TaskState(
        status=cast(StatusCode, task.status),
        start=task.plan.issued_on,
        deadline=task_deadline(session, task),  # type: ignore[arg-type]
        percent_done=task.percent_done,
        last_report_on=latest,
        ongoing=task.ongoing or task.status == "ongoing",
    )
    return evaluate_light(state, today=today or utcnow().date())
