"""The target extractor's vocabulary: metrics, units and word lists, loaded from ``data/metrics.yaml``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from xinxiao.plans.parsing.model import Firmness, Operator, TargetKind

UnitKind = Literal["level", "count", "percent", "points", "relative"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricSpec(_Strict):
    """A known indicator: canonical name, printed aliases, usual unit and kind."""

    name: str
    aliases: tuple[str, ...] = ()
    unit: str
    kind: TargetKind


class UnitSpec(_Strict):
    """A unit a value may carry, and the characters that must not follow it."""

    kind: UnitKind
    not_before: str = ""


class Words(_Strict):
    """The closed word lists the extractor reads (see the comments in ``metrics.yaml``)."""

    predicates: tuple[str, ...]
    annual_growth: tuple[str, ...]
    yoy_growth: tuple[str, ...]
    level_markers: tuple[str, ...]
    share: tuple[str, ...]
    coverage: tuple[str, ...]
    operators_before: dict[Operator, tuple[str, ...]]
    operators_after: dict[Operator, tuple[str, ...]]
    firmness: dict[Firmness, tuple[str, ...]]
    action_verbs: tuple[str, ...]
    fillers: tuple[str, ...]
    attributes: tuple[str, ...]
    object_heads: tuple[str, ...]
    place_heads: tuple[str, ...]
    incentives: tuple[str, ...]
    coverage_scopes: tuple[str, ...]


class _MetricsFile(_Strict):
    version: str
    metrics: tuple[MetricSpec, ...]
    units: dict[str, UnitSpec]
    words: Words


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so that 年均增长 wins over 增长.

    >>> alternation(["增长", "年均增长", "%"])
    '年均增长|增长|%'
    """
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=64)
def words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A compiled alternation of ``words`` (cached: the same lists are asked for again and again).

    >>> words_pattern(("增长", "年均增长")).findall("年均增长6%,增长8%")
    ['年均增长', '增长']
    """
    return re.compile(alternation(words))


def longest_suffix(text: str, words: Iterable[str]) -> str | None:
    """The longest of ``words`` that ``text`` ends with, or None.

    >>> longest_suffix("全州社零额", ["零额", "社零额", "额度"])
    '社零额'
    """
    found = [w for w in words if w and text.endswith(w)]
    return max(found, key=len) if found else None


@dataclass(frozen=True)
class Lexicon:
    """The compiled vocabulary: metric aliases, units and the word lists."""

    metrics: Mapping[str, MetricSpec]
    aliases: Mapping[str, str]  # alias or canonical name -> canonical name
    units: Mapping[str, UnitSpec]
    words: Words

    @cached_property
    def operator_words(self) -> dict[str, Operator]:
        """Every operator word printed before a value, mapped to its operator."""
        return {w: op for op, words in self.words.operators_before.items() for w in words}

    @cached_property
    def suffix_operators(self) -> dict[str, Operator]:
        """Every operator word printed after a value (以上, 左右), mapped to its operator."""
        return {w: op for op, words in self.words.operators_after.items() for w in words}

    def canonical(self, phrase: str, local: Mapping[str, str] | None = None) -> str | None:
        """The canonical name of a metric phrase, through document-local then known aliases.

        A phrase resolves when it IS an alias, or ends with one after a category list (…4大类限额以上单位);
        a qualified phrase such as 跨境电商网络零售额 stays as printed.

        >>> lex = lexicon()
        >>> lex.canonical("社零额"), lex.canonical("社零额", {"社零额": "社会消费品零售总额"})
        ('社会消费品零售总额', '社会消费品零售总额')
        >>> lex.canonical("批发、零售4大类限额以上单位"), lex.canonical("跨境电商网络零售额")
        ('限额以上单位', None)
        >>> lex.canonical("数字核心产值", {"数字核心产值": "数字经济核心产业增加值"})
        '数字经济核心产业增加值'

        """
        local = local or {}
        hit = longest_suffix(phrase, local)
        resolved = local[hit] if hit is not None and _is_category_prefix(phrase[: -len(hit)]) else None
        phrase = resolved or phrase
        hit = longest_suffix(phrase, self.aliases)
        if hit is not None and _is_category_prefix(phrase[: -len(hit)]):
            return self.aliases[hit]
        return resolved


def _is_category_prefix(prefix: str) -> bool:
    return prefix == "" or prefix.endswith(("类", "的", "等"))


@cache
def lexicon() -> Lexicon:
    """The shipped vocabulary of ``data/metrics.yaml`` (loaded once, then cached)."""
    text = resources.files("xinxiao.plans.parsing").joinpath("data", "metrics.yaml").read_text("utf-8")
    data = _MetricsFile.model_validate(yaml.safe_load(text))
    aliases = {alias: m.name for m in data.metrics for alias in (m.name, *m.aliases)}
    return Lexicon({m.name: m for m in data.metrics}, aliases, data.units, data.words)
