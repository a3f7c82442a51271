"""Reporting forms (填报): definitions, assignments, validated submissions, the late flag and 报送率."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from support import principal, uscc
from xinxiao.core import AuditEntry, Conflict, InvalidInput, NotFound, PermissionDenied, Principal, Role, Scope
from xinxiao.core import frozen_clock as frozen
from xinxiao.plans import forms
from xinxiao.plans.form_models import FieldSpec, ReportForm
from xinxiao.reference import find_unit

ANALYST = principal("533400")


def _spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "code": "test-monthly",
        "name": "测试月报",
        "period": "monthly",
        "due_day": 10,
        "starts": "2024-01",
        "region_adcode": "533400",
        "fields": [
            {"key": "bags", "label": "塑料袋使用量", "type": "int", "min": 0, "unit": "个"},
            {"key": "amount", "label": "采购金额", "type": "decimal", "min": 0, "max": 1000},
            {"key": "platform", "label": "平台名称", "type": "choice", "choices": ["甲平台", "其他"]},
            {"key": "day", "label": "统计日期", "type": "date", "required": False},
            {"key": "ok", "label": "已开展", "type": "bool", "required": False},
            {"key": "notes", "label": "说明", "type": "text", "required": False},
        ],
    }
    return spec | overrides


def _officer(session: Session, unit_name: str) -> Principal:
    unit = find_unit(session, name=unit_name, region_adcode="533400")
    return Principal(user_id=None, username=unit_name, role=Role.officer, scope=Scope("533400"), unit_id=unit.id)


def _assigned(session: Session, *units: str) -> tuple[ReportForm, list[int]]:
    form = forms.define_form(session, actor=ANALYST, spec=_spec())
    ids = [find_unit(session, name=name, region_adcode="533400").id for name in units]
    assignments = forms.assign(session, actor=ANALYST, form_id=form.id, unit_ids=ids)
    return form, [a.id for a in assignments]


VALID = {"bags": "120", "amount": "3.5", "platform": "甲平台"}


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=4, tzinfo=UTC)


def test_define_and_read_a_form_in_scope(session: Session) -> None:
    form = forms.define_form(session, actor=ANALYST, spec=_spec())
    assert [f.key for f in form.field_specs][:2] == ["bags", "amount"]
    assert [f.id for f in forms.list_forms(session, actor=ANALYST)] == [form.id]
    assert forms.list_forms(session, actor=principal("420000")) == []
    for outsider in ("420000", "533422"):
        with pytest.raises(NotFound):
            forms.get_form(session, actor=principal(outsider), form_id=form.id)
    with pytest.raises(Conflict):
        forms.define_form(session, actor=ANALYST, spec=_spec())
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "plans_report_form")).first()
    assert entry is not None and entry.action == "define_form"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"period": "weekly"}, "period"),
        ({"due_day": 31}, "due_day"),
        ({"fields": []}, "fields"),
        ({"fields": [{"key": "x", "label": "选项", "type": "choice"}]}, "choices"),
        ({"starts": "2024-Q1"}, "格式不符"),
        ({"region_adcode": "420000"}, "管辖范围"),
    ],
)
def test_invalid_definitions_are_refused(session: Session, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        forms.define_form(session, actor=ANALYST, spec=_spec(**overrides))


def test_officers_may_not_define_forms(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        forms.define_form(session, actor=_officer(session, "州商务局"), spec=_spec())


def test_example_forms_load_once_per_region(session: Session) -> None:
    loaded = forms.load_example_forms(session, actor=ANALYST, region_adcode="533400")
    assert {f.name for f in loaded} == {"一次性塑料制品使用报告", "消费帮扶采购"}
    plastic = next(f for f in loaded if f.period == "monthly")
    assert plastic.due_day == 10 and plastic.task_key == "二.(二).4"
    assert [f.label for f in plastic.field_specs][:2] == ["不可降解塑料袋使用量", "一次性塑料餐具使用量"]
    purchase = next(f for f in loaded if f.period == "quarterly")
    platform = next(f for f in purchase.field_specs if f.key == "platform")
    assert platform.choices == ["湖北省消费帮扶公共服务平台", "其他"]
    again = forms.load_example_forms(session, actor=ANALYST, region_adcode="533400")
    assert {f.id for f in again} == {f.id for f in loaded}


def test_assign_units_and_enterprises(session: Session) -> None:
    form, ids = _assigned(session, "州商务局", "州财政局")
    again = forms.assign(
        session,
        actor=ANALYST,
        form_id=form.id,
        unit_ids=[find_unit(session, name="州商务局", region_adcode="533400").id],
        enterprises=[(uscc("533401", 7), "香格里拉某超市")],
    )
    assert again[0].id == ids[0] and again[1].enterprise_uscc == uscc("533401", 7)
    assert len(form.assignments) == 3
    with pytest.raises(InvalidInput, match="登记地"):
        forms.assign(session, actor=ANALYST, form_id=form.id, enterprises=[(uscc("420100", 1), "武汉企业")])
    with pytest.raises(InvalidInput, match="无效"):
        forms.assign(session, actor=ANALYST, form_id=form.id, enterprises=[("91533400MA00000000", "x")])


def test_a_valid_submission_is_stored_converted_and_audited(session: Session) -> None:
    _, (mine, _) = _assigned(session, "州商务局", "州财政局")
    with frozen(_at("2024-03-05")):
        row = forms.submit(
            session, actor=_officer(session, "州商务局"), assignment_id=mine, period="2024-02", values=VALID
        )
    assert row.values == {"bags": 120, "amount": 3.5, "platform": "甲平台", "ok": False}
    assert row.late is False
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "plans_form_submission")).first()
    assert entry is not None and entry.action == "submit_form"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": "1", "platform": "甲平台"}, "bags", "「塑料袋使用量」为必填项"),
        ({**VALID, "bags": "12.5"}, "bags", "「塑料袋使用量」须为整数"),
        ({**VALID, "bags": "-3"}, "bags", "「塑料袋使用量」不得小于 0"),
        ({**VALID, "amount": "abc"}, "amount", "「采购金额」须为数字"),
        ({**VALID, "amount": "1000.5"}, "amount", "「采购金额」不得大于 1000"),
        ({**VALID, "platform": "乙平台"}, "platform", "「平台名称」须为以下之一: 甲平台、其他"),
        ({**VALID, "day": "2024-02-30"}, "day", "「统计日期」须为日期"),
        ({**VALID, "ok": "maybe"}, "ok", "「已开展」须为 是/否"),
        ({**VALID, "colour": "red"}, "colour", "未知字段 colour"),
    ],
)
def test_invalid_values_name_the_field(session: Session, values: dict[str, Any], field: str, message: str) -> None:
    _, (mine, _) = _assigned(session, "州商务局", "州财政局")
    with frozen(_at("2024-03-05")), pytest.raises(InvalidInput) as caught:
        forms.submit(session, actor=_officer(session, "州商务局"), assignment_id=mine, period="2024-02", values=values)
    assert message in caught.value.detail
    assert field in caught.value.extra["errors"]


def test_an_officer_of_another_unit_is_refused(session: Session) -> None:
    _, (_, finance) = _assigned(session, "州商务局", "州财政局")
    with frozen(_at("2024-03-05")), pytest.raises(PermissionDenied) as caught:
        forms.submit(
            session, actor=_officer(session, "州商务局"), assignment_id=finance, period="2024-02", values=VALID
        )
    assert caught.value.status == 403


def test_submitters_file_only_for_enterprises_in_their_scope(session: Session) -> None:
    form, (unit_assignment,) = _assigned(session, "州商务局")
    (shop,) = forms.assign(session, actor=ANALYST, form_id=form.id, enterprises=[(uscc("533401", 3), "某超市")])
    local = principal("533401", Role.submitter)
    with frozen(_at("2024-03-05")):
        assert forms.submit(session, actor=local, assignment_id=shop.id, period="2024-02", values=VALID).id
        with pytest.raises(PermissionDenied):
            forms.submit(
                session,
                actor=principal("533400", Role.submitter),
                assignment_id=unit_assignment,
                period="2024-02",
                values=VALID,
            )
        with pytest.raises(NotFound):
            forms.submit(
                session,
                actor=principal("533422", Role.submitter),
                assignment_id=shop.id,
                period="2024-02",
                values=VALID,
            )
    assert [a.id for a in forms.my_assignments(session, actor=local)] == [shop.id]


def test_a_resubmission_replaces_the_values_and_keeps_the_old_ones_in_the_audit(session: Session) -> None:
    _, (mine, _) = _assigned(session, "州商务局", "州财政局")
    officer = _officer(session, "州商务局")
    with frozen(_at("2024-03-05")):
        first = forms.submit(session, actor=officer, assignment_id=mine, period="2024-02", values=VALID)
    with frozen(_at("2024-03-20")):
        second = forms.submit(session, actor=officer, assignment_id=mine, period="2024-02", values=VALID | {"bags": 99})
    assert second.id == first.id and second.values["bags"] == 99 and second.late is True
    assert len(forms.list_submissions(session, actor=officer, assignment_id=mine)) == 1
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "resubmit_form")).one()
    assert entry.before and entry.before["values"]["bags"] == 120
    assert entry.after and entry.after["values"]["bags"] == 99


@pytest.mark.parametrize(
    ("now", "late"),
    [
        ("2024-03-10T15:59:00+00:00", False),  # 23:59 on the 10th in Beijing: still on time
        ("2024-03-10T16:01:00+00:00", True),  # 00:01 on the 11th in Beijing
        ("2024-04-01T00:00:00+00:00", True),
    ],
)
def test_the_late_flag_follows_the_due_day_in_china(session: Session, now: str, late: bool) -> None:
    _, (mine, _) = _assigned(session, "州商务局", "州财政局")
    with frozen(datetime.fromisoformat(now)):
        row = forms.submit(
            session, actor=_officer(session, "州商务局"), assignment_id=mine, period="2024-02", values=VALID
        )
    assert row.late is late


@pytest.mark.parametrize("period", ["2023-12", "2024-05", "2024-Q1", "24-02"])
def test_periods_outside_the_form_are_refused(session: Session, period: str) -> None:
    _, (mine, _) = _assigned(session, "州商务局", "州财政局")
    with frozen(_at("2024-03-05")), pytest.raises(InvalidInput):
        forms.submit(session, actor=_officer(session, "州商务局"), assignment_id=mine, period=period, values=VALID)


def test_rates_count_on_time_late_and_missing_periods(session: Session) -> None:
    form, (commerce, finance) = _assigned(session, "州商务局", "州财政局")
    officer = _officer(session, "州商务局")
    with frozen(_at("2024-02-08")):
        forms.submit(session, actor=officer, assignment_id=commerce, period="2024-01", values=VALID)
    with frozen(_at("2024-04-20")):
        forms.submit(session, actor=officer, assignment_id=commerce, period="2024-03", values=VALID)
        forms.submit(session, actor=officer, assignment_id=commerce, period="2024-04", values=VALID)
    rows = forms.submission_rates(session, actor=ANALYST, form_id=form.id, through=date(2024, 4, 30))
    by_id = {r.assignment_id: r for r in rows}
    assert (by_id[commerce].due, by_id[commerce].on_time, by_id[commerce].late) == (3, 1, 1)
    assert by_id[commerce].missing_periods == ["2024-02"] and by_id[commerce].rate == pytest.approx(2 / 3)
    assert by_id[finance].missing == 3 and by_id[finance].rate == 0
    early = forms.submission_rates(session, actor=ANALYST, form_id=form.id, through=date(2024, 2, 9))
    assert [r.due for r in early] == [0, 0] and early[0].rate is None


@pytest.mark.parametrize(
    ("kind", "starts", "due_day", "through", "expected"),
    [
        ("monthly", "2024-11", 10, date(2025, 1, 10), ["2024-11", "2024-12"]),
        ("monthly", "2024-11", 10, date(2025, 1, 9), ["2024-11"]),
        ("quarterly", "2024-Q3", 15, date(2025, 4, 15), ["2024-Q3", "2024-Q4", "2025-Q1"]),
        ("yearly", "2022", 20, date(2024, 1, 19), ["2022"]),
    ],
)
def test_periods_that_have_come_due(kind: str, starts: str, due_day: int, through: date, expected: list[str]) -> None:
    form = ReportForm(period=kind, starts=starts, due_day=due_day)
    assert forms.periods(form, through=through) == expected


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    kind=st.sampled_from(["monthly", "quarterly", "yearly"]),
)
def test_every_day_lies_in_its_own_period_which_is_due_after_it_ends(day: date, kind: str) -> None:
    label = forms.period_of(kind, day)
    start, end = forms.parse_period(kind, label)
    assert start <= day <= end < forms.due_date(kind, label, 1)


def test_field_spec_rejects_min_above_max() -> None:
    with pytest.raises(ValueError, match="min"):
        FieldSpec(key="x", label="数量", type="int", min=5, max=1)


def test_a_years_submissions_feed_a_plan_targets_actual(session: Session) -> None:
    from support import REPO
    from xinxiao import plans
    from xinxiao.plans import feeding

    text = (REPO / "tests" / "data" / "plans" / "seed000_diqing.txt").read_text(encoding="utf-8")
    plan = plans.import_plan(session, actor=ANALYST, text=text, filename="seed000.txt")
    spec = _spec(
        code="new-above-quota",
        name="新增限额以上单位月报",
        plan_id=plan.id,
        fields=[
            {
                "key": "new_units",
                "label": "当月新增限额以上单位",
                "type": "int",
                "min": 0,
                "unit": "家",
                "target_metric": "限额以上单位",
                "aggregate": "sum",
            },
        ],
    )
    form = forms.define_form(session, actor=ANALYST, spec=spec)
    unit = find_unit(session, name="州商务局", region_adcode="533400").id
    assignment = forms.assign(session, actor=ANALYST, form_id=form.id, unit_ids=[unit])[0]
    with frozen(_at("2025-01-05")):
        for period, count in (("2024-03", 4), ("2024-07", 5), ("2024-11", 3), ("2024-12", 0)):
            forms.submit(
                session, actor=ANALYST, assignment_id=assignment.id, period=period, values={"new_units": str(count)}
            )
    stored = feeding.feed_actuals(session, actor=ANALYST, form_id=form.id, year=2024)
    assert [(a.year, a.value) for a in stored] == [(2024, 12.0)]
    assert "4 份报送" in stored[0].source
    plain = forms.define_form(session, actor=ANALYST, spec=_spec(code="no-target"))
    with pytest.raises(InvalidInput, match="target_metric"):
        feeding.feed_actuals(session, actor=ANALYST, form_id=plain.id, year=2024)
