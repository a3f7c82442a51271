"""Responsibility clauses (责任分工) of a task item, and the units they name.

``find_clauses`` reads every clause of one item, whatever its shape (``Clause.style``):

- ``lead_co``: ``(X牵头,Y、Z按照职责分工负责)``, ``(X、Y牵头,Z配合)`` — X (and Y) lead, the rest co;
- ``leads_others``: ``(X负责,Y等配合)``, ``(X负责)`` — X lead, the rest co;
- ``by_duty``: ``(X、Y按职责分工负责)``, ``(Y配合)`` — every unit co, none lead (see below);
- ``responsible``: ``(责任单位:X、Y)`` — the "first listed is lead" rule (see below);
- ``lead_units_co_units``: ``(牵头单位:X;配合单位:Y)`` — as labelled; also on lines of their own;
- ``bracket``: ``〔X牵头,Y配合〕``, ``【责任单位:X】`` — read like the shapes above;
- ``bare_list``: ``(X、Y)`` closing a sentence, every name ending like a unit — first listed is lead;
- ``you_lead``: ``由X牵头`` inside a sentence — X lead, nothing else read;
- a whole unbracketed sentence ``X牵头,Y配合。`` whose every part ends with a role word.

``by_duty`` without 牵头 gives every unit the co role on purpose: 按职责分工负责 says each unit acts
within its remit and names no unit to answer for the whole task, so the parser does not invent one
(the officer assigns a lead in review). Lists without any role word (``责任单位:``, bare lists)
follow the "first listed is lead" rule when ``first_is_lead`` is true — the usual convention of
任务分工 tables — and make every unit lead otherwise; ``parse_plan`` takes it as a per-document
option. A clause whose closing bracket is missing (the text was cut) is ``truncated`` and keeps the
names it read. Wordings (labels, role words, unit endings) are data: ``data/clauses.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from xinxiao.plans.parsing.model import ParseWarning, UnitRef
from xinxiao.plans.parsing.responsibility_grammar import Reading, read_bare, read_labelled, read_roles, split_names
from xinxiao.plans.parsing.responsibility_units import resolve_names
from xinxiao.plans.parsing.responsibility_vocab import (
    CLOSERS,
    OPENERS,
    SENTENCE_END,
    RawName,
    View,
    label_pattern,
    vocabulary,
)
from xinxiao.reference import UnitRegistry

__all__ = ["Clause", "RawName", "find_clauses", "resolve_units"]

_BRACKET_STYLE_OPENERS = "〔【["
Range = tuple[int, int]


@dataclass
class Clause:
    """One responsibility clause of an item: where it is (offsets into the item text) and who it names."""

    start: int
    end: int
    style: str
    lead_raw: list[str]
    co_raw: list[str]
    truncated: bool = False
    first_is_lead_applied: bool = False
    names: list[RawName] = field(default_factory=list)  # every name in printed order, with span and role


def find_clauses(text: str, *, first_is_lead: bool = True) -> list[Clause]:
    """Every responsibility clause of one task item, in order (see the module docstring for shapes).

    >>> [(c.style, c.lead_raw, c.co_raw) for c in find_clauses("推进建设。(州商务局牵头,州财政局等配合)")]
    [('lead_co', ['州商务局'], ['州财政局'])]
    >>> clause, = find_clauses("(责任单位:省商务厅、省住建厅,各市州人民政府)")
    >>> clause.style, clause.lead_raw, clause.co_raw, clause.first_is_lead_applied
    ('responsible', ['省商务厅'], ['省住建厅', '各市州人民政府'], True)
    >>> find_clauses("推进智能快件箱(信包箱)和城市信息模型(CIM)建设(国办发〔2020〕32号)")
    []
    >>> find_clauses("完善网络。(责任单位:")[0].truncated
    True
    """
    view = View.of(text)
    clauses, groups = _bracket_clauses(view, first_is_lead=first_is_lead)
    taken = [(c.start, c.end) for c in clauses]
    labelled = _label_clauses(view, groups, taken, first_is_lead=first_is_lead)
    taken += [(c.start, c.end) for c in labelled]
    sentences = _sentence_clauses(view, taken)
    taken += [(c.start, c.end) for c in sentences]
    found = clauses + labelled + sentences + _you_lead_clauses(view, groups + taken)
    return sorted((_to_raw(view, c) for c in found), key=lambda c: c.start)


def resolve_units(
    clause: Clause, *, region_adcode: str, registry: UnitRegistry | None = None
) -> tuple[list[UnitRef], list[ParseWarning]]:
    """The units of a clause, resolved through the registry for a document of ``region_adcode``.

    Level prefixes carry over within the clause, collectives expand to their members, and names that
    do not resolve are kept verbatim (``resolved=False``) with a warning; spans index the item text.

    >>> units, warnings = resolve_units(find_clauses("(州教体局牵头,州商务厅、各县市人民政府配合)")[0],
    ...                                 region_adcode="533400")
    >>> [(u.name, u.role, u.resolved) for u in units][:3]
    [('州教育体育局', 'lead', True), ('州商务厅', 'co', False), ('香格里拉市人民政府', 'co', True)]
    >>> [w.code for w in warnings]
    ['unit_impossible']
    """
    names = clause.names or [RawName(t, (0, 0), "lead") for t in clause.lead_raw] + [
        RawName(t, (0, 0), "co") for t in clause.co_raw
    ]
    units, warnings = resolve_names(names, region_adcode=region_adcode, registry=registry)
    if not clause.names:  # built by hand without spans: do not pretend to know where the names are
        units = [_without_span(u) for u in units]
        warnings = [ParseWarning(w.code, w.message) for w in warnings]
    return units, warnings


def _without_span(unit: UnitRef) -> UnitRef:
    return UnitRef(unit.name, unit.raw, unit.role, unit.resolved, unit.region_adcode, unit.collective)


def _clause(reading: Reading, start: int, end: int, *, style: str | None = None, truncated: bool = False) -> Clause:
    """A clause in compact offsets (mapped to raw ones by ``_to_raw``)."""
    names = list(reading.names)
    return Clause(
        start=start,
        end=end,
        style=style or reading.style,
        lead_raw=[n.text for n in names if n.role == "lead"],
        co_raw=[n.text for n in names if n.role == "co"],
        truncated=truncated,
        first_is_lead_applied=reading.first_is_lead_applied,
        names=names,
    )


def _to_raw(view: View, clause: Clause) -> Clause:
    clause.start, clause.end = view.span(clause.start, clause.end)
    return clause


def _bracket_clauses(view: View, *, first_is_lead: bool) -> tuple[list[Clause], list[Range]]:
    """Clauses in brackets, and the ranges of every closed bracket group (clause or not)."""
    text, clauses, groups, index = view.text, [], [], 0
    while (index := _next_opener(text, index)) < len(text):
        close = _closing(text, index)
        end = close + 1 if close >= 0 else _cut(text, index)
        inner_end = close if close >= 0 else end
        reading = _read_inner(view, index, inner_end, end, first_is_lead=first_is_lead)
        if reading is not None:
            style = "bracket" if text[index] in _BRACKET_STYLE_OPENERS else None
            clauses.append(_clause(reading, index, end, style=style, truncated=close < 0))
        if reading is None and close < 0:
            index += 1
            continue
        groups.append((index, end))
        index = end
    return clauses, groups


def _next_opener(text: str, start: int) -> int:
    found = [at for at in (text.find(char, start) for char in OPENERS) if at >= 0]
    return min(found, default=len(text))


def _read_inner(view: View, opener: int, inner_end: int, end: int, *, first_is_lead: bool) -> Reading | None:
    start = opener + 1
    reading = read_labelled(view, start, inner_end, first_is_lead=first_is_lead) or read_roles(view, start, inner_end)
    if reading is None and _closes_sentence(view, opener, end):
        reading = read_bare(view, start, inner_end, first_is_lead=first_is_lead)
    return reading


def _closing(text: str, opener: int) -> int:
    """The offset of the bracket closing the one at ``opener`` (nesting counted), or -1."""
    depth = 0
    for index in range(opener, len(text)):
        if text[index] in OPENERS:
            depth += 1
        elif text[index] in CLOSERS:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _cut(text: str, opener: int) -> int:
    """Where an unclosed bracket's clause ends: the end of its sentence or of the text."""
    ends = [text.find(char, opener) for char in SENTENCE_END]
    return min([e for e in ends if e >= 0], default=len(text))


