"""Alert service: loading rules, runs (dry and real), de-duplication, escalation, scope, the inbox verbs, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alertsupport import FakeFreshness, FakeValues, monthly
from support import make_user
from xinxiao import accounts
from xinxiao.core import (
    Conflict,
    InvalidInput,
    NotFound,
    PageParams,
    PermissionDenied,
    Principal,
    Role,
    count_audit,
    list_audit,
    system_principal,
)
from xinxiao.monitoring import alerts
from xinxiao.monitoring.alert_schemas import AlertFilter, RuleSpec, RuleUpdate, RunReport
from xinxiao.monitoring.alert_store import DEFAULT_RULES
from xinxiao.monitoring.models import Alert, AlertNote, AlertRule

AS_OF = date(2024, 10, 5)
NOW = datetime(2024, 10, 5, 4, tzinfo=UTC)
ADMIN = system_principal()


def user(session: Session, name: str, adcode: str, role: Role = Role.analyst) -> Principal:
    return accounts.principal_of(make_user(session, name, adcode, role))


def count(session: Session, model: type[Alert] | type[AlertNote] | type[AlertRule]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def fresh_feeds() -> FakeFreshness:
    kinds = ("payments", "orders", "footfall")
    return FakeFreshness(dict.fromkeys(kinds, AS_OF), dict.fromkeys(kinds, NOW))


def falling_values() -> FakeValues:
    values = FakeValues()
    values.put("payment_turnover", "533401", "month", monthly([5.0] * 8 + [-12.0]), view="yoy")
    values.put("payment_turnover", "533401", "month", monthly([100.0] * 9))
    values.put("payment_turnover", "533422", "month", monthly([2.0] * 8 + [-25.0]), view="yoy")
    return values


def run(session: Session, actor: Principal, values: FakeValues, dry_run: bool = False) -> RunReport:
    return alerts.run_rules(
        session, actor=actor, values=values, freshness=fresh_feeds(), as_of=AS_OF, now=NOW, dry_run=dry_run
    )


def test_loading_the_default_rules_is_idempotent_and_audited(session: Session, tmp_path: Path) -> None:
    audit_before = count_audit(session)
    first = alerts.load_rules(session, actor=ADMIN)
    assert len(first.created) == count(session, AlertRule) >= 15
    assert count_audit(session) == audit_before + len(first.created)
    again = alerts.load_rules(session, actor=ADMIN)
    assert again.created == again.updated == [] and len(again.unchanged) == len(first.created)
    assert count_audit(session) == audit_before + len(first.created)
    changed = tmp_path / "rules.yaml"
    changed.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace("red_pct: 20}", "red_pct: 25}", 1), "utf-8")
    third = alerts.load_rules(session, actor=ADMIN, path=changed)
    assert third.updated == ["diqing.payment_turnover.yoy_drop"]
    rule = session.scalars(select(AlertRule).where(AlertRule.code == third.updated[0])).one()
    assert (rule.version, rule.params["red_pct"]) == (2, 25.0)
    assert list_audit(session, scope=ADMIN.scope, entity="monitoring_alert_rule", limit=1)[0].action == "update"


BAD_RULES = [
    ("- {code: a, name: A, kind: yoy_drop, indicator_id: x, params: {yellow_pct: 1, red_pct: 2}}", 2, "region_adcode"),
    (
        "- {code: a, name: A, kind: threshold, indicator_id: x, region_adcode: '533400',\n"
        "   params: {direction: below, yellow: 10, red: 20}}",
        2,
        "rule",
    ),
    ("- {code: a, name: A, kind: feed_late, indicator_id: x, region_adcode: '533400', params: {}}", 2, "rule"),
    ("- {code: a, name: A, kind: banana, indicator_id: x, region_adcode: '533400'}", 2, "kind"),
    (
        "- {code: a, name: A, kind: feed_missing, feed_kind: orders, region_adcode: '533400',\n"
        "   params: {yellow_days: 1, red_days: 2}}\n"
        "- {code: a, name: B, kind: feed_missing, feed_kind: orders, region_adcode: '533400',\n"
        "   params: {yellow_days: 1, red_days: 2}}",
        4,
        "code",
    ),
]


@pytest.mark.parametrize(("body", "line", "field"), BAD_RULES)
def test_a_bad_rule_file_names_line_and_field_and_stores_nothing(
    session: Session, tmp_path: Path, body: str, line: int, field: str
) -> None:
    alerts.load_rules(session, actor=ADMIN)
    before = count(session, AlertRule)
    path = tmp_path / "bad.yaml"
    path.write_text("rules:\n" + body + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        alerts.load_rules(session, actor=ADMIN, path=path)
    assert caught.value.extra["line"] == line and caught.value.extra["field"] == field
    assert f"bad.yaml 第 {line} 行" in caught.value.detail
    assert count(session, AlertRule) == before


def test_params_errors_name_the_parameter(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "rules:\n  - code: a\n    name: A\n    kind: anomaly\n    indicator_id: x\n    region_adcode: '533400'\n"
        "    params: {weeks: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match=r"第 2 行 .*params\.weeks"):
        alerts.load_rules(session, actor=ADMIN, path=path)


def test_only_administrators_load_rules_and_only_inside_their_scope(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        alerts.load_rules(session, actor=user(session, "a1", "533400"))
    with pytest.raises(NotFound):
        alerts.load_rules(session, actor=user(session, "a2", "533400", Role.admin))


def test_a_dry_run_returns_the_firings_and_writes_nothing(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    audit_before = count_audit(session)
    report = run(session, ADMIN, falling_values(), dry_run=True)
    firing = {e.code: (e.status, e.outcome) for e in report.firing}
    assert firing == {
        "shangrila.payment_turnover.yoy_drop": ("yellow", "dry_run"),
        "deqin.payment_turnover.yoy_drop": ("red", "dry_run"),
    }
    assert count(session, Alert) == 0 and count_audit(session) == audit_before
    assert len(report.evaluations) == count(session, AlertRule)


def test_a_run_records_each_firing_once_with_its_snapshot(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    report = run(session, ADMIN, falling_values())
    assert sorted(e.outcome for e in report.firing) == ["new", "new"]
    alert = session.scalars(select(Alert).where(Alert.region_adcode == "533422")).one()
    assert (alert.status, alert.state, alert.period_key, alert.value) == ("red", "open", "2024-09", -25.0)
    snap = alert.snapshot
    assert snap["rule"]["code"] == "deqin.payment_turnover.yoy_drop" and snap["rule"]["version"] == 1
    assert snap["rule"]["params"]["red_pct"] == 20 and snap["as_of"] == "2024-10-05"
    assert snap["window"][-1] == {"period": "2024-09", "value": -25.0} and len(snap["window"]) == 9
    assert "德钦县" in alert.message
    again = run(session, ADMIN, falling_values())
    assert {e.outcome for e in again.firing} == {"existing"} and count(session, Alert) == 2
    fired = [e for e in list_audit(session, scope=ADMIN.scope, entity="monitoring_alert") if e.action == "fire"]
    assert len(fired) == 2


def test_a_worse_status_for_the_same_period_escalates_and_reopens(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    run(session, ADMIN, falling_values())
    alert = session.scalars(select(Alert).where(Alert.region_adcode == "533401")).one()
    alerts.close_alert(session, actor=ADMIN, alert_id=alert.id, note="核实为节假日错位")
    worse = falling_values()
    worse.put("payment_turnover", "533401", "month", monthly([5.0] * 8 + [-30.0]), view="yoy")
    report = run(session, ADMIN, worse)
    assert {e.code: e.outcome for e in report.firing}["shangrila.payment_turnover.yoy_drop"] == "escalated"
    session.refresh(alert)
    assert (alert.status, alert.state, alert.value) == ("red", "open", -30.0)
    notes = session.scalars(select(AlertNote).where(AlertNote.alert_id == alert.id).order_by(AlertNote.id)).all()
    assert [n.action for n in notes] == ["close", "escalate"] and "黄升级为红" in notes[-1].text


def test_feed_and_anomaly_rules(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    values = FakeValues()
    index = pd.date_range(end=AS_OF, periods=57, freq="D")
    series = pd.Series(np.where(index.day_of_week >= 5, 150.0, 100.0) + np.tile([0.0, 1.5, -1.5], 19), index=index)
    series.iloc[-1] = 40.0  # a Saturday at a third of its usual turnover
    values.put("payment_turnover", "533401", "day", series)
    stale = FakeFreshness({"payments": date(2024, 9, 30), "orders": AS_OF, "footfall": AS_OF}, {})
    stale.deliveries = {"payments": datetime(2024, 10, 1, tzinfo=UTC), "orders": NOW, "footfall": NOW}
    report = alerts.run_rules(session, actor=ADMIN, values=values, freshness=stale, as_of=AS_OF, now=NOW)
    firing = {e.code: (e.status, e.period_key) for e in report.firing}
    assert firing["shangrila.payment_turnover.anomaly"] == ("red", "2024-10-05")
    assert firing["diqing.feed.payments.missing"] == ("red", "after-2024-09-30")
    assert firing["diqing.feed.payments.late"] == ("red", "after-2024-10-01T00:00")
    assert "diqing.feed.orders.missing" not in firing


def test_a_failing_source_is_reported_and_the_run_goes_on(session: Session) -> None:
    alerts.create_rule(
        session,
        actor=ADMIN,
        data=RuleSpec(
            code="t.broken",
            name="坏指标",
            kind="threshold",
            indicator_id="broken",
            region_adcode="533400",
            params={"direction": "below", "yellow": 1, "red": 0},
        ),
    )
    alerts.load_rules(session, actor=ADMIN)
    report = run(session, ADMIN, falling_values())
    broken = next(e for e in report.evaluations if e.code == "t.broken")
    assert broken.outcome == "error" and "broken" in broken.message
    assert len(report.firing) == 2


def test_runs_and_the_inbox_keep_to_the_scope(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    deqin = user(session, "deqin", "533422")
    report = run(session, deqin, falling_values())
    assert {e.region_adcode for e in report.evaluations} == {"533422"}
    run(session, ADMIN, falling_values())
    page = alerts.list_alerts(session, actor=deqin, filters=AlertFilter(), page=PageParams())
    assert [a.region_adcode for a in page.items] == ["533422"]
    other = session.scalars(select(Alert).where(Alert.region_adcode == "533401")).one()
    for call in (
        lambda: alerts.get_alert(session, actor=deqin, alert_id=other.id),
        lambda: alerts.acknowledge(session, actor=deqin, alert_id=other.id),
        lambda: alerts.add_note(session, actor=deqin, alert_id=other.id, text="x"),
        lambda: alerts.list_alerts(session, actor=deqin, filters=AlertFilter(region="533401"), page=PageParams()),
        lambda: alerts.run_rules(
            session, actor=deqin, values=FakeValues(), freshness=fresh_feeds(), as_of=AS_OF, region="533401"
        ),
    ):
        with pytest.raises(NotFound):
            call()
    prefecture = alerts.list_alerts(
        session, actor=user(session, "dq", "533400"), filters=AlertFilter(status="red"), page=PageParams()
    )
    assert [a.region_adcode for a in prefecture.items] == ["533422"]


def test_acknowledge_note_close_reopen(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    run(session, ADMIN, falling_values())
    analyst = user(session, "deqin", "533422")
    alert_id = session.scalars(select(Alert.id).where(Alert.region_adcode == "533422")).one()
    acked = alerts.acknowledge(session, actor=analyst, alert_id=alert_id, note="已电话核实")
    assert (acked.state, acked.acknowledged_by) == ("acknowledged", analyst.user_id)
    assert acked.acknowledged_at is not None
    with pytest.raises(Conflict):
        alerts.acknowledge(session, actor=analyst, alert_id=alert_id)
    alerts.add_note(session, actor=analyst, alert_id=alert_id, text="梅里雪山景区封路三天, 已报州商务局")
    alerts.close_alert(session, actor=analyst, alert_id=alert_id)
    with pytest.raises(Conflict):
        alerts.close_alert(session, actor=analyst, alert_id=alert_id)
    alerts.reopen_alert(session, actor=analyst, alert_id=alert_id, note="道路恢复后复核")
    detail = alerts.alert_detail(session, actor=analyst, alert_id=alert_id)
    assert [(n.action, n.text) for n in detail.notes] == [
        ("acknowledge", "已电话核实"),
        ("note", "梅里雪山景区封路三天, 已报州商务局"),
        ("close", "已关闭"),
        ("reopen", "道路恢复后复核"),
    ]
    assert detail.state == "open" and detail.rule.code == "deqin.payment_turnover.yoy_drop"
    actions = [e.action for e in list_audit(session, scope=analyst.scope, limit=10) if e.actor_id == analyst.user_id]
    assert actions == ["reopen", "close", "note", "acknowledge"]
    with pytest.raises(PermissionDenied):
        alerts.acknowledge(session, actor=user(session, "insp", "533422", Role.inspector), alert_id=alert_id)


def test_rule_updates_by_administrators(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    rule = session.scalars(select(AlertRule).where(AlertRule.code == "diqing.night_share.low")).one()
    with pytest.raises(PermissionDenied):
        alerts.update_rule(
            session, actor=user(session, "dq", "533400"), rule_id=rule.id, data=RuleUpdate(enabled=False)
        )
    with pytest.raises(NotFound):
        alerts.update_rule(
            session, actor=user(session, "hb", "420000", Role.admin), rule_id=rule.id, data=RuleUpdate(enabled=False)
        )
    alerts.update_rule(session, actor=ADMIN, rule_id=rule.id, data=RuleUpdate(enabled=False))
    assert (rule.enabled, rule.version) == (False, 1)
    params = rule.params | {"yellow": 25}
    alerts.update_rule(session, actor=ADMIN, rule_id=rule.id, data=RuleUpdate(params=params))
    assert (rule.params["yellow"], rule.version) == (25.0, 2)
    with pytest.raises(InvalidInput, match="params"):
        alerts.update_rule(session, actor=ADMIN, rule_id=rule.id, data=RuleUpdate(params=rule.params | {"red": 30}))
    report = run(session, ADMIN, falling_values(), dry_run=True)
    assert "diqing.night_share.low" not in {e.code for e in report.evaluations}


def test_synthetic_values_are_labelled(session: Session) -> None:
    alerts.load_rules(session, actor=ADMIN)
    values = falling_values()
    values.synthetic = True
    run(session, ADMIN, values)
    page = alerts.list_alerts(session, actor=ADMIN, filters=AlertFilter(), page=PageParams())
    assert page.total == 2 and all(a.synthetic for a in page.items)
