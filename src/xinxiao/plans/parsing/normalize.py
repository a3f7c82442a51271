"""Normalise a policy document's text; every change is logged and mapped back to raw offsets.

The passes, in order (each a ``NormalisationStep.step`` name):

``whitespace``  CR/CRLF → LF, zero-width characters dropped, odd spaces (NBSP, thin…) → space.
``t2s``         traditional → simplified characters (OpenCC ``tw2s``, per line), then, in a document that
                had traditional characters, Taiwan vocabulary → mainland (網際網路→互联网, 套用→应用) from
                ``data/normalize.yaml``. OpenCC's ``tw2sp`` phrase table is deliberately not used: it
                rewrites mainland policy words (智慧→智能, 建立→创建, 整合→集成).
``fullwidth``   U+FF01–U+FF5E become their ASCII twins and U+3000 a space, so the parser sees ONE form of
                ``( ) : , ; . % +`` and of letters and digits. Chinese 、 。 《》 “” 〔〕 【】 — … stay.
``page_noise``  navigation bars, page numbers, 扫一扫…, (此件公开发布), 原文如下, 【打印】【关闭】 and a line
                repeating the line before it are dropped; 索引号/发布时间/来源… rows go to ``metadata``.
``line_split``  a line break is put back before a marker that continues the numbering right after a sentence
                ends (``…供给。(二)扩大…``); in a one-line document also between the head's parts (title,
                发文字号, recipients, signature, date) and between a heading and its first child.
``cjk_space``   blanks touching a Chinese character or a bracket are removed (``中 央 网 信 办``); blanks
                between two ASCII words or numbers stay (``2022-04-27 15:55``); tabs (table cells) stay.
``blank_line``  empty lines are removed: ``.text`` holds one paragraph per line.
``line_join``   a line that does not end a sentence is joined to the next unless the next starts a new
                marker (一、 (一) 1. (1) ① 第X章); a split title is rejoined, a heading stays on its line.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

import opencc

from xinxiao.plans.parsing.lines import _WRAP_SLACK, Edit, _join_edits, _lines, _split_edits, _wrap_width
from xinxiao.plans.parsing.markers import (
    CN_DIGITS,
    DATE_RE,
    DOC_NUMBER_RE,
    MARKER_RANKS,
    MARKER_RE,
    PERIOD_RE,
    config,
    marker_ordinal,
    parse_number,
)
from xinxiao.plans.parsing.model import NormalisationStep, Span

__all__ = [
    "CN_DIGITS",
    "DATE_RE",
    "DOC_NUMBER_RE",
    "MARKER_RANKS",
    "MARKER_RE",
    "PERIOD_RE",
    "Edit",
    "Normalized",
    "config",
    "marker_ordinal",
    "normalize",
    "parse_number",
]

_CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014-\u2026]")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("tw2s")


@dataclass(eq=False)
class Normalized:
    """Normalised text with its raw source, the log of changes and an offset map back to the raw text."""

    raw: str
    text: str
    steps: list[NormalisationStep] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list, repr=False)  # raw start of each char, + len(raw)
    _ends: list[int] = field(default_factory=list, repr=False)  # raw end (exclusive) of each char

    def to_raw(self, i: int) -> int:
        """Raw offset of normalised offset ``i`` (clamped; ``len(text)`` maps to the raw end).

        >>> doc = normalize("扩容 提质")
        >>> doc.text, doc.to_raw(2), doc.to_raw(4)
        ('扩容提质', 3, 5)
        """
        return self._starts[max(0, min(i, len(self.text)))]

    def span(self, start: int, end: int) -> Span:
        """The raw span of the normalised span ``[start, end)``: the raw characters it came from.

        >>> doc = normalize("(一)培育 新型消费")
        >>> doc.text[3:9], doc.span(3, 9), doc.raw[slice(*doc.span(3, 9))]
        ('培育新型消费', (3, 10), '培育 新型消费')
        """
        start, end = max(0, min(start, len(self.text))), max(0, min(end, len(self.text)))
        if end <= start:
            return (self._starts[start], self._starts[start])
        return (self._starts[start], max(self._ends[end - 1], self._starts[start]))

    def from_raw(self, offset: int) -> int:
        """The first normalised offset whose raw source starts at or after raw ``offset``.

        >>> doc = normalize("中 央")
        >>> doc.from_raw(2), doc.from_raw(3)
        (1, 2)
        """
        return bisect.bisect_left(self._starts, offset, 0, len(self.text))


class _Buffer:
    """The text being normalised and, for every character, where it came from in the raw text."""

    def __init__(self, raw: str) -> None:
        self.text = raw
        self.starts = [*range(len(raw)), len(raw)]
        self.ends = list(range(1, len(raw) + 1))
        self.steps: list[NormalisationStep] = []

    def apply(self, step: str, edits: Iterable[Edit]) -> int:
        """Rewrite the text with sorted, non-overlapping edits; log each one; return how many applied."""
        text, pieces, starts, ends, pos, count = self.text, [], [], [], 0, 0
        for s, e, after in edits:
            pieces.append(text[pos:s])
            starts.extend(self.starts[pos:s])
            ends.extend(self.ends[pos:s])
            self.steps.append(NormalisationStep(step, text[s:e], after, self._raw_span(s, e)))
            pieces.append(after)
            self._map(s, e, len(after), starts, ends)
            pos, count = e, count + 1
        if count:
            pieces.append(text[pos:])
            starts.extend(self.starts[pos:])
            ends.extend(self.ends[pos:])
            self.text, self.starts, self.ends = "".join(pieces), starts, ends
        return count

    def _raw_span(self, s: int, e: int) -> Span:
        return (self.starts[s], max(self.ends[e - 1], self.starts[s])) if e > s else (self.starts[s],) * 2

    def _map(self, s: int, e: int, m: int, starts: list[int], ends: list[int]) -> None:
        """Map ``m`` replacement characters onto the ``e - s`` characters they replace."""
        n = e - s
        if n == m:
            starts.extend(self.starts[s:e])
            ends.extend(self.ends[s:e])
            return
        if n == 0:  # an insertion sits where the next character starts
            starts.extend([self.starts[s]] * m)
            ends.extend([self.starts[s]] * m)
            return
        for k in range(m):
            lo = s + k * n // m
            hi = max(lo, s + (k + 1) * n // m - 1)
            starts.append(self.starts[lo])
            ends.append(self.ends[hi])


def normalize(raw: str) -> Normalized:
    """Normalise ``raw`` (see the module docstring for the passes); never raises.

    >>> doc = normalize("國務院| 省政府 登录| 注册 繁体\\n（一）推進 網際網路應用；\\n— 3 —")
    >>> doc.text
    '(一)推进互联网应用;'
    >>> sorted({s.step for s in doc.steps})
    ['blank_line', 'cjk_space', 'fullwidth', 'page_noise', 't2s']
    """
    buf = _Buffer(raw)
    buf.apply("whitespace", _whitespace_edits(buf.text))
    if buf.apply("t2s", _t2s_edits(buf.text)):
        buf.apply("t2s", _vocabulary_edits(buf.text))
    buf.apply("fullwidth", _fullwidth_edits(buf.text))
    metadata: dict[str, str] = {}
    buf.apply("page_noise", list(_noise_edits(buf.text, metadata)))
    buf.apply("line_split", _split_edits(buf.text))
    buf.apply("cjk_space", _space_edits(buf.text))
    buf.apply("blank_line", _blank_line_edits(buf.text))
    buf.apply("line_join", list(_join_edits(raw, buf.text, buf.starts, buf.ends)))
    buf.apply("page_noise", list(_duplicate_edits(buf.text)))
    return Normalized(raw, buf.text, buf.steps, metadata, buf.starts, buf.ends)


_WHITESPACE = re.compile(r"\r\n?|[\ufeff\u200b-\u200d\u2060]|[\xa0\u2002-\u200a\u202f\u205f]")


def _whitespace_edits(text: str) -> Iterator[Edit]:
    for m in _WHITESPACE.finditer(text):
        char = m.group()
        yield m.start(), m.end(), "\n" if char[0] == "\r" else ("" if char in "\ufeff\u200b\u200c\u200d\u2060" else " ")


def _t2s_edits(text: str) -> Iterator[Edit]:
    convert = _converter().convert
    for pos, line in _lines(text):
        out = convert(line) if line else line
        if out != line:
            yield from _diff(line, out, pos)


def _diff(line: str, out: str, base: int) -> Iterator[Edit]:
    """Edits turning ``line`` into ``out``: the whole line when lengths match (mapped char by char), else aligned."""
    if len(line) == len(out):
        yield base, base + len(line), out
        return
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, line, out, autojunk=False).get_opcodes():
        if tag != "equal":
            yield base + i1, base + i2, out[j1:j2]


def _vocabulary_edits(text: str) -> Iterator[Edit]:
    cfg = config()
    for m in cfg.vocabulary.finditer(text):
        yield m.start(), m.end(), cfg.vocabulary_map[re.sub("[ \t\u3000]", "", m.group())]


_FULLWIDTH = re.compile(r"[\uff01-\uff5e\u3000]+")


def _fullwidth_edits(text: str) -> Iterator[Edit]:
    for m in _FULLWIDTH.finditer(text):
        yield m.start(), m.end(), "".join(" " if c == "\u3000" else chr(ord(c) - 0xFEE0) for c in m.group())


_BLANKS = re.compile(r"[ \t]+")
_CJK_BLANKS = re.compile(r"(?<=[\u4e00-\u9fff]) +| +(?=[\u4e00-\u9fff])")


def _noise_edits(text: str, metadata: dict[str, str]) -> Iterator[Edit]:
    """Drop the content of noise lines (the emptied lines go in ``blank_line``); fill ``metadata``."""
    lines = list(_lines(text))
    wrap = _wrap_width([(len(line), line) for _, line in lines]) or 0
    previous, carry = "", None  # carry: a dropped line filled the page width; its last piece may follow
    for pos, line in lines:
        compact = _BLANKS.sub("", line)
        full = bool(wrap) and len(line) >= wrap - _WRAP_SLACK
        if not compact:
            continue
        if _is_noise(line, compact):  # a page number inside a wrapped row keeps the row open
            carry = "" if full else carry
        elif carry is not None and len(compact) <= wrap // 2 and not re.search("[。:]", compact):
            if carry:
                metadata[carry] += compact
            carry = None
        elif key := _metadata_row(line, metadata):
            carry = key if full else None
        elif compact == previous and len(compact) >= 4:
            carry = "" if full else None
        else:
            previous, carry = compact, None
            continue
        yield pos, pos + len(line), ""


def _is_noise(line: str, compact: str) -> bool:
    cfg = config()
    if cfg.noise_lines.fullmatch(compact):
        return True
    return len(compact) <= cfg.nav_max_chars and sum(word in line for word in cfg.nav_words) >= 2


def _metadata_row(line: str, metadata: dict[str, str]) -> str | None:
    """If ``line`` is a row of page metadata, add its key/value pairs to ``metadata`` and return its last key."""
    cfg = config()
    stripped = line.strip()
    if len(stripped) > cfg.metadata_max_chars:
        return None
    hits = list(cfg.metadata_key.finditer(stripped))
    if not hits or hits[0].start() != 0 or (hits[0].group("colon") is None and len(hits) < 2):
        return None
    for hit, following in zip(hits, [*hits[1:], None], strict=True):
        value = stripped[hit.end() : following.start() if following else len(stripped)].strip(" \t|")
        metadata.setdefault(_BLANKS.sub("", hit.group("key")), _CJK_BLANKS.sub("", value))
    return _BLANKS.sub("", hits[-1].group("key"))


def _space_edits(text: str) -> Iterator[Edit]:
    """Remove space runs at line edges or touching CJK text or a bracket; keep them between ASCII words."""
    for m in re.finditer(" +", text):
        left = text[m.start() - 1] if m.start() else "\n"
        right = text[m.end()] if m.end() < len(text) else "\n"
        if "\n" in (left, right) or left == "(" or right == ")" or _CJK.match(left) or _CJK.match(right):
            yield m.start(), m.end(), ""


_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+|(?:\n[ \t]*)+\Z|\n(?:[ \t]*\n)+")


def _blank_line_edits(text: str) -> Iterator[Edit]:
    for m in _BLANK_LINES.finditer(text):
        at_edge = m.start() == 0 or m.end() == len(text)
        yield m.start(), m.end(), "" if at_edge else "\n"


def _duplicate_edits(text: str) -> Iterator[Edit]:
    """Drop a line repeating the line before it (a title printed twice, once per page header)."""
    previous = None
    for pos, line in _lines(text):
        if line == previous and len(line) >= 4:
            yield pos - 1, pos + len(line), ""
        previous = line
