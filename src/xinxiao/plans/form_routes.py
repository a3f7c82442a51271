"""Reporting forms (填报): API under /api/v1/forms and pages under /forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from xinxiao.core import InvalidInput, Principal, Role
from xinxiao.http import CurrentPrincipal, PagePrincipal, SessionDep, check_csrf, render, scope_context
from xinxiao.plans import feeding, forms
from xinxiao.plans.form_models import FieldSpec, FormAssignment
from xinxiao.reference import list_units

forms_api = APIRouter(prefix="/api/v1/forms", tags=["forms"])
forms_pages = APIRouter(prefix="/forms", include_in_schema=False)


class FormRead(BaseModel):
    """A form as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    version: str
    description: str
    period: str
    due_day: int
    starts: str
    fields: list[FieldSpec]
    region_adcode: str
    plan_id: int | None
    task_key: str | None
    synthetic: bool


class EnterpriseRef(BaseModel):
    """An enterprise assignee."""

    uscc: str = Field(min_length=15, max_length=20)
    name: str = ""


class AssignmentCreate(BaseModel):
    """Units and enterprises to assign a form to."""

    unit_ids: list[int] = Field(default_factory=list)
    enterprises: list[EnterpriseRef] = Field(default_factory=list)


class AssignmentRead(BaseModel):
    """An assignment of a form."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    form_id: int
    unit_id: int | None
    enterprise_uscc: str | None
    region_adcode: str
    label: str
    active: bool


class SubmissionCreate(BaseModel):
    """The values of one period (``2024-05``, ``2024-Q2`` or ``2024``)."""

    period: str = Field(max_length=10)
    values: dict[str, Any]


class SubmissionRead(BaseModel):
    """A stored submission."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    form_id: int
    assignment_id: int
    period: str
    values: dict[str, Any]
    submitted_by: str
    late: bool
    synthetic: bool


class RateRead(BaseModel):
    """One assignee's 报送率."""

    assignment_id: int
    label: str
    due: int
    on_time: int
    late: int
    missing: int
    missing_periods: list[str]
    rate: float | None


@forms_api.get("", response_model=list[FormRead])
def list_forms(session: SessionDep, actor: CurrentPrincipal) -> list[FormRead]:
    """Reporting forms of the regions inside your scope."""
    return [FormRead.model_validate(f) for f in forms.list_forms(session, actor=actor)]


@forms_api.post("", response_model=FormRead, status_code=201)
def define_form(spec: dict[str, Any], session: SessionDep, actor: CurrentPrincipal) -> FormRead:
    """Define a periodic form: code, name, period, due_day, starts, region_adcode and typed fields."""
    return FormRead.model_validate(forms.define_form(session, actor=actor, spec=spec))


@forms_api.get("/{form_id}", response_model=FormRead)
def get_form(form_id: int, session: SessionDep, actor: CurrentPrincipal) -> FormRead:
    """A form with its fields."""
    return FormRead.model_validate(forms.get_form(session, actor=actor, form_id=form_id))


@forms_api.post("/{form_id}/assignments", response_model=list[AssignmentRead], status_code=201)
def assign(form_id: int, body: AssignmentCreate, session: SessionDep, actor: CurrentPrincipal) -> list[AssignmentRead]:
    """Assign a form to government units and enterprises (existing assignments are kept)."""
    enterprises = [(e.uscc, e.name) for e in body.enterprises]
    rows = forms.assign(session, actor=actor, form_id=form_id, unit_ids=body.unit_ids, enterprises=enterprises)
    return [AssignmentRead.model_validate(a) for a in rows]


@forms_api.post("/assignments/{assignment_id}/submissions", response_model=SubmissionRead, status_code=201)
def submit(assignment_id: int, body: SubmissionCreate, session: SessionDep, actor: CurrentPrincipal) -> SubmissionRead:
    """File the values of one period; filing a period again replaces its values."""
    row = forms.submit(session, actor=actor, assignment_id=assignment_id, period=body.period, values=body.values)
    return SubmissionRead.model_validate(row)


@forms_api.get("/{form_id}/rates", response_model=list[RateRead])
def rates(form_id: int, session: SessionDep, actor: CurrentPrincipal, through: date | None = None) -> list[RateRead]:
    """报送率 per assignee over the periods due by ``through`` (default today): on time, late, missing."""
    rows = forms.submission_rates(session, actor=actor, form_id=form_id, through=through or forms.local_today())
    return [_rate_read(r) for r in rows]


@forms_api.post("/{form_id}/feed")
def feed(form_id: int, year: int, session: SessionDep, actor: CurrentPrincipal) -> list[dict[str, Any]]:
    """Turn a year's submissions into the actual values of the plan targets the form's fields name."""
    stored = feeding.feed_actuals(session, actor=actor, form_id=form_id, year=year)
    return [{"target_id": a.target_id, "year": a.year, "value": a.value, "source": a.source} for a in stored]


def _rate_read(row: forms.RateRow) -> RateRead:
    return RateRead(
        assignment_id=row.assignment_id,
        label=row.label,
        due=row.due,
        on_time=row.on_time,
        late=row.late,
        missing=row.missing,
        missing_periods=row.missing_periods,
        rate=row.rate,
    )


# --- pages ---------------------------------------------------------------------------------------------


