"""Public region routes: the GB/T 2260 tree and boundaries for maps (public data, no scope needed).

Served by the web layer because ``reference`` sits below the web plumbing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from xinxiao.core import NotFound
from xinxiao.http import SessionDep
from xinxiao.reference import boundary as region_boundary
from xinxiao.reference import get_region, list_regions

api = APIRouter(prefix="/api/v1/regions", tags=["reference"])


class RegionRead(BaseModel):
    """A division of the GB/T 2260 tree."""

    model_config = ConfigDict(from_attributes=True)

    adcode: str
    name: str
    level: str
    parent_adcode: str | None


@api.get("", response_model=list[RegionRead])
def regions(session: SessionDep, parent: str | None = None, level: str | None = None) -> list[RegionRead]:
    """Divisions, optionally the children of ``parent`` or one level."""
    return [RegionRead.model_validate(r) for r in list_regions(session, parent_adcode=parent, level=level)]


@api.get("/{adcode}", response_model=RegionRead)
def region(adcode: str, session: SessionDep) -> RegionRead:
    """One division."""
    return RegionRead.model_validate(get_region(session, adcode=adcode))


@api.get("/{adcode}/boundary")
def boundary(adcode: str) -> dict[str, Any]:
    """GeoJSON of the children of a division, for drill-down maps (GCJ-02 or CRS84 as documented)."""
    data = region_boundary(adcode)
    if data is None:
        raise NotFound(f"{adcode} 暂无下级边界数据")
    return data
