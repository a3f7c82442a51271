"""Measuring the plan parser against the gold files (see ``gold``): precision, recall, F1 and a report.

Matching: tasks by id; units as (task id, name) pairs per role, names NFKC-folded without blanks;
targets by task id + metric (exact or an alias, else one name containing the other) + value + unit, with
kind, operator, deadline (a bare year equals its ``-12-31``), firmness, value_high and base_year scored
as attribute accuracies on the matched pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from xinxiao.plans.parsing.gold import Gold, GoldTarget, GoldTask, GoldUnit, find_cases, fold, load_gold

__all__ = ["Gold", "GoldUnit", "evaluate", "evaluate_file", "find_cases", "fold", "load_gold", "report"]
from xinxiao.plans.parsing.model import ParsedPlan, Target

HEADER_FIELDS = ("title", "issuer", "doc_number", "issued_on", "region_adcode", "period")
TARGET_ATTRIBUTES = ("kind", "operator", "deadline", "firmness", "value_high", "base_year")


@dataclass(frozen=True)
class PRF:
    """True positives with the missed (false negative) and extra (false positive) items by name."""

    tp: int
    missed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    @property
    def fn(self) -> int:
        """False negatives: ``len(missed)``."""
        return len(self.missed)

    @property
    def fp(self) -> int:
        """False positives: ``len(extra)``."""
        return len(self.extra)

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was expected or found, 0.0 when only misses."""
        found = self.tp + self.fp
        return self.tp / found if found else float(self.fn == 0)

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected or found, 0.0 when only extras."""
        expected = self.tp + self.fn
        return self.tp / expected if expected else float(self.fp == 0)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Accuracy:
    """Correct out of total, with the wrong items by name."""

    correct: int
    total: int
    wrong: tuple[str, ...] = ()

    @property
    def value(self) -> float:
        """correct / total; 1.0 when there was nothing to check."""
        return self.correct / self.total if self.total else 1.0


@dataclass(frozen=True)
class Scores:
    """Precision/recall per measure and attribute accuracies on matched pairs."""

    tasks: PRF
    lead_units: PRF
    co_units: PRF
    units: PRF  # (task id, name) regardless of role
    targets: PRF
    header: PRF
    attributes: dict[str, Accuracy] = field(default_factory=dict)

    def measures(self) -> dict[str, PRF]:
        """The precision/recall measures by name, in report order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "attributes"}


def _compare(gold: Iterable[str], found: Iterable[str]) -> PRF:
    expected, got = Counter(gold), Counter(found)
    hits = expected & got
    return PRF(sum(hits.values()), tuple((expected - hits).elements()), tuple((got - hits).elements()))


def _active_tasks(parsed: ParsedPlan, gold: Gold) -> list[GoldTask]:
    present = {task.id for task in parsed.tasks}
    return [task for task in gold.tasks if not task.optional or task.id in present]


def _pairs(task_id: str, names: Iterable[str]) -> list[str]:
    return [f"{task_id} {fold(name)}" for name in names]


def _names(units: list[GoldUnit]) -> list[str]:
    names = [u.name for u in units if u.name is not None]
    if len(names) < len(units):
        raise ValueError("expand the gold's collectives first (load_gold or expand_gold)")
    return names


def _gold_role(unit: GoldUnit, pair: str, labelled: str, parsed: dict[str, set[str]]) -> str:
    """The role a gold unit is scored in: where the parse put it when the document names no role."""
    if unit.either_role:
        return next((role for role in ("lead", "co") if pair in parsed[role]), labelled)
    return labelled


def _accepted_pairs(unit: GoldUnit, pair: str, task_id: str, parsed: set[str]) -> list[str]:
    """The pair itself, or its ``or_units`` when the parse gives all of those instead."""
    instead = _pairs(task_id, unit.or_units)
    return instead if instead and pair not in parsed and parsed.issuperset(instead) else [pair]


