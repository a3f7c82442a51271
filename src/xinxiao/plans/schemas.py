"""Pydantic shapes of plans, tasks, targets and progress reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TaskStatus = Literal["not_started", "in_progress", "done", "ongoing", "overdue"]


class TaskUnitRead(BaseModel):
    """A unit assigned to a task."""

    model_config = ConfigDict(from_attributes=True)

    role: Literal["lead", "co"]
    name: str
    printed: str
    unit_id: int | None
    resolved: bool
    collective: str | None


class TaskRead(BaseModel):
    """A task with its units."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    title: str
    text: str
    span_start: int
    span_end: int
    status: TaskStatus
    percent_done: int
    deadline: date | None
    units: list[TaskUnitRead]
    warnings: list[dict[str, object]]


class TargetRead(BaseModel):
    """A quantitative target."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    task_key: str | None
    metric: str
    kind: str
    operator: str
    value: float | None
    value_high: float | None
    unit: str
    deadline: str | None
    firmness: str
    scope: str | None
    text: str
    base_year: int | None = None
    base_value: float | None = None
    indicator_id: str | None = None
    region_adcode: str | None = None


class PlanSummary(BaseModel):
    """A plan in a list."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    issuer: str | None
    doc_number: str | None
    issued_on: date | None
    period: str | None
    region_adcode: str
    synthetic: bool
    created_at: datetime


class PlanRead(PlanSummary):
    """A plan with its tasks, targets and parse warnings."""

    tasks: list[TaskRead]
    targets: list[TargetRead] = Field(default_factory=list)
    warnings: list[dict[str, object]]


class UnitsCorrection(BaseModel):
    """A reviewer's list of lead and co-operating units (canonical names)."""

    lead_units: list[str] = Field(min_length=1)
    co_units: list[str] = Field(default_factory=list)


class TargetCorrection(BaseModel):
    """Fields of a target a reviewer may correct; omitted fields stay as parsed."""

    metric: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["level", "yoy_growth", "annual_growth", "share", "count", "coverage", "relative"] | None = None
    operator: Literal["=", ">=", ">", "<=", "<", "~", "range"] | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = Field(None, max_length=20)
    deadline: str | None = Field(None, max_length=20)
    firmness: Literal["must", "strive", "aim", "plain"] | None = None
    scope: str | None = Field(None, max_length=100)
    base_year: int | None = Field(None, ge=1949, le=2100)
    base_value: float | None = None
    indicator_id: str | None = Field(None, max_length=60, description="indicator registry id, e.g. retail_sales")
    region_adcode: str | None = Field(None, pattern=r"^\d{6}$", description="region the target applies to")


class ProgressCreate(BaseModel):
    """A progress report on a task."""

    text: str = Field(min_length=1, max_length=5000)
    percent_done: int = Field(ge=0, le=100)
    status: TaskStatus
    reported_on: date


class ProgressRead(ProgressCreate):
    """A stored progress report."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    reporter_name: str
    synthetic: bool
    created_at: datetime
