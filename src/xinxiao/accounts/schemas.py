"""Pydantic shapes of users and tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from xinxiao.core import Role


class UserCreate(BaseModel):
    """Fields needed to create a user."""

    username: str = Field(min_length=2, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: Role
    region_adcode: str = Field(pattern=r"^\d{6}$")
    unit_id: int | None = None


class UserRead(BaseModel):
    """A user as shown to administrators (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    region_adcode: str
    unit_id: int | None
    is_active: bool
    created_at: datetime


class TokenIssued(BaseModel):
    """A freshly issued bearer token; the secret is shown once."""

    token: str
    expires_at: datetime