def _unit_scores(parsed: ParsedPlan, tasks: list[GoldTask]) -> tuple[PRF, PRF, PRF]:
    lead = [p for t in parsed.tasks for p in _pairs(t.id, t.lead_units)]
    co = [p for t in parsed.tasks for p in _pairs(t.id, t.co_units)]
    found = {"lead": set(lead), "co": set(co)}
    gold: dict[str, list[str]] = {"lead": [], "co": []}
    for task in tasks:
        for role, units in (("lead", task.lead_units), ("co", task.co_units)):
            for unit, pair in zip(units, _pairs(task.id, _names(units)), strict=True):
                for scored in _accepted_pairs(unit, pair, task.id, found["lead"] | found["co"]):
                    gold[_gold_role(unit, scored, role, found)].append(scored)
    anyrole = _compare(set(gold["lead"] + gold["co"]), set(lead + co))
    return _compare(gold["lead"], lead), _compare(gold["co"], co), anyrole


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _metric_match(gold: GoldTarget, metric: str, *, exact: bool) -> bool:
    names = {fold(name) for name in (gold.metric, *gold.aliases)}
    found = fold(metric)
    if found in names or exact:
        return found in names
    return len(found) >= 2 and any(found in name or name in found for name in names)


def _key_match(gold: GoldTarget, target: Target, *, exact: bool) -> bool:
    return (
        gold.task_id == target.task_id
        and fold(gold.unit) == fold(target.unit)
        and _same_number(gold.value, target.value)
        and _metric_match(gold, target.metric, exact=exact)
    )


def _describe(target: GoldTarget | Target) -> str:
    return f"{target.task_id or '目标'} {target.metric} {target.value}{target.unit}"


def match_targets(gold: list[GoldTarget], found: list[Target]) -> list[tuple[GoldTarget, Target]]:
    """Pair gold and parsed targets one to one: exact metric names first, then containing names."""
    pairs: list[tuple[GoldTarget, Target]] = []
    free = list(found)
    for exact in (True, False):
        for item in [g for g in gold if all(g is not p[0] for p in pairs)]:
            hit = next((t for t in free if _key_match(item, t, exact=exact)), None)
            if hit is not None:
                pairs.append((item, hit))
                free.remove(hit)
    return pairs


def _same_deadline(a: str | None, b: str | None) -> bool:
    x, y = fold(a or ""), fold(b or "")
    return x == y or (x[:4].isdigit() and {x, y} == {x[:4], f"{x[:4]}-12-31"})


def _same(name: str, want: Any, got: Any) -> bool:
    if name == "deadline":
        return _same_deadline(want, got)
    return _same_number(want, got) if name == "value_high" else bool(want == got)


def _attribute(pairs: list[tuple[GoldTarget, Target]], name: str) -> Accuracy:
    values = [(gold, getattr(gold, name), getattr(found, name)) for gold, found in pairs]
    wrong = tuple(f"{_describe(g)}: {name} {want!r} ≠ {got!r}" for g, want, got in values if not _same(name, want, got))
    return Accuracy(len(pairs) - len(wrong), len(pairs), wrong)


def _target_scores(parsed: ParsedPlan, gold: Gold, tasks: list[GoldTask]) -> tuple[PRF, dict[str, Accuracy]]:
    active = {task.id for task in tasks}
    wanted = [t for t in gold.targets if t.task_id is None or t.task_id in active]
    pairs = match_targets(wanted, parsed.targets)
    matched_gold, matched_found = [id(g) for g, _ in pairs], [id(t) for _, t in pairs]
    missed = tuple(_describe(g) for g in wanted if id(g) not in matched_gold)
    extra = tuple(_describe(t) for t in parsed.targets if id(t) not in matched_found)
    return PRF(len(pairs), missed, extra), {f"target.{a}": _attribute(pairs, a) for a in TARGET_ATTRIBUTES}


def _accepted(value: str | list[str] | date | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, date):
        return [value.isoformat()]
    return [fold(v) for v in ([value] if isinstance(value, str) else value)]


def _header_scores(parsed: ParsedPlan, gold: Gold) -> PRF:
    tp, missed, extra = 0, [], []
    for name in HEADER_FIELDS:
        accepted, got = _accepted(getattr(gold.doc, name)), _accepted(getattr(parsed, name))
        if got and got[0] in accepted:
            tp += 1
            continue
        if accepted:
            missed.append(name)
        if got:
            extra.append(name)
    return PRF(tp, tuple(missed), tuple(extra))


