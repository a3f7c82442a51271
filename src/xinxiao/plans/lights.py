"""Task status (未启动/推进中/已完成/长期/逾期) and its 红/黄/绿 light, from rules kept in ``data/lights.yaml``.

Pure functions, no database. Days are calendar days, not working days: plan deadlines are calendar dates
(``2022年底前``) and a holiday more or less against a 30-day threshold does not change what to do.

Precedence: 已完成 is green and nothing else is checked; 长期 is green unless reports have gone stale
(yellow); 逾期 is red (a stale report is still listed); otherwise near-deadline, behind-path and stale-report
rules are all checked and the light is the worst of those that fired. Every rule that fired adds a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

StatusCode = Literal["not_started", "in_progress", "done", "ongoing", "overdue"]
Light = Literal["green", "yellow", "red"]

_STATUS_CODES: tuple[StatusCode, ...] = ("not_started", "in_progress", "done", "ongoing", "overdue")
_SEVERITY: dict[Light, int] = {"green": 0, "yellow": 1, "red": 2}
_Fired = tuple[Light, str]


class LightRules(BaseModel):
    """The thresholds behind the lights, versioned (``version``, ``effective_from``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    effective_from: date
    statuses: dict[StatusCode, str]  # code → Chinese label
    near_deadline_days: int = Field(ge=0)
    near_deadline_min_progress: float = Field(ge=0, le=100)
    behind_margin: float = Field(ge=0, le=100)
    behind_red_margin: float = Field(ge=0, le=100)
    stale_days: int = Field(gt=0)
    ongoing_stale_days: int = Field(gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        missing = [code for code in _STATUS_CODES if code not in self.statuses]
        if missing:
            raise ValueError(f"statuses lacks labels for {missing}")
        if self.behind_red_margin < self.behind_margin:
            raise ValueError("behind_red_margin must be at least behind_margin")
        return self


@dataclass(frozen=True)
class TaskState:
    """What the light needs to know about a task: recorded status, dates, progress, last report."""

    status: StatusCode = "not_started"
    start: date | None = None
    deadline: date | None = None
    percent_done: float = 0.0
    last_report_on: date | None = None
    ongoing: bool = False


@dataclass(frozen=True)
class LightResult:
    """A task's light, its derived status, the reasons (one per rule that fired) and the rules version."""

    light: Light
    status: StatusCode
    status_label: str
    reasons: list[str]
    rules_version: str


def load_rules(path: str | Path | None = None) -> LightRules:
    """Read and validate light rules from ``path``, or the packaged ``data/lights.yaml``.

    >>> rules = load_rules()
    >>> rules.statuses["overdue"], rules.near_deadline_days
    ('逾期', 30)
    """
    if path is None:
        text = resources.files("xinxiao.plans").joinpath("data/lights.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return LightRules.model_validate(yaml.safe_load(text))


@cache
def _default_rules() -> LightRules:
    return load_rules()


def task_status(task: TaskState, *, today: date) -> StatusCode:
    """Derive the status: done and 长期 as recorded, 逾期 once the deadline day has passed, else by progress.

    >>> task_status(TaskState(status="in_progress", deadline=date(2024, 6, 30)), today=date(2024, 7, 1))
    'overdue'
    >>> task_status(TaskState(percent_done=10), today=date(2024, 7, 1))
    'in_progress'
    """
    if task.status == "done":
        return "done"
    if task.ongoing or task.status == "ongoing":
        return "ongoing"
    if task.deadline is not None and today > task.deadline:
        return "overdue"
    if task.status == "in_progress" or task.percent_done > 0 or task.last_report_on is not None:
        return "in_progress"
    return "not_started"


def evaluate_light(task: TaskState, *, today: date, rules: LightRules | None = None) -> LightResult:
    """The 红/黄/绿 light of a task on ``today``, with a reason for every rule that fired.

    >>> task = TaskState(status="in_progress", start=date(2024, 1, 1), deadline=date(2024, 12, 31),
    ...                  percent_done=20, last_report_on=date(2024, 12, 10))
    >>> result = evaluate_light(task, today=date(2024, 12, 15))
    >>> result.light, result.status_label
    ('red', '推进中')
    >>> result.reasons[0]
    '距完成时限2024-12-31还有16天, 进度20%低于80%'
    """
    rules = rules or _default_rules()
    status = task_status(task, today=today)
    fired = _fired(task, status, today, rules)
    return LightResult(_worst(fired), status, rules.statuses[status], [reason for _, reason in fired], rules.version)


def _fired(task: TaskState, status: StatusCode, today: date, rules: LightRules) -> list[_Fired]:
    if status == "done":
        return [("green", "任务已完成")]
    if status == "ongoing":
        return _stale(task, today, rules.ongoing_stale_days) or [("green", "长期任务, 持续推进")]
    if status == "overdue":
        return [*_overdue(task, today), *_stale(task, today, rules.stale_days)]
    return [*_near_deadline(task, today, rules), *_behind(task, today, rules), *_stale(task, today, rules.stale_days)]


def _worst(fired: list[_Fired]) -> Light:
    worst: Light = "green"
    for light, _ in fired:
        if _SEVERITY[light] > _SEVERITY[worst]:
            worst = light
    return worst


def _overdue(task: TaskState, today: date) -> list[_Fired]:
    if task.deadline is None:
        return []
    days = (today - task.deadline).days
    return [("red", f"已逾期{days}天(完成时限{task.deadline.isoformat()}), 进度{_pct(task.percent_done)}")]


def _near_deadline(task: TaskState, today: date, rules: LightRules) -> list[_Fired]:
    if task.deadline is None:
        return []
    left = (task.deadline - today).days
    if not 0 <= left <= rules.near_deadline_days or task.percent_done >= rules.near_deadline_min_progress:
        return []
    floor = _pct(rules.near_deadline_min_progress)
    return [("yellow", f"距完成时限{task.deadline.isoformat()}还有{left}天, 进度{_pct(task.percent_done)}低于{floor}")]


def _behind(task: TaskState, today: date, rules: LightRules) -> list[_Fired]:
    if task.start is None or task.deadline is None or task.deadline <= task.start or today < task.start:
        return []
    elapsed = min(1.0, (today - task.start).days / (task.deadline - task.start).days) * 100
    gap = elapsed - task.percent_done
    if gap <= rules.behind_margin:
        return []
    light: Light = "red" if gap > rules.behind_red_margin else "yellow"
    limit = rules.behind_red_margin if light == "red" else rules.behind_margin
    text = f"进度{_pct(task.percent_done)}落后于时间进度{_pct(elapsed)}, 差{gap:.1f}个百分点(超过{limit:g}个百分点)"
    return [(light, text)]


def _stale(task: TaskState, today: date, limit: int) -> list[_Fired]:
    since = task.last_report_on or task.start
    if since is None or (today - since).days <= limit:
        return []
    days = (today - since).days
    if task.last_report_on is None:
        return [("yellow", f"开始{days}天仍无进展报告(超过{limit}天)")]
    return [("yellow", f"已{days}天未报送进展(最近一次{since.isoformat()}, 超过{limit}天)")]


def _pct(value: float) -> str:
    return f"{round(value, 1):g}%"
