"""The reference domain's verbs: seed the tables, read regions."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinxiao.core import NotFound, Scope
from xinxiao.reference import geo
from xinxiao.reference.divisions import Division, region_tree
from xinxiao.reference.industries import seed_industries
from xinxiao.reference.models import GovUnit, GovUnitAlias, Industry, Region
from xinxiao.reference.units import seed_units


def seed_reference(session: Session) -> dict[str, int]:
    """Write regions, government units and industries idempotently; returns the row count of each table."""
    seed_regions(session)
    seed_units(session)
    seed_industries(session)
    tables = {"regions": Region, "units": GovUnit, "unit_aliases": GovUnitAlias, "industries": Industry}
    return {key: session.scalar(select(func.count()).select_from(model)) or 0 for key, model in tables.items()}


def seed_regions(session: Session) -> int:
    """Write the shipped divisions, with centroids where outlines exist; returns their number."""
    existing = {row.adcode: row for row in session.scalars(select(Region))}
    tree = region_tree()
    for division in tree:  # parents come before their children
        row = existing.get(division.adcode)
        if row is None:
            row = Region(adcode=division.adcode)
            session.add(row)
        _fill(row, division)
    session.flush()
    return len(tree)


def _fill(row: Region, division: Division) -> None:
    lat_lon = geo.centroid(division.adcode)
    row.name, row.short_name, row.level = division.name, division.short_name, division.level
    row.parent_adcode = division.parent_adcode
    row.is_pseudo, row.province_direct = division.is_pseudo, division.province_direct
    row.centroid_lat, row.centroid_lon = lat_lon if lat_lon is not None else (None, None)


def get_region(session: Session, *, adcode: str) -> Region:
    """The region with this adcode; raises ``NotFound``."""
    region = session.get(Region, adcode)
    if region is None:
        raise NotFound(f"region {adcode} not found", adcode=adcode)
    return region


def list_regions(session: Session, *, parent_adcode: str | None = None, level: str | None = None) -> list[Region]:
    """Regions in adcode order, optionally only the children of one node and/or one level."""
    query = select(Region).order_by(Region.adcode)
    if parent_adcode is not None:
        query = query.where(Region.parent_adcode == parent_adcode)
    if level is not None:
        query = query.where(Region.level == level)
    return list(session.scalars(query))


def region_choices(session: Session, *, scope: Scope) -> list[Region]:
    """The scope's own region and every region below it, in adcode order (for pickers and filters)."""
    query = select(Region).where(scope.clause(Region.adcode)).order_by(Region.adcode)
    return list(session.scalars(query))


def get_unit(session: Session, *, unit_id: int) -> GovUnit:
    """A government unit by id."""
    unit = session.get(GovUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位 {unit_id} 不存在")
    return unit


def find_unit(session: Session, *, name: str, region_adcode: str) -> GovUnit:
    """The unit of a region by its canonical name or one of its aliases."""
    query = select(GovUnit).where(GovUnit.region_adcode == region_adcode)
    unit = session.scalar(query.where(GovUnit.name == name)) or session.scalar(
        query.join(GovUnitAlias, GovUnitAlias.unit_id == GovUnit.id).where(GovUnitAlias.alias == name)
    )
    if unit is None:
        raise NotFound(f"{region_adcode} 没有名为 {name} 的单位")
    return unit


def list_units(session: Session, *, scope: Scope) -> list[GovUnit]:
    """Government units of the regions inside ``scope`` (collectives excluded), by region and name."""
    query = select(GovUnit).where(scope.clause(GovUnit.region_adcode), GovUnit.kind != "collective")
    return list(session.scalars(query.order_by(GovUnit.region_adcode, GovUnit.name)))
