"""Government units (责任单位) named in plans, their aliases, and the collectives that stand for many.

``UnitRegistry`` is pure: it is built from ``data/units.yaml`` and the region tree. Names are looked
up per region: ``州商务局`` means the 商务局 of the 州 the document belongs to (or lies in). A name
without a level prefix gets the document's (``市场监管局`` in a 省 document is 省市场监管局), and
impossible combinations such as ``州商务厅`` (厅 exist only at province level) resolve to nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from xinxiao.core import NATIONAL, Scope
from xinxiao.reference.divisions import Division, RegionTree, region_tree
from xinxiao.reference.models import GovUnit, GovUnitAlias

Kind = Literal["government", "department", "party", "mass-organization", "central-vertical", "collective"]
Members = Literal["child-governments", "departments", "unspecified"]
_LOWER_PREFIXES = frozenset("州市县区盟旗")
_EDGE_PUNCTUATION = "、,，;；:：。."


class _UnitSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    short: str | None = None
    kind: Kind = "department"
    aliases: list[str] = []


class _CollectiveSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    region: str
    members: Members
    aliases: list[str] = []


class _UnitsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    synonyms: list[list[str]]
    governments: list[str]
    units: dict[str, list[_UnitSpec]]
    collectives: list[_CollectiveSpec]


@dataclass(frozen=True, slots=True)
class ResolvedUnit:
    """A registered unit: canonical name, region, kind and every alias it answers to."""

    name: str
    short_name: str
    region_adcode: str
    level_prefix: str | None
    kind: Kind
    parent_name: str | None = None
    parent_region: str | None = None
    members: Members | None = None
    aliases: tuple[str, ...] = ()

    @property
    def is_collective(self) -> bool:
        """Whether the name stands for several units (各县市人民政府)."""
        return self.kind == "collective"


def normalize_name(name: str) -> str:
    """Fold full-width forms and drop blanks and edge punctuation, as pasted from PDFs.

    >>> normalize_name(" 省卫健 委、"), normalize_name("各县（市）人民政府")
    ('省卫健委', '各县(市)人民政府')
    """
    return "".join(unicodedata.normalize("NFKC", name).split()).strip(_EDGE_PUNCTUATION)


def is_impossible(name: str) -> bool:
    """Whether a prefixed name cannot exist: a 厅 below province level (州商务厅).

    >>> is_impossible("州商务厅"), is_impossible("州商务局"), is_impossible("省商务厅")
    (True, False, False)
    """
    return name[:1] in _LOWER_PREFIXES and name.endswith("厅")


def _synonym_index(groups: list[list[str]]) -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for group in groups:
        for stem in group:
            if stem in index:
                raise ValueError(f"synonym {stem!r} appears in two groups")
            index[stem] = tuple(group)
    return index


def _doc_name(division: Division) -> str:
    """How documents name a division before a unit: 湖北省, 武汉市, 迪庆州."""
    return division.name if division.level == "province" else division.short_name


def _rule_aliases(name: str, division: Division, synonyms: dict[str, tuple[str, ...]]) -> list[str]:
    prefix = division.level_prefix
    if not prefix or not name.startswith(prefix):
        return []
    stem = name[len(prefix) :]
    heads = dict.fromkeys([prefix, division.name, _doc_name(division)])
    return [head + form for form in synonyms.get(stem, (stem,)) for head in heads]


def _government(division: Division, parent: Division | None = None) -> ResolvedUnit:
    prefix, doc = division.level_prefix, _doc_name(division)
    names = [f"{head}{tail}" for head in dict.fromkeys([division.name, doc, prefix]) for tail in ("人民政府", "政府")]
    return ResolvedUnit(
        name=names[0],
        short_name=f"{doc}政府",
        region_adcode=division.adcode,
        level_prefix=prefix,
        kind="government",
        parent_name=None if parent is None else f"{parent.name}人民政府",
        parent_region=None if parent is None else parent.adcode,
        aliases=tuple(dict.fromkeys(names[1:])),
    )


def _governments(tree: RegionTree, codes: list[str]) -> list[ResolvedUnit]:
    """The government of each listed region and those of its effective children, led by it."""
    units: dict[str, ResolvedUnit] = {}
    for code in codes:
        top = tree.require(code)
        units.setdefault(code, _government(top))
        for child in tree.effective_children(code):
            units.setdefault(child.adcode, _government(child, top))
    return list(units.values())


def _unit(spec: _UnitSpec, division: Division, synonyms: dict[str, tuple[str, ...]]) -> ResolvedUnit:
    name = normalize_name(spec.name)
    prefix = division.level_prefix or None
    if prefix is not None and not name.startswith(prefix):
        prefix = None
    extra = [spec.short or name, *spec.aliases, *_rule_aliases(name, division, synonyms)]
    aliases = dict.fromkeys(normalize_name(a) for a in extra)
    aliases.pop(name, None)
    return ResolvedUnit(
        name=name,
        short_name=spec.short or name,
        region_adcode=division.adcode,
        level_prefix=prefix,
        kind=spec.kind,
        parent_name=f"{division.name}人民政府" if spec.kind == "department" else None,
        parent_region=division.adcode if spec.kind == "department" else None,
        aliases=tuple(aliases),
    )


def _collective(spec: _CollectiveSpec, tree: RegionTree, synonyms: dict[str, tuple[str, ...]]) -> ResolvedUnit:
    unit_spec = _UnitSpec(name=spec.name, kind="collective", aliases=spec.aliases)
    return replace(_unit(unit_spec, tree.require(spec.region), synonyms), members=spec.members)


class UnitRegistry:
    """All registered units, indexed by alias and region."""

    def __init__(self, units: Iterable[ResolvedUnit], tree: RegionTree) -> None:
        self._tree = tree
        self._units = list(units)
        self._index: dict[str, dict[str, ResolvedUnit]] = {}
        for unit in self._units:
            for alias in (unit.name, *unit.aliases):
                self._add(alias, unit)

    @classmethod
    def from_yaml(cls, text: str, tree: RegionTree) -> UnitRegistry:
        """Build a registry from the text of a units file (the format of ``data/units.yaml``)."""
        data = _UnitsFile.model_validate(yaml.safe_load(text))
        synonyms = _synonym_index(data.synonyms)
        units = _governments(tree, data.governments)
        for code, specs in data.units.items():
            units += [_unit(spec, tree.require(code), synonyms) for spec in specs]
        units += [_collective(spec, tree, synonyms) for spec in data.collectives]
        return cls(units, tree)

    def _add(self, alias: str, unit: ResolvedUnit) -> None:
        by_region = self._index.setdefault(alias, {})
        other = by_region.setdefault(unit.region_adcode, unit)
        if other is not unit:
            raise ValueError(f"alias {alias!r} names both {other.name} and {unit.name} in {unit.region_adcode}")

    def __iter__(self) -> Iterator[ResolvedUnit]:
        return iter(self._units)

    def __len__(self) -> int:
        return len(self._units)

    def units_of(self, region_adcode: str) -> list[ResolvedUnit]:
        """The units registered at exactly this region, in registry order."""
        return [u for u in self._units if u.region_adcode == region_adcode]

    def resolve(self, name: str, *, region_adcode: str, default_prefix: str | None = None) -> ResolvedUnit | None:
        """The unit a name means in a document of ``region_adcode``, or None when unknown or impossible.

        >>> registry = unit_registry()
        >>> registry.resolve("州教体局", region_adcode="533400").name
        '州教育体育局'
        >>> registry.resolve("市场监管局", region_adcode="420000").name
        '省市场监管局'
        >>> registry.resolve("州商务厅", region_adcode="533400") is None
        True
        """
        text = normalize_name(name)
        if not text or is_impossible(text):
            return None
        found = self._lookup(text, region_adcode)
        if found is None:
            prefix = self._prefix_of(region_adcode) if default_prefix is None else default_prefix
            candidate = prefix + text
            if prefix and not is_impossible(candidate):
                found = self._lookup(candidate, region_adcode)
        return found

    def expand_collective(self, name: str, *, region_adcode: str) -> list[ResolvedUnit] | None:
        """The units a collective stands for ([] when unpublished); None when the name is no collective."""
        unit = self.resolve(name, region_adcode=region_adcode)
        if unit is None or not unit.is_collective:
            return None
        if unit.members == "child-governments":
            children = self._tree.effective_children(unit.region_adcode)
            return [u for child in children for u in self.units_of(child.adcode) if u.kind == "government"]
        if unit.members == "departments":
            return [u for u in self.units_of(unit.region_adcode) if u.kind not in {"government", "collective"}]
        return []

    def _prefix_of(self, region_adcode: str) -> str:
        division = self._tree.get(region_adcode)
        return "" if division is None else division.level_prefix

    def _lineage(self, region_adcode: str) -> list[str]:
        if region_adcode != NATIONAL and region_adcode not in self._tree:
            return [region_adcode]
        above = [d.adcode for d in self._tree.ancestors(region_adcode)]
        return [region_adcode, *above[::-1]]

    def _lookup(self, alias: str, region_adcode: str) -> ResolvedUnit | None:
        by_region = self._index.get(alias, {})
        for code in self._lineage(region_adcode):
            if code in by_region:
                return by_region[code]
        # Names carrying a region's own name (武汉市人民政府) also resolve from the document's region above.
        inside = Scope(region_adcode)
        below = [u for code, u in by_region.items() if code != region_adcode and inside.covers(code)]
        absolute = [u for u in below if not (u.level_prefix and alias.startswith(u.level_prefix))]
        return absolute[0] if len(absolute) == 1 else None


@cache
def unit_registry() -> UnitRegistry:
    """The registry of the shipped ``data/units.yaml`` (built once, then cached)."""
    text = resources.files("xinxiao.reference").joinpath("data", "units.yaml").read_text("utf-8")
    return UnitRegistry.from_yaml(text, region_tree())


def seed_units(session: Session, *, registry: UnitRegistry | None = None) -> int:
    """Write units and aliases into GovUnit/GovUnitAlias, idempotently (regions first); returns the count."""
    registry = registry or unit_registry()
    rows = _upsert_units(session, registry)
    for unit in registry:
        parent = rows.get((unit.parent_region or "", unit.parent_name or ""))
        rows[unit.region_adcode, unit.name].parent_id = None if parent is None else parent.id
    _sync_aliases(session, rows, registry)
    return len(rows)


def _upsert_units(session: Session, registry: UnitRegistry) -> dict[tuple[str, str], GovUnit]:
    query = select(GovUnit).options(selectinload(GovUnit.aliases))
    existing = {(u.region_adcode, u.name): u for u in session.scalars(query)}
    rows: dict[tuple[str, str], GovUnit] = {}
    for unit in registry:
        row = existing.get((unit.region_adcode, unit.name))
        if row is None:
            row = GovUnit(name=unit.name, region_adcode=unit.region_adcode, aliases=[])
            session.add(row)
        row.short_name, row.level_prefix, row.kind = unit.short_name, unit.level_prefix, unit.kind
        rows[unit.region_adcode, unit.name] = row
    session.flush()
    return rows


def _sync_aliases(session: Session, rows: dict[tuple[str, str], GovUnit], registry: UnitRegistry) -> None:
    # Stale aliases go first: an alias moving between units must not meet itself in the unique index.
    for unit in registry:
        row = rows[unit.region_adcode, unit.name]
        row.aliases = [a for a in row.aliases if a.alias in unit.aliases]
    session.flush()
    for unit in registry:
        row = rows[unit.region_adcode, unit.name]
        present = {a.alias for a in row.aliases}
        missing = [a for a in unit.aliases if a not in present]
        row.aliases.extend(GovUnitAlias(alias=a, region_adcode=unit.region_adcode) for a in missing)
    session.flush()