def _closes_sentence(view: View, opener: int, end: int) -> bool:
    """Whether a bracket group follows a sentence's end or ends its line (where bare lists stand)."""
    text = view.text
    after = end
    while after < len(text) and after not in view.breaks and text[after] in "。.;,、":
        after += 1
    before = opener == 0 or opener in view.breaks or text[opener - 1] in "。;!?"
    return before or after == len(text) or after in view.breaks


def _inside(index: int, ranges: list[Range]) -> bool:
    return any(start <= index < end for start, end in ranges)


def _label_clauses(view: View, groups: list[Range], taken: list[Range], *, first_is_lead: bool) -> list[Clause]:
    """Clauses written as labels outside brackets: ``责任单位:X`` / ``牵头单位:X\\n配合单位:Y``."""
    matches = [m for m in label_pattern().finditer(view.text) if not _inside(m.start(), groups)]
    clauses, index = [], 0
    while index < len(matches):
        last = index
        end = _list_end(view, matches[last].end(), taken)
        while last + 1 < len(matches) and matches[last + 1].start() <= end:
            last += 1
            end = _list_end(view, matches[last].end(), taken)
        reading = read_labelled(view, matches[index].start(), end, first_is_lead=first_is_lead)
        if reading is not None and _names_a_unit(reading, matches[last], end, len(view.text)):
            truncated = end == len(view.text) and not view.text[matches[last].end() : end]
            clauses.append(_clause(reading, matches[index].start(), end, truncated=truncated))
        index = last + 1
    return clauses


