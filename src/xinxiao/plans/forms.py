"""Reporting forms (填报): define periodic forms, assign them, collect submissions and measure 报送率."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Principal,
    Role,
    Scope,
    record_write,
    utcnow,
)
from xinxiao.plans.form_models import FormAssignment, FormSpec, FormSubmission, ReportForm, clean_values
from xinxiao.plans.service import get_plan
from xinxiao.reference import InvalidIdentifier, get_region, get_unit, validate_uscc

EXAMPLES = Path(__file__).parent / "data" / "forms"
CHINA = timezone(timedelta(hours=8), "CST")
_PATTERNS = {
    "monthly": re.compile(r"(\d{4})-(0[1-9]|1[0-2])"),
    "quarterly": re.compile(r"(\d{4})-Q([1-4])"),
    "yearly": re.compile(r"(\d{4})"),
}
_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


# --- periods -------------------------------------------------------------------------------------------


def parse_period(kind: str, label: str) -> tuple[date, date]:
    """The first and last day of a period label (``2024-05``, ``2024-Q2`` or ``2024``) of a kind.

    >>> parse_period("monthly", "2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    >>> parse_period("quarterly", "2024-Q4")
    (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))
    """
    pattern = _PATTERNS.get(kind)
    match = pattern.fullmatch(label.strip()) if pattern else None
    if match is None:
        examples = {"monthly": "2024-05", "quarterly": "2024-Q2", "yearly": "2024"}
        raise InvalidInput(f"报送期 {label!r} 格式不符, 应形如 {examples.get(kind, '2024-05')}", field="period")
    year, part = int(match[1]), int(match[2]) if match.lastindex == 2 else 1
    first_month = (part - 1) * 3 + 1 if kind == "quarterly" else part
    start = date(year, first_month, 1)
    return start, _add_months(start, _MONTHS[kind]) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, 1)


def period_of(kind: str, day: date) -> str:
    """The label of the period of a kind that contains ``day``.

    >>> [period_of(kind, date(2024, 5, 9)) for kind in ("monthly", "quarterly", "yearly")]
    ['2024-05', '2024-Q2', '2024']
    """
    if kind == "monthly":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def due_date(kind: str, label: str, due_day: int) -> date:
    """The day a period's report is due: ``due_day`` of the month after the period ends.

    >>> due_date("monthly", "2024-12", 10), due_date("quarterly", "2024-Q1", 15)
    (datetime.date(2025, 1, 10), datetime.date(2024, 4, 15))
    """
    _, end = parse_period(kind, label)
    return (end + timedelta(days=1)).replace(day=due_day)


def periods(form: ReportForm, *, through: date) -> list[str]:
    """The periods of a form, from its first one, whose reports had come due by ``through``."""
    result: list[str] = []
    label = form.starts
    while due_date(form.period, label, form.due_day) <= through:
        result.append(label)
        label = period_of(form.period, parse_period(form.period, label)[1] + timedelta(days=1))
    return result


def open_periods(form: ReportForm, *, today: date) -> list[str]:
    """Every period from the form's first one to the one containing ``today``, newest first."""
    result, label = [], form.starts
    current = period_of(form.period, today)
    while parse_period(form.period, label)[0] <= parse_period(form.period, current)[0]:
        result.append(label)
        label = period_of(form.period, parse_period(form.period, label)[1] + timedelta(days=1))
    return result[::-1]


def local_today() -> date:
    """Today's date in China (deadlines are local days); follows the frozen clock in tests."""
    return utcnow().astimezone(CHINA).date()


# --- forms ---------------------------------------------------------------------------------------------


def define_form(session: Session, *, actor: Principal, spec: Mapping[str, Any]) -> ReportForm:
    """Store a new periodic form of a region inside the actor's scope (analysts and admins)."""
    actor.require(Role.analyst)
    checked = _validate_spec(spec)
    get_region(session, adcode=checked.region_adcode)
    if not actor.scope.covers(checked.region_adcode):
        raise InvalidInput(f"地区 {checked.region_adcode} 不在您的管辖范围内", field="region_adcode")
    if checked.plan_id is not None:
        get_plan(session, actor=actor, plan_id=checked.plan_id)
    parse_period(checked.period, checked.starts)
    if session.scalar(select(ReportForm.id).where(ReportForm.code == checked.code)) is not None:
        raise Conflict(f"报表编码 {checked.code} 已存在", field="code")
    form = ReportForm(**checked.model_dump(exclude={"fields"}), created_by=actor.username)
    form.fields = [f.model_dump() for f in checked.fields]
    session.add(form)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="define_form",
        entity="plans_report_form",
        entity_id=form.id,
        region_adcode=form.region_adcode,
        after={"code": form.code, "name": form.name, "period": form.period, "fields": len(form.fields)},
    )
    return form


