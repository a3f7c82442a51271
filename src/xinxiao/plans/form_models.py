"""Reporting forms (填报): the tables, the shape of a form definition, and checking values against its fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinxiao.core import InvalidInput, utcnow
from xinxiao.db import Base, UTCDateTime

PeriodKind = Literal["monthly", "quarterly", "yearly"]
FieldType = Literal["int", "decimal", "text", "date", "choice", "bool"]
_TRUE, _FALSE = {"true", "1", "on", "yes", "是"}, {"false", "0", "off", "no", "否"}
MAX_TEXT = 2000


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
    target_metric: str | None = Field(default=None, max_length=200)  # a target of the form's plan it feeds
    aggregate: Literal["sum", "last"] = "sum"  # how a year's submissions make the target's actual value

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"选择题字段 {self.key} 须列出 choices")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"字段 {self.key} 的 min 大于 max")
        return self


# --- checking values against the fields ---------------------------------------------------------------


def clean_values(fields: Sequence[FieldSpec], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and convert submitted values field by field; ``InvalidInput`` names every faulty field.

    >>> spec = [FieldSpec(key="bags", label="塑料袋使用量", type="int", min=0, unit="个")]
    >>> clean_values(spec, {"bags": "120"})
    {'bags': 120}
    >>> clean_values(spec, {"bags": "-1"})
    Traceback (most recent call last):
    xinxiao.core.errors.InvalidInput: 「塑料袋使用量」不得小于 0
    """
    known = {f.key for f in fields}
    errors = {key: f"未知字段 {key}" for key in values if key not in known}
    result: dict[str, Any] = {}
    for spec in fields:
        try:
            value = _clean(spec, values.get(spec.key))
        except ValueError as exc:
            errors[spec.key] = f"「{spec.label}」{exc}"
            continue
        if value is not None:
            result[spec.key] = value
    if errors:
        raise InvalidInput("; ".join(errors.values()), field=next(iter(errors)), errors=errors)
    return result


def _clean(spec: FieldSpec, raw: Any) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.type == "bool":
            return False
        if spec.required:
            raise ValueError("为必填项")
        return None
    if spec.type in ("int", "decimal"):
        number = _number(raw, integer=spec.type == "int")
        if spec.min is not None and number < spec.min:
            raise ValueError(f"不得小于 {spec.min:g}")
        if spec.max is not None and number > spec.max:
            raise ValueError(f"不得大于 {spec.max:g}")
        return number
    return _scalar(spec, raw)


def _number(raw: Any, *, integer: bool) -> int | float:
    if isinstance(raw, bool):
        raise ValueError("须为数字")
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("须为整数" if integer else "须为数字") from None
    if not number.is_finite():
        raise ValueError("须为数字")
    if integer:
        if number != number.to_integral_value():
            raise ValueError("须为整数")
        return int(number)
    return float(number)


def _scalar(spec: FieldSpec, raw: Any) -> Any:
    text = str(raw).strip()
    if spec.type == "bool":
        if isinstance(raw, bool) or text.lower() in _TRUE | _FALSE:
            return raw if isinstance(raw, bool) else text.lower() in _TRUE
        raise ValueError("须为 是/否")
    if spec.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("须为日期 (YYYY-MM-DD)") from None
    if spec.type == "choice" and text not in spec.choices:
        raise ValueError("须为以下之一: " + "、".join(spec.choices))
    if len(text) > MAX_TEXT:
        raise ValueError(f"不得超过 {MAX_TEXT} 字")
    return text


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
    assignment_id: Mapped[int] = mapped_column(ForeignKey("plans_form_assignment.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(60))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
