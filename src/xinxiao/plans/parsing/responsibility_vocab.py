"""The vocabulary of responsibility clauses (``data/clauses.yaml``) and the text views clauses are read on."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr

from xinxiao.plans.parsing.model import Span, UnitRole

OPENERS = "(〔【["
CLOSERS = ")〕】]"
SEPARATORS = "、,;"
SENTENCE_END = "。!?"


class _Labels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lead: list[str]
    co: list[str]
    listed: list[str]
    stop: list[str]


class _Roles(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lead: list[str]
    co: list[str]
    by_duty: list[str]
    responsible: list[str]


class _Suffixes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    strong: list[str]
    weak: list[str]


class _Collective(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prefixes: list[str]
    words: list[str]


class Vocabulary(BaseModel):
    """The words of ``data/clauses.yaml``: labels, role words, connectors, unit endings."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    labels: _Labels
    roles: _Roles
    leading_words: list[str]
    connectors: list[str]
    unit_suffixes: _Suffixes
    generic_tails: list[str]
    collective_markers: _Collective
    level_prefixes: list[str]
    not_prefixed: list[str]
    province_only_suffixes: list[str]
    _strong: tuple[str, ...] = PrivateAttr(default=())
    _endings: tuple[str, ...] = PrivateAttr(default=())

    def model_post_init(self, context: object, /) -> None:
        """Keep the unit endings as tuples, ready for ``str.endswith``."""
        self._strong = tuple(self.unit_suffixes.strong)
        self._endings = self._strong + tuple(self.unit_suffixes.weak)

    def label_kinds(self) -> dict[str, str]:
        """Every label mapped to its kind (lead, co, list, stop)."""
        kinds = {"lead": self.labels.lead, "co": self.labels.co, "list": self.labels.listed, "stop": self.labels.stop}
        return {word: kind for kind, words in kinds.items() for word in words}

    def is_unit_like(self, name: str, *, strong_only: bool = False) -> bool:
        """Whether a name ends like a unit (局, 厅, 人民政府, 有关部门…)."""
        return len(name) >= 2 and name.endswith(self._strong if strong_only else self._endings)

    def is_collective_like(self, name: str) -> bool:
        """Whether a name stands for many units (各县市人民政府, 州直有关部门)."""
        words = self.collective_markers.words
        return any(word in name for word in words) or (
            name.startswith(tuple(self.collective_markers.prefixes)) and self.is_unit_like(name)
        )

    def explicit_prefix(self, name: str) -> str | None:
        """The level prefix a name is printed with (省, 州, 市…), None for 市场监管局 or 武汉海关."""
        if not name or name[0] not in self.level_prefixes or name.startswith(tuple(self.not_prefixed)):
            return None
        return name[0]


@cache
def vocabulary() -> Vocabulary:
    """The shipped clause vocabulary (loaded once)."""
    text = (Path(__file__).parent / "data" / "clauses.yaml").read_text("utf-8")
    return Vocabulary.model_validate(yaml.safe_load(text))


@cache
def role_words() -> dict[str, str]:
    """Every role word mapped to its kind (lead, co, by_duty, responsible)."""
    roles = vocabulary().roles
    groups = {"lead": roles.lead, "co": roles.co, "by_duty": roles.by_duty, "responsible": roles.responsible}
    return {word: kind for kind, words in groups.items() for word in words}


@cache
def role_end_pattern() -> re.Pattern[str]:
    """A role word closing a text; the earliest (so longest) one wins: 牵头负责 over 负责."""
    words = sorted(role_words(), key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, words)) + ")$")


@cache
def connector_pattern() -> re.Pattern[str]:
    """Any connector between names, longest first (以及 before 及)."""
    return re.compile("|".join(map(re.escape, sorted(vocabulary().connectors, key=len, reverse=True))))


@cache
def label_pattern() -> re.Pattern[str]:
    """A label followed by its colon, longest label first (牵头单位 before 牵头)."""
    words = sorted(vocabulary().label_kinds(), key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, words)) + "):")


# Full-width ASCII forms (！ to ～) and the ideographic space fold to their half-width forms.
_FOLD = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20, 0xFE59: 0x28, 0xFE5A: 0x29}
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")


def fold(text: str) -> str:
    """Full-width forms folded to half-width (（ → (, ： → :), length kept so offsets stay valid.

    >>> fold("（责任单位：州商务局）")
    '(责任单位:州商务局)'
    """
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class View:
    """A compact view of a text: full-width folded, blanks dropped, offsets mapped back.

    ``breaks`` holds the compact offsets that a line break preceded in the original text.
    """

    text: str
    origin: tuple[int, ...]
    breaks: frozenset[int]
    length: int

    @classmethod
    def of(cls, raw: str) -> View:
        """Build the view of ``raw``."""
        folded = fold(raw)
        origin = [index for index, char in enumerate(folded) if not char.isspace()]
        breaks = frozenset(bisect.bisect_left(origin, m.start()) for m in _LINE_BREAK.finditer(folded))
        return cls("".join(folded[index] for index in origin), tuple(origin), breaks, len(raw))

    def span(self, start: int, end: int) -> Span:
        """The original offsets of the compact range ``[start, end)``."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else self.length
            return (at, at)
        return (self.origin[start], self.origin[end - 1] + 1)


@dataclass(frozen=True, slots=True)
class RawName:
    """One unit name as printed in a clause: compact text, offsets into the item text, role."""

    text: str
    span: Span
    role: UnitRole
