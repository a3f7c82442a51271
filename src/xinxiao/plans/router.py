"""Plans API under /api/v1/plans: parse, import, read, correct units, report progress."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from xinxiao.core import InvalidInput
from xinxiao.http import CurrentPrincipal, SessionDep
from xinxiao.plans import service
from xinxiao.plans.parsing import parse_plan, read_document
from xinxiao.plans.schemas import PlanRead, PlanSummary, ProgressCreate, ProgressRead, TaskRead, UnitsCorrection

api = APIRouter(prefix="/api/v1/plans", tags=["plans"])
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def read_upload(file: UploadFile) -> str:
    """The text of an uploaded TXT/HTML/DOCX/PDF document (InvalidInput when unreadable)."""
    data = file.file.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"{file.filename}: 文件超过 20 MB")
    try:
        return read_document(data, file.filename or "document.txt")
    except ValueError as exc:
        raise InvalidInput(f"{file.filename}: {exc}") from None


@api.post("/parse")
def parse(
    file: Annotated[UploadFile, File()], actor: CurrentPrincipal, region: Annotated[str | None, Form()] = None
) -> dict[str, Any]:
    """Parse a document without storing it: header, tasks with canonical units, targets and warnings."""
    return parse_plan(read_upload(file), region_adcode=region).to_dict()


@api.get("", response_model=list[PlanSummary])
def list_plans(session: SessionDep, actor: CurrentPrincipal) -> list[PlanSummary]:
    """Plans of the regions inside your scope."""
    return [PlanSummary.model_validate(p) for p in service.list_plans(session, actor=actor)]


@api.post("", response_model=PlanRead, status_code=201)
def import_plan(
    file: Annotated[UploadFile, File()],
    session: SessionDep,
    actor: CurrentPrincipal,
    region: Annotated[str | None, Form()] = None,
) -> PlanRead:
    """Import a document as a tracked plan of a region inside your scope."""
    plan = service.import_plan(
        session, actor=actor, text=read_upload(file), filename=file.filename or "plan.txt", region_adcode=region
    )
    return _plan_read(session, actor, plan.id)


@api.get("/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: int, session: SessionDep, actor: CurrentPrincipal) -> PlanRead:
    """A plan with its tasks, targets and parse warnings."""
    return _plan_read(session, actor, plan_id)


@api.patch("/tasks/{task_id}/units", response_model=TaskRead)
def correct_units(task_id: int, body: UnitsCorrection, session: SessionDep, actor: CurrentPrincipal) -> TaskRead:
    """Replace a task's lead and co-operating units (kept when the plan is parsed again)."""
    task = service.correct_units(
        session, actor=actor, task_id=task_id, lead_units=body.lead_units, co_units=body.co_units
    )
    return TaskRead.model_validate(task)


@api.post("/tasks/{task_id}/progress", response_model=ProgressRead, status_code=201)
def report_progress(task_id: int, body: ProgressCreate, session: SessionDep, actor: CurrentPrincipal) -> ProgressRead:
    """File a progress report on a task (unit officers: only on their own unit's tasks)."""
    report = service.report_progress(
        session,
        actor=actor,
        task_id=task_id,
        text=body.text,
        percent_done=body.percent_done,
        status=body.status,
        reported_on=body.reported_on,
    )
    return ProgressRead.model_validate(report)


def _plan_read(session: SessionDep, actor: CurrentPrincipal, plan_id: int) -> PlanRead:
    plan = service.get_plan(session, actor=actor, plan_id=plan_id)
    targets = service.list_targets(session, actor=actor, plan_id=plan_id)
    return PlanRead.model_validate(
        {
            **PlanSummary.model_validate(plan).model_dump(),
            "tasks": plan.tasks,
            "targets": targets,
            "warnings": plan.warnings,
        }
    )
