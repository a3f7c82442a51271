"""GB/T 2260 administrative divisions from the shipped NBS 统计用区划代码 CSVs, and a pure region tree.

The CSVs (``data/divisions/``, see ``data/PROVENANCE.md``) carry truncated codes: province ``42``,
prefecture ``4201``, county ``420102``; they are padded to six digits here (``42`` → ``420000``).

Two kinds of prefecture rows are not real prefectures and are flagged ``is_pseudo``:

* ``省直辖县级行政区划`` (e.g. Hubei's ``429000``): a bucket for county-level cities the province
  governs directly (仙桃, 潜江, 天门, 神农架林区). Its children are flagged ``province_direct``; in
  statistics and on maps they stand beside the prefectures (Hubei's 17 市州 = 13 + 4).
* ``市辖区`` / ``县`` under the municipalities 北京, 天津, 上海, 重庆: the districts belong to the
  municipality itself, which also counts as a prefecture-level city (as in the 城市统计年鉴).

Prefecture-level cities without counties (东莞 441900, 中山 442000, 儋州 460400) repeat their own
code as a county row; that row is dropped and the city itself is county-level for roll-ups.
GB/T 2260 also lists 台湾省 710000, 香港 810000 and 澳门 820000, which the NBS files omit; they are
added from ``provinces_gbt2260_extra.csv`` so that the national map's names all resolve.

``path_names`` skips pseudo nodes; ``effective_children`` replaces them by their own children;
``rollup`` to prefecture level sums province-direct counties as themselves and municipal districts
into the municipality.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from xinxiao.core import NATIONAL

Level = Literal["province", "prefecture", "county"]
RollupLevel = Literal["prefecture", "province"]
LEVELS: tuple[Level, ...] = ("province", "prefecture", "county")
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})

# The 55 minority nationalities, used to shorten 自治州/自治县 names (迪庆藏族自治州 → 迪庆州).
_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇"
    "|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固"
    "|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺"
)
# Xinjiang's autonomous units name the nationality without 族 (伊犁哈萨克自治州).
_ETHNIC_TAIL = re.compile(f"(?:(?:各|{_ETHNIC})族|哈萨克|蒙古|柯尔克孜|塔吉克|锡伯)$")
_PROVINCE_SHORT = re.compile(r"(?:壮族|回族|维吾尔)?(?:自治区|特别行政区|省|市)$")
# Name suffix → the level prefix used in documents (州商务局, 县人民政府); first match wins.
_PREFIXES: dict[Level, tuple[tuple[str, str], ...]] = {
    "province": (("自治区", "自治区"), ("特别行政区", "特区"), ("省", "省"), ("市", "市")),
    "prefecture": (("州", "州"), ("盟", "盟"), ("地区", "地区"), ("市", "市")),
    "county": (("林区", "林区"), ("特区", "特区"), ("区", "区"), ("县", "县"), ("旗", "旗"), ("市", "市")),
}


def short_name(name: str, level: Level) -> str:
    """The short form used on maps and in documents.

    >>> short_name("湖北省", "province"), short_name("广西壮族自治区", "province")
    ('湖北', '广西')
    >>> short_name("迪庆藏族自治州", "prefecture"), short_name("恩施土家族苗族自治州", "prefecture")
    ('迪庆州', '恩施州')
    >>> short_name("维西傈僳族自治县", "county"), short_name("武汉市", "prefecture")
    ('维西县', '武汉市')
    """
    if level == "province":
        return _PROVINCE_SHORT.sub("", name) or name
    match = re.fullmatch(r"(.+?)自治(州|县|旗)", name)
    if match is None:
        return name
    base = match.group(1)
    while (tail := _ETHNIC_TAIL.search(base)) is not None:
        # 鄂温克族自治旗 is named after the nationality alone: keep it, without 族.
        base = base[: tail.start()] if tail.start() > 0 else base[:-1]
        if tail.start() == 0:
            break
    return base + match.group(2)


def level_prefix(name: str, level: Level) -> str:
    """The prefix a division's own units carry in its documents ('' when none applies).

    >>> level_prefix("湖北省", "province"), level_prefix("迪庆藏族自治州", "prefecture")
    ('省', '州')
    >>> level_prefix("香格里拉市", "county"), level_prefix("神农架林区", "county")
    ('市', '林区')
    """
    return next((prefix for suffix, prefix in _PREFIXES[level] if name.endswith(suffix)), "")


@dataclass(frozen=True, slots=True)
class Division:
    """One GB/T 2260 division; ``adcode`` has six digits."""

    adcode: str
    name: str
    level: Level
    parent_adcode: str | None
    is_pseudo: bool = False
    province_direct: bool = False

    @property
    def short_name(self) -> str:
        """Short form (湖北, 迪庆州, 维西县)."""
        return short_name(self.name, self.level)

    @property
    def level_prefix(self) -> str:
        """Prefix of the division's own units (省, 州, 市, 县, …); '' for pseudo nodes."""
        return "" if self.is_pseudo else level_prefix(self.name, self.level)


