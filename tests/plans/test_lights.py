"""Task status and 红/黄/绿 lights: every rule, their precedence, and rules changed as data."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from xinxiao.plans.lights import LightRules, TaskState, evaluate_light, load_rules, task_status

TODAY = date(2024, 7, 1)
JAN1, DEC31 = date(2024, 1, 1), date(2024, 12, 31)  # 182 days elapsed of 365 on TODAY: 49.86 %
RECENT = date(2024, 6, 25)

# Default rules (data/lights.yaml 2024.1): near 30 days / 80 %, behind 15 / 40 points, stale 45, ongoing 90.
CASES: list[tuple[str, TaskState, str, str, list[str]]] = [
    (
        "done beats a passed deadline and silence",
        TaskState(status="done", start=JAN1, deadline=date(2024, 3, 1), percent_done=60),
        "green",
        "done",
        ["任务已完成"],
    ),
    (
        "ongoing, reported recently",
        TaskState(status="ongoing", start=JAN1, last_report_on=date(2024, 6, 1)),
        "green",
        "ongoing",
        ["长期任务, 持续推进"],
    ),
    (
        "ongoing flag beats a passed deadline",
        TaskState(status="in_progress", deadline=date(2024, 3, 1), last_report_on=RECENT, ongoing=True),
        "green",
        "ongoing",
        ["长期任务, 持续推进"],
    ),
    (
        "ongoing, silent beyond 90 days",
        TaskState(status="ongoing", last_report_on=date(2024, 3, 1)),
        "yellow",
        "ongoing",
        ["已122天未报送进展(最近一次2024-03-01, 超过90天)"],
    ),
    (
        "ongoing, silent 60 days is within the ongoing limit",
        TaskState(status="ongoing", last_report_on=date(2024, 5, 2)),
        "green",
        "ongoing",
        ["长期任务, 持续推进"],
    ),
    (
        "overdue by a day",
        TaskState(status="in_progress", start=JAN1, deadline=date(2024, 6, 30), percent_done=50, last_report_on=RECENT),
        "red",
        "overdue",
        ["已逾期1天(完成时限2024-06-30), 进度50%"],
    ),
    (
        "overdue and stale lists both",
        TaskState(start=JAN1, deadline=date(2024, 6, 1), percent_done=50, last_report_on=date(2024, 5, 1)),
        "red",
        "overdue",
        ["已逾期30天(完成时限2024-06-01), 进度50%", "已61天未报送进展(最近一次2024-05-01, 超过45天)"],
    ),
    (
        "deadline today is not overdue",
        TaskState(start=JAN1, deadline=TODAY, percent_done=90, last_report_on=RECENT),
        "green",
        "in_progress",
        [],
    ),
    (
        "near deadline and below the floor",
        TaskState(deadline=date(2024, 7, 20), percent_done=70, last_report_on=RECENT),
        "yellow",
        "in_progress",
        ["距完成时限2024-07-20还有19天, 进度70%低于80%"],
    ),
    (
        "near deadline but far enough along",
        TaskState(deadline=date(2024, 7, 20), percent_done=85, last_report_on=RECENT),
        "green",
        "in_progress",
        [],
    ),
    (
        "31 days left is not near",
        TaskState(deadline=date(2024, 8, 1), percent_done=10, last_report_on=RECENT),
        "green",
        "in_progress",
        [],
    ),
    (
        "behind the path: yellow",
        TaskState(start=JAN1, deadline=DEC31, percent_done=30, last_report_on=RECENT),
        "yellow",
        "in_progress",
        ["进度30%落后于时间进度49.9%, 差19.9个百分点(超过15个百分点)"],
    ),
    (
        "far behind the path: red",
        TaskState(start=JAN1, deadline=DEC31, percent_done=5, last_report_on=RECENT),
        "red",
        "in_progress",
        ["进度5%落后于时间进度49.9%, 差44.9个百分点(超过40个百分点)"],
    ),
    (
        "slightly behind is fine",
        TaskState(start=JAN1, deadline=DEC31, percent_done=40, last_report_on=RECENT),
        "green",
        "in_progress",
        [],
    ),
    (
        "stale report",
        TaskState(status="in_progress", start=JAN1, deadline=DEC31, percent_done=50, last_report_on=date(2024, 5, 1)),
        "yellow",
        "in_progress",
        ["已61天未报送进展(最近一次2024-05-01, 超过45天)"],
    ),
    (
        "never reported since the start: behind (red) and stale (yellow), red wins",
        TaskState(start=JAN1, deadline=DEC31),
        "red",
        "not_started",
        ["进度0%落后于时间进度49.9%, 差49.9个百分点(超过40个百分点)", "开始182天仍无进展报告(超过45天)"],
    ),
    (
        "near deadline and behind: both yellow reasons",
        TaskState(start=JAN1, deadline=date(2024, 7, 20), percent_done=70, last_report_on=RECENT),
        "yellow",
        "in_progress",
        ["距完成时限2024-07-20还有19天, 进度70%低于80%", "进度70%落后于时间进度90.5%, 差20.5个百分点(超过15个百分点)"],
    ),
    ("starts later", TaskState(start=date(2024, 9, 1), deadline=DEC31), "green", "not_started", []),
    ("nothing known", TaskState(), "green", "not_started", []),
]


@pytest.mark.parametrize(("name", "task", "light", "status", "reasons"), CASES, ids=[case[0] for case in CASES])
def test_rules_and_precedence(name: str, task: TaskState, light: str, status: str, reasons: list[str]) -> None:
    result = evaluate_light(task, today=TODAY)
    assert (result.light, result.status, result.reasons) == (light, status, reasons), name
    assert result.rules_version == "2024.1"


@pytest.mark.parametrize(
    ("task", "status"),
    [
        (TaskState(), "not_started"),
        (TaskState(status="in_progress"), "in_progress"),
        (TaskState(percent_done=1), "in_progress"),
        (TaskState(last_report_on=RECENT), "in_progress"),
        (TaskState(status="done", deadline=date(2020, 1, 1)), "done"),
        (TaskState(status="ongoing"), "ongoing"),
        (TaskState(ongoing=True), "ongoing"),
        (TaskState(status="overdue", deadline=DEC31, percent_done=20), "in_progress"),  # deadline moved
        (TaskState(status="overdue", deadline=DEC31), "not_started"),  # 逾期 is derived from dates, not kept
        (TaskState(status="not_started", deadline=date(2024, 6, 30)), "overdue"),
    ],
)
def test_task_status(task: TaskState, status: str) -> None:
    assert task_status(task, today=TODAY) == status


def test_packaged_rules() -> None:
    rules = load_rules()
    assert rules.version == "2024.1"
    assert rules.effective_from == date(2024, 1, 1)
    assert rules.statuses == {
        "not_started": "未启动",
        "in_progress": "推进中",
        "done": "已完成",
        "ongoing": "长期",
        "overdue": "逾期",
    }
    assert evaluate_light(TaskState(status="done"), today=TODAY).status_label == "已完成"


def test_custom_rules_change_the_outcome() -> None:
    task = TaskState(start=JAN1, deadline=DEC31, percent_done=30, last_report_on=date(2024, 6, 1))
    assert evaluate_light(task, today=TODAY).light == "yellow"
    strict = load_rules().model_copy(update={"version": "strict", "behind_margin": 5, "behind_red_margin": 10})
    result = evaluate_light(task, today=TODAY, rules=strict)
    assert (result.light, result.rules_version) == ("red", "strict")
    lax = load_rules().model_copy(update={"behind_margin": 25, "behind_red_margin": 50, "stale_days": 20})
    assert evaluate_light(task, today=TODAY, rules=lax).reasons == ["已30天未报送进展(最近一次2024-06-01, 超过20天)"]


def test_rules_from_a_yaml_file(tmp_path: Path) -> None:
    data = yaml.safe_load(resources.files("xinxiao.plans").joinpath("data/lights.yaml").read_text("utf-8"))
    data |= {"version": "2025.1", "effective_from": "2025-01-01", "near_deadline_days": 60}
    data["statuses"]["overdue"] = "已逾期"
    path = tmp_path / "lights.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rules = load_rules(path)
    task = TaskState(deadline=date(2024, 8, 15), percent_done=50, last_report_on=RECENT)
    assert evaluate_light(task, today=TODAY).light == "green"
    result = evaluate_light(task, today=TODAY, rules=rules)
    assert (result.light, result.rules_version) == ("yellow", "2025.1")
    assert evaluate_light(TaskState(deadline=RECENT), today=TODAY, rules=rules).status_label == "已逾期"


@pytest.mark.parametrize(
    "change",
    [
        {"behind_margin": 50, "behind_red_margin": 40},  # red threshold below yellow
        {"statuses": {"done": "已完成"}},  # labels missing
        {"stale_days": 0},
        {"near_deadline_min_progress": 120},
        {"surprise": 1},  # unknown key
    ],
)
def test_invalid_rules_are_rejected(change: dict[str, object]) -> None:
    data = load_rules().model_dump() | change
    with pytest.raises(ValidationError):
        LightRules.model_validate(data)


@given(
    percent=st.floats(min_value=0, max_value=100),
    start_offset=st.integers(min_value=-400, max_value=400),
    length=st.integers(min_value=1, max_value=800),
    report_age=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_more_progress_never_worsens_the_light(
    percent: float, start_offset: int, length: int, report_age: int | None
) -> None:
    start = date.fromordinal(TODAY.toordinal() + start_offset)
    deadline = date.fromordinal(start.toordinal() + length)
    report = None if report_age is None else date.fromordinal(TODAY.toordinal() - report_age)
    order = {"green": 0, "yellow": 1, "red": 2}
    less = evaluate_light(
        TaskState(start=start, deadline=deadline, percent_done=percent, last_report_on=report), today=TODAY
    )
    more = evaluate_light(
        TaskState(start=start, deadline=deadline, percent_done=100, last_report_on=report), today=TODAY
    )
    assert order[more.light] <= order[less.light]
    assert len(less.reasons) >= (less.light != "green")
