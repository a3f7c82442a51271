"""The words of official-statistics files, kept as data: indicator names, units, regions, headers, sources.

``data/official/vocabulary.yaml`` maps the names files use to registry ids and canonical unit codes;
``data/official/sources.yaml`` gives each source id its release date (vintage), page and note.
The lookups raise ``ValueError`` with the reason, so the reader can name the line and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from xinxiao.core import NATIONAL
from xinxiao.reference import region_tree

PERIOD_KINDS = ("month", "ytd", "quarter", "year")


@dataclass(frozen=True, slots=True)
class Source:
    """One release the figures come from."""

    id: str
    release: str
    vintage: date | None
    vintage_basis: str
    page: str
    note: str | None


@dataclass(frozen=True, slots=True)
class IndicatorName:
    """A registry indicator the official store holds."""

    id: str
    name_zh: str
    name_en: str
    unit: str


def _fold(text: str) -> str:
    return text.strip().lower()


def _inverse(table: Mapping[str, list[str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for canonical, aliases in table.items():
        for alias in [canonical, *aliases]:
            found[_fold(str(alias))] = str(canonical)
    return found


@dataclass(frozen=True)
class Vocabulary:
    """Lookups from the spellings in files to the stored codes."""

    indicators: dict[str, IndicatorName]
    level_units: frozenset[str]
    sources: dict[str, Source]
    _indicator: dict[str, str]
    _unit: dict[str, str]
    _region: dict[str, str]
    _kind: dict[str, str]
    _header: dict[str, str]

    def indicator_id(self, name: str) -> str:
        """The registry id for an indicator name.

        >>> vocabulary().indicator_id("retail_sales_total"), vocabulary().indicator_id("网上零售额")
        ('retail_sales', 'online_retail')
        """
        if found := self._indicator.get(_fold(name)):
            return found
        raise ValueError(f"未知指标 {name!r} (unknown indicator; see data/official/vocabulary.yaml)")

    def unit(self, name: str) -> str:
        """The canonical unit code (亿元, 万元, 元, %) for a unit spelling.

        >>> vocabulary().unit("100m_yuan"), vocabulary().unit("pct")
        ('亿元', '%')
        """
        if found := self._unit.get(_fold(name)):
            return found
        raise ValueError(f"未知单位 {name!r} (unknown unit; known: {', '.join(sorted(set(self._unit.values())))})")

    def unit_suffixes(self) -> list[tuple[str, str]]:
        """(spelling, unit) pairs, longest spelling first, for reading wide-layout column names."""
        return sorted(self._unit.items(), key=lambda pair: -len(pair[0]))

    def region(self, name: str) -> str:
        """The adcode of a region name or adcode (000000 is the whole country).

        >>> vocabulary().region("Hubei"), vocabulary().region("533422"), vocabulary().region("CN")
        ('420000', '533422', '000000')
        """
        if found := self._region.get(_fold(name)):
            return found
        code = name.strip()
        if code == NATIONAL or (len(code) == 6 and code.isdigit() and code in region_tree()):
            return code
        raise ValueError(f"未知地区 {name!r} (not a GB/T 2260 adcode or a known region name)")

    def period_kind(self, name: str) -> str:
        """The period kind (month, ytd, quarter, year) for a spelling.

        >>> vocabulary().period_kind("累计")
        'ytd'
        """
        if found := self._kind.get(_fold(name)):
            return found
        raise ValueError(f"未知期间类型 {name!r} (unknown period_kind; use one of {', '.join(PERIOD_KINDS)})")

    def header(self, name: str) -> str | None:
        """The canonical column for a header cell, or None when it is not a known column."""
        return self._header.get(_fold(name.lstrip("\ufeff")))

    def source(self, source_id: str) -> Source | None:
        """The source entry of ``source_id``, if listed in sources.yaml."""
        return self.sources.get(source_id)


def _load(name: str) -> dict[str, Any]:
    text = resources.files("xinxiao.monitoring").joinpath(f"data/official/{name}").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _source(source_id: str, entry: Mapping[str, Any]) -> Source:
    vintage = entry.get("vintage")
    return Source(
        id=source_id,
        release=str(entry["release"]),
        vintage=vintage if isinstance(vintage, date) else None,
        vintage_basis=str(entry.get("vintage_basis", "")),
        page=str(entry.get("page", "")),
        note=entry.get("note"),
    )


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary and sources shipped in ``data/official`` (read once)."""
    words, sources = _load("vocabulary.yaml"), _load("sources.yaml")
    indicators = {
        key: IndicatorName(key, str(v["name_zh"]), str(v["name_en"]), str(v["unit"]))
        for key, v in words["indicators"].items()
    }
    return Vocabulary(
        indicators=indicators,
        level_units=frozenset(words["level_units"]),
        sources={key: _source(key, value) for key, value in sources["sources"].items()},
        _indicator=_inverse({k: v.get("aliases", []) for k, v in words["indicators"].items()}),
        _unit=_inverse(words["units"]),
        _region=_inverse({str(k): v for k, v in words["regions"].items()}),
        _kind=_inverse(words["period_kinds"]),
        _header=_inverse(words["headers"]),
    )
