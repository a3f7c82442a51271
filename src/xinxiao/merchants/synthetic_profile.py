"""The shape parameters of the synthetic merchant generator, loaded from ``data/synthetic_profiles.yaml``.

A *profile* (``diqing``, ``hubei`` or ``all``) is one or more *regions*; each region carries its
counties (with GCJ-02 seat coordinates and a weight), named places, industry mixes, chain brands and
the shares the generator aims at. Nothing here is a statistic: it is the shape of demo data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinxiao.core import InvalidInput
from xinxiao.merchants.synthetic_uscc import USCC_ALPHABET

ProfileName = Literal["diqing", "hubei", "all"]
PlaceKind = Literal["business_district", "night_cluster", "pedestrian_street"]
Group = Literal["retail", "catering", "accommodation", "services", "culture_tourism"]
Status = Literal["active", "suspended", "closed"]
PROFILES_PATH = Path(__file__).parent / "data" / "synthetic_profiles.yaml"
PLACE_KINDS: tuple[PlaceKind, ...] = ("business_district", "night_cluster", "pedestrian_street")
STATUSES: tuple[Status, ...] = ("active", "suspended", "closed")

_ETHNIC = (
    "傈僳|土家|苗|藏|彝|回|蒙古|满|壮|侗|瑶|白|哈尼|傣|纳西|羌|普米|怒|独龙|布依|仡佬|水|畲|黎|拉祜|佤|景颇|布朗|"
    "阿昌|基诺|德昂|哈萨克|达斡尔|鄂温克|鄂伦春|锡伯|撒拉|保安|东乡|裕固|土|塔吉克|朝鲜|仫佬|毛南|京|各"
)
_AUTONOMOUS_COUNTY = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族)+自治县$")


@dataclass(frozen=True, slots=True)
class CountySpec:
    """A county-level unit to generate merchants in: adcode, name, seat (GCJ-02) and relative weight."""

    adcode: str
    name: str
    lat: float
    lon: float
    weight: float
    urban: bool = False

    @property
    def short_name(self) -> str:
        """The name as used in shop names: 维西傈僳族自治县 → 维西县, others unchanged.

        >>> CountySpec("533423", "维西傈僳族自治县", 27.2, 99.3, 1.0).short_name
        '维西县'
        """
        match = _AUTONOMOUS_COUNTY.match(self.name)
        return f"{match.group(1)}县" if match else self.name


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndustrySpec(_Model):
    """One GB/T 4754-2017 class: its 业态 mix, 个体 share, 限额以上 share and naming words."""

    name: str
    group: Group
    formats: dict[str, float]
    individual: float = Field(ge=0, le=1)
    above_quota: float = Field(ge=0, le=1)
    hours: str
    night_hours: str | None = None
    shop_words: tuple[str, ...] = Field(min_length=1)
    company_words: tuple[str, ...] = ()


class PlaceSpec(_Model):
    """A named business district, night-economy cluster or pedestrian street."""

    name: str
    kind: PlaceKind
    region_adcode: str
    lat: float
    lon: float
    radius_m: int = Field(gt=0)
    weight: float = Field(gt=0)
    mix: str | None = None
    streets: tuple[str, ...] = ()
    polygon: tuple[tuple[float, float], ...] | None = None


class BrandSpec(_Model):
    """A chain brand: its industry, 业态 and whether it also trades outside urban districts."""

    name: str
    industry: str
    format: str
    weight: float = Field(gt=0)
    rural: bool = True
    hours: str | None = None


class Prefecture(_Model):
    """A prefecture-level unit: full name for addresses, short name for company names."""

    name: str
    short: str


class Naming(_Model):
    """Word lists for 字号 (trade names) and per-industry shop-word overrides."""

    words: tuple[str, ...] = Field(min_length=1)
    word_share: float = Field(ge=0, le=1)
    first: tuple[str, ...] = Field(min_length=1)
    second: tuple[str, ...] = Field(min_length=1)
    shop_words: dict[str, tuple[str, ...]] = {}


class GeneratedPlaces(_Model):
    """How to add a 中心商圈 / 夜市 near the seat of counties that have no named one."""

    business_district: str
    night_cluster: str
    night_share: float = Field(ge=0, le=1)
    radius_m: tuple[int, int]
    night_radius_m: tuple[int, int]
    jitter_m: int = Field(ge=0)
    weight_per_county_weight: float = Field(gt=0)
    night_weight_factor: float = Field(gt=0)


class Shares(_Model):
    """The shares the generator draws with (see the YAML comments)."""

    in_place: float = Field(ge=0, le=1)
    brand: float = Field(ge=0, le=1)
    brand_rural_factor: float = Field(ge=0, le=1)
    mobile_payment: float = Field(ge=0, le=1)
    online_store_urban: float = Field(ge=0, le=1)
    online_store_other: float = Field(ge=0, le=1)
    smart_facilities: float = Field(ge=0, le=1)
    status: dict[Status, float]
    above_quota_scale: float = Field(ge=0)
    above_quota_individual: float = Field(ge=0, le=1)


class Scatter(_Model):
    """Distance decay of merchants outside places: a seat component and a township component."""

    seat_km: float = Field(gt=0)
    outskirts_share: float = Field(ge=0, le=1)
    outskirts_km: float = Field(gt=0)


class Opened(_Model):
    """Ages (exponential, capped); 限额以上 units open ~``above_quota_lead_years`` before reaching it."""

    mean_age_years: float = Field(gt=0)
    above_quota_lead_years: float = Field(gt=0)
    max_age_years: float = Field(gt=0)


class RegionProfile(_Model):
    """The shape of one region (迪庆 or 湖北)."""

    key: str
    title: str
    province: str
    adcode_prefix: str
    default_n: int = Field(gt=0)
    uscc_body_prefix: str = Field(pattern=r"^M[A-Y][0-9A-Y]$")
    prefectures: dict[str, Prefecture]
    counties: tuple[CountySpec, ...] = Field(min_length=1)
    seat_towns: dict[str, str] = {}
    bounds: dict[str, tuple[float, float, float, float]]
    streets: dict[str, tuple[str, ...]]
    naming: Naming
    mixes: dict[str, dict[str, float]]
    kind_mixes: dict[PlaceKind, str]
    places: tuple[PlaceSpec, ...] = ()
    generated_places: GeneratedPlaces
    brands: tuple[BrandSpec, ...] = ()
    shares: Shares
    scatter: Scatter
    opened: Opened
    above_quota_years: dict[int, float]
    checks: dict[str, tuple[float, float]] = {}

    @model_validator(mode="after")
    def _consistent(self) -> RegionProfile:
        problems = _region_problems(self)
        if problems:
            raise ValueError(f"region {self.key}: " + "; ".join(problems))
        return self

    def bounds_of(self, county: CountySpec) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of the county, else its prefecture, else ±0.5° of its seat."""
        for key in (county.adcode, county.adcode[:4]):
            if key in self.bounds:
                return self.bounds[key]
        return (county.lon - 0.5, county.lat - 0.5, county.lon + 0.5, county.lat + 0.5)