def _validate_spec(spec: Mapping[str, Any]) -> FormSpec:
    try:
        return FormSpec.model_validate(spec)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise InvalidInput("报表定义有误: " + "; ".join(problems)) from None


def example_specs() -> list[dict[str, Any]]:
    """The two example forms shipped with the package (一次性塑料制品使用报告, 消费帮扶采购)."""
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]


def load_example_forms(
    session: Session, *, actor: Principal, region_adcode: str, plan_id: int | None = None
) -> list[ReportForm]:
    """Define the shipped example forms for a region (codes get the region suffix); loading twice is harmless."""
    forms = []
    for spec in example_specs():
        code = f"{spec['code']}-{region_adcode}"
        existing = session.scalar(select(ReportForm).where(ReportForm.code == code))
        if existing is not None:
            forms.append(get_form(session, actor=actor, form_id=existing.id))
            continue
        spec |= {"code": code, "region_adcode": region_adcode, "plan_id": plan_id}
        forms.append(define_form(session, actor=actor, spec=spec))
    return forms


def list_forms(session: Session, *, actor: Principal) -> list[ReportForm]:
    """Forms of the regions inside the actor's scope, newest first."""
    query = select(ReportForm).where(actor.scope.clause(ReportForm.region_adcode)).order_by(ReportForm.id.desc())
    return list(session.scalars(query))


def get_form(session: Session, *, actor: Principal, form_id: int) -> ReportForm:
    """A form of a region inside the actor's scope."""
    form = session.get(ReportForm, form_id)
    if form is None or not actor.scope.covers(form.region_adcode):
        raise NotFound(f"报表 {form_id} 不存在")
    return form


# --- assignments and submissions -----------------------------------------------------------------------


def assign(
    session: Session,
    *,
    actor: Principal,
    form_id: int,
    unit_ids: Sequence[int] = (),
    enterprises: Sequence[tuple[str, str]] = (),
) -> list[FormAssignment]:
    """Assign a form to government units and to enterprises given as (USCC, name); existing ones are kept."""
    actor.require(Role.analyst)
    form = get_form(session, actor=actor, form_id=form_id)
    wanted = [_unit_assignment(session, form, unit_id) for unit_id in unit_ids]
    wanted += [_enterprise_assignment(form, code, name) for code, name in enterprises]
    result = []
    for candidate in wanted:
        existing = next((a for a in form.assignments if _same(a, candidate)), None)
        if existing is None:
            form.assignments.append(candidate)
        result.append(existing or candidate)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="assign_form",
        entity="plans_report_form",
        entity_id=form.id,
        region_adcode=form.region_adcode,
        after={"assignments": [a.label for a in result]},
    )
    return result


def _same(a: FormAssignment, b: FormAssignment) -> bool:
    return (a.unit_id, a.enterprise_uscc) == (b.unit_id, b.enterprise_uscc)


def _unit_assignment(session: Session, form: ReportForm, unit_id: int) -> FormAssignment:
    unit = get_unit(session, unit_id=unit_id)
    if unit.kind == "collective" or not Scope(form.region_adcode).covers(unit.region_adcode):
        raise InvalidInput(f"单位 {unit.name} 不能承担本地区的报表", field="unit_ids")
    return FormAssignment(unit_id=unit.id, region_adcode=unit.region_adcode, label=unit.name)


def _enterprise_assignment(form: ReportForm, code: str, name: str) -> FormAssignment:
    try:
        uscc = validate_uscc(code)
    except InvalidIdentifier as exc:
        raise InvalidInput(f"统一社会信用代码 {code} 无效: {exc}", field="enterprises") from None
    if not Scope(form.region_adcode).covers(uscc[2:8]):
        raise InvalidInput(f"企业 {uscc} 的登记地不在本报表所属地区", field="enterprises")
    return FormAssignment(enterprise_uscc=uscc, region_adcode=uscc[2:8], label=name.strip() or uscc)


def get_assignment(session: Session, *, actor: Principal, assignment_id: int) -> FormAssignment:
    """An assignment whose form, or whose assignee, lies inside the actor's scope."""
    assignment = session.get(FormAssignment, assignment_id)
    if assignment is None or not (
        actor.scope.covers(assignment.form.region_adcode) or actor.scope.covers(assignment.region_adcode)
    ):
        raise NotFound(f"填报任务 {assignment_id} 不存在")
    return assignment


