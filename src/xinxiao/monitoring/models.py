"""Monitoring tables: official series with vintages, feed deliveries, windows and alerts.

The transactions themselves live in the Parquet lake (see ``lake``), not in these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinxiao.core import utcnow
from xinxiao.db import Base, UTCDateTime


class Series(Base):
    """One published figure: an indicator for a region and period, as released on ``vintage``.

    A revision is a new row with a later vintage; nothing is overwritten. ``yoy_pct`` is the growth
    as published on the comparable basis (可比口径), never recomputed from levels.
    """

    __tablename__ = "monitoring_series"
    __table_args__ = (
        UniqueConstraint(
            "indicator_id", "region_adcode", "period_start", "period_end", "period_kind", "vintage", "source_id"
        ),
        Index("ix_monitoring_series_lookup", "indicator_id", "region_adcode", "period_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[str] = mapped_column(String(60))
    region_adcode: Mapped[str] = mapped_column(String(6))  # 000000 = the whole country
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_kind: Mapped[str] = mapped_column(String(8))  # month | ytd | quarter | year
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    yoy_pct: Mapped[float | None] = mapped_column(Float)
    yoy_real_pct: Mapped[float | None] = mapped_column(Float)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)  # e.g. a month differenced from YTD figures
    derivation: Mapped[str | None] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(String(60))
    source_note: Mapped[str | None] = mapped_column(String(500))
    vintage: Mapped[date] = mapped_column(Date)  # release date of this figure
    batch: Mapped[str] = mapped_column(String(40), index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """One delivered feed file and what its ingest did; the lake manifest records the commit itself."""

    __tablename__ = "monitoring_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(12), default="running")  # running | committed | failed
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    first_date: Mapped[date | None] = mapped_column(Date)
    last_date: Mapped[date | None] = mapped_column(Date)
    lake_version: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts_user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Window(Base):
    """A holiday, promotion, event or voucher window for one year, kept as data."""

    __tablename__ = "monitoring_window"
    __table_args__ = (UniqueConstraint("code", "year", "region_adcode"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # holiday | promotion | event | voucher
    region_adcode: Mapped[str] = mapped_column(String(6))  # 000000 for national windows
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    alignment: Mapped[str] = mapped_column(String(12))  # lunar | calendar: how last year's window is found
    budget_yuan: Mapped[float | None] = mapped_column(Float)  # voucher rounds: the money put in
    note: Mapped[str | None] = mapped_column(String(500))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class AlertRule(Base):
    """A rule watching one indicator in one region: threshold, YoY drop, anomaly, missing or late feed."""

    __tablename__ = "monitoring_alert_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # threshold | yoy_drop | anomaly | feed_missing | feed_late
    indicator_id: Mapped[str | None] = mapped_column(String(60))
    feed_kind: Mapped[str | None] = mapped_column(String(12))
    region_adcode: Mapped[str] = mapped_column(String(6), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Alert(Base):
    """One firing of a rule for one period, with the data it saw; dry runs are never stored."""

    __tablename__ = "monitoring_alert"
    __table_args__ = (UniqueConstraint("rule_id", "period_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("monitoring_alert_rule.id"), index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    region_adcode: Mapped[str] = mapped_column(String(6), index=True)
    indicator_id: Mapped[str | None] = mapped_column(String(60))
    period_key: Mapped[str] = mapped_column(String(40))  # e.g. 2024-02, 2024-10-03
    status: Mapped[str] = mapped_column(String(8))  # red | yellow | green
    state: Mapped[str] = mapped_column(String(14), default="open")  # open | acknowledged | closed
    value: Mapped[float | None] = mapped_column(Float)
    baseline: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(String(500))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("accounts_user.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AlertNote(Base):
    """A 处置 note on an alert: what was done, by whom and when."""

    __tablename__ = "monitoring_alert_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("monitoring_alert.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts_user.id"))
    action: Mapped[str] = mapped_column(String(20))  # note | acknowledge | close | reopen
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
