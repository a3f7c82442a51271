"""Plan pages: list and import, plan overview, task detail with the source highlighted, my tasks."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from xinxiao.core import utcnow
from xinxiao.http import AppState, PagePrincipal, SessionDep, check_csrf, render, scope_context
from xinxiao.http.deps import get_state
from xinxiao.plans import evidence, importing, review, service, targets
from xinxiao.plans.router import read_upload
from xinxiao.plans.schemas import TargetCorrection
from xinxiao.plans.tracking import task_light
from xinxiao.reference import region_choices

router = APIRouter(prefix="/plans", include_in_schema=False)
StateDep = Annotated[AppState, Depends(get_state)]
_SPLIT = re.compile(r"[、,，;；\s]+")
CONTEXT_CHARS = 160


@router.get("", response_class=HTMLResponse)
def plans_page(request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """Plans inside the scope and the import form."""
    context = scope_context(session, actor) | {
        "plans": service.list_plans(session, actor=actor),
        "regions": [r for r in region_choices(session, scope=actor.scope) if r.level != "county"],
    }
    return render(request, "plans/list.html", context)


@router.post("/import", dependencies=[Depends(check_csrf)])
def import_page(
    session: SessionDep,
    actor: PagePrincipal,
    file: Annotated[UploadFile, File()],
    region: Annotated[str, Form()] = "",
) -> Response:
    """Import the uploaded document and open its overview."""
    plan = importing.import_plan(
        session, actor=actor, text=read_upload(file), filename=file.filename or "plan.txt", region_adcode=region or None
    )
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.get("/my", response_class=HTMLResponse)
def my_tasks_page(request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """The tasks of the signed-in officer's unit."""
    context = scope_context(session, actor) | {"tasks": service.my_tasks(session, actor=actor)}
    return render(request, "plans/my.html", context)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(task_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """A task: its source highlighted in the document, units, corrections and progress history."""
    task = service.get_task(session, actor=actor, task_id=task_id)
    raw = task.plan.raw_text
    start, end = task.span_start, task.span_end
    context = scope_context(session, actor) | {
        "task": task,
        "plan": task.plan,
        "reports": service.list_reports(session, actor=actor, task_id=task_id),
        "light": task_light(session, task),
        "evidence": evidence.list_for_reports(
            session, report_ids=[r.id for r in service.list_reports(session, actor=actor, task_id=task_id)]
        ),
        "before": raw[max(0, start - CONTEXT_CHARS) : start],
        "source": raw[start:end],
        "after": raw[end : end + CONTEXT_CHARS],
        "can_report": service.can_report(actor, task),
        "lead": "、".join(u.name for u in task.units if u.role == "lead"),
        "co": "、".join(u.name for u in task.units if u.role == "co"),
        "today": date.today().isoformat(),
        "synthetic": task.plan.synthetic or service.has_synthetic_reports(session, plan_id=task.plan_id),
    }
    return render(request, "plans/task.html", context)


@router.post("/tasks/{task_id}/units", dependencies=[Depends(check_csrf)])
def correct_units_page(
    task_id: int,
    session: SessionDep,
    actor: PagePrincipal,
    lead: Annotated[str, Form()],
    co: Annotated[str, Form()] = "",
) -> Response:
    """Store the reviewer's lead and co-operating units."""
    review.correct_units(session, actor=actor, task_id=task_id, lead_units=_names(lead), co_units=_names(co))
    return RedirectResponse(f"/plans/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/fields", dependencies=[Depends(check_csrf)])
def correct_task_page(
    task_id: int,
    session: SessionDep,
    actor: PagePrincipal,
    title: Annotated[str, Form()],
    deadline: Annotated[str, Form()] = "",
    ongoing: Annotated[str, Form()] = "",
) -> Response:
    """Store the reviewer's title, deadline and 长期 flag."""
    review.correct_task(
        session,
        actor=actor,
        task_id=task_id,
        title=title,
        deadline=date.fromisoformat(deadline) if deadline else None,
        ongoing=bool(ongoing),
    )
    return RedirectResponse(f"/plans/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/progress", dependencies=[Depends(check_csrf)])
def progress_page(
    task_id: int,
    session: SessionDep,
    actor: PagePrincipal,
    text: Annotated[str, Form()],
    percent_done: Annotated[int, Form()],
    status: Annotated[str, Form()],
    reported_on: Annotated[date, Form()],
    state: StateDep,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """File a progress report with its evidence files and show the task again."""
    report = service.report_progress(
        session,
        actor=actor,
        task_id=task_id,
        text=text,
        percent_done=percent_done,
        status=status,
        reported_on=reported_on,
    )
    uploads = [evidence.Upload(f.filename, f.content_type or "", f.file.read()) for f in files or [] if f.filename]
    if uploads:
        evidence.store(
            session, actor=actor, report=report, uploads=uploads, directory=state.settings.var_dir / "evidence"
        )
    return RedirectResponse(f"/plans/tasks/{task_id}", status_code=303)


@router.get("/evidence/{evidence_id}")
def evidence_file(evidence_id: int, session: SessionDep, actor: PagePrincipal, state: StateDep) -> Response:
    """Download an evidence file of a task inside the scope."""
    row, path = evidence.get(
        session, actor=actor, evidence_id=evidence_id, directory=state.settings.var_dir / "evidence"
    )
    return FileResponse(path, media_type=row.content_type, filename=row.filename)


@router.get("/{plan_id}", response_class=HTMLResponse)
def plan_page(plan_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """A plan: header, parse warnings, targets and the task list with status."""
    plan = service.get_plan(session, actor=actor, plan_id=plan_id)
    context = scope_context(session, actor) | {
        "plan": plan,
        "lights": {task.id: task_light(session, task) for task in plan.tasks},
        "views": {
            t.id: targets.view(session, actor=actor, target=t, as_of_year=utcnow().year)
            for t in service.list_targets(session, actor=actor, plan_id=plan_id)
        },
        "consistency": targets.consistency_checks(session, actor=actor, plan_id=plan_id),
        "targets": service.list_targets(session, actor=actor, plan_id=plan_id),
        "synthetic": plan.synthetic or service.has_synthetic_reports(session, plan_id=plan.id),
    }
    return render(request, "plans/plan.html", context)


@router.get("/targets/{target_id}", response_class=HTMLResponse)
def target_page(target_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """A target: required path against actual values (chart and table), and the form to enter an actual."""
    target = targets.get_target(session, actor=actor, target_id=target_id)
    view = targets.view(session, actor=actor, target=target, as_of_year=utcnow().year)
    plan = service.get_plan(session, actor=actor, plan_id=target.plan_id)
    chart = {
        "required": view.attainment.required if view.attainment else {},
        "actual": view.actuals,
        "labels": {"required": "要求路径", "actual": "实际"},
    }
    context = scope_context(session, actor) | {"view": view, "plan": plan, "chart": chart, "this_year": utcnow().year}
    return render(request, "plans/target.html", context)


@router.post("/targets/{target_id}/fields", dependencies=[Depends(check_csrf)])
def correct_target_page(
    target_id: int,
    session: SessionDep,
    actor: PagePrincipal,
    metric: Annotated[str, Form()],
    value: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    base_year: Annotated[str, Form()] = "",
    base_value: Annotated[str, Form()] = "",
    indicator_id: Annotated[str, Form()] = "",
    region_adcode: Annotated[str, Form()] = "",
) -> Response:
    """Store the reviewer's corrections of a target."""
    form = TargetCorrection(
        metric=metric,
        value=value or None,
        unit=unit,
        deadline=deadline or None,  # type: ignore[arg-type]
        base_year=base_year or None,
        base_value=base_value or None,  # type: ignore[arg-type]
        indicator_id=indicator_id or None,
        region_adcode=region_adcode or None,
    )
    review.correct_target(session, actor=actor, target_id=target_id, changes=form.model_dump(exclude_unset=True))
    return RedirectResponse(f"/plans/targets/{target_id}", status_code=303)


@router.post("/targets/{target_id}/actuals", dependencies=[Depends(check_csrf)])
def actual_page(
    target_id: int,
    session: SessionDep,
    actor: PagePrincipal,
    year: Annotated[int, Form()],
    value: Annotated[float, Form()],
    source: Annotated[str, Form()],
) -> Response:
    """Store an actual value and show the target again."""
    targets.record_actual(session, actor=actor, target_id=target_id, year=year, value=value, source=source)
    return RedirectResponse(f"/plans/targets/{target_id}", status_code=303)


def _names(text: str) -> list[str]:
    return [name for name in _SPLIT.split(text.strip()) if name]