def pad(code: str) -> str:
    """The six-digit GB/T 2260 form of a truncated NBS code.

    >>> pad("42"), pad("5334"), pad("533401")
    ('420000', '533400', '533401')
    """
    return code.strip().ljust(6, "0")


def _is_pseudo_prefecture(name: str) -> bool:
    return name in {"市辖区", "县"} or name.endswith("直辖县级行政区划")


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("xinxiao.reference").joinpath("data", "divisions", filename).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _load() -> tuple[Division, ...]:
    provinces = _rows("provinces.csv") + _rows("provinces_gbt2260_extra.csv")
    result = [Division(pad(r["code"]), r["name"], "province", None) for r in provinces]
    cities = {pad(r["code"]): r["name"] for r in _rows("cities.csv")}
    for r in _rows("cities.csv"):
        pseudo = _is_pseudo_prefecture(r["name"])
        result.append(Division(pad(r["code"]), r["name"], "prefecture", pad(r["provinceCode"]), pseudo))
    for r in _rows("areas.csv"):
        parent = pad(r["cityCode"])
        if pad(r["code"]) == parent:  # 不设区的地级市 (东莞 441900) repeat their own code as a county
            continue
        direct = cities[parent].endswith("直辖县级行政区划")
        result.append(Division(pad(r["code"]), r["name"], "county", parent, False, direct))
    return tuple(sorted(result, key=lambda d: d.adcode))


def load_divisions() -> list[Division]:
    """Every division of the shipped data, ordered by adcode (loaded once, then cached)."""
    return list(_load())


@cache
def region_tree() -> RegionTree:
    """The tree of the shipped divisions (built once, then cached)."""
    return RegionTree(_load())


