"""Market entities (商户), places (商圈, 夜间经济集聚区, 步行街) and import jobs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinxiao.core import utcnow
from xinxiao.db import Base, UTCDateTime


class Place(Base):
    """A business district, night-economy cluster or pedestrian street, as a polygon or point + radius."""

    __tablename__ = "merchants_place"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    region_adcode: Mapped[str] = mapped_column(ForeignKey("reference_region.adcode"), index=True)
    center_lat: Mapped[float] = mapped_column(Float)
    center_lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    polygon: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class Merchant(Base):
    """One market entity of the 商业信息数据库, identified by its 统一社会信用代码."""

    __tablename__ = "merchants_merchant"
    __table_args__ = (
        Index("ix_merchants_merchant_region_industry", "region_adcode", "industry_code"),
        Index("ix_merchants_merchant_place", "place_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    industry_code: Mapped[str] = mapped_column(String(4))
    business_format: Mapped[str | None] = mapped_column(String(30))
    region_adcode: Mapped[str] = mapped_column(ForeignKey("reference_region.adcode"))
    address: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    coord_system: Mapped[str] = mapped_column(String(10), default="GCJ-02")
    brand: Mapped[str | None] = mapped_column(String(100))
    above_quota: Mapped[bool] = mapped_column(Boolean, default=False)
    above_quota_year: Mapped[int | None] = mapped_column(Integer)
    mobile_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    online_store: Mapped[bool] = mapped_column(Boolean, default=False)
    smart_facilities: Mapped[bool] = mapped_column(Boolean, default=False)
    opening_hours: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default="active")
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("merchants_place.id", ondelete="SET NULL"))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportJob(Base):
    """One bulk import of a merchant file, with its counts and error report."""

    __tablename__ = "merchants_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="running")
    worker: Mapped[str | None] = mapped_column(String(80))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts_user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(60))
    scope_adcode: Mapped[str] = mapped_column(String(6), index=True)
    encoding: Mapped[str | None] = mapped_column(String(20))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    error_report: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