def _names_a_unit(reading: Reading, last: re.Match[str], end: int, length: int) -> bool:
    """A label outside brackets counts when it names a unit, or when a long label was cut at the end."""
    if any(vocabulary().is_unit_like(n.text) for n in reading.names):
        return True
    return end == length == last.end() and len(last.group(1)) >= 4


def _list_end(view: View, start: int, taken: list[Range]) -> int:
    """Where an unbracketed list ends: a sentence end, a new line, a bracketed clause, or the text's end."""
    text = view.text
    for index in range(start, len(text)):
        if text[index] in SENTENCE_END or _inside(index, taken) or (index in view.breaks and index > start):
            return index
    return len(text)


def _sentence_clauses(view: View, taken: list[Range]) -> list[Clause]:
    """Whole sentences outside brackets that are nothing but a clause: ``州商务局牵头,州财政局配合。``."""
    text, clauses, start = view.text, [], 0
    ends = {index for index, char in enumerate(text) if char in SENTENCE_END}
    for end in sorted(ends | view.breaks | {len(text)}):
        free = not any(a < end and start < b for a, b in taken)
        reading = read_roles(view, start, end, strict=True) if free and end > start else None
        if reading is not None:
            clauses.append(_clause(reading, start, end))
        start = end + 1 if end < len(text) and text[end] in SENTENCE_END else end
    return clauses


@cache
def _you_lead_pattern() -> re.Pattern[str]:
    lead_words = sorted((w for w in vocabulary().roles.lead if w.startswith("牵头")), key=len, reverse=True)
    stops = re.escape("由,;:" + SENTENCE_END + OPENERS + CLOSERS)
    return re.compile(rf"(?<![理自缘经])由(?!于)([^{stops}]{{2,60}}?)(?:{'|'.join(lead_words)})")


def _you_lead_clauses(view: View, taken: list[Range]) -> list[Clause]:
    """``由X牵头`` inside a sentence: X is the lead unit (no co units are read)."""
    clauses = []
    for match in _you_lead_pattern().finditer(view.text):
        if _inside(match.start(), taken):
            continue
        names = split_names(view, match.start(1), match.end(1), "lead")
        if any(vocabulary().is_unit_like(n.text) for n in names):
            clauses.append(_clause(Reading("you_lead", tuple(names)), match.start(), match.end()))
    return clauses
