"""Normalisation's line steps: put back lost line breaks (``line_split``), join wrapped lines (``line_join``)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from xinxiao.plans.parsing.markers import (
    _MID_MARKER,
    DATE_RE,
    DOC_NUMBER_RE,
    MARKER_RANKS,
    MARKER_RE,
    PERIOD_RE,
    config,
    marker_ordinal,
)

Edit = tuple[int, int, str]
"""(start, end, replacement) in the text of the pass that produced it."""

_SENTENCE_END = "。!?;:…"
_ASCII_LETTER = re.compile("[A-Za-z]")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line of ``text``."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _split_edits(text: str) -> Iterator[Edit]:
    """Break a line where the document lost its line breaks: before a marker that continues the numbering
    after a sentence ends; in a one-line document also between the parts of its head (blanks, a colon)
    and between a heading and its first child (二、重点措施(一)扩大…)."""
    one_line = text.count("\n") < _ONE_LINE_MAX_BREAKS and len(text) >= _ONE_LINE_MIN_CHARS
    edits = list(_head_splits(text)) if one_line else []
    last: dict[str, int] = {}
    previous = (0, "")  # where the last marker started, and its family
    for m in _MID_MARKER.finditer(text):
        family, n = marker_ordinal(m)
        before = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if n is None or (
            before.strip(" ") and not _splits_before(text, m.start(), family, n, last, previous, one_line)
        ):
            continue
        if before.strip(" "):
            edits.append((m.start(), m.start(), "\n"))
        last[family], previous = n, (m.start(), family)
    return iter(sorted(edits))


def _splits_before(
    text: str, at: int, family: str, n: int, last: dict[str, int], previous: tuple[int, str], one_line: bool
) -> bool:
    """Whether a marker in mid-line starts a section: it continues its family's numbering (or starts it)
    right after a sentence ends, or (one-line documents) it is the first child right after a heading."""
    if n not in (1, last.get(family, 0) + 1):
        return False
    if text[at - 1] in "。;)”!?" or (one_line and text[at - 1] == " "):
        return True
    start, parent = previous
    heading = parent and MARKER_RANKS[parent] < MARKER_RANKS[family] and "。" not in text[start:at]
    return one_line and n == 1 and bool(heading) and at - start <= _HEADING_MAX_CHARS


_HEADING_MAX_CHARS = 40
_ONE_LINE_MAX_BREAKS = 3
_ONE_LINE_MIN_CHARS = 200


def _head_splits(text: str) -> Iterator[Edit]:
    """In a one-line document's head (before 一、 or (一)), blanks between Chinese text (or before a date)
    and a colon end a part."""
    first = re.search(r"(?:^|(?<=[\s。]))(?:一、|第一章|\(一\))", text)
    head = text[: first.start()] if first else ""
    for m in re.finditer(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f]|\d{4}年)|(?<=:)(?=[^\s])", head):
        if m.group() or not head[: m.start()].endswith("附件:"):
            yield m.start(), m.end(), "\n"


@dataclass(frozen=True)
class _Layout:
    """What the page says about a line break: in the head, after a full line, before an indented one."""

    in_head: bool
    full: bool  # the line before the break filled a wrapped page's width
    next_full: bool
    indented: bool  # the raw line after the break starts with an indent: a new paragraph
    wrap: int


def _join_edits(raw: str, text: str, starts: list[int], ends: list[int]) -> Iterator[Edit]:
    """Join each line to the next when it continues there (see ``_continues``).

    Widths are measured in the raw text (``starts``/``ends``), where a wrapped page's lines are equally long.
    """
    lines = [(pos, line, ends[pos + len(line) - 1] - starts[pos] if line else 0) for pos, line in _lines(text)]
    wrap = _wrap_width([(width, line) for _, line, width in lines])
    in_head, paragraph = True, ""
    for (pos, line, width), (next_pos, following, next_width) in itertools.pairwise(lines):
        paragraph += line
        marker = MARKER_RE.match(line)
        in_head = in_head and not (marker and not str(marker.lastgroup).startswith("lost"))
        indent = raw[raw.rfind("\n", 0, starts[next_pos]) + 1 : starts[next_pos]]
        layout = _Layout(
            in_head,
            bool(wrap) and width >= (wrap or 0) - _WRAP_SLACK,
            bool(wrap) and next_width >= (wrap or 0) - _WRAP_SLACK,
            "\u3000" in indent or "  " in indent,
            wrap or 0,
        )
        if _continues(paragraph, following, layout):
            words = _ASCII_LETTER.match(line[-1:]) and _ASCII_LETTER.match(following[:1])
            yield pos + len(line), pos + len(line) + 1, " " if words else ""
        else:
            paragraph = ""


_WRAP_SLACK = 5
_WRAP_MIN_LINES = 12
_WRAP_MIN_WIDTH = 16


def _wrap_width(lines: list[tuple[int, str]]) -> int | None:
    """The page width when the text was wrapped at one, else None: most lines are about as long as the
    longest, and many of those end mid-sentence."""
    widths = sorted(width for width, line in lines if line)
    if len(widths) < _WRAP_MIN_LINES:
        return None
    width = widths[len(widths) * 9 // 10]
    near = [line for n, line in lines if line and n >= width - _WRAP_SLACK]
    cut = sum(1 for line in near if line[-1] not in _SENTENCE_END + ")”")
    return width if width >= _WRAP_MIN_WIDTH and len(near) * 2 >= len(widths) and cut * 3 >= len(near) else None


def _continues(paragraph: str, following: str, layout: _Layout) -> bool:
    """Whether the line ``following`` continues ``paragraph`` (the lines joined so far).

    After a line that filled a wrapped page's width the paragraph breaks only where the layout says so:
    an indent, a clause closing, a new marker; in the body even a full stop at the margin runs on.
    """
    if not paragraph or not following:
        return False
    marker = MARKER_RE.match(following)
    if marker and not (
        marker.lastgroup in ("lost_comma", "lost_dot") and layout.full and _wrapped_list(paragraph, following, layout)
    ):
        return False
    if PERIOD_RE.fullmatch(following):  # (2022—2024年) on its own line ends the title above it
        return True
    if any(p.fullmatch(x) for p in (DATE_RE, DOC_NUMBER_RE) for x in (paragraph, following)):
        return False
    if layout.in_head and _head_break(paragraph, following, full=layout.full):
        return False
    if not layout.full:
        return not _ended(paragraph, full=False)
    if layout.indented or (_is_heading(paragraph) and not _heading_wraps(following, layout.wrap)):
        return False
    return not _ends_sentence(paragraph, full=True) or (not layout.in_head and paragraph.rstrip("”")[-1] == "。")


def _wrapped_list(paragraph: str, following: str, layout: _Layout) -> bool:
    """A line starting with 、 continues an unfinished full line, unless it reads as a heading on its own."""
    heading = not layout.next_full and not re.search("[。():]", following) and following[-1] not in ",、"
    if paragraph.count("(") > paragraph.count(")"):  # inside an unclosed clause: units, unless it reads as prose
        heading = heading and "," in following and not _UNIT_LIST.search(following)
    return not _ends_sentence(paragraph, full=True) and not heading


def _ended(paragraph: str, *, full: bool) -> bool:
    return _ends_sentence(paragraph, full=full) or (not full and _is_heading(paragraph))


def _ends_sentence(paragraph: str, *, full: bool) -> bool:
    """A paragraph ends at a full stop, a colon, or the bracket closing a clause or period (县(市) does not)."""
    if paragraph.count("(") > paragraph.count(")") or paragraph.count("“") > paragraph.count("”"):
        return False
    last = paragraph[-1]
    if last in _SENTENCE_END:
        return True
    if last == "”":
        return len(paragraph) > 1 and paragraph[-2] in _SENTENCE_END
    if last != ")":
        return False
    group = paragraph[paragraph.rfind("(") + 1 : -1]
    return bool(_CLAUSE_WORDS.search(group)) if full else len(group) > 3


_UNIT_LIST = re.compile(r"(厅|局|委|政府|单位|部门)[,、]")
_CLAUSE_WORDS = re.compile(r"牵头|负责|责任|配合|单位|参与|\d{4}")


def _is_heading(paragraph: str) -> bool:
    """A marker line without a full stop, short and not ending in a comma: a heading on its own line."""
    return (
        bool(MARKER_RE.match(paragraph))
        and "。" not in paragraph
        and len(paragraph) <= 60
        and paragraph[-1] not in ",、"
    )


def _heading_wraps(following: str, wrap: int) -> bool:
    """A long heading runs on into a short last piece, or into the few characters before its full stop."""
    stop = following.find("。")
    return 0 <= stop <= 20 or (stop < 0 and len(following) < wrap - _WRAP_SLACK)


def _head_break(paragraph: str, following: str, *, full: bool) -> bool:
    """Lines of the document head that stay apart: a title or signature, the recipients, a preamble.

    A line that filled a wrapped page's width breaks only after a complete title (a signature is short).
    """
    cfg = config()
    suffixes = cfg.title_suffixes if full else cfg.title_suffixes + cfg.issuer_suffixes
    short = len(paragraph) <= 80 and not re.search("[,。》]", paragraph)  # not a sentence that quotes a title
    if short and paragraph.endswith(suffixes) and not following.startswith(("的", "之", "(")):
        return True
    if full:
        return False
    if DOC_NUMBER_RE.match(following):  # 迪政发〔2022〕12号 签发人:…
        return True
    return following.startswith(cfg.preamble_openers) or (following.endswith(":") and paragraph[-1] not in ",、")
