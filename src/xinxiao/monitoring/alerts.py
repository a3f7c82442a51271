"""Alerts: run the rules against indicator values and feed freshness, record firings, and the inbox verbs.

The values and the freshness come through two small protocols (``Values``, ``Freshness``) so that this module
depends on neither the indicator layer nor the lake; the application wires the real ones, tests pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinxiao.core import (
    Conflict,
    InvalidInput,
    NotFound,
    PageParams,
    Principal,
    Role,
    XinxiaoError,
    record_write,
    utcnow,
)
from xinxiao.monitoring import alert_rules as ar
from xinxiao.monitoring.alert_schemas import (
    AlertDetail,
    AlertFilter,
    AlertPage,
    AlertRead,
    Evaluation,
    NoteRead,
    RuleRead,
    RunReport,
)
from xinxiao.monitoring.alert_store import create_rule, get_rule, list_rules, load_rules, update_rule
from xinxiao.monitoring.models import Alert, AlertNote, AlertRule
from xinxiao.runtime import Runtime

__all__ = [
    "AlertSources",
    "Freshness",
    "RunReport",
    "SourcesFactory",
    "Values",
    "acknowledge",
    "add_note",
    "alert_detail",
    "close_alert",
    "create_rule",
    "evaluate_rule",
    "get_alert",
    "get_rule",
    "list_alerts",
    "list_rules",
    "load_rules",
    "reopen_alert",
    "run_rules",
    "today",
    "update_rule",
]
ENTITY = "monitoring_alert"
WRITERS = (Role.analyst, Role.officer)
CHINA = timezone(timedelta(hours=8), "CST")
VERBS = {"acknowledge": "确认", "close": "关闭", "reopen": "重新打开"}


class Values(Protocol):
    """Indicator values for the alert rules (the indicator layer implements it)."""

    def series(self, indicator_id: str, region_adcode: str, grain: str, end: date, *, view: str = "level") -> pd.Series:
        """The indicator for one region at ``grain`` up to ``end``, indexed by period (start date or Period).

        ``view`` is ``level`` (the indicator's own unit) or ``yoy`` (YoY growth in %: as published for official
        series, on the indicator layer's aligned basis for feed indicators). An empty series means no data.
        """
        ...


class Freshness(Protocol):
    """Freshness of each feed (the lake implements it)."""

    def last_date(self, feed_kind: str) -> date | None:
        """The latest local business date with data in the lake for ``feed_kind``; None if never delivered."""
        ...

    def last_delivery_at(self, feed_kind: str) -> datetime | None:
        """When the latest committed delivery of ``feed_kind`` finished (timezone-aware); None if never."""
        ...


@dataclass(frozen=True)
class AlertSources:
    """The two seams a run needs."""

    values: Values
    freshness: Freshness


SourcesFactory = Callable[[Session, Runtime], AlertSources]
"""What the application registers: the sources of a run, built for a session and the runtime."""


def today() -> date:
    """Today's date in China (the default ``as_of`` of a run)."""
    return utcnow().astimezone(CHINA).date()


def evaluate_rule(rule: AlertRule, *, sources: AlertSources, as_of: date, now: datetime) -> ar.Finding:
    """Evaluate one rule (pure apart from reading the sources); the snapshot carries the rule and its version."""
    params = ar.PARAMS[rule.kind].model_validate(rule.params)
    finding = _evaluate(rule, params, sources, as_of, now)
    context = {"code": rule.code, "kind": rule.kind, "version": rule.version, "params": rule.params}
    context |= {"indicator_id": rule.indicator_id, "feed_kind": rule.feed_kind, "region_adcode": rule.region_adcode}
    extra = {"rule": context, "as_of": as_of.isoformat(), "evaluated_at": now.isoformat()}
    return ar.Finding(
        finding.status, finding.period_key, finding.value, finding.baseline, finding.message, finding.snapshot | extra
    )


def _evaluate(rule: AlertRule, params: Any, sources: AlertSources, as_of: date, now: datetime) -> ar.Finding:
    synthetic: list[bool] = []

    def series(view: str = "level") -> pd.Series:
        data = sources.values.series(str(rule.indicator_id), rule.region_adcode, params.grain, as_of, view=view)
        synthetic.append(bool(data.attrs.get("synthetic")))
        return data

    finding = _dispatch(rule, params, sources, as_of, now, series)
    if any(synthetic):
        return replace(finding, snapshot=finding.snapshot | {"synthetic": True})
    return finding


def _dispatch(
    rule: AlertRule, params: Any, sources: AlertSources, as_of: date, now: datetime, series: Callable[..., pd.Series]
) -> ar.Finding:
    if isinstance(params, ar.ThresholdParams):
        return ar.evaluate_threshold(series(params.view), params)
    if isinstance(params, ar.YoyDropParams):
        return ar.evaluate_yoy_drop(series("yoy"), params, levels=series())
    if isinstance(params, ar.AnomalyParams):
        return ar.evaluate_anomaly(series(), params)
    feed = str(rule.feed_kind)
    if isinstance(params, ar.FeedMissingParams):
        return ar.evaluate_feed_missing(sources.freshness.last_date(feed), as_of, params)
    assert isinstance(params, ar.FeedLateParams)
    return ar.evaluate_feed_late(sources.freshness.last_delivery_at(feed), now, params)


def run_rules(
    session: Session,
    *,
    actor: Principal,
    values: Values,
    freshness: Freshness,
    as_of: date,
    dry_run: bool = False,
    region: str | None = None,
    now: datetime | None = None,
) -> RunReport:
    """Evaluate every enabled rule in the caller's scope (``region`` narrows it) and record each firing once.

    A firing is unique per (rule, period); running again records nothing new unless the status worsened
    (then the alert is escalated and reopened). A dry run returns the same evaluations and writes nothing.
    """
    actor.require(Role.analyst)
    scope = actor.scope.narrow(region)
    query = select(AlertRule).where(AlertRule.enabled.is_(True), scope.clause(AlertRule.region_adcode))
    sources, instant = AlertSources(values, freshness), now or utcnow()
    evaluations = [
        _run_one(session, actor, rule, sources, as_of, instant, dry_run)
        for rule in session.scalars(query.order_by(AlertRule.code))
    ]
    return RunReport(as_of=as_of.isoformat(), dry_run=dry_run, evaluations=evaluations)


def _run_one(
    session: Session, actor: Principal, rule: AlertRule, sources: AlertSources, as_of: date, now: datetime, dry: bool
) -> Evaluation:
    base: dict[str, Any] = {"rule_id": rule.id, "code": rule.code, "region_adcode": rule.region_adcode}
    try:
        finding = evaluate_rule(rule, sources=sources, as_of=as_of, now=now)
    except (XinxiaoError, KeyError, ValueError) as exc:
        message = f"评估失败: {exc}"
        return Evaluation(
            **base,
            status="green",
            period_key="",
            value=None,
            baseline=None,
            message=message,
            outcome="error",
            snapshot={},
        )
    fields: dict[str, Any] = {"status": finding.status, "period_key": finding.period_key, "value": finding.value}
    fields |= {"baseline": finding.baseline, "message": finding.message, "snapshot": finding.snapshot}
    if not finding.fires:
        return Evaluation(**base, **fields, outcome="green")
    if dry:
        return Evaluation(**base, **fields, outcome="dry_run")
    outcome, alert_id = _record(session, actor, rule, finding)
    return Evaluation(**base, **fields, outcome=outcome, alert_id=alert_id)


def _record(session: Session, actor: Principal, rule: AlertRule, finding: ar.Finding) -> tuple[str, int]:
    key = (Alert.rule_id == rule.id) & (Alert.period_key == finding.period_key)
    alert = session.scalar(select(Alert).where(key))
    if alert is None:
        alert = Alert(
            rule_id=rule.id,
            region_adcode=rule.region_adcode,
            indicator_id=rule.indicator_id,
            period_key=finding.period_key,
            state="open",
        )
        _fill(alert, rule, finding)
        session.add(alert)
        session.flush()
        _audit(session, actor, alert, "fire")
        return "new", alert.id
    if ar.SEVERITY[finding.status] <= ar.SEVERITY[alert.status]:
        return "existing", alert.id
    before = alert.status
    _fill(alert, rule, finding)
    alert.state = "open"
    text = f"状态由{ar.STATUS_ZH[before]}升级为{ar.STATUS_ZH[finding.status]}: {finding.message}"
    session.add(AlertNote(alert_id=alert.id, author_id=actor.user_id, action="escalate", text=text))
    session.flush()
    _audit(session, actor, alert, "escalate")
    return "escalated", alert.id


def _fill(alert: Alert, rule: AlertRule, finding: ar.Finding) -> None:
    alert.rule_version = rule.version
    alert.status = finding.status
    alert.value, alert.baseline = finding.value, finding.baseline
    alert.message = f"{rule.name}: {finding.message}"[:500]
    alert.snapshot = finding.snapshot


def _audit(session: Session, actor: Principal, alert: Alert, action: str) -> None:
    after = {"rule_id": alert.rule_id, "period_key": alert.period_key, "status": alert.status, "state": alert.state}
    record_write(
        session,
        actor=actor,
        action=action,
        entity=ENTITY,
        entity_id=alert.id,
        region_adcode=alert.region_adcode,
        after=after,
    )


# --- the inbox -----------------------------------------------------------------------------------------------


def list_alerts(session: Session, *, actor: Principal, filters: AlertFilter, page: PageParams) -> AlertPage:
    """Alerts inside the caller's scope, newest first, filtered by status, state, region and rule kind."""
    scope = actor.scope.narrow(filters.region)
    query = select(Alert).where(scope.clause(Alert.region_adcode))
    if filters.status:
        query = query.where(Alert.status == filters.status)
    if filters.state:
        query = query.where(Alert.state == filters.state)
    if filters.kind:
        query = query.where(Alert.rule_id.in_(select(AlertRule.id).where(AlertRule.kind == filters.kind)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Alert.fired_at.desc(), Alert.id.desc()).offset(page.offset).limit(page.size))
    items = [
        AlertRead.model_validate(a).model_copy(update={"synthetic": bool(a.snapshot.get("synthetic"))}) for a in rows
    ]
    return AlertPage(items=items, total=total, page=page.page, size=page.size)


def _read(alert: Alert) -> AlertRead:
    return AlertRead.model_validate(alert).model_copy(update={"synthetic": bool(alert.snapshot.get("synthetic"))})


def get_alert(session: Session, *, actor: Principal, alert_id: int) -> Alert:
    """One alert inside the caller's scope (``NotFound`` outside it)."""
    alert = session.get(Alert, alert_id)
    if alert is None or not actor.scope.covers(alert.region_adcode):
        raise NotFound(f"告警 {alert_id} 不存在")
    return alert


def alert_detail(session: Session, *, actor: Principal, alert_id: int) -> AlertDetail:
    """An alert with its snapshot, its rule and its notes (oldest first)."""
    alert = get_alert(session, actor=actor, alert_id=alert_id)
    notes = session.scalars(select(AlertNote).where(AlertNote.alert_id == alert.id).order_by(AlertNote.id))
    rule = RuleRead.model_validate(session.get_one(AlertRule, alert.rule_id))
    read = _read(alert).model_dump()
    return AlertDetail(**read, snapshot=alert.snapshot, notes=[NoteRead.model_validate(n) for n in notes], rule=rule)


def _transition(
    session: Session, *, actor: Principal, alert_id: int, action: str, allowed: tuple[str, ...], to: str, text: str
) -> Alert:
    actor.require(*WRITERS)
    alert = get_alert(session, actor=actor, alert_id=alert_id)
    if alert.state not in allowed:
        raise Conflict(f"告警 {alert_id} 当前状态为 {alert.state}, 不能{VERBS[action]}", field="state")
    alert.state = to
    session.add(AlertNote(alert_id=alert.id, author_id=actor.user_id, action=action, text=text))
    session.flush()
    _audit(session, actor, alert, action)
    return alert


def acknowledge(session: Session, *, actor: Principal, alert_id: int, note: str = "") -> Alert:
    """Acknowledge an open alert: who and when are kept, with an 'acknowledge' note."""
    alert = _transition(
        session,
        actor=actor,
        alert_id=alert_id,
        action="acknowledge",
        allowed=("open",),
        to="acknowledged",
        text=note.strip() or "已确认",
    )
    alert.acknowledged_by, alert.acknowledged_at = actor.user_id, utcnow()
    session.flush()
    return alert


def close_alert(session: Session, *, actor: Principal, alert_id: int, note: str = "") -> Alert:
    """Close an open or acknowledged alert (处置完毕)."""
    return _transition(
        session,
        actor=actor,
        alert_id=alert_id,
        action="close",
        allowed=("open", "acknowledged"),
        to="closed",
        text=note.strip() or "已关闭",
    )


def reopen_alert(session: Session, *, actor: Principal, alert_id: int, note: str = "") -> Alert:
    """Reopen a closed alert."""
    return _transition(
        session,
        actor=actor,
        alert_id=alert_id,
        action="reopen",
        allowed=("closed",),
        to="open",
        text=note.strip() or "重新打开",
    )


def add_note(session: Session, *, actor: Principal, alert_id: int, text: str) -> AlertNote:
    """Add a 处置 note to an alert inside the scope."""
    actor.require(*WRITERS)
    alert = get_alert(session, actor=actor, alert_id=alert_id)
    if not text.strip():
        raise InvalidInput("处置记录不能为空", field="text")
    note = AlertNote(alert_id=alert.id, author_id=actor.user_id, action="note", text=text.strip())
    session.add(note)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="note",
        entity="monitoring_alert_note",
        entity_id=note.id,
        region_adcode=alert.region_adcode,
        after={"alert_id": alert.id, "text": note.text},
    )
    return note
