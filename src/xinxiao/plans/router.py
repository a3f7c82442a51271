"""Plans API under /api/v1/plans: parse, import, read, correct units, report progress."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from xinxiao.core import InvalidInput, utcnow
from xinxiao.http import CurrentPrincipal, SessionDep
from xinxiao.plans import documents, importing, review, service
from xinxiao.plans.parsing import parse_plan, read_document
from xinxiao.plans.schemas import (
    PlanRead,
    PlanSummary,
    ProgressCreate,
    ProgressRead,
    TargetCorrection,
    TargetRead,
    TaskRead,
    UnitsCorrection,
)

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
    plan = importing.import_plan(
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
    task = review.correct_units(
        session, actor=actor, task_id=task_id, lead_units=body.lead_units, co_units=body.co_units
    )
    return TaskRead.model_validate(task)


@api.patch("/targets/{target_id}", response_model=TargetRead)
def correct_target(target_id: int, body: TargetCorrection, session: SessionDep, actor: CurrentPrincipal) -> TargetRead:
    """Correct a target's fields or link it to an indicator id (kept when the plan is parsed again)."""
    changes = body.model_dump(exclude_unset=True)
    return TargetRead.model_validate(review.correct_target(session, actor=actor, target_id=target_id, changes=changes))


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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@api.get("/{plan_id}/division.xlsx")
def division_table(plan_id: int, session: SessionDep, actor: CurrentPrincipal) -> Response:
    """The 任务分工表 (序号, 重点任务, 牵头/配合单位, 完成时限, 指标, 状态) as XLSX; editable and re-importable."""
    content = documents.division_table(session, actor=actor, plan_id=plan_id, as_of=utcnow().date())
    return Response(content, media_type=XLSX, headers=_attachment(f"任务分工表-{plan_id}.xlsx"))


@api.post("/{plan_id}/division")
def import_division_table(
    plan_id: int, file: Annotated[UploadFile, File()], session: SessionDep, actor: CurrentPrincipal
) -> dict[str, Any]:
    """Apply an edited 任务分工表: changed units become corrections, changed statuses are recorded."""
    result = documents.import_division_table(
        session, actor=actor, plan_id=plan_id, data=file.file.read(), filename=file.filename or "任务分工表.xlsx"
    )
    return {
        "changed": result.changed,
        "errors": [{"line": e.line, "column": e.column, "reason": e.reason} for e in result.errors],
    }


@api.get("/{plan_id}/notice.docx")
def supervision_notice(plan_id: int, session: SessionDep, actor: CurrentPrincipal) -> Response:
    """The 督办通报 (DOCX) listing overdue and lagging tasks by lead unit."""
    content = documents.supervision_notice(session, actor=actor, plan_id=plan_id, as_of=utcnow().date())
    return Response(content, media_type=DOCX, headers=_attachment(f"督办通报-{plan_id}.docx"))


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


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
