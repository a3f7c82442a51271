"""Tracked plans in the database: import, scope, corrections that survive re-parsing, progress reports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from support import REPO, principal
from xinxiao import plans
from xinxiao.core import AuditEntry, InvalidInput, NotFound, PermissionDenied, Principal, Role, Scope
from xinxiao.reference import find_unit

SEED000 = (REPO / "tests" / "data" / "plans" / "seed000_diqing.txt").read_text(encoding="utf-8")
SEED002 = (REPO / "tests" / "data" / "plans" / "seed002_hubei.txt").read_text(encoding="utf-8")


def _officer(session: Session, unit_name: str) -> Principal:
    unit = find_unit(session, name=unit_name, region_adcode="533400")
    return Principal(user_id=None, username="officer", role=Role.officer, scope=Scope("533400"), unit_id=unit.id)


def _task(plan: plans.Plan, key: str) -> plans.PlanTask:
    return next(t for t in plan.tasks if t.key == key)


def test_import_stores_tasks_units_and_targets(session: Session) -> None:
    plan = plans.import_plan(session, actor=principal("533400"), text=SEED000, filename="seed000.txt")
    assert plan.region_adcode == "533400"
    assert len([t for t in plan.tasks if t.key.startswith("二.")]) == 20
    first = _task(plan, "二.(一).1")
    leads = [u for u in first.units if u.role == "lead"]
    assert [u.name for u in leads] == ["州文化和旅游局"]
    assert leads[0].unit_id is not None
    assert SEED000[first.span_start : first.span_end].lstrip().startswith("1.")
    targets = session.scalars(select(plans.PlanTarget).where(plans.PlanTarget.plan_id == plan.id)).all()
    assert any(t.metric == "文化和旅游总收入" and t.value == 136.54 and t.unit == "亿元" for t in targets)
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "plans_plan")).first() is not None


def test_plans_are_scoped_to_the_issuing_region(session: Session) -> None:
    plan = plans.import_plan(session, actor=principal("533400"), text=SEED000, filename="seed000.txt")
    with pytest.raises(InvalidInput, match="管辖范围"):
        plans.import_plan(session, actor=principal("533422"), text=SEED000, filename="seed000.txt")
    with pytest.raises(NotFound):
        plans.get_plan(session, actor=principal("420000"), plan_id=plan.id)
    assert plans.list_plans(session, actor=principal("420000")) == []
    hubei = plans.import_plan(session, actor=principal("420000"), text=SEED002, filename="seed002.txt")
    assert hubei.region_adcode == "420000" and len(hubei.tasks) == 15


def test_corrections_survive_reparsing_a_lightly_edited_text(session: Session) -> None:
    actor = principal("533400")
    plan = plans.import_plan(session, actor=actor, text=SEED000, filename="seed000.txt")
    task = _task(plan, "二.(二).7")
    task_id = task.id
    plans.correct_units(
        session, actor=actor, task_id=task_id, lead_units=["州教育体育局"], co_units=["州商务局", "州文化和旅游局"]
    )
    edited = SEED000.replace("加快培育民族文化体验", "大力培育民族文化体验")
    plans.reparse_plan(session, actor=actor, plan_id=plan.id, text=edited)
    again = plans.get_task(session, actor=actor, task_id=task_id)
    assert again.key == "二.(二).7"
    assert [(u.role, u.name) for u in again.units] == [
        ("lead", "州教育体育局"),
        ("co", "州商务局"),
        ("co", "州文化和旅游局"),
    ]
    assert "大力培育" in _task(plan, "二.(一).1").text


def test_officers_report_only_on_their_units_tasks(session: Session) -> None:
    plan = plans.import_plan(session, actor=principal("533400"), text=SEED000, filename="seed000.txt")
    commerce = _officer(session, "州商务局")
    own = next(t for t in plan.tasks if any(u.name == "州商务局" and u.role == "lead" for u in t.units))
    report = plans.report_progress(
        session,
        actor=commerce,
        task_id=own.id,
        text="已完成方案制定",
        percent_done=40,
        status="in_progress",
        reported_on=date(2022, 9, 30),
    )
    assert (own.status, own.percent_done, report.percent_done) == ("in_progress", 40, 40)
    other = next(t for t in plan.tasks if all(u.name != "州商务局" for u in t.units))
    with pytest.raises(PermissionDenied, match="本单位"):
        plans.report_progress(
            session,
            actor=commerce,
            task_id=other.id,
            text="x",
            percent_done=10,
            status="in_progress",
            reported_on=date(2022, 9, 30),
        )
    with pytest.raises(InvalidInput):
        plans.report_progress(
            session,
            actor=commerce,
            task_id=own.id,
            text="x",
            percent_done=120,
            status="in_progress",
            reported_on=date(2022, 9, 30),
        )


def test_actuals_give_attainment_and_growth_and_level_are_checked(session: Session) -> None:
    from xinxiao.plans import targets

    actor = principal("533400")
    plan = plans.import_plan(session, actor=actor, text=SEED000, filename="seed000.txt")
    rows = plans.list_targets(session, actor=actor, plan_id=plan.id)
    revenue = next(t for t in rows if t.metric == "文化和旅游总收入")
    targets.record_actual(session, actor=actor, target_id=revenue.id, year=2021, value=100.0, source="州统计公报")
    targets.record_actual(session, actor=actor, target_id=revenue.id, year=2022, value=105.0, source="州统计公报")
    view = targets.view(session, actor=actor, target=revenue, as_of_year=2022)
    assert view.base_year == 2021
    assert view.attainment is not None
    assert view.attainment.status == "lagging"  # compound path to 136.54 needs ~110.9 in 2022
    targets.record_actual(session, actor=actor, target_id=revenue.id, year=2022, value=112.0, source="修订")
    assert targets.view(session, actor=actor, target=revenue, as_of_year=2022).attainment.status == "on_track"  # type: ignore[union-attr]
    checks = dict(targets.consistency_checks(session, actor=actor, plan_id=plan.id))
    assert "网络零售额" in checks and "1.3674" in checks["网络零售额"].message
    with pytest.raises(InvalidInput, match="来源"):
        targets.record_actual(session, actor=actor, target_id=revenue.id, year=2023, value=1.0, source=" ")
    with pytest.raises(NotFound):
        targets.record_actual(
            session, actor=principal("420000"), target_id=revenue.id, year=2023, value=1.0, source="x"
        )


def test_field_corrections_survive_reparsing(session: Session) -> None:
    actor = principal("533400")
    plan = plans.import_plan(session, actor=actor, text=SEED000, filename="seed000.txt")
    task = _task(plan, "二.(四).10")
    plans.correct_task(
        session, actor=actor, task_id=task.id, title="培育限额以上商贸企业", deadline=date(2023, 12, 31), ongoing=False
    )
    plans.reparse_plan(session, actor=actor, plan_id=plan.id, text=SEED000)
    again = plans.get_task(session, actor=actor, task_id=task.id)
    assert (again.title, again.deadline) == ("培育限额以上商贸企业", date(2023, 12, 31))
    with pytest.raises(InvalidInput):
        plans.correct_task(session, actor=actor, task_id=task.id, title=" ", deadline=None, ongoing=False)


def test_target_corrections_and_actuals_survive_reparsing(session: Session) -> None:
    from xinxiao.plans import targets

    actor = principal("533400")
    plan = plans.import_plan(session, actor=actor, text=SEED000, filename="seed000.txt")
    online = next(
        t
        for t in plans.list_targets(session, actor=actor, plan_id=plan.id)
        if t.metric == "网络零售额" and t.kind == "level"
    )
    target_id = online.id
    plans.correct_target(
        session,
        actor=actor,
        target_id=target_id,
        changes={"indicator_id": "online_retail", "base_value": 1.2, "base_year": 2021},
    )
    targets.record_actual(session, actor=actor, target_id=target_id, year=2022, value=1.35, source="州商务局")
    plans.reparse_plan(session, actor=actor, plan_id=plan.id, text=SEED000.replace("加快培育", "大力培育"))
    again = session.get(plans.PlanTarget, target_id)
    assert again is not None
    assert (again.indicator_id, again.base_value, again.value) == ("online_retail", 1.2, 1.82)
    assert targets.view(session, actor=actor, target=again, as_of_year=2022).actuals == {2022: 1.35}
    with pytest.raises(InvalidInput):
        plans.correct_target(session, actor=actor, target_id=target_id, changes={"text": "x"})


def test_targets_carry_a_region_inside_the_plans_region(session: Session) -> None:
    actor = principal("533400")
    plan = plans.import_plan(session, actor=actor, text=SEED000, filename="seed000.txt")
    rows = plans.list_targets(session, actor=actor, plan_id=plan.id)
    assert {t.region_adcode for t in rows} == {"533400"}
    plans.correct_target(session, actor=actor, target_id=rows[0].id, changes={"region_adcode": "533422"})
    assert rows[0].region_adcode == "533422"
    with pytest.raises(InvalidInput, match="发文地区"):
        plans.correct_target(session, actor=actor, target_id=rows[0].id, changes={"region_adcode": "420100"})
