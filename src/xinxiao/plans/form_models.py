"""Reporting forms (填报): the form tables and the shape of a form definition (its ``fields`` JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinxiao.core import utcnow
from xinxiao.db import Base, UTCDateTime

PeriodKind = Literal["monthly", "quarterly", "yearly"]
FieldType = Literal["int", "decimal", "text", "date", "choice", "bool"]


class FieldSpec(BaseModel):
    """One field of a form: a typed value with its validation rules."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=100)
    type: FieldType
    required: bool = True
    min: float | None = None
    max: float | None = None
    choices: list[str] = Field(default_factory=list)
    unit: str = Field(default="", max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"选择题字段 {self.key} 须列出 choices")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"字段 {self.key} 的 min 大于 max")
        return self


class FormSpec(BaseModel):
    """A periodic form as defined by an analyst (or shipped as YAML): what is asked, how often, by when."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
    name: str = Field(min_length=1, max_length=200)
    version: str = Field(default="1", max_length=20)
    description: str = ""
    period: PeriodKind
    due_day: int = Field(ge=1, le=28, description="day of the month after the period on which it is due")
    starts: str = Field(description="the first period to report, e.g. 2024-01, 2024-Q1 or 2024")
    fields: list[FieldSpec] = Field(min_length=1)
    region_adcode: str = Field(pattern=r"^\d{6}$")
    plan_id: int | None = None
    task_key: str | None = Field(default=None, max_length=60)
    synthetic: bool = False

    @model_validator(mode="after")
    def _unique_keys(self) -> FormSpec:
        keys = [f.key for f in self.fields]
        if len(keys) != len(set(keys)):
            raise ValueError("字段 key 不得重复")
        return self


class ReportForm(Base):
    """A periodic reporting form of a region, optionally tied to a plan's task."""

    __tablename__ = "plans_report_form"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    period: Mapped[str] = mapped_column(String(10))
    due_day: Mapped[int] = mapped_column(Integer)
    starts: Mapped[str] = mapped_column(String(10))
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    region_adcode: Mapped[str] = mapped_column(ForeignKey("reference_region.adcode"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans_plan.id", ondelete="SET NULL"))
    task_key: Mapped[str | None] = mapped_column(String(60))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignments: Mapped[list[FormAssignment]] = relationship(
        back_populates="form", cascade="all, delete-orphan", order_by="FormAssignment.id"
    )

    @property
    def field_specs(self) -> list[FieldSpec]:
        """The fields as validated specs."""
        return [FieldSpec.model_validate(f) for f in self.fields]


class FormAssignment(Base):
    """Who must fill a form: a government unit or an enterprise (by USCC)."""

    __tablename__ = "plans_form_assignment"
    __table_args__ = (
        UniqueConstraint("form_id", "unit_id", name="uq_plans_form_assignment_unit"),
        UniqueConstraint("form_id", "enterprise_uscc", name="uq_plans_form_assignment_enterprise"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("plans_report_form.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("reference_gov_unit.id", ondelete="CASCADE"), index=True)
    enterprise_uscc: Mapped[str | None] = mapped_column(String(18))
    region_adcode: Mapped[str] = mapped_column(String(6), index=True)
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    form: Mapped[ReportForm] = relationship(back_populates="assignments")


class FormSubmission(Base):
    """The values an assignee filed for one period; a resubmission replaces them."""

    __tablename__ = "plans_form_submission"
    __table_args__ = (UniqueConstraint("assignment_id", "period", name="uq_plans_form_submission_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("plans_report_form.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("plans_form_assignment.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(10))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(60))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
