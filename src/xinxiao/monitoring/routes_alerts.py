"""Alert routes: the JSON API under /api/v1/monitoring/alerts and the inbox and rules pages under /monitoring/alerts.

A run needs the indicator values and the feed freshness: the application puts a factory on
``app.state.monitoring_alert_sources`` (``(session, runtime) -> AlertSources``); without one, runs answer 503.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinxiao.core import PageParams, Principal, XinxiaoError
from xinxiao.http import AppState, CurrentPrincipal, PagePrincipal, SessionDep, check_csrf, render, scope_context
from xinxiao.http.deps import get_state
from xinxiao.monitoring import alerts
from xinxiao.monitoring.alert_schemas import (
    ActionBody,
    AlertDetail,
    AlertFilter,
    AlertPage,
    AlertRead,
    NoteCreate,
    NoteRead,
    RuleRead,
    RuleSpec,
    RuleUpdate,
    RunReport,
)
from xinxiao.reference import region_choices

STATE_KEY = "monitoring_alert_sources"
api = APIRouter(prefix="/api/v1/monitoring/alerts", tags=["monitoring"])
pages = APIRouter(prefix="/monitoring/alerts", include_in_schema=False)
FilterDep = Annotated[AlertFilter, Query()]
PageDep = Annotated[PageParams, Query()]


class SourcesMissing(XinxiaoError):
    """No indicator values or feed freshness are wired into this application."""

    status = 503
    title = "Service unavailable"


def alert_sources(
    request: Request, session: SessionDep, state: Annotated[AppState, Depends(get_state)]
) -> alerts.AlertSources:
    """The values and freshness a run reads, built by the factory the application registered."""
    factory: alerts.SourcesFactory | None = getattr(request.app.state, STATE_KEY, None)
    if factory is None:
        raise SourcesMissing("告警数据源未接入: 应用未配置指标取值与数据新鲜度")
    return factory(session, state)


SourcesDep = Annotated[alerts.AlertSources, Depends(alert_sources)]


# --- API -------------------------------------------------------------------------------------------------------


@api.get("", response_model=AlertPage)
def list_alerts(session: SessionDep, actor: CurrentPrincipal, filters: FilterDep, page: PageDep) -> AlertPage:
    """Alerts inside your region scope, newest first; filter by status (red/yellow), state, region, rule kind."""
    return alerts.list_alerts(session, actor=actor, filters=filters, page=page)


@api.get("/rules", response_model=list[RuleRead])
def list_rules(session: SessionDep, actor: CurrentPrincipal, region: str | None = None) -> list[RuleRead]:
    """Alert rules for regions inside your scope."""
    return [RuleRead.model_validate(r) for r in alerts.list_rules(session, actor=actor, region=region)]


@api.post("/rules", response_model=RuleRead, status_code=201)
def create_rule(body: RuleSpec, session: SessionDep, actor: CurrentPrincipal) -> RuleRead:
    """Add a rule (administrators; the region must lie inside your scope)."""
    return RuleRead.model_validate(alerts.create_rule(session, actor=actor, data=body))


@api.get("/rules/{rule_id}", response_model=RuleRead)
def get_rule(rule_id: int, session: SessionDep, actor: CurrentPrincipal) -> RuleRead:
    """One rule inside your scope."""
    return RuleRead.model_validate(alerts.get_rule(session, actor=actor, rule_id=rule_id))


@api.put("/rules/{rule_id}", response_model=RuleRead)
def update_rule(rule_id: int, body: RuleUpdate, session: SessionDep, actor: CurrentPrincipal) -> RuleRead:
    """Change a rule's name, parameters or enabled flag (administrators); new parameters bump its version."""
    return RuleRead.model_validate(alerts.update_rule(session, actor=actor, rule_id=rule_id, data=body))


@api.post("/run", response_model=RunReport)
def run(
    session: SessionDep,
    actor: CurrentPrincipal,
    sources: SourcesDep,
    dry_run: bool = False,
    as_of: date | None = None,
    region: str | None = None,
) -> RunReport:
    """Evaluate the enabled rules in your scope as of a date (default today); ``dry_run`` stores nothing."""
    return alerts.run_rules(
        session,
        actor=actor,
        values=sources.values,
        freshness=sources.freshness,
        as_of=as_of or alerts.today(),
        dry_run=dry_run,
        region=region,
    )


@api.get("/{alert_id}", response_model=AlertDetail)
def get_alert(alert_id: int, session: SessionDep, actor: CurrentPrincipal) -> AlertDetail:
    """One alert with the data snapshot behind it, its rule and its notes."""
    return alerts.alert_detail(session, actor=actor, alert_id=alert_id)


