"""Tracked plans: the document, its tasks with unit assignments, targets, corrections and progress reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinxiao.core import utcnow
from xinxiao.db import Base, UTCDateTime


class Plan(Base):
    """An imported policy document (行动方案) of an issuing region."""

    __tablename__ = "plans_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    issuer: Mapped[str | None] = mapped_column(String(200))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(40))
    region_adcode: Mapped[str] = mapped_column(ForeignKey("reference_region.adcode"), index=True)
    source_filename: Mapped[str] = mapped_column(String(255))
    source_sha256: Mapped[str] = mapped_column(String(64))
    raw_text: Mapped[str] = mapped_column(Text)
    first_is_lead: Mapped[bool] = mapped_column(Boolean, default=True)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    parsed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTask.position"
    )


class PlanTask(Base):
    """A task of a plan; ``key`` is the stable section path id (二.(一).1) that survives re-parsing."""

    __tablename__ = "plans_task"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    deadline: Mapped[date | None] = mapped_column(Date)
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    percent_done: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    units: Mapped[list[TaskUnit]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskUnit.position"
    )


class TaskUnit(Base):
    """A unit assigned to a task as lead (牵头) or co-operating (配合)."""

    __tablename__ = "plans_task_unit"
    __table_args__ = (Index("ix_plans_task_unit_unit", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plans_task.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(200))
    printed: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("reference_gov_unit.id", ondelete="SET NULL"))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    collective: Mapped[str | None] = mapped_column(String(200))

    task: Mapped[PlanTask] = relationship(back_populates="units")


class PlanTarget(Base):
    """A quantitative target of a plan (goals section when ``task_id`` is empty)."""

    __tablename__ = "plans_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id", ondelete="CASCADE"), index=True)
    task_key: Mapped[str | None] = mapped_column(String(60))
    key: Mapped[str | None] = mapped_column(String(300), index=True)  # stable across re-parsing
    position: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    operator: Mapped[str] = mapped_column(String(6))
    value: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    deadline: Mapped[str | None] = mapped_column(String(20))
    base_year: Mapped[int | None] = mapped_column(Integer)
    firmness: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[str | None] = mapped_column(String(60))
    region_adcode: Mapped[str | None] = mapped_column(ForeignKey("reference_region.adcode"))
    base_value: Mapped[float | None] = mapped_column(Float)


class TaskOverride(Base):
    """A reviewer's correction of a parsed field, re-applied whenever the plan is parsed again."""

    __tablename__ = "plans_override"
    __table_args__ = (UniqueConstraint("plan_id", "task_key", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id", ondelete="CASCADE"), index=True)
    task_key: Mapped[str] = mapped_column(String(60))
    field: Mapped[str] = mapped_column(String(30))
    value: Mapped[Any] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgressReport(Base):
    """A unit's progress report on a task (date, text, percent done)."""

    __tablename__ = "plans_progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plans_task.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    percent_done: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("reference_gov_unit.id", ondelete="SET NULL"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("accounts_user.id", ondelete="SET NULL"))
    reporter_name: Mapped[str] = mapped_column(String(60))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TargetActual(Base):
    """An actual value of a target's metric for a year, entered by hand or taken from a series."""

    __tablename__ = "plans_target_actual"
    __table_args__ = (UniqueConstraint("target_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("plans_target.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by: Mapped[str] = mapped_column(String(60))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Base):
    """A file attached to a progress report as evidence; stored once by its SHA-256 under VAR_DIR/evidence."""

    __tablename__ = "plans_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("plans_progress.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
