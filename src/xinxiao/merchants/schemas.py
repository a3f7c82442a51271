"""Pydantic shapes of merchants, places, imports and statistics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from xinxiao.merchants.columns import parse_format, parse_hours, parse_uscc

Status = Literal["active", "suspended", "closed"]


class MerchantBase(BaseModel):
    """Fields a person can set on a merchant."""

    name: str = Field(min_length=1, max_length=200)
    industry_code: str = Field(pattern=r"^\d{2,4}$", description="GB/T 4754-2017 code")
    business_format: str | None = Field(None, description="业态")
    region_adcode: str = Field(pattern=r"^\d{6}$", description="county adcode (GB/T 2260)")
    address: str | None = Field(None, max_length=300)
    lat: float | None = Field(None, ge=3, le=54, description="latitude, GCJ-02")
    lon: float | None = Field(None, ge=73, le=136, description="longitude, GCJ-02")
    brand: str | None = Field(None, max_length=100)
    above_quota: bool = False
    above_quota_year: int | None = Field(None, ge=1978, le=2100)
    mobile_payment: bool = False
    online_store: bool = False
    smart_facilities: bool = False
    opening_hours: str | None = None
    status: Status = "active"
    opened_on: date | None = None
    closed_on: date | None = None

    _format = field_validator("business_format")(lambda v: parse_format(v or ""))
    _hours = field_validator("opening_hours")(lambda v: parse_hours(v or ""))


class MerchantCreate(MerchantBase):
    """A new merchant; the USCC is its identity."""

    uscc: str

    _uscc = field_validator("uscc")(lambda v: parse_uscc(v))


class MerchantUpdate(BaseModel):
    """Fields to change on a merchant; omitted fields stay as they are."""

    name: str | None = Field(None, min_length=1, max_length=200)
    industry_code: str | None = Field(None, pattern=r"^\d{2,4}$")
    business_format: str | None = None
    region_adcode: str | None = Field(None, pattern=r"^\d{6}$")
    address: str | None = Field(None, max_length=300)
    lat: float | None = Field(None, ge=3, le=54)
    lon: float | None = Field(None, ge=73, le=136)
    brand: str | None = Field(None, max_length=100)
    above_quota: bool | None = None
    above_quota_year: int | None = Field(None, ge=1978, le=2100)
    mobile_payment: bool | None = None
    online_store: bool | None = None
    smart_facilities: bool | None = None
    opening_hours: str | None = None
    status: Status | None = None
    opened_on: date | None = None
    closed_on: date | None = None

    _format = field_validator("business_format")(lambda v: parse_format(v or ""))
    _hours = field_validator("opening_hours")(lambda v: parse_hours(v or ""))


class MerchantRead(MerchantBase):
    """A merchant as returned by the API."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    place_id: int | None
    coord_system: str
    synthetic: bool
    created_at: datetime
    updated_at: datetime


class MerchantFilter(BaseModel):
    """Filters of the merchant list, export and statistics."""

    q: str | None = Field(None, description="search in name, USCC, address and brand")
    region: str | None = Field(None, pattern=r"^\d{6}$", description="any region node inside your scope")
    industry: str | None = Field(None, pattern=r"^\d{2,4}$", description="GB/T 4754 code prefix")
    business_format: str | None = None
    place_id: int | None = None
    status: Status | None = None
    above_quota: bool | None = None
    digital: bool | None = Field(None, description="has mobile payment or an online store")


class MerchantPage(BaseModel):
    """One page of merchants."""

    items: list[MerchantRead]
    total: int
    page: int
    size: int


class PlaceRead(BaseModel):
    """A place as returned by the API."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    region_adcode: str
    center_lat: float
    center_lon: float
    radius_m: float | None
    synthetic: bool


class ImportJobRead(BaseModel):
    """State and counts of an import."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    status: str
    encoding: str | None
    rows_total: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    message: str | None
    has_error_report: bool = False
    started_at: datetime
    finished_at: datetime | None


class StatsRow(BaseModel):
    """One row of merchant statistics."""

    key: str
    label: str
    merchants: int
    mobile_payment: int
    online_store: int
    digital: int
    mobile_payment_rate: float
    online_store_rate: float
    digital_rate: float
    above_quota: int


class NewAboveQuotaRow(BaseModel):
    """New 限额以上 units of a region in a year."""

    key: str
    label: str
    year: int
    new_above_quota: int
