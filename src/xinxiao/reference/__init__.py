"""Reference data: GB/T 2260 regions and boundaries, government units, GB/T 4754 industries,
the Chinese calendar and identifier validation. Other packages use only what is exported here."""

from xinxiao.reference import calendar
from xinxiao.reference.divisions import Division, RegionTree, load_divisions, region_tree
from xinxiao.reference.geo import boundary, centroid, drillable
from xinxiao.reference.identifiers import (
    InvalidIdentifier,
    is_valid_resident_id,
    is_valid_uscc,
    make_uscc,
    mask_name,
    mask_phone,
    mask_resident_id,
    validate_resident_id,
    validate_uscc,
)
from xinxiao.reference.industries import IndustryInfo, industries, industry, is_valid_industry, section_of
from xinxiao.reference.models import GovUnit, GovUnitAlias, Industry, Region
from xinxiao.reference.service import (
    find_unit,
    get_region,
    get_unit,
    list_regions,
    list_units,
    region_choices,
    seed_reference,
)
from xinxiao.reference.units import ResolvedUnit, UnitRegistry, unit_registry

__all__ = [
    "Division",
    "GovUnit",
    "GovUnitAlias",
    "Industry",
    "IndustryInfo",
    "InvalidIdentifier",
    "Region",
    "RegionTree",
    "ResolvedUnit",
    "UnitRegistry",
    "boundary",
    "calendar",
    "centroid",
    "drillable",
    "find_unit",
    "get_region",
    "get_unit",
    "industries",
    "industry",
    "is_valid_industry",
    "is_valid_resident_id",
    "is_valid_uscc",
    "list_regions",
    "list_units",
    "load_divisions",
    "make_uscc",
    "mask_name",
    "mask_phone",
    "mask_resident_id",
    "region_choices",
    "region_tree",
    "section_of",
    "seed_reference",
    "unit_registry",
    "validate_resident_id",
    "validate_uscc",
]