@api.post("/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge(alert_id: int, session: SessionDep, actor: CurrentPrincipal, body: ActionBody | None = None) -> Any:
    """Acknowledge an open alert, optionally with a note."""
    return alerts.acknowledge(session, actor=actor, alert_id=alert_id, note=body.note if body else "")


@api.post("/{alert_id}/close", response_model=AlertRead)
def close(alert_id: int, session: SessionDep, actor: CurrentPrincipal, body: ActionBody | None = None) -> Any:
    """Close an alert (处置完毕), optionally with a note."""
    return alerts.close_alert(session, actor=actor, alert_id=alert_id, note=body.note if body else "")


@api.post("/{alert_id}/reopen", response_model=AlertRead)
def reopen(alert_id: int, session: SessionDep, actor: CurrentPrincipal, body: ActionBody | None = None) -> Any:
    """Reopen a closed alert, optionally with a note."""
    return alerts.reopen_alert(session, actor=actor, alert_id=alert_id, note=body.note if body else "")


@api.post("/{alert_id}/notes", response_model=NoteRead, status_code=201)
def add_note(alert_id: int, body: NoteCreate, session: SessionDep, actor: CurrentPrincipal) -> Any:
    """Add a 处置 note."""
    return alerts.add_note(session, actor=actor, alert_id=alert_id, text=body.text)


# --- pages -----------------------------------------------------------------------------------------------------


def _common(session: Session, actor: Principal) -> dict[str, Any]:
    regions = region_choices(session, scope=actor.scope)
    return scope_context(session, actor) | {"regions": regions, "region_names": {r.adcode: r.name for r in regions}}


@pages.get("", response_class=HTMLResponse)
def inbox_page(request: Request, session: SessionDep, actor: PagePrincipal, filters: FilterDep, page: PageDep) -> Any:
    """The alert inbox: 红/黄 badges, filters by status, state, region and rule kind."""
    result = alerts.list_alerts(session, actor=actor, filters=filters, page=page)
    context = _common(session, actor) | {"result": result, "filters": filters, "query": request.url.query}
    context["synthetic"] = any(a.synthetic for a in result.items)
    return render(request, "monitoring/alerts.html", context)


@pages.get("/rules", response_class=HTMLResponse)
def rules_page(request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """The rules in the scope; administrators edit parameters and switch rules on or off."""
    context = _common(session, actor) | {"rules": alerts.list_rules(session, actor=actor)}
    return render(request, "monitoring/alerts_rules.html", context)


@pages.post("/rules/{rule_id}", dependencies=[Depends(check_csrf)])
async def rule_form(rule_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """Store an administrator's parameters (fields ``p.<name>``) and the enabled flag."""
    rule = alerts.get_rule(session, actor=actor, rule_id=rule_id)
    form = await request.form()
    params = {k: v for k in rule.params if (v := str(form.get(f"p.{k}", "")).strip())}
    update = RuleUpdate(params=params, enabled=form.get("enabled") == "on")
    alerts.update_rule(session, actor=actor, rule_id=rule_id, data=update)
    return RedirectResponse("/monitoring/alerts/rules", status_code=303)


@pages.get("/{alert_id}", response_class=HTMLResponse)
def detail_page(alert_id: int, request: Request, session: SessionDep, actor: PagePrincipal) -> Response:
    """One alert: the snapshot data table, the thresholds, the notes and the 处置 forms."""
    detail = alerts.alert_detail(session, actor=actor, alert_id=alert_id)
    context = _common(session, actor) | {"a": detail, "s": detail.snapshot, "synthetic": detail.synthetic}
    return render(request, "monitoring/alerts_detail.html", context)


@pages.post("/{alert_id}/acknowledge", dependencies=[Depends(check_csrf)])
def acknowledge_form(
    alert_id: int, session: SessionDep, actor: PagePrincipal, note: Annotated[str, Form()] = ""
) -> Response:
    """Acknowledge from the detail page."""
    alerts.acknowledge(session, actor=actor, alert_id=alert_id, note=note)
    return _back(alert_id)


@pages.post("/{alert_id}/notes", dependencies=[Depends(check_csrf)])
def note_form(alert_id: int, session: SessionDep, actor: PagePrincipal, text: Annotated[str, Form()]) -> Response:
    """Add a 处置 note from the detail page."""
    alerts.add_note(session, actor=actor, alert_id=alert_id, text=text)
    return _back(alert_id)


@pages.post("/{alert_id}/close", dependencies=[Depends(check_csrf)])
def close_form(alert_id: int, session: SessionDep, actor: PagePrincipal, note: Annotated[str, Form()] = "") -> Response:
    """Close from the detail page."""
    alerts.close_alert(session, actor=actor, alert_id=alert_id, note=note)
    return _back(alert_id)


@pages.post("/{alert_id}/reopen", dependencies=[Depends(check_csrf)])
def reopen_form(
    alert_id: int, session: SessionDep, actor: PagePrincipal, note: Annotated[str, Form()] = ""
) -> Response:
    """Reopen from the detail page."""
    alerts.reopen_alert(session, actor=actor, alert_id=alert_id, note=note)
    return _back(alert_id)


def _back(alert_id: int) -> Response:
    return RedirectResponse(f"/monitoring/alerts/{alert_id}", status_code=303)
