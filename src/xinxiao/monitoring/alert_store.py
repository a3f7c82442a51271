"""Alert rules as data: the YAML rule file, loading it idempotently, and the rule table's reads and writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import Conflict, InvalidInput, NotFound, Principal, Role, record_write, snapshot
from xinxiao.monitoring.alert_schemas import LoadReport, RuleSpec, RuleUpdate, normalise_params
from xinxiao.monitoring.models import AlertRule

DEFAULT_RULES = Path(__file__).parent / "data" / "alert_rules.yaml"
DEFINITION = ("name", "kind", "indicator_id", "feed_kind", "region_adcode", "params")
ENTITY = "monitoring_alert_rule"


def read_rule_file(path: Path) -> list[RuleSpec]:
    """The rules of a YAML rule file; a bad rule raises ``InvalidInput`` naming the file, line and field."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        lines = _item_lines(yaml.compose(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InvalidInput(f"{path.name} 第 {line} 行: YAML 格式错误", file=path.name, line=line) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InvalidInput(f"{path.name}: 顶层须为含 rules 列表的映射", file=path.name, line=1, field="rules")
    specs = [_spec(path.name, line, item) for line, item in zip(lines, data["rules"], strict=True)]
    _check_unique(path.name, specs, lines)
    return specs


def _item_lines(root: yaml.Node | None) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _spec(filename: str, line: int, item: Any) -> RuleSpec:
    try:
        return RuleSpec.model_validate(item)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "rule"
        detail = f"{filename} 第 {line} 行 {where}: {error['msg']}"
        raise InvalidInput(detail, file=filename, line=line, field=where, reason=error["msg"]) from None


def _check_unique(filename: str, specs: list[RuleSpec], lines: list[int]) -> None:
    seen: set[str] = set()
    for spec, line in zip(specs, lines, strict=True):
        if spec.code in seen:
            detail = f"{filename} 第 {line} 行 code: 规则代码 {spec.code} 重复"
            raise InvalidInput(detail, file=filename, line=line, field="code", reason="duplicate code")
        seen.add(spec.code)


def load_rules(session: Session, *, actor: Principal, path: Path | None = None) -> LoadReport:
    """Load a rule file (the default set when ``path`` is None): new codes are created, changed ones bumped."""
    actor.require(Role.admin)
    specs = read_rule_file(path or DEFAULT_RULES)
    for spec in specs:
        _check_scope(actor, spec.region_adcode)
    stored = {r.code: r for r in session.scalars(select(AlertRule).where(AlertRule.code.in_([s.code for s in specs])))}
    report = LoadReport(created=[], updated=[], unchanged=[])
    for spec in specs:
        rule = stored.get(spec.code)
        if rule is None:
            _create(session, actor, spec)
            report.created.append(spec.code)
        elif _apply(session, actor, rule, spec.model_dump(exclude={"code"})):
            report.updated.append(spec.code)
        else:
            report.unchanged.append(spec.code)
    session.flush()
    return report


def _check_scope(actor: Principal, adcode: str) -> None:
    if not actor.scope.covers(adcode):
        raise NotFound(f"地区 {adcode} 不在您的管辖范围内")


def _create(session: Session, actor: Principal, spec: RuleSpec) -> AlertRule:
    rule = AlertRule(**spec.model_dump(), version=1)
    session.add(rule)
    session.flush()
    after = snapshot(rule)
    record_write(
        session,
        actor=actor,
        action="create",
        entity=ENTITY,
        entity_id=rule.id,
        region_adcode=rule.region_adcode,
        after=after,
    )
    return rule


def _apply(session: Session, actor: Principal, rule: AlertRule, changes: dict[str, Any]) -> bool:
    """Apply changed fields; a changed definition bumps the version. Whether anything changed."""
    changed = {k: v for k, v in changes.items() if getattr(rule, k) != v}
    if not changed:
        return False
    before = snapshot(rule)
    for key, value in changed.items():
        setattr(rule, key, value)
    if any(k in DEFINITION for k in changed):
        rule.version += 1
    session.flush()
    record_write(
        session,
        actor=actor,
        action="update",
        entity=ENTITY,
        entity_id=rule.id,
        region_adcode=rule.region_adcode,
        before=before,
        after=snapshot(rule),
    )
    return True


def list_rules(
    session: Session, *, actor: Principal, region: str | None = None, kind: str | None = None
) -> list[AlertRule]:
    """Rules for regions inside the caller's scope (``region`` narrows it)."""
    scope = actor.scope.narrow(region)
    query = select(AlertRule).where(scope.clause(AlertRule.region_adcode)).order_by(AlertRule.region_adcode)
    if kind:
        query = query.where(AlertRule.kind == kind)
    return list(session.scalars(query.order_by(AlertRule.code)))


def get_rule(session: Session, *, actor: Principal, rule_id: int) -> AlertRule:
    """One rule inside the caller's scope."""
    rule = session.get(AlertRule, rule_id)
    if rule is None or not actor.scope.covers(rule.region_adcode):
        raise NotFound(f"告警规则 {rule_id} 不存在")
    return rule


def create_rule(session: Session, *, actor: Principal, data: RuleSpec) -> AlertRule:
    """Add a rule (administrators, inside their scope)."""
    actor.require(Role.admin)
    _check_scope(actor, data.region_adcode)
    if session.scalar(select(AlertRule.id).where(AlertRule.code == data.code)) is not None:
        raise Conflict(f"规则代码 {data.code} 已存在", field="code")
    return _create(session, actor, data)


def update_rule(session: Session, *, actor: Principal, rule_id: int, data: RuleUpdate) -> AlertRule:
    """Change a rule's name, parameters or enabled flag (administrators); new parameters bump the version."""
    rule = get_rule(session, actor=actor, rule_id=rule_id)
    actor.require(Role.admin)
    changes = data.model_dump(exclude_none=True)
    if "params" in changes:
        try:
            changes["params"] = normalise_params(rule.kind, changes["params"])
        except ValueError as exc:
            raise InvalidInput(str(exc), field="params") from None
    _apply(session, actor, rule, changes)
    return rule