def _region_problems(region: RegionProfile) -> list[str]:
    adcodes = {c.adcode for c in region.counties}
    mixes = {*region.kind_mixes.values(), "default", *(p.mix for p in region.places if p.mix)}
    problems = [f"county {a} outside {region.adcode_prefix}" for a in adcodes if not a.startswith(region.adcode_prefix)]
    problems += [f"place {p.name}: unknown county" for p in region.places if p.region_adcode not in adcodes]
    problems += [f"mix {m} unknown" for m in sorted(mixes) if m not in region.mixes]
    problems += [f"USCC body prefix: {c} not allowed" for c in region.uscc_body_prefix if c not in USCC_ALPHABET]
    if "default" not in region.streets:
        problems.append("streets need a 'default' list")
    return problems


class Address(_Model):
    """House numbers: 1..number_max, with an 附N号 annex on this share of addresses."""

    number_max: int = Field(gt=0)
    annex_share: float = Field(ge=0, le=1)


class Profile(_Model):
    """A loaded profile: the industries table, hour sets and the regions it covers."""

    name: str
    as_of: date
    first_quota_year: int
    address: Address
    hours: dict[str, tuple[tuple[str, float], ...]]
    company_words: dict[Group, tuple[str, ...]]
    industries: dict[str, IndustrySpec]
    regions: tuple[RegionProfile, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Profile:
        problems = [
            f"{code}: hours {key} unknown"
            for code, ind in self.industries.items()
            for key in (ind.hours, ind.night_hours)
            if key and key not in self.hours
        ]
        for region in self.regions:
            used = {code for mix in region.mixes.values() for code in mix} | {b.industry for b in region.brands}
            problems += [f"{region.key}: industry {code} unknown" for code in used if code not in self.industries]
            problems += [
                f"{region.key}: brand {b.name} hours unknown"
                for b in region.brands
                if b.hours and b.hours not in self.hours
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def default_n(self) -> int:
        """The demo size: the sum of the regions' default_n."""
        return sum(r.default_n for r in self.regions)

    @property
    def counties(self) -> tuple[CountySpec, ...]:
        """Every county of every region."""
        return tuple(c for r in self.regions for c in r.counties)


@functools.cache
def _raw_profiles() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PROFILES_PATH.read_text(encoding="utf-8"))
    return data


def load_profile(name: ProfileName, *, counties: Sequence[CountySpec] | None = None) -> Profile:
    """Load a profile; ``counties`` replaces the shipped county specs (each must fall in one region)."""
    raw = _raw_profiles()
    if name not in raw["profiles"]:
        raise InvalidInput(f"unknown synthetic profile {name!r}; known: {', '.join(raw['profiles'])}")
    regions = [_region(key, raw["regions"][key], counties) for key in raw["profiles"][name]]
    if counties is not None:
        _check_all_placed(counties, regions)
    fields = {k: raw[k] for k in ("as_of", "first_quota_year", "address", "hours", "company_words", "industries")}
    try:
        return Profile.model_validate({"name": name, "regions": regions, **fields})
    except ValueError as exc:
        raise InvalidInput(f"synthetic profile {name!r} is inconsistent: {exc}") from exc


def _region(key: str, raw: dict[str, Any], counties: Sequence[CountySpec] | None) -> RegionProfile:
    data = {**raw, "key": key}
    if counties is not None:
        chosen = [replace(c) for c in counties if c.adcode.startswith(raw["adcode_prefix"])]
        if not chosen:
            raise InvalidInput(f"no county given for region {key} (adcodes {raw['adcode_prefix']}…)")
        adcodes = {c.adcode for c in chosen}
        data["counties"] = chosen
        data["places"] = [p for p in raw.get("places", []) if p["region_adcode"] in adcodes]
    try:
        return RegionProfile.model_validate(data)
    except ValueError as exc:
        raise InvalidInput(f"synthetic region {key!r} is inconsistent: {exc}") from exc


def _check_all_placed(counties: Sequence[CountySpec], regions: Sequence[RegionProfile]) -> None:
    stray = [c.adcode for c in counties if not any(c.adcode.startswith(r.adcode_prefix) for r in regions)]
    if stray:
        raise InvalidInput(f"counties outside the profile's regions: {', '.join(stray)}")
