"""Build the section tree of a normalised document's body.

Section spans: ``Section.span`` is the RAW span of the node's whole subtree (its heading through the end of
its last descendant), so highlighting a group highlights everything in it; ``Section.text`` is the node's
OWN normalised text, heading (with its marker) included, up to its first child: a contiguous slice of
``Normalized.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cn2an

from xinxiao.plans.parsing.markers import MARKER_RANKS, MARKER_RE, marker_ordinal
from xinxiao.plans.parsing.model import ParseWarning, Section

if TYPE_CHECKING:
    from xinxiao.plans.parsing.normalize import Normalized
    from xinxiao.plans.parsing.structure import DocumentParts


@dataclass(frozen=True)
class _Line:
    index: int
    start: int  # offsets in the normalised text
    end: int
    text: str


def _lines(text: str, start: int = 0, end: int | None = None) -> list[_Line]:
    out: list[_Line] = []
    pos = start
    for line in text[start:end].split("\n"):
        out.append(_Line(len(out), pos, pos + len(line), line))
        pos += len(line) + 1
    return [line for line in out if line.text]


_LOST_FAMILIES = {
    "lost_paren": ("paren_chinese", "paren_arabic"),
    "lost_comma": ("chinese", "arabic"),
    "lost_dot": ("arabic", "chinese"),
}


def _canonical(family: str, n: int) -> str:
    """The marker of a path id: 二, (一), 1, (1), ①, 第一章."""
    chinese = str(cn2an.an2cn(n)) if n > 0 else str(n)
    forms = {"chapter": f"第{chinese}章", "chinese": chinese, "paren_chinese": f"({chinese})", "paren_arabic": f"({n})"}
    if family == "circled":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"
    return forms.get(family, str(n))


def _printed(family: str, n: int, punctuation: str) -> str:
    """How a marker would be printed: 二、 (二) 2. ②."""
    return _canonical(family, n) + (punctuation if family in ("chinese", "arabic") else "")


def _title(rest: str) -> str:
    """The heading of a marker line: up to the first full stop (or a colon before any bracket)."""
    head = re.match(r"[^。!?;]*", rest)
    title = head.group() if head else rest
    colon = title.find(":")
    return (title[:colon] if colon >= 0 and "(" not in title[:colon] else title).strip()


@dataclass
class _Open:
    node: Section
    rank: int
    start: int  # normalised offsets: heading start, end of the node's own text, end of its subtree so far
    own_end: int | None
    end: int


class _TreeBuilder:
    """Builds the section tree line by line; a node's level is its depth, whatever levels the document skips."""

    def __init__(self, doc: Normalized, lines: list[_Line]) -> None:
        self.doc, self.lines = doc, lines
        self.roots: list[Section] = []
        self.warnings: list[ParseWarning] = []
        self.stack: list[_Open] = []
        self.last_seen: dict[str, int] = {}  # family → index of the line it was last seen on
        self.last_ordinal: dict[str, int] = {}  # family → last ordinal, across parents
        self.runs_on: set[str] = set()  # families numbered on across parents
        self.punctuation: dict[str, set[str]] = {}  # family → the punctuation it was printed with (、 .)
        self.paths: set[str] = set()
        self.explicit = [(i, *marker_ordinal(m)) for i, ln in enumerate(lines) if (m := MARKER_RE.match(ln.text))]

    def build(self) -> list[Section]:
        for i, line in enumerate(self.lines):
            marker = MARKER_RE.match(line.text)
            if marker:
                self._open(i, line, marker)
            elif self.stack:
                self.stack[-1].end = line.end
        while self.stack:
            self._close(self.stack.pop())
        return self.roots

    def _open(self, i: int, line: _Line, marker: re.Match[str]) -> None:
        family, ordinal = marker_ordinal(marker)
        lost = family if family.startswith("lost") else None
        family = self._family(lost) if lost else family
        self.punctuation.setdefault(family, set()).add(marker.group()[-1])
        rank = MARKER_RANKS[family]
        while self.stack and self.stack[-1].rank >= rank:
            self._close(self.stack.pop())
        parent = self.stack[-1] if self.stack else None
        siblings = parent.node.children if parent else self.roots
        sibling = max((s.ordinal for s in siblings if s.family == family), default=0) + 1
        run = self.last_ordinal.get(family, 0) + 1
        ordinal = self._checked(i, line, marker, family, ordinal, (sibling, run))
        if ordinal == run != sibling:
            self.runs_on.add(family)
        self.last_ordinal[family], self.last_seen[family] = ordinal, i
        node = self._node(line, marker, family, ordinal, parent, inferred=lost is not None)
        if parent is not None and parent.own_end is None:
            parent.own_end = parent.end
        siblings.append(node)
        self.stack.append(_Open(node, rank, line.start, None, line.end))

    def _family(self, lost: str) -> str:
        """The family of a marker whose numeral was lost: the latest seen printed with that punctuation."""
        options: tuple[str, ...] = _LOST_FAMILIES[lost]
        if lost != "lost_paren":
            mark = "、" if lost == "lost_comma" else "."
            options = tuple(f for f in options if mark in self.punctuation.get(f, ())) or options[:1]
        return max(options, key=lambda f: self.last_seen.get(f, -1))

    def _checked(
        self, i: int, line: _Line, marker: re.Match[str], family: str, ordinal: int | None, expected: tuple[int, int]
    ) -> int:
        """The ordinal, inferred when lost (with a warning); a warning too when it breaks the sequence."""
        span = self.doc.span(line.start + marker.start(), line.start + marker.end())
        punctuation = marker.group()[-1] if family in ("chinese", "arabic") else ""
        if ordinal is None:
            ordinal = self._infer(i, family, *expected)
            shown = _printed(family, ordinal, punctuation)
            message = f"编号“{marker.group()}”缺少序号, 已根据前后编号推断为“{shown}”"
            self.warnings.append(ParseWarning("numeral_inferred", message, span))
        elif ordinal not in expected:
            shown = _printed(family, expected[1] if family in self.runs_on else expected[0], punctuation)
            message = f"编号“{marker.group()}”与前后编号不连续(按顺序应为“{shown}”), 已按原文保留"
            self.warnings.append(ParseWarning("numbering_irregular", message, span))
        return ordinal

    def _infer(self, i: int, family: str, sibling: int, run: int) -> int:
        """Numbered per parent or run on across parents? Ask the next printed marker of the family."""
        if sibling == run:
            return sibling
        between = 0
        for j, other, n in self.explicit:
            if j <= i or not (other == family or family in _LOST_FAMILIES.get(other, ())):
                continue
            between += 1
            if other == family and n is not None:
                if n in (run + between, sibling + between):
                    return run if n == run + between else sibling
                break
        return run if family in self.runs_on else sibling

    def _node(
        self, line: _Line, marker: re.Match[str], family: str, ordinal: int, parent: _Open | None, *, inferred: bool
    ) -> Section:
        path = (f"{parent.node.path}." if parent else "") + _canonical(family, ordinal)
        unique, k = path, 1
        while unique in self.paths:  # a repeated ordinal keeps ids unique: 二.(三), 二.(三)#2
            k += 1
            unique = f"{path}#{k}"
        self.paths.add(unique)
        title = _title(line.text[marker.end() :])
        level = len(self.stack) + 1
        return Section(unique, marker.group(), ordinal, family, level, title, "", (0, 0), inferred=inferred)

    def _close(self, open_: _Open) -> None:
        open_.node.text = self.doc.text[open_.start : open_.own_end if open_.own_end is not None else open_.end]
        open_.node.span = self.doc.span(open_.start, open_.end)
        if self.stack:
            self.stack[-1].end = max(self.stack[-1].end, open_.end)


def build_sections(doc: Normalized, parts: DocumentParts) -> tuple[list[Section], list[ParseWarning]]:
    """The section tree of the document body, with warnings for inferred and irregular numbering.

    >>> from xinxiao.plans.parsing.normalize import normalize
    >>> from xinxiao.plans.parsing.structure import split_parts
    >>> doc = normalize("一、目标\\n到2024年。\\n、任务\\n(一)消费\\n1.文旅。加快发展。\\n()健康\\n2.养老。")
    >>> sections, warnings = build_sections(doc, split_parts(doc))
    >>> [(s.path, s.title) for s in sections], [(c.path, c.marker, c.inferred) for c in sections[1].children]
    ([('一', '目标'), ('二', '任务')], [('二.(一)', '(一)', False), ('二.(二)', '()', True)])
    >>> sections[1].children[0].children[0].text, [w.message for w in warnings][0]
    ('1.文旅。加快发展。', '编号“、”缺少序号, 已根据前后编号推断为“二、”')
    """
    if parts.body is None:
        return [], []
    start, end = doc.from_raw(parts.body[0]), doc.from_raw(parts.body[1])
    builder = _TreeBuilder(doc, _lines(doc.text, start, end))
    return builder.build(), builder.warnings