class RegionTree:
    """Pure navigation over divisions; ``NATIONAL`` ('000000') is the virtual root."""

    def __init__(self, divisions: Iterable[Division]) -> None:
        self._by_code = {d.adcode: d for d in divisions}
        self._children: dict[str, list[Division]] = defaultdict(list)
        for division in sorted(self._by_code.values(), key=lambda d: d.adcode):
            self._children[division.parent_adcode or NATIONAL].append(division)

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, adcode: object) -> bool:
        return adcode in self._by_code

    def __iter__(self) -> Iterator[Division]:
        return iter(self.descendants(NATIONAL))

    def get(self, adcode: str) -> Division | None:
        """The division with this adcode, or None."""
        return self._by_code.get(adcode)

    def require(self, adcode: str) -> Division:
        """The division with this adcode; raises ``KeyError`` when unknown."""
        try:
            return self._by_code[adcode]
        except KeyError:
            raise KeyError(f"unknown adcode {adcode!r}") from None

    def _check(self, adcode: str) -> None:
        if adcode != NATIONAL:
            self.require(adcode)

    def children(self, adcode: str) -> list[Division]:
        """Direct children in adcode order (provinces for ``NATIONAL``)."""
        self._check(adcode)
        return list(self._children.get(adcode, ()))

    def effective_children(self, adcode: str) -> list[Division]:
        """Children with each pseudo node replaced by its own children (Hubei: the 17 市州)."""
        result: list[Division] = []
        for child in self.children(adcode):
            result.extend(self.children(child.adcode) if child.is_pseudo else [child])
        return result

    def ancestors(self, adcode: str) -> list[Division]:
        """The chain above a division, province first, pseudo nodes included."""
        self._check(adcode)
        chain: list[Division] = []
        parent = self._by_code[adcode].parent_adcode if adcode != NATIONAL else None
        while parent is not None:
            chain.append(self._by_code[parent])
            parent = chain[-1].parent_adcode
        return chain[::-1]

    def descendants(self, adcode: str, level: Level | None = None) -> list[Division]:
        """Everything below a division in adcode order, optionally only one level."""
        stack = self.children(adcode)[::-1]
        found: list[Division] = []
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(self._children.get(node.adcode, ())[::-1])
        return [d for d in found if level is None or d.level == level]

    def is_county_level(self, adcode: str) -> bool:
        """Whether figures are reported at this node: a county, or a city without counties (东莞)."""
        division = self.require(adcode)
        childless = not self._children.get(adcode)
        return division.level == "county" or (division.level == "prefecture" and childless)

    def county_codes_under(self, adcode: str) -> list[str]:
        """Adcodes of the county-level divisions inside a node (itself when it is one)."""
        if adcode != NATIONAL and self.is_county_level(adcode):
            return [adcode]
        return [d.adcode for d in self.descendants(adcode) if self.is_county_level(d.adcode)]

    def rollup_target(self, adcode: str, level: RollupLevel) -> str:
        """The prefecture- or province-level unit a county's figures are summed into."""
        if not self.is_county_level(adcode):
            raise ValueError(f"{adcode} is not a county-level division")
        county = self.require(adcode)
        if county.level == "prefecture":
            return county.adcode if level == "prefecture" else county.parent_adcode or ""
        prefecture = self.require(county.parent_adcode or "")
        if level == "province":
            return prefecture.parent_adcode or ""
        if county.province_direct:
            return county.adcode
        return (prefecture.parent_adcode or "") if prefecture.is_pseudo else prefecture.adcode

    def rollup(self, values: Mapping[str, float], level: RollupLevel) -> dict[str, float]:
        """Sum county figures up to prefecture or province level, keyed by adcode in order.

        Province-direct counties (仙桃 429004) count as prefecture-level units of their own;
        municipal districts (东城区 110101) sum into the municipality.

        >>> tree = region_tree()
        >>> values = {"533401": 10.0, "533422": 2.5, "429004": 1.0, "420102": 3.0, "110101": 4.0}
        >>> tree.rollup(values, "prefecture")
        {'110000': 4.0, '420100': 3.0, '429004': 1.0, '533400': 12.5}
        >>> tree.rollup(values, "province")
        {'110000': 4.0, '420000': 4.0, '530000': 12.5}
        """
        totals: dict[str, float] = defaultdict(float)
        for adcode, value in values.items():
            totals[self.rollup_target(adcode, level)] += value
        return dict(sorted(totals.items()))

    def path_names(self, adcode: str) -> str:
        """Names from province down to the division, pseudo nodes skipped.

        >>> tree = region_tree()
        >>> tree.path_names("420102"), tree.path_names("429004"), tree.path_names("110101")
        ('湖北省/武汉市/江岸区', '湖北省/仙桃市', '北京市/东城区')
        """
        if adcode == NATIONAL:
            return "全国"
        chain = [*self.ancestors(adcode), self.require(adcode)]
        return "/".join(d.name for d in chain if not d.is_pseudo)
