"""Reading the inside of a responsibility clause: labels, role words and lists of unit names.

Everything here works on a :class:`View` (full-width folded, blanks dropped), so a clause split
across lines or sprinkled with stray spaces reads like a clean one; names carry raw offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xinxiao.plans.parsing.model import UnitRole
from xinxiao.plans.parsing.responsibility_vocab import (
    CLOSERS,
    OPENERS,
    SENTENCE_END,
    SEPARATORS,
    RawName,
    View,
    connector_pattern,
    label_pattern,
    role_end_pattern,
    role_words,
    vocabulary,
)

_EDGE = ":.。!?" + SEPARATORS
_MIN_NAME = 2  # one character is never a unit: 省 left over where a clause was cut
_COUNT = re.compile(r"^[0-9一二三四五六七八九十百]+个?")
_ROLE_IN_BRACKETS = re.compile(r"\((牵头单位|牵头部门|牵头|配合单位|配合部门|配合)\)$")


@dataclass(frozen=True, slots=True)
class Reading:
    """What the inside of one clause says: its shape and its names with their roles."""

    style: str
    names: tuple[RawName, ...]
    first_is_lead_applied: bool = False


def top_level_ranges(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    """The ranges of ``text[start:end]`` between separators that are not inside nested brackets.

    >>> top_level_ranges("甲、各县(市、区)政府", 0, 11, "、")
    [(0, 1), (2, 11)]
    """
    end = min(end, len(text))
    ranges, depth, piece = [], 0, start
    for index in range(start, end):
        char = text[index]
        depth += (char in OPENERS) - (char in CLOSERS and depth > 0)
        if depth == 0 and char in separators:
            ranges.append((piece, index))
            piece = index + 1
    ranges.append((piece, end))
    return [(a, b) for a, b in ranges if b > a]


def split_names(view: View, start: int, end: int, role: UnitRole) -> list[RawName]:
    """The unit names of a list (``、 , ; 及 和 与 以及 等`` between them), all given ``role``.

    >>> view = View.of("州科技局、州教育体育局及各县市人民政府")
    >>> [n.text for n in split_names(view, 0, len(view.text), "co")]
    ['州科技局', '州教育体育局', '各县市人民政府']
    >>> view = View.of("州文化和旅游局、州商务局等部门")
    >>> [n.text for n in split_names(view, 0, len(view.text), "co")]
    ['州文化和旅游局', '州商务局']
    """
    return [name for name, _ in _names(view, start, end, role)]


def _names(view: View, start: int, end: int, role: UnitRole) -> list[tuple[RawName, bool]]:
    """Names with whether each carried its own role mark, ``省商务厅(牵头)``."""
    names = []
    for piece_start, piece_end in _join_enumerations(view.text, top_level_ranges(view.text, start, end, SEPARATORS)):
        for a, b in _cut_piece(view.text, piece_start, piece_end):
            names.append(_raw_name(view, a, b, role))
    return names


def _raw_name(view: View, start: int, end: int, role: UnitRole) -> tuple[RawName, bool]:
    """A name; a trailing ``(牵头)`` / ``(配合)`` sets its role and is not part of it."""
    marked = _ROLE_IN_BRACKETS.search(view.text, start, end)
    if marked is None or marked.start() == start:
        return RawName(view.text[start:end], view.span(start, end), role), False
    mark: UnitRole = "lead" if marked.group(1).startswith("牵头") else "co"
    return RawName(view.text[start : marked.start()], view.span(start, marked.start()), mark), True


def _join_enumerations(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Rejoin ``各市、州、直管市、神农架林区人民政府``: pieces after 各 up to the one ending like a unit."""
    vocab, joined, index = vocabulary(), [], 0
    while index < len(ranges):
        start, end = ranges[index]
        last = index
        if text[start:end].startswith(tuple(vocab.collective_markers.prefixes)):
            while not vocab.is_unit_like(text[ranges[last][0] : ranges[last][1]], strong_only=True):
                if last + 1 >= len(ranges) or last - index >= 5:
                    last = index
                    break
                last += 1
        joined.append((start, ranges[last][1]))
        index = last + 1
    return joined


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge punctuation and leading words such as 由, 请."""
    vocab = vocabulary()
    changed = True
    while changed and start < end:
        changed = False
        while start < end and text[start] in _EDGE:
            start, changed = start + 1, True
        while end > start and text[end - 1] in _EDGE:
            end, changed = end - 1, True
        for word in vocab.leading_words:
            if text.startswith(word, start) and end - start > len(word):
                start, changed = start + len(word), True
    return start, end


def _cut_piece(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one piece at connectors between whole names, then drop a trailing 等 (and 等部门)."""
    start, end = _trim(text, start, end)
    cut: list[tuple[int, int]] = []
    for a, b in _split_connectors(text, start, end):
        cut.extend(_drop_etc(text, a, b))
    return [(a, b) for a, b in cut if b - a >= _MIN_NAME]


