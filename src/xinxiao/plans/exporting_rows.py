"""Rows of the 任务分工表 (task division table) built from a parsed plan: pure data, no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from xinxiao.plans.parsing import ParsedPlan, Target, Task

STATUSES: tuple[str, ...] = ("未启动", "推进中", "已完成", "长期", "逾期")
"""The status labels a task may carry, in the order the dropdown offers them."""

DEFAULT_STATUS = "未启动"

# Top-level sections whose items are general duties rather than 重点任务 (the table lists key tasks).
SAFEGUARD_HEADINGS: tuple[str, ...] = ("保障措施", "保障机制", "组织保障", "组织实施", "工作要求", "实施保障")

_KIND_VERB = {"annual_growth": "年均增长", "yoy_growth": "同比增长", "share": "占比", "coverage": "达到"}
_OP_PREFIX = {">": "超过", "<": "低于"}
_OP_SUFFIX = {"~": "左右", ">=": "以上", "<=": "以内"}
_FIRMNESS = {"must": "确保", "strive": "力争", "aim": "争取", "plain": ""}
_FIVE_YEAR_PLANS = {"十三五": 2020, "十四五": 2025, "十五五": 2030}


@dataclass(frozen=True)
class DivisionRow:
    """One row of the 任务分工表: a task with its units, deadline, targets and status."""

    seq: int
    task_id: str
    task: str
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline: str | None = None
    targets: str = ""
    status: str = DEFAULT_STATUS


def division_rows_from_plan(
    plan: ParsedPlan, *, with_text: bool = False, include_safeguards: bool = False
) -> list[DivisionRow]:
    """Build the table's rows from a parsed plan, one per task, status 未启动.

    Tasks under a 保障措施-like top-level section are left out unless ``include_safeguards``.

    >>> from xinxiao.plans.parsing import Task, UnitRef
    >>> task = Task(id="二.(一).1", title="丰富文旅消费", text="1.丰富文旅消费。", span=(0, 8),
    ...     units=[UnitRef(name="州文化和旅游局", raw="州文化和旅游局", role="lead", resolved=True)])
    >>> rows = division_rows_from_plan(ParsedPlan(raw="", text="", period="2022—2024年", tasks=[task]))
    >>> rows[0].seq, rows[0].lead_units, rows[0].deadline, rows[0].status
    (1, ['州文化和旅游局'], '2024年底', '未启动')
    """
    skipped = set() if include_safeguards else _safeguard_paths(plan)
    tasks = [t for t in plan.tasks if t.id.split(".")[0] not in skipped]
    return [_row(seq, task, plan.period, with_text=with_text) for seq, task in enumerate(tasks, start=1)]


def _safeguard_paths(plan: ParsedPlan) -> set[str]:
    """Path ids of the top-level sections that hold safeguard measures."""
    return {s.path for s in plan.sections if any(word in s.title for word in SAFEGUARD_HEADINGS)}


def _row(seq: int, task: Task, period: str | None, *, with_text: bool) -> DivisionRow:
    return DivisionRow(
        seq=seq,
        task_id=task.id,
        task=task.text.strip() if with_text and task.text.strip() else task.title,
        lead_units=list(task.lead_units),
        co_units=list(task.co_units),
        deadline=task_deadline(task.targets, period=period),
        targets=summarise_targets(task.targets),
    )


def task_deadline(targets: Sequence[Target], *, period: str | None) -> str | None:
    """The 完成时限 of a task: the latest deadline of its targets, else the end of the plan period.

    >>> task_deadline([], period="2022—2024年")
    '2024年底'
    >>> task_deadline([], period=None) is None
    True
    """
    deadlines = [t.deadline for t in targets if t.deadline]
    if deadlines:
        return format_deadline(max(deadlines, key=_deadline_year))
    years = re.findall(r"\d{4}", period or "")
    return f"{years[-1]}年底" if years else None


def format_deadline(deadline: str) -> str:
    """Write a target deadline ("2024", "2022-12-31", "十四五") the way a 分工表 prints it.

    >>> [format_deadline(d) for d in ("2024", "2022-12-31", "十四五")]
    ['2024年底', '2022-12-31', '“十四五”期间']
    """
    if re.fullmatch(r"\d{4}", deadline):
        return f"{deadline}年底"
    if deadline in _FIVE_YEAR_PLANS:
        return f"“{deadline}”期间"
    return deadline


def _deadline_year(deadline: str) -> int:
    match = re.match(r"\d{4}", deadline)
    return int(match.group()) if match else _FIVE_YEAR_PLANS.get(deadline, 0)


def summarise_targets(targets: Sequence[Target]) -> str:
    """A readable summary of targets, joined by "; ".

    >>> from xinxiao.plans.parsing import Target
    >>> summarise_targets([
    ...     Target(metric="社零额", kind="annual_growth", operator="~", value=6.0, unit="%", text="", span=(0, 0)),
    ...     Target(metric="网络零售额", kind="level", operator="=", value=1.82, unit="亿元", text="", span=(0, 0)),
    ... ])
    '社零额年均增长6%左右; 网络零售额1.82亿元'
    """
    return "; ".join(summarise_target(t) for t in targets)


def summarise_target(target: Target) -> str:
    """One target as a short phrase: firmness, scope, metric, kind, value and unit.

    >>> from xinxiao.plans.parsing import Target
    >>> summarise_target(Target(metric="示范基地", kind="count", operator=">=", value=1.0, unit="个",
    ...     text="", span=(0, 0), firmness="aim", scope="每个县(市)"))
    '争取每个县(市)示范基地1个以上'
    """
    scope = target.scope if target.scope and not target.scope.startswith("全") else ""
    head = f"{_FIRMNESS[target.firmness]}{scope}"
    if target.value is None:
        start = target.text.find(target.metric)
        return head + (target.text[start:] if start >= 0 else target.metric)
    return f"{head}{target.metric}{_KIND_VERB.get(target.kind, '')}{_amount(target)}"


def _amount(target: Target) -> str:
    value = _number(target.value)
    if target.operator == "range" and target.value_high is not None:
        return f"{value}-{_number(target.value_high)}{target.unit}"
    return f"{_OP_PREFIX.get(target.operator, '')}{value}{target.unit}{_OP_SUFFIX.get(target.operator, '')}"


def _number(value: float | None) -> str:
    """6.0 → "6", 1.82 → "1.82"."""
    return "" if value is None else f"{value:.12g}"
