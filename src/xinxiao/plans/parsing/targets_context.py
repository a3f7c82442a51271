"""Where a target sits: sentences and clauses, quoted text, deadlines, firmness, base years and scopes.

Everything here works on the text folded by :func:`fold`, which has the same length as the input, so
that every offset found here is an offset into the caller's text.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from xinxiao.plans.parsing.model import Firmness, Span
from xinxiao.plans.parsing.targets_lexicon import alternation, lexicon
from xinxiao.reference import load_divisions

# Full-width ASCII forms (（）：，；％１２) fold to half-width one for one, so offsets do not move.
_FOLD = str.maketrans({**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}, "\u3000": " ", "〜": "~"})
# A sentence ends at 。!? or at a line that starts a new numbered heading; a clause also ends at ;.
_SENTENCE_END = re.compile(
    r"[。!?]|\n(?=\s*(?:[一二三四五六七八九十]+\s*、|\(\s*[一二三四五六七八九十\d]*\s*\)|\d+\s*[.、](?!\d)|第[一二三四五六七八九十]+[章节]))"
)
_QUOTED = re.compile(r"“[^”\n]{0,40}”|「[^」\n]{0,40}」|\"[^\"\n]{0,40}\"|《[^》\n]{0,80}》")
YEAR = r"((?:19|20)\d{2})"
_MARK_SIZE = 40  # no deadline phrase is longer; marks that start earlier cannot end later
_LEAD_IN = 30  # the longest lead-in chunk (力争到2025年底前,) whose firmness word covers the sentence


def fold(text: str) -> str:
    """Fold full-width ASCII to half-width, keeping every offset.

    >>> fold("占比达到３０％（全州）")
    '占比达到30%(全州)'
    """
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Clause:
    """A clause ending at ; 。 or a heading, and the start of the sentence it belongs to."""

    start: int
    end: int
    sentence: int


def clauses(text: str) -> list[Clause]:
    """The clauses of a folded text, in order, without their final punctuation.

    >>> [(c.start, c.end, c.sentence) for c in clauses("甲;乙。丙")]
    [(0, 1, 0), (2, 3, 0), (4, 5, 4)]
    """
    found: list[Clause] = []
    sentence = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        start = sentence
        for semi in [m.start() for m in re.finditer(";", text[sentence:end])] + [end - sentence]:
            found.append(Clause(start, sentence + semi, sentence))
            start = sentence + semi + 1
        sentence = end + 1
    return [c for c in found if text[c.start : c.end].strip()]


def quoted(text: str) -> list[Span]:
    """Spans of quoted names and titles (“梅里100”, 《…》), whose numbers are never targets.

    >>> quoted('举办“梅里100”赛事')
    [(2, 9)]
    """
    return [m.span() for m in _QUOTED.finditer(text)]


def _date(year: str, month: str, day: str | None = None) -> str:
    """An ISO date (the month's last day when ``day`` is None); just the year when the date is impossible."""
    if not 1 <= int(month) <= 12:
        return year
    last = calendar.monthrange(int(year), int(month))[1]
    return f"{year}-{int(month):02d}-{int(day or last):02d}" if 1 <= int(day or last) <= last else year


def _year_end(match: re.Match[str]) -> str:
    return f"{match[1]}-12-31" if match[2] else match[1]


_DEADLINES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(rf"(?:到|至|截至)\s*{YEAR}\s*年\s*(\d{{1,2}})\s*月\s*(?:底|末)?"), lambda m: _date(m[1], m[2])),
    (re.compile(rf"(?:到|至|截至)\s*{YEAR}\s*年\s*(底|末)?"), _year_end),
    (
        re.compile(rf"{YEAR}\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日\s*(?:前|以前|之前)"),
        lambda m: _date(m[1], m[2], m[3]),
    ),
    (re.compile(rf"{YEAR}\s*年\s*(\d{{1,2}})\s*月\s*(?:底|末)?\s*(?:前|以前|之前)"), lambda m: _date(m[1], m[2])),
    (re.compile(rf"{YEAR}\s*年\s*(底|末)?\s*(?:前|以前|之前)"), _year_end),
    (re.compile(r"[\"“]?十\s*([一二三四五六七八九])\s*五\s*[\"”]?\s*(?:期间|时期|期末|末)"), lambda m: f"十{m[1]}五"),
    (
        re.compile(
            rf"(?:^|(?<=[。;!?\n:,\s\"”])){YEAR}\s*年\s*(底|末)?"
            r"(?=\s*[,:]|\s*(?:达到|实现|突破|增长|完成|建成|力争|争取|确保|全[州省市县区国]))"
        ),
        _year_end,
    ),
)


@dataclass(frozen=True)
class Mark:
    """A phrase found in the text (a deadline, a firmness word) and what it means."""

    start: int
    end: int
    value: str


def deadline_marks(text: str) -> list[Mark]:
    """Every deadline phrase of a folded text, by start offset.

    >>> [m.value for m in deadline_marks('到2024年,A;2022年底前完成;"十四五"期间;2025年,B')]
    ['2024', '2022-12-31', '十四五', '2025']
    """
    marks: dict[int, Mark] = {}
    for pattern, meaning in _DEADLINES:
        for match in pattern.finditer(text):
            marks.setdefault(match.start(), Mark(match.start(), match.end(), meaning(match)))
    return sorted(marks.values(), key=lambda m: m.start)


