"""Printed values that may be targets: numbers with units, 翻一番, 全覆盖, 达到全省平均水平, and 分别 lists."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import cn2an

from xinxiao.plans.parsing.model import Operator, Span
from xinxiao.plans.parsing.targets_context import Clause
from xinxiao.plans.parsing.targets_lexicon import UnitSpec, alternation, lexicon

Form = Literal["number", "fan", "cover", "benchmark"]
_NUMBER = r"\d+(?:\.\d+)?"
_RANGE = r"\s*(?:-|~|—|–|至|到)\s*"
_FAN = re.compile(r"翻\s*(?P<n>[一两二三四])?\s*番")
_COVER = re.compile(r"全覆盖")
_COVER_VERB = re.compile(r"实现|做到|达到")
_BENCHMARK = re.compile(r"(?P<verb>达到|高于|超过|不低于|赶上)\s*(?:全国|全省|全州|全市|全区|全县)平均水平")
_BENCHMARK_OPERATORS: dict[str, Operator] = {"达到": "=", "赶上": "=", "高于": ">", "超过": ">", "不低于": ">="}
_CN_VERBS = "新增|建成|新建|建设|培育|打造|创建|举办|组织|开展|引进|认定|达到|增长"  # verbs before 一个, 两家
_NOT_A_VALUE_AFTER = re.compile(r"[年月日号时岁级届期A-Za-z./]")  # 2024年, 24时, 5G, 4A级, 1.0版
_GROUP_GAP = re.compile(r"\s*(?:[、,和及与]|以及)\s*")
_YEAR_LIST = re.compile(r"(?:19|20)\d{2}\s*年(?:\s*[、,和及与]\s*(?:19|20)\d{2}\s*年)+")


@dataclass(frozen=True)
class Value:
    """A printed value: where it is, what it says, and how it was printed."""

    start: int
    end: int
    value: float | None
    high: float | None
    unit: str
    suffix: str  # 以上, 左右, … printed after the unit
    form: Form = "number"
    operator: Operator | None = None  # fixed by the form (达到全省平均水平 is =)


def _unit_alternation(units: dict[str, UnitSpec], kinds: tuple[str, ...] | None = None) -> str:
    chosen = sorted((u for u, s in units.items() if kinds is None or s.kind in kinds), key=lambda u: (-len(u), u))
    guard = {u: units[u].not_before for u in chosen}
    return "|".join(re.escape(u) + (f"(?!{guard[u]})" if guard[u] else "") for u in chosen)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lex = lexicon()
    units = _unit_alternation(dict(lex.units))
    counted = _unit_alternation(dict(lex.units), ("count", "relative"))
    suffix = alternation(lex.suffix_operators)
    number = re.compile(
        rf"(?<![\d.A-Za-z])(?P<lo>{_NUMBER})(?:\s*(?:{units})?{_RANGE}(?P<hi>{_NUMBER})(?=\s*(?:{units})))?"
        rf"\s*(?P<unit>{units})?(?:\s*(?P<suffix>{suffix}))?"
    )
    chinese = re.compile(
        rf"(?:{_CN_VERBS})\s*(?P<lo>[一二两三四五六七八九十百千]+)\s*(?P<unit>{counted})(?:\s*(?P<suffix>{suffix}))?"
    )
    return number, chinese


def _chinese_number(numeral: str) -> float | None:
    try:
        return float(cn2an.cn2an(numeral, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _numbers(text: str) -> list[Value]:
    number, chinese = _patterns()
    found = []
    for match in number.finditer(text):
        unit = match["unit"] or ""
        if not unit and _NOT_A_VALUE_AFTER.match(text, match.end("lo")):
            continue
        high = float(match["hi"]) if match["hi"] else None
        found.append(Value(match.start(), match.end(), float(match["lo"]), high, unit, match["suffix"] or ""))
    for match in chinese.finditer(text):
        value = _chinese_number(match["lo"])
        if value is not None:
            found.append(Value(match.start("lo"), match.end(), value, None, match["unit"], match["suffix"] or ""))
    return found


def _specials(text: str) -> list[Value]:
    found: list[Value] = []
    for m in _FAN.finditer(text):
        times = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}[m["n"] or "一"]
        found.append(Value(m.start(), m.end(), float(2**times), None, "倍", "", "fan"))
    found += [Value(m.start(), m.end(), 100.0, None, "%", "", "cover") for m in _COVER.finditer(text)]
    found += [
        Value(m.start(), m.end(), None, None, "", "", "benchmark", _BENCHMARK_OPERATORS[m["verb"]])
        for m in _BENCHMARK.finditer(text)
    ]
    return found


def find_values(text: str, quoted: list[Span]) -> list[Value]:
    """Every printed value of a folded text outside quoted names, by position.

    >>> text = "新增12家以上,1-2个,翻一番,4A级,“梅里100”"
    >>> [(v.value, v.high, v.unit, v.suffix) for v in find_values(text, [(text.index("“"), len(text))])]
    [(12.0, None, '家', '以上'), (1.0, 2.0, '个', ''), (2.0, None, '倍', '')]
    """
    values = sorted(_numbers(text) + _specials(text), key=lambda v: (v.start, -v.end))
    blocks = iter(sorted(quoted))
    block = next(blocks, None)
    kept: list[Value] = []
    for value in values:
        while block is not None and block[1] <= value.start:
            block = next(blocks, None)
        if (block is not None and block[0] <= value.start) or (kept and value.start < kept[-1].end):
            continue
        kept.append(value)
    return kept


def cover_is_stated(text: str, chunk_start: int, value: Value) -> bool:
    """Whether a 全覆盖 is a stated aim (实现…全覆盖), not a passing phrase.

    >>> [cover_is_stated(t, 0, find_values(t, [])[0]) for t in ("实现乡镇全覆盖", "推进监管全覆盖")]
    [True, False]
    """
    return _COVER_VERB.search(text, chunk_start, value.start) is not None


@dataclass(frozen=True)
class Group:
    """Values listed after 分别 (X、Y分别达到A、B): the word's offset and the values' indexes."""

    at: int
    members: tuple[int, ...]


def respectively(text: str, clause: Clause, values: list[Value]) -> dict[int, Group]:
    """The 分别 lists of a clause, keyed by the index of their first value.

    >>> text = "社零额和网络零售额分别增长8%和15%"
    >>> respectively(text, Clause(0, len(text), 0), find_values(text, []))
    {0: Group(at=9, members=(0, 1))}
    """
    groups: dict[int, Group] = {}
    for match in re.finditer("分别", text[clause.start : clause.end]):
        at = clause.start + match.start()
        first = bisect.bisect_left(values, at + 2, key=lambda v: v.start)
        if first == len(values) or values[first].start - at - 2 > 8:
            continue
        members = [first]
        while members[-1] + 1 < len(values) and _GROUP_GAP.fullmatch(
            text, values[members[-1]].end, values[members[-1] + 1].start
        ):
            members.append(members[-1] + 1)
        if len(members) >= 2:
            groups[first] = Group(at, tuple(members))
    return groups


def year_list(text: str, lo: int, hi: int) -> tuple[list[str], Span | None]:
    """The last list of years printed in ``[lo, hi)`` (2022年、2023年、2024年) and its span.

    >>> year_list("2022年、2023年、2024年分别", 0, 17)
    (['2022', '2023', '2024'], (0, 17))
    """
    found = list(_YEAR_LIST.finditer(text, lo, hi))
    if not found:
        return [], None
    return re.findall(r"(?:19|20)\d{2}", found[-1][0]), found[-1].span()
