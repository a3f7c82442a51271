"""Index runs: one row per computed index for a region and period, and its scores for the history.

A run keeps everything needed to show and audit it (stages, ranks, weights, treatment, provenance of every
input value, the uncertainty analysis) in ``payload``; ``indices_score`` holds the aggregate scores and
ranks per unit, the rows the score history and the ranking pages query.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinxiao.core import utcnow
from xinxiao.db import Base, UTCDateTime


class IndexRun(Base):
    """One computation of a shipped index over the units of a region for one period."""

    __tablename__ = "indices_run"
    __table_args__ = (Index("ix_indices_run_lookup", "index_id", "region_adcode", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    index_id: Mapped[str] = mapped_column(String(40))
    index_version: Mapped[int] = mapped_column(Integer)
    spec_sha256: Mapped[str] = mapped_column(String(64))
    region_adcode: Mapped[str] = mapped_column(String(6), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM or YYYY
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    units_kind: Mapped[str] = mapped_column(String(10))  # regions | places
    unit_count: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class IndexScore(Base):
    """A unit's score and rank on one aggregate of a run, with its rank interval when one was computed."""

    __tablename__ = "indices_score"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("indices_run.id", ondelete="CASCADE"), index=True)
    unit_code: Mapped[str] = mapped_column(String(40))
    unit_name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(60))  # the aggregate's iCode (pillar, sub-index, Index)
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    rank_low: Mapped[float | None] = mapped_column(Float)  # 5th percentile rank under the uncertainty analysis
    rank_high: Mapped[float | None] = mapped_column(Float)  # 95th percentile