@forms_pages.get("", response_class=HTMLResponse)
def forms_page(request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """Forms inside the scope, the assignments the user fills, and the button to load the examples."""
    context = scope_context(session, actor) | {
        "forms": forms.list_forms(session, actor=actor),
        "mine": forms.my_assignments(session, actor=actor),
        "can_define": actor.role in (Role.admin, Role.analyst),
    }
    return render(request, "plans/forms_list.html", context)


@forms_pages.post("/examples", dependencies=[Depends(check_csrf)])
def load_examples_page(session: SessionDep, actor: PagePrincipal) -> Response:
    """Define the two shipped example forms for the user's region."""
    forms.load_example_forms(session, actor=actor, region_adcode=actor.scope.adcode)
    return RedirectResponse("/forms", status_code=303)


@forms_pages.get("/assignments/{assignment_id}", response_class=HTMLResponse)
def fill_page(
    assignment_id: int, request: Request, session: SessionDep, actor: PagePrincipal, period: str = ""
) -> Response:
    """The fill-in page of an assignment: one input per field, and the periods already filed."""
    assignment = forms.get_assignment(session, actor=actor, assignment_id=assignment_id)
    return _fill(request, session, actor, assignment, period=period)


@forms_pages.post("/assignments/{assignment_id}", dependencies=[Depends(check_csrf)])
async def fill_post(assignment_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """Store the posted values; on invalid values show the page again with the errors beside the fields."""
    posted = await request.form()
    assignment = forms.get_assignment(session, actor=actor, assignment_id=assignment_id)
    keys = {spec.key for spec in assignment.form.field_specs}
    values = {key: str(posted[key]) for key in keys if key in posted}
    period = str(posted.get("period", ""))
    try:
        with session.begin_nested():
            forms.submit(session, actor=actor, assignment_id=assignment_id, period=period, values=values)
    except InvalidInput as exc:
        errors = exc.extra.get("errors") or {exc.extra.get("field") or "_": exc.detail}
        return _fill(request, session, actor, assignment, period=period, values=values, errors=errors)
    return RedirectResponse(f"/forms/assignments/{assignment_id}?period={period}&saved=1", status_code=303)


def _fill(
    request: Request,
    session: SessionDep,
    actor: Principal,
    assignment: FormAssignment,
    *,
    period: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    form = assignment.form
    submitted = forms.list_submissions(session, actor=actor, assignment_id=assignment.id)
    choices = forms.open_periods(form, today=forms.local_today())
    chosen = period or _default_period(choices)
    stored = next((s.values for s in submitted if s.period == chosen), {})
    context = scope_context(session, actor) | {
        "assignment": assignment,
        "form": form,
        "fields": form.field_specs,
        "periods": choices,
        "period": chosen,
        "values": values if values is not None else {k: _shown(v) for k, v in stored.items()},
        "errors": errors or {},
        "submitted": submitted,
        "can_submit": forms.can_submit(actor, assignment),
        "saved": request.query_params.get("saved") == "1",
        "synthetic": form.synthetic or any(s.synthetic for s in submitted),
    }
    return render(request, "plans/forms_fill.html", context, status_code=422 if errors else 200)


def _default_period(choices: list[str]) -> str:
    # The period that ended last is the one being reported now; the current one is offered only when alone.
    return choices[min(1, len(choices) - 1)] if choices else ""


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else ""
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


@forms_pages.get("/{form_id}", response_class=HTMLResponse)
def form_page(
    form_id: int, request: Request, session: SessionDep, actor: PagePrincipal, through: date | None = None
) -> Response:
    """A form: its fields, its assignees and the 报送率 table (submitted / late / missing per assignee)."""
    form = forms.get_form(session, actor=actor, form_id=form_id)
    as_of = through or forms.local_today()
    context = scope_context(session, actor) | {
        "form": form,
        "fields": form.field_specs,
        "rates": forms.submission_rates(session, actor=actor, form_id=form_id, through=as_of),
        "due": forms.periods(form, through=as_of),
        "through": as_of.isoformat(),
        "can_assign": actor.role in (Role.admin, Role.analyst),
        "units": list_units(session, scope=actor.scope) if actor.role in (Role.admin, Role.analyst) else [],
        "synthetic": form.synthetic or forms.has_synthetic_submissions(session, form_id=form.id),
    }
    return render(request, "plans/forms_form.html", context)


@forms_pages.post("/{form_id}/feed", dependencies=[Depends(check_csrf)])
def feed_page(form_id: int, session: SessionDep, actor: PagePrincipal, year: Annotated[int, Form()]) -> Response:
    """Feed the plan targets from a year's submissions, then show the form again."""
    feeding.feed_actuals(session, actor=actor, form_id=form_id, year=year)
    return RedirectResponse(f"/forms/{form_id}", status_code=303)


@forms_pages.post("/{form_id}/assignments", dependencies=[Depends(check_csrf)])
def assign_page(
    form_id: int,
    session: SessionDep,
    actor: PagePrincipal,
    unit_ids: Annotated[list[int] | None, Form()] = None,
    enterprises: Annotated[str, Form()] = "",
) -> Response:
    """Assign the form to the chosen units and to enterprises given one per line as "USCC 名称"."""
    lines = [line.split(maxsplit=1) for line in enterprises.splitlines() if line.strip()]
    pairs = [(parts[0], parts[1] if len(parts) > 1 else "") for parts in lines]
    forms.assign(session, actor=actor, form_id=form_id, unit_ids=unit_ids or [], enterprises=pairs)
    return RedirectResponse(f"/forms/{form_id}", status_code=303)