def _split_connectors(text: str, start: int, end: int) -> list[tuple[int, int]]:
    vocab = vocabulary()
    pieces, piece = [], start
    for match in connector_pattern().finditer(text, start + 1, end):
        if (
            match.start() >= piece + 1
            and match.end() < end
            and vocab.is_unit_like(text[piece : match.start()], strong_only=True)
        ):
            pieces.append(_trim(text, piece, match.start()))
            piece = match.end()
    pieces.append(_trim(text, piece, end))
    return pieces


def _drop_etc(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``州商务局等`` → 州商务局; ``等28个部门`` is dropped; 等 inside a name (高等院校) is kept."""
    vocab = vocabulary()
    at = next(
        (i for i in range(start, end) if text[i] == "等" and (i == start or vocab.is_unit_like(text[start:i]))), -1
    )
    if at < 0:
        return [(start, end)]
    rest = _COUNT.sub("", text[at + 1 : end]).removeprefix("其他").removeprefix("其它")
    kept = [(start, at)] if at > start else []
    if rest and rest not in vocab.generic_tails:
        kept.extend(_drop_etc(text, at + 1, end))
    return kept


def role_of(part: str) -> tuple[str | None, int]:
    """The role word closing a part of a clause, as (kind, length); (None, 0) when there is none.

    >>> role_of("州商务局牵头"), role_of("州财政局、州商务局按照职责分工负责"), role_of("州商务局")
    (('lead', 2), ('by_duty', 8), (None, 0))
    """
    match = role_end_pattern().search(part)
    return (role_words()[match.group(1)], len(match.group(1))) if match else (None, 0)


def read_roles(view: View, start: int, end: int, *, strict: bool = False) -> Reading | None:
    """Read ``X牵头,Y配合`` / ``X负责,Y等配合`` / ``X按职责分工负责``; None when no role word names a unit.

    ``strict`` (for sentences outside brackets) also asks every part to carry a role word and every
    name to read as a unit.
    """
    text = view.text
    end = next((i for i in range(start, end) if text[i] in SENTENCE_END), end)  # a remark may follow
    if strict and role_of(text[start:end])[0] is None:
        return None
    parts = _parts(text, start, end, inner=not strict)
    kinds = [kind for _, _, kind in parts]
    if not any(kinds) or (strict and not all(kinds)):
        return None
    names: list[RawName] = []
    for (a, b, kind), role in zip(parts, _roles(kinds), strict=True):
        found = split_names(view, a, b, role)
        # A part without a role word lists more units; anything else there is a remark (2022年底前完成).
        names.extend(n for n in found if kind is not None or vocabulary().is_unit_like(n.text))
    if not _names_units(names, strict=strict):
        return None
    roles = {n.role for n in names}
    style = "lead_co" if "lead" in kinds else "leads_others" if "lead" in roles else "by_duty"
    return Reading(style, tuple(names))


def _names_units(names: list[RawName], *, strict: bool) -> bool:
    vocab = vocabulary()
    if strict:
        return bool(names) and all(vocab.is_unit_like(n.text) for n in names)
    return any(vocab.is_unit_like(n.text) for n in names)


def _parts(text: str, start: int, end: int, *, inner: bool) -> list[tuple[int, int, str | None]]:
    """The parts of a clause with their role word cut off: split at , and ; and after a role word
    followed by 、 (``X牵头、Y配合``); with ``inner``, a role word may also stand inside a part
    (``X牵头负责统筹``)."""
    parts = []
    for a, b in top_level_ranges(text, start, end, ",;"):
        piece = a
        for _, c in top_level_ranges(text, a, b, "、"):
            if c < b and role_of(text[piece:c])[0] is not None:
                parts.append(_part(text, piece, c, inner=inner))
                piece = c + 1
        parts.append(_part(text, piece, b, inner=inner))
    return [part for part in parts if part[1] > part[0] or part[2] is not None]


def _part(text: str, start: int, end: int, *, inner: bool) -> tuple[int, int, str | None]:
    start, end = _trim(text, start, end)
    kind, size = role_of(text[start:end])
    if kind is None and inner:
        return _role_inside(text, start, end)
    return start, end - size, kind


def _role_inside(text: str, start: int, end: int) -> tuple[int, int, str | None]:
    """The earliest role word inside a part that follows a unit name: ``州商务局牵头负责统筹``
    (not an attribute: ``州商务局牵头的项目``)."""
    vocab = vocabulary()
    found: tuple[int, int, str | None] = (start, end, None)
    for word, kind in role_words().items():
        at = text.find(word, start, end)
        if at <= start or text.startswith("的", at + len(word)) or (found[2] is not None and at >= found[1]):
            continue
        if vocab.is_unit_like(text[start:at].rstrip("等")):
            found = (start, at, kind)
    return found


def _roles(kinds: list[str | None]) -> list[UnitRole]:
    """Roles of the parts: 牵头 → lead; 负责 → lead unless a part says 牵头; the rest co.

    A part with no role word continues the list before it, or (first part) takes the next part's role.
    """
    has_lead = "lead" in kinds

    def role(kind: str) -> UnitRole:
        return "lead" if kind == "lead" or (kind == "responsible" and not has_lead) else "co"

    roles: list[UnitRole] = []
    for index, kind in enumerate(kinds):
        if kind is not None:
            roles.append(role(kind))
        elif index > 0:
            roles.append("co")
        else:
            roles.append(role(next(k for k in kinds if k is not None)))
    return roles


def read_labelled(view: View, start: int, end: int, *, first_is_lead: bool) -> Reading | None:
    """Read ``责任单位:…`` / ``牵头单位:…;配合单位:…``; None when the text has no label."""
    kinds = vocabulary().label_kinds()
    matches = list(label_pattern().finditer(view.text, start, end))
    if not matches:
        return None
    entries: list[tuple[RawName, bool]] = []
    for index, match in enumerate(matches):
        kind = kinds[match.group(1)]
        segment_end = matches[index + 1].start() if index + 1 < len(matches) else end
        if kind != "stop":
            entries.extend(_segment_names(view, match.end(), segment_end, kind))
    style = "lead_units_co_units" if {kinds[m.group(1)] for m in matches} & {"lead", "co"} else "responsible"
    return _apply_list_rule(style, entries, first_is_lead=first_is_lead)


def _segment_names(view: View, start: int, end: int, kind: str) -> list[tuple[RawName, bool]]:
    """Names of one labelled segment; True marks a name whose role is settled (not merely listed).

    The segment ends at its first sentence end: what follows is a remark (具体任务均涉及…, 下同).
    """
    end = next((i for i in range(start, end) if view.text[i] in SENTENCE_END), end)
    if kind != "list":
        a, b = _trim(view.text, start, end)
        _, size = role_of(view.text[a:b])
        return [(name, True) for name, _ in _names(view, a, b - size, "lead" if kind == "lead" else "co")]
    reading = read_roles(view, start, end)
    if reading is None:
        return _names(view, start, end, "lead")
    if reading.style == "by_duty":  # 责任单位:X、Y按职责分工负责 is still a plain list
        return [(RawName(n.text, n.span, "lead"), False) for n in reading.names]
    return [(name, True) for name in reading.names]


def _apply_list_rule(style: str, entries: list[tuple[RawName, bool]], *, first_is_lead: bool) -> Reading:
    """Give roles to names listed without one: co beside a settled lead, lead beside settled co units,
    else the first listed is lead (when ``first_is_lead``) or all are."""
    settled = [name.role for name, fixed in entries if fixed]
    applied = False
    names: list[RawName] = []
    for name, fixed in entries:
        role = name.role
        if fixed:
            pass
        elif "lead" in settled:
            role = "co"
        elif settled or not first_is_lead:
            role = "lead"
        else:
            role, applied = ("co" if applied else "lead"), True
        names.append(RawName(name.text, name.span, role))
    return Reading(style, tuple(names), first_is_lead_applied=applied)


def read_bare(view: View, start: int, end: int, *, first_is_lead: bool) -> Reading | None:
    """Read a bare list of units ``(州商务局、州财政局)``; None unless every name ends like a unit."""
    if any(char in SENTENCE_END or char == ":" for char in view.text[start:end]):
        return None
    entries = _names(view, start, end, "lead")
    vocab = vocabulary()
    if not entries or not all(vocab.is_unit_like(n.text) for n, _ in entries):
        return None
    if not any(vocab.is_unit_like(n.text, strong_only=True) for n, _ in entries):
        return None
    return _apply_list_rule("bare_list", entries, first_is_lead=first_is_lead)
