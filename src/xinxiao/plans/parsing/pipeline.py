"""``parse_plan``: normalise, split the document, build the section tree, then tasks, units and targets."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterator, Mapping

from xinxiao.plans.parsing.model import ParsedPlan, ParseWarning, Section, Span, Target, Task
from xinxiao.plans.parsing.normalize import Normalized, normalize
from xinxiao.plans.parsing.regions import detect_region
from xinxiao.plans.parsing.responsibility import Clause, find_clauses, resolve_units
from xinxiao.plans.parsing.structure import build_sections, split_parts
from xinxiao.plans.parsing.targets import extract_targets, find_metric_aliases

GOAL_WORDS = ("目标", "总体要求")
SUBTASK_SUFFIXES = "abcdefghijklmnopqrstuvwxyz"


def parse_plan(raw: str, *, region_adcode: str | None = None, first_is_lead: bool = True) -> ParsedPlan:
    """Parse a policy document's text; never raises (an internal failure becomes a warning).

    ``region_adcode`` is the issuing region (detected from the issuer or title when omitted);
    ``first_is_lead`` makes the first unit of a list without 牵头 the lead unit.
    """
    try:
        return _parse(raw, region_adcode=region_adcode, first_is_lead=first_is_lead)
    except Exception as exc:  # the parser must never fail a user's import; the warning says what broke
        plan = ParsedPlan(raw=raw, text=raw)
        plan.warnings.append(ParseWarning("internal_error", f"解析器内部错误, 结果不完整: {type(exc).__name__}: {exc}"))
        return plan


def _parse(raw: str, *, region_adcode: str | None, first_is_lead: bool) -> ParsedPlan:
    doc = normalize(raw)
    parts = split_parts(doc)
    region = region_adcode or detect_region(parts.issuer, parts.title, doc.metadata.get("来源"), doc.text[:400])
    sections, warnings = build_sections(doc, parts)
    plan = ParsedPlan(
        raw=raw,
        text=doc.text,
        title=parts.title,
        issuer=parts.issuer,
        doc_number=parts.doc_number,
        issued_on=parts.issued_on,
        recipients=list(parts.recipients),
        period=parts.period,
        region_adcode=region,
        preamble=_slice_raw(raw, parts.preamble),
        sections=sections,
        attachments=list(parts.attachments),
        warnings=list(warnings),
        normalisation=list(doc.steps),
    )
    if region is None:
        plan.warnings.append(ParseWarning("region_unknown", "未能识别发文地区, 责任单位无法按地区解析"))
    locator = _Locator(doc)
    aliases = find_metric_aliases(doc.text)
    for node in _walk(sections):
        if _is_goal_section(node):
            plan.targets.extend(_targets(node, locator, aliases, task_id=None))
        tasks = _tasks_of(node, locator, aliases, region=region, first_is_lead=first_is_lead)
        plan.tasks.extend(tasks)
        plan.targets.extend(t for task in tasks for t in task.targets)
    return plan


def _slice_raw(raw: str, span: Span | None) -> str:
    return raw[span[0] : span[1]].strip() if span else ""


def _walk(sections: list[Section]) -> Iterator[Section]:
    for node in sections:
        yield node
        yield from _walk(node.children)


def _is_goal_section(node: Section) -> bool:
    return node.level == 1 and any(word in node.title for word in GOAL_WORDS)


class _Locator:
    """Maps offsets inside a section's normalised text to raw offsets."""

    def __init__(self, doc: Normalized) -> None:
        self.doc = doc
        self._raw_of = [doc.to_raw(i) for i in range(len(doc.text) + 1)]

    def start_of(self, node: Section) -> int:
        """Offset of ``node.text`` in the normalised text (searched from the node's raw start)."""
        approx = bisect.bisect_left(self._raw_of, node.span[0])
        found = self.doc.text.find(node.text, max(0, approx - 8))
        return found if found >= 0 else approx

    def raw(self, base: int, start: int, end: int) -> Span:
        """The raw span of ``[start, end)`` inside a text that begins at normalised offset ``base``."""
        return self.doc.span(base + start, base + end)


def _targets(node: Section, locator: _Locator, aliases: Mapping[str, str], *, task_id: str | None) -> list[Target]:
    base = locator.start_of(node)
    found = []
    for target in extract_targets(node.text, aliases=aliases):
        span = locator.raw(base, *target.span)
        found.append(dataclasses.replace(target, span=span, task_id=task_id))
    return found


def _tasks_of(
    node: Section, locator: _Locator, aliases: Mapping[str, str], *, region: str | None, first_is_lead: bool
) -> list[Task]:
    clauses = find_clauses(node.text, first_is_lead=first_is_lead)
    if not clauses:
        return []
    base = locator.start_of(node)
    tasks = []
    previous_end = 0
    for index, clause in enumerate(clauses):
        task_id = node.path if len(clauses) == 1 else f"{node.path}-{SUBTASK_SUFFIXES[index % 26]}"
        text = node.text if len(clauses) == 1 else node.text[previous_end : clause.end]
        offset = 0 if len(clauses) == 1 else previous_end
        task = Task(
            id=task_id,
            title=node.title,
            text=text.strip(),
            span=node.span if len(clauses) == 1 else locator.raw(base, previous_end, clause.end),
        )
        _fill(task, clause, node, locator, base, offset, aliases, region)
        tasks.append(task)
        previous_end = clause.end
    return tasks


def _fill(
    task: Task,
    clause: Clause,
    node: Section,
    locator: _Locator,
    base: int,
    offset: int,
    aliases: Mapping[str, str],
    region: str | None,
) -> None:
    units, warnings = resolve_units(clause, region_adcode=region or "")
    task.units = [dataclasses.replace(u, span=locator.raw(base, *u.span) if u.span else None) for u in units]
    task.warnings = [dataclasses.replace(w, span=locator.raw(base, *w.span) if w.span else None) for w in warnings]
    if clause.truncated:
        task.warnings.append(
            ParseWarning(
                "clause_truncated",
                "责任分工括注不完整(原文被截断), 已保留可识别的单位",
                locator.raw(base, clause.start, clause.end),
            )
        )
    for target in extract_targets(task.text, aliases=aliases):
        start, end = target.span
        task.targets.append(
            dataclasses.replace(target, span=locator.raw(base, offset + start, offset + end), task_id=task.id)
        )
