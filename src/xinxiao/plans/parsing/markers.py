"""Section markers (一、 (一) 1. (1) ① 第X章), dates, 发文字号, periods and the tables of ``data/normalize.yaml``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import cn2an
import yaml

CN_DIGITS = "一二三四五六七八九十百零"
MARKER_RE = re.compile(
    rf"(?P<chapter>第(?P<chapter_n>[{CN_DIGITS}\d]{{1,5}})章)"
    rf"|(?P<chinese>(?P<chinese_n>[{CN_DIGITS}]{{1,4}})(?:、|\.(?!\d)))"
    rf"|(?P<paren_chinese>\((?P<paren_chinese_n>[{CN_DIGITS}]{{1,4}})\))"
    r"|(?P<arabic>(?P<arabic_n>\d{1,3})(?:、|\.(?!\d)))"
    r"|(?P<paren_arabic>\((?P<paren_arabic_n>\d{1,3})\))"
    r"|(?P<circled>[\u2460-\u2473])"
    r"|(?P<lost_paren>\(\))"
    r"|(?P<lost_comma>、)"
    r"|(?P<lost_dot>\.(?=[\u4e00-\u9fff]))"
)
"""A section marker at the start of a normalised line; ``lost_*`` groups are markers whose numeral was lost."""
MARKER_RANKS = {"chapter": 0, "chinese": 1, "paren_chinese": 2, "arabic": 3, "paren_arabic": 4, "circled": 5}
"""The official order of levels (GB/T 9704: 一、 (一) 1. (1)); a document may skip levels or start lower."""
_MID_MARKER = re.compile(MARKER_RE.pattern[: MARKER_RE.pattern.index("|(?P<lost_paren>")])

DATE_RE = re.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?:(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日?)?"
)
DOC_NUMBER_RE = re.compile(r"(?P<org>[\u4e00-\u9fff]{1,15})[〔\[【(](?P<year>\d{4})[〕\]】)](?P<no>\d{1,5})号")
PERIOD_RE = re.compile(r"\((?P<a>\d{4})年?[—\-–~至到]{1,2}(?P<b>\d{4})年?\)")


@dataclass(frozen=True)
class _Config:
    vocabulary: re.Pattern[str]
    vocabulary_map: dict[str, str]
    noise_lines: re.Pattern[str]
    nav_words: tuple[str, ...]
    nav_max_chars: int
    metadata_key: re.Pattern[str]
    metadata_max_chars: int
    title_suffixes: tuple[str, ...]
    issuer_suffixes: tuple[str, ...]
    preamble_openers: tuple[str, ...]
    issuer_seals: tuple[str, ...]


def _spaced(words: Iterable[str]) -> str:
    """An alternation that also matches the words with stray blanks between their characters."""
    return "|".join("[ \t\u3000]*".join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True))


@cache
def config() -> _Config:
    """The phrase tables and noise patterns of ``data/normalize.yaml``, compiled once."""
    text = resources.files("xinxiao.plans.parsing").joinpath("data/normalize.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    vocabulary = {str(k): str(v) for k, v in data["taiwan_vocabulary"].items()}
    head = data["head"]
    return _Config(
        vocabulary=re.compile(_spaced(vocabulary)),
        vocabulary_map=vocabulary,
        noise_lines=re.compile("|".join(f"(?:{p})" for p in data["noise"]["lines"])),
        nav_words=tuple(data["noise"]["nav_words"]),
        nav_max_chars=int(data["noise"]["nav_max_chars"]),
        metadata_key=re.compile(rf"(?:^|(?<=[\s|]))(?P<key>{_spaced(data['metadata_keys'])})\s*(?P<colon>[::])?"),
        metadata_max_chars=int(data["metadata_max_chars"]),
        title_suffixes=tuple(head["title_suffixes"]),
        issuer_suffixes=tuple(head["issuer_suffixes"]),
        preamble_openers=tuple(head["preamble_openers"]),
        issuer_seals=tuple(data["issuer_seals"]),
    )


def parse_number(text: str) -> int | None:
    """An integer written in Arabic or Chinese numerals, None when it is not one.

    >>> parse_number("15"), parse_number("十五"), parse_number("二十一"), parse_number("十十")
    (15, 15, 21, None)
    """
    if text.isdigit():
        return int(text)
    try:
        return int(cn2an.cn2an(text, "strict"))
    except (ValueError, KeyError, TypeError):
        return None


def marker_ordinal(marker: re.Match[str]) -> tuple[str, int | None]:
    """(family, integer ordinal) of a ``MARKER_RE`` match; the ordinal is None when the numeral was lost.

    >>> marker_ordinal(MARKER_RE.match("(十二)进新设备")), marker_ordinal(MARKER_RE.match("()加快"))
    (('paren_chinese', 12), ('lost_paren', None))
    """
    family = str(marker.lastgroup)
    if family.startswith("lost"):
        return family, None
    if family == "circled":
        return family, ord(marker[family]) - 0x2460 + 1
    return family, parse_number(marker[f"{family}_n"])