def my_assignments(session: Session, *, actor: Principal) -> list[FormAssignment]:
    """Active assignments the actor fills: an officer's unit, or a submitter's enterprises in scope."""
    query = select(FormAssignment).where(FormAssignment.active).order_by(FormAssignment.form_id, FormAssignment.id)
    if actor.role is Role.officer and actor.unit_id is not None:
        return list(session.scalars(query.where(FormAssignment.unit_id == actor.unit_id)))
    if actor.role is Role.submitter:
        mine = query.where(FormAssignment.enterprise_uscc.is_not(None))
        return list(session.scalars(mine.where(actor.scope.clause(FormAssignment.region_adcode))))
    return []


def can_submit(actor: Principal, assignment: FormAssignment) -> bool:
    """Whether the actor may file values for the assignment (pages use it to show the form)."""
    if actor.role is Role.officer:
        return assignment.unit_id is not None and assignment.unit_id == actor.unit_id
    if actor.role is Role.submitter:
        return assignment.enterprise_uscc is not None and actor.scope.covers(assignment.region_adcode)
    return actor.role in (Role.admin, Role.analyst)


def submit(
    session: Session,
    *,
    actor: Principal,
    assignment_id: int,
    period: str,
    values: Mapping[str, Any],
    synthetic: bool = False,
) -> FormSubmission:
    """File (or replace) the values of one period; late when filed after the period's due date."""
    assignment = get_assignment(session, actor=actor, assignment_id=assignment_id)
    if not can_submit(actor, assignment):
        raise PermissionDenied("只能填报本单位（或本辖区企业）承担的报表")
    form = assignment.form
    start, _ = parse_period(form.period, period)
    today = local_today()
    if not assignment.active or start > today or start < parse_period(form.period, form.starts)[0]:
        raise InvalidInput(f"报送期 {period} 不在本报表的填报范围内", field="period")
    cleaned = clean_values(form.field_specs, values)
    row = _submission(session, assignment.id, period)
    before = None if row is None else {"values": row.values, "late": row.late}
    if row is None:
        row = FormSubmission(form_id=form.id, assignment_id=assignment.id, period=period)
        session.add(row)
    row.values, row.submitted_at, row.submitted_by = cleaned, utcnow(), actor.username
    row.late, row.synthetic = today > due_date(form.period, period, form.due_day), synthetic
    session.flush()
    record_write(
        session,
        actor=actor,
        action="submit_form" if before is None else "resubmit_form",
        entity="plans_form_submission",
        entity_id=row.id,
        region_adcode=assignment.region_adcode,
        before=before,
        after={"period": period, "values": cleaned, "late": row.late},
    )
    return row


def _submission(session: Session, assignment_id: int, period: str) -> FormSubmission | None:
    query = select(FormSubmission).where(FormSubmission.assignment_id == assignment_id, FormSubmission.period == period)
    return session.scalar(query)


def list_submissions(session: Session, *, actor: Principal, assignment_id: int) -> list[FormSubmission]:
    """The submissions of an assignment, newest period first."""
    assignment = get_assignment(session, actor=actor, assignment_id=assignment_id)
    query = select(FormSubmission).where(FormSubmission.assignment_id == assignment.id)
    return list(session.scalars(query.order_by(FormSubmission.period.desc())))


# --- 报送率 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    """One assignee's reporting record over the periods that have come due."""

    assignment_id: int
    label: str
    due: int
    on_time: int
    late: int
    missing_periods: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Periods due but not filed."""
        return len(self.missing_periods)

    @property
    def rate(self) -> float | None:
        """Filed (on time or late) over due; None when nothing is due yet."""
        return (self.on_time + self.late) / self.due if self.due else None


def submission_rates(session: Session, *, actor: Principal, form_id: int, through: date) -> list[RateRow]:
    """报送率 per active assignment: periods due by ``through`` filed on time, filed late, and missing."""
    form = get_form(session, actor=actor, form_id=form_id)
    due = periods(form, through=through)
    query = select(FormSubmission).where(FormSubmission.form_id == form.id, FormSubmission.period.in_(due))
    filed: dict[int, dict[str, bool]] = {}
    for row in session.scalars(query):
        filed.setdefault(row.assignment_id, {})[row.period] = row.late
    return [_rate(a, due, filed.get(a.id, {})) for a in form.assignments if a.active]


def _rate(assignment: FormAssignment, due: list[str], filed: dict[str, bool]) -> RateRow:
    late = sum(filed.values())
    return RateRow(
        assignment_id=assignment.id,
        label=assignment.label,
        due=len(due),
        on_time=len(filed) - late,
        late=late,
        missing_periods=[p for p in due if p not in filed],
    )


def has_synthetic_submissions(session: Session, *, form_id: int) -> bool:
    """Whether any submission of the form is synthetic (its pages then show the 模拟数据 banner)."""
    query = select(FormSubmission.id).where(FormSubmission.form_id == form_id, FormSubmission.synthetic).limit(1)
    return session.scalar(query) is not None