def firmness_marks(text: str) -> list[Mark]:
    """Every firmness word (确保, 力争, 争取) of a folded text, by start offset.

    >>> [(m.start, m.value) for m in firmness_marks("确保增长7%,力争8%,争取9%")]
    [(0, 'must'), (7, 'strive'), (12, 'aim')]
    """
    words = {w: f for f, ws in lexicon().words.firmness.items() for w in ws}
    return [Mark(m.start(), m.end(), words[m[0]]) for m in re.finditer(alternation(words), text)]


def last_before(marks: list[Mark], lo: int, hi: int) -> Mark | None:
    """The mark ending last inside ``[lo, hi)`` (the longest of those ending together).

    >>> last_before([Mark(0, 7, "2024"), Mark(8, 16, "2022-12-31"), Mark(9, 16, "2022")], 0, 20).value
    '2022-12-31'
    """
    best = None
    index = bisect.bisect_left(marks, hi, key=lambda m: m.start) - 1
    while index >= 0 and marks[index].start >= lo and (best is None or marks[index].start > best.start - _MARK_SIZE):
        mark = marks[index]
        if mark.end <= hi and (best is None or (mark.end, mark.end - mark.start) > (best.end, best.end - best.start)):
            best = mark
        index -= 1
    return best


def firmness_at(text: str, marks: list[Mark], clause: Clause, pos: int) -> Firmness:
    """The firmness of a value at ``pos``: the nearest word before it in its clause, else the sentence's lead-in.

    >>> t = "力争到2025年,A达到1亿元;B达到2亿元,确保C达到3亿元"
    >>> cs, ms = clauses(t), firmness_marks(t)
    >>> [firmness_at(t, ms, cs[i], t.index(v)) for i, v in ((0, "1亿"), (1, "2亿"), (1, "3亿"))]
    ['strive', 'strive', 'must']
    """
    mark = last_before(marks, clause.start, pos)
    if mark is None:
        lead_in_end = text.find(",", clause.sentence, min(pos, clause.sentence + _LEAD_IN))
        mark = last_before(marks, clause.sentence, lead_in_end) if lead_in_end >= 0 else None
    return mark.value if mark is not None else "plain"  # type: ignore[return-value]


_BASE = re.compile(
    rf"(?:比|较|相比|与|相对)\s*{YEAR}\s*年(?:末|底)?(?:相比|水平|基础上)?|在?\s*{YEAR}\s*年(?:末|底)?的?(?:基础上|水平上)"
    rf"|{YEAR}\s*年(?:末|底)?的\s*$"
)


def take_base_year(phrase: str) -> tuple[int | None, str]:
    """The base year stated in a phrase (比2020年, 在2020年基础上), and the phrase with it blanked.

    >>> take_base_year("全省网络零售额比2020年")
    (2020, '全省网络零售额      ')
    """
    match = _BASE.search(phrase)
    if match is None:
        return None, phrase
    year = next(g for g in match.groups() if g)
    return int(year), blank(phrase, match.start(), match.end())


def blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces (offsets are kept).

    >>> blank("全州社零额", 0, 2)
    '  社零额'
    """
    return text[:start] + " " * (end - start) + text[end:]


_UNITS = r"县\(市(?:、区)?\)|县\(区\)|县市区|县市|市州|市\(州\)|市县|乡镇|乡\(镇\)|县|市|区|州|乡|镇|村"
_PER = re.compile(rf"(每一?个|各个?|[一二两三四五六七八九十\d]+个?)\s*({_UNITS})(?![场民政长委级直属])\s*(均|都)?")
_WHOLE = re.compile(r"全(州|省|市|县|区|国|盟|旗)(?![场面民政长委级部体程年内外])")


def _per_scope(match: re.Match[str]) -> str:
    unit = match[2]
    if match[1].startswith("每") or match[3]:
        return f"每个{unit}"
    return f"各{unit}" if match[1].startswith("各") else match[0].strip()


def find_scopes(phrase: str) -> tuple[str | None, list[Span]]:
    """The most specific scope stated in a phrase, and the spans of every scope phrase in it.

    >>> find_scopes("全州三县(市)均有")
    ('每个县(市)', [(2, 8), (0, 2)])
    >>> find_scopes("各市州要")[0], find_scopes("全省网络零售额")[0]
    ('各市州', '全省')
    """
    per = list(_PER.finditer(phrase))
    whole = list(_WHOLE.finditer(phrase))
    spans = [m.span() for m in per + whole]
    if per:
        return _per_scope(per[-1]), spans
    return (whole[-1][0] if whole else None), spans


@cache
def region_names() -> frozenset[str]:
    """Full and short names of every division whose name ends in its level (武汉市, 迪庆州, 湖北省).

    >>> {"武汉市", "迪庆州", "迪庆藏族自治州", "湖北省"} <= region_names(), "湖北" in region_names()
    (True, False)
    """
    names: set[str] = set()
    for division in load_divisions():
        if not division.is_pseudo:
            names.update(n for n in (division.name, division.short_name) if len(n) >= 3 and n[-1] in "省市州县区盟旗")
    return frozenset(names)


def named_region_at(phrase: str, start: int) -> str | None:
    """The longest region name that ``phrase`` has at ``start`` (武汉市社零额 → 武汉市), or None.

    >>> named_region_at("武汉市社会消费品零售总额", 0), named_region_at("城市商圈", 0)
    ('武汉市', None)
    """
    names = region_names()
    for length in range(min(12, len(phrase) - start), 2, -1):
        if phrase[start : start + length] in names:
            return phrase[start : start + length]
    return None
