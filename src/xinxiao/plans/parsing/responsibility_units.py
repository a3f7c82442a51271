"""Turning the names of a responsibility clause into ``UnitRef``: prefixes, aliases, collectives.

Names are looked up through the units registry of ``xinxiao.reference`` for the issuing region. A
level prefix carries over within a clause (``省发展改革委、财政厅`` → 省财政厅); collectives expand to
their members; a name that does not resolve, or cannot exist at its level (``州商务厅``: a 州 has 局,
not 厅), is kept verbatim with a warning, never dropped. A name that lost one character in
extraction (``各州人民政府``) is matched to the one registered name it fits, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from xinxiao.plans.parsing.model import ParseWarning, UnitRef
from xinxiao.plans.parsing.responsibility_vocab import RawName, vocabulary
from xinxiao.reference import ResolvedUnit, UnitRegistry, region_tree, unit_registry

_MIN_REPAIR_LENGTH = 4


@dataclass
class _Context:
    """What resolving one clause needs: the registry, the region, and the prefix carried so far."""

    registry: UnitRegistry
    region: str
    level: str
    carried: str | None = None

    @property
    def prefix(self) -> str:
        """The prefix an unprefixed name takes: the one carried over, else the document's level."""
        return self.carried or self.level


def resolve_names(
    names: Sequence[RawName], *, region_adcode: str, registry: UnitRegistry | None = None
) -> tuple[list[UnitRef], list[ParseWarning]]:
    """UnitRefs for the names of one clause (in printed order, duplicates dropped) and the warnings."""
    division = region_tree().get(region_adcode) if region_adcode else None
    if division is None:
        return _unknown_region(names)
    context = _Context(registry or unit_registry(), region_adcode, division.level_prefix)
    units: list[UnitRef] = []
    warnings: list[ParseWarning] = []
    for name in names:
        found, warning = _resolve(name, context)
        units.extend(found)
        warnings.extend([warning] if warning else [])
    return _dedupe(units), warnings


def _unknown_region(names: Iterable[RawName]) -> tuple[list[UnitRef], list[ParseWarning]]:
    units = [_verbatim(name) for name in names if name.text]
    warnings = [
        ParseWarning("unit_unresolved", f"发文地区未知, 责任单位「{u.name}」未能识别, 已按原文保留", u.span)
        for u in units
    ]
    return _dedupe(units), warnings


def _verbatim(name: RawName, *, collective: bool = False) -> UnitRef:
    return UnitRef(
        name=name.text,
        raw=name.text,
        role=name.role,
        resolved=False,
        collective=name.text if collective else None,
        span=name.span,
    )


def _ref(unit: ResolvedUnit, name: RawName, *, collective: str | None = None) -> UnitRef:
    return UnitRef(unit.name, name.text, name.role, True, unit.region_adcode, collective, name.span)


def _resolve(name: RawName, context: _Context) -> tuple[list[UnitRef], ParseWarning | None]:
    """The refs one printed name stands for, and the warning it raises, if any."""
    text, registry = name.text, context.registry
    members = registry.expand_collective(text, region_adcode=context.region)
    if members is not None:
        return _members(name, members)
    unit = registry.resolve(text, region_adcode=context.region, default_prefix=context.prefix)
    if unit is not None:
        context.carried = unit.level_prefix or context.carried
        return _found(unit, name, context)
    context.carried = vocabulary().explicit_prefix(text) or context.carried
    if _impossible(text, context.prefix):
        message = f"责任单位「{text}」在该行政层级不存在(州、市、县设局不设厅), 已按原文保留, 请核对"
        return [_verbatim(name)], ParseWarning("unit_impossible", message, name.span)
    return _repair_or_keep(name, context)


def _found(unit: ResolvedUnit, name: RawName, context: _Context) -> tuple[list[UnitRef], ParseWarning | None]:
    if unit.is_collective:  # a collective reached only through the carried prefix
        members = context.registry.expand_collective(unit.name, region_adcode=unit.region_adcode) or []
        return _members(name, members)
    return [_ref(unit, name)], None


def _members(name: RawName, members: list[ResolvedUnit]) -> tuple[list[UnitRef], ParseWarning | None]:
    if members:
        return [_ref(member, name, collective=name.text) for member in members], None
    message = f"「{name.text}」的成员单位未登记, 已作为一个单位保留, 请在审核时指定具体单位"
    return [_verbatim(name, collective=True)], ParseWarning("collective_unexpanded", message, name.span)


def _impossible(text: str, prefix: str) -> bool:
    """A 厅 below province level, printed (州商务厅) or implied by the carried prefix (州…、财政厅)."""
    vocab = vocabulary()
    if not text.endswith(tuple(vocab.province_only_suffixes)):
        return False
    printed = vocab.explicit_prefix(text)
    if printed is None and "省" in text:  # a province named in full: 云南省商务厅
        return False
    level = printed if printed is not None else prefix
    return bool(level) and level != "省"


def _repair_or_keep(name: RawName, context: _Context) -> tuple[list[UnitRef], ParseWarning | None]:
    unit = _one_character_lost(name.text, context)
    if unit is None:
        collective = vocabulary().is_collective_like(name.text)
        message = f"责任单位「{name.text}」未能在单位库中识别, 已按原文保留"
        return [_verbatim(name, collective=collective)], ParseWarning("unit_unresolved", message, name.span)
    message = f"责任单位「{name.text}」疑似缺字, 已按「{unit.name}」识别, 请核对"
    if unit.is_collective:
        members = context.registry.expand_collective(unit.name, region_adcode=unit.region_adcode) or []
        refs = [_ref(m, name, collective=unit.name) for m in members] or [_verbatim(name, collective=True)]
    else:
        refs = [_ref(unit, name)]
    return refs, ParseWarning("unit_repaired", message, name.span)


def _one_character_lost(text: str, context: _Context) -> ResolvedUnit | None:
    """The only unit of the document's lineage one of whose names is ``text`` with one character more."""
    if len(text) < _MIN_REPAIR_LENGTH:
        return None
    tree = context.registry
    lineage = [context.region, *(d.adcode for d in region_tree().ancestors(context.region))]
    fits = {
        unit.name: unit
        for code in lineage
        for unit in tree.units_of(code)
        if any(_drops_to(alias, text) for alias in (unit.name, unit.short_name, *unit.aliases))
    }
    return next(iter(fits.values())) if len(fits) == 1 else None


def _drops_to(longer: str, text: str) -> bool:
    """Whether deleting exactly one character of ``longer`` gives ``text``."""
    if len(longer) != len(text) + 1:
        return False
    index = next((i for i, (a, b) in enumerate(zip(longer, text, strict=False)) if a != b), len(text))
    return longer[index + 1 :] == text[index:]


def _dedupe(units: list[UnitRef]) -> list[UnitRef]:
    """Each unit once, in printed order; a unit named lead is not repeated as co."""
    leads = {u.name for u in units if u.role == "lead"}
    seen: set[tuple[str, str]] = set()
    kept = []
    for unit in units:
        key = (unit.name, unit.role)
        if key in seen or (unit.role == "co" and unit.name in leads):
            continue
        seen.add(key)
        kept.append(unit)
    return kept
