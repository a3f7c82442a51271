"""Names and addresses for synthetic merchants: 个体 names, company names, brand outlets, street addresses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xinxiao.merchants.synthetic_profile import CountySpec, Profile, RegionProfile


@dataclass(frozen=True, slots=True)
class CountyText:
    """Per-county text parts: name prefixes, the address up to the street, and the street list."""

    person_prefix: str
    company_prefixes: tuple[str, ...]
    address_prefix: str
    streets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndustryText:
    """Per-industry words: shop words for 个体 names, endings for company names."""

    shop_words: tuple[str, ...]
    company_words: tuple[str, ...]


def is_district(county: CountySpec) -> bool:
    """Whether a county-level unit is a 市辖区 (named after its city in shop names).

    >>> is_district(CountySpec("420103", "江汉区", 30.6, 114.27, 1.0))
    True
    >>> is_district(CountySpec("429021", "神农架林区", 31.7, 110.7, 1.0))
    False
    """
    return county.name.endswith("区") and not county.name.endswith(("林区", "管理区"))


def strip_suffix(name: str) -> str:
    """A county name without 市/县/区 when at least two characters remain.

    >>> strip_suffix("香格里拉市"), strip_suffix("维西县"), strip_suffix("房县")
    ('香格里拉', '维西', '房县')
    """
    return name[:-1] if len(name) > 2 and name[-1] in "市县区" else name


def county_text(region: RegionProfile, county: CountySpec) -> CountyText:
    """The text parts of one county (4290 units have no prefecture and start at the county)."""
    prefecture = region.prefectures.get(county.adcode[:4])
    companies: tuple[str, ...]
    if prefecture is not None and is_district(county):
        person, companies = prefecture.name + county.name, (prefecture.short,)
    else:
        person = county.short_name
        companies = (strip_suffix(county.short_name),) + ((prefecture.short,) if prefecture else ())
    address = region.province + (prefecture.name if prefecture else "") + county.name
    address += region.seat_towns.get(county.adcode, "")
    streets = dict.fromkeys((*region.streets.get(county.adcode, ()), *region.streets["default"]))
    return CountyText(person, companies, address, tuple(streets))


def industry_text(profile: Profile, region: RegionProfile, code: str) -> IndustryText:
    """The words used for one industry in one region (the region's overrides first)."""
    spec = profile.industries[code]
    shop_words = region.naming.shop_words.get(code, spec.shop_words)
    return IndustryText(tuple(shop_words), spec.company_words or profile.company_words[spec.group])


def trade_names(region: RegionProfile, use_word: Sequence[bool], picks: Sequence[int]) -> list[str]:
    """字号: a word from the region's list, or two syllables; ``picks`` are non-negative random ints."""
    naming = region.naming
    words, first, second = naming.words, naming.first, naming.second
    return [
        words[k % len(words)] if word else first[k % len(first)] + second[(k // 997) % len(second)]
        for word, k in zip(use_word, picks, strict=True)
    ]


def house_numbers(numbers: Sequence[int], annexes: Sequence[int]) -> list[str]:
    """门牌: ``12号`` or, where ``annex`` is positive, ``12号附3号``.

    >>> house_numbers([12, 7], [0, 3])
    ['12号', '7号附3号']
    """
    return [f"{n}号附{a}号" if a else f"{n}号" for n, a in zip(numbers, annexes, strict=True)]