def _title_accuracy(parsed: ParsedPlan, tasks: list[GoldTask]) -> Accuracy:
    titles = {task.id: task.title for task in parsed.tasks}
    matched = [task for task in tasks if task.id in titles]
    wrong = tuple(f"{t.id}: {t.title} ≠ {titles[t.id]}" for t in matched if fold(t.title) != fold(titles[t.id]))
    return Accuracy(len(matched) - len(wrong), len(matched), wrong)


def evaluate(parsed: ParsedPlan, gold: Gold) -> Scores:
    """Score a parsed plan against its gold labels.

    >>> from xinxiao.plans.parsing.model import Task, UnitRef
    >>> gold = Gold.model_validate({"tasks": [{"id": "二.(一)", "title": "促消费",
    ...     "lead_units": ["省商务厅"], "co_units": ["省财政厅", "省统计局"]}]})
    >>> units = [UnitRef("省商务厅", "省商务厅", "lead", True), UnitRef("省财政厅", "财政厅", "co", True)]
    >>> parsed = ParsedPlan(raw="", text="", tasks=[Task("二.(一)", "促消费", "", (0, 0), units=units)])
    >>> scores = evaluate(parsed, gold)
    >>> scores.tasks.f1, scores.lead_units.recall, scores.co_units.recall, scores.co_units.missed
    (1.0, 1.0, 0.5, ('二.(一) 省统计局',))
    """
    tasks = _active_tasks(parsed, gold)
    lead, co, anyrole = _unit_scores(parsed, tasks)
    targets, attributes = _target_scores(parsed, gold, tasks)
    attributes["task.title"] = _title_accuracy(parsed, tasks)
    return Scores(
        tasks=_compare([t.id for t in tasks], [t.id for t in parsed.tasks]),
        lead_units=lead,
        co_units=co,
        units=anyrole,
        targets=targets,
        header=_header_scores(parsed, gold),
        attributes=attributes,
    )


def report(scores: Scores) -> str:
    """A plain-text table of the scores.

    >>> print(report(Scores(*[PRF(3, ("a",), ())] * 6, attributes={"task.title": Accuracy(2, 3)})))
    measure         tp   fp   fn  precision  recall     f1
    tasks            3    0    1      1.000   0.750  0.857
    lead_units       3    0    1      1.000   0.750  0.857
    co_units         3    0    1      1.000   0.750  0.857
    units            3    0    1      1.000   0.750  0.857
    targets          3    0    1      1.000   0.750  0.857
    header           3    0    1      1.000   0.750  0.857
    attribute           correct  total  accuracy
    task.title                2      3     0.667
    """
    lines = [f"{'measure':<12}{'tp':>6}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}{'f1':>7}"]
    for name, prf in scores.measures().items():
        lines.append(
            f"{name:<12}{prf.tp:>6}{prf.fp:>5}{prf.fn:>5}{prf.precision:>11.3f}{prf.recall:>8.3f}{prf.f1:>7.3f}"
        )
    lines.append(f"{'attribute':<18}{'correct':>9}{'total':>7}{'accuracy':>10}")
    for name, acc in scores.attributes.items():
        lines.append(f"{name:<18}{acc.correct:>9}{acc.total:>7}{acc.value:>10.3f}")
    return "\n".join(lines)


def evaluate_file(text_path: str | Path, gold_path: str | Path, parse: Callable[[str], ParsedPlan]) -> Scores:
    """Parse a document with ``parse`` and score it against a gold file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "a.txt").write_text("正文", "utf-8")
    ...     _ = (Path(tmp) / "a.gold.json").write_text('{"doc": {"title": "标题"}}', "utf-8")
    ...     scores = evaluate_file(Path(tmp) / "a.txt", Path(tmp) / "a.gold.json",
    ...                            lambda text: ParsedPlan(raw=text, text=text, title="标题"))
    >>> scores.header.precision, scores.tasks.recall
    (1.0, 1.0)
    """
    return evaluate(parse(Path(text_path).read_text("utf-8")), load_gold(gold_path))
