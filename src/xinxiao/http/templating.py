"""Jinja2 environment over the base templates and every domain's ``templates/`` folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from sqlalchemy.orm import Session

from xinxiao.core import NATIONAL, Principal, Scope
from xinxiao.http.deps import csrf_token
from xinxiao.http.i18n import pick_language, translate
from xinxiao.reference import get_region

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@lru_cache
def templates() -> Jinja2Templates:
    """The shared template environment; a domain's page ``list.html`` is ``merchants/list.html``."""
    domains = {p.parent.name: FileSystemLoader(p) for p in PACKAGE_ROOT.glob("*/templates") if p.is_dir()}
    loader = ChoiceLoader([FileSystemLoader(PACKAGE_ROOT / "web" / "templates"), PrefixLoader(domains)])
    result = Jinja2Templates(directory=str(PACKAGE_ROOT / "web" / "templates"))
    result.env.loader = loader
    result.env.globals["fmt_rate"] = lambda v: f"{v * 100:.1f}%"
    result.env.globals["fmt_int"] = lambda v: f"{int(v):,}"
    return result


def language(request: Request) -> str:
    """The language of this request."""
    default = request.app.state.xinxiao.settings.default_language
    return pick_language(request.query_params.get("lang"), request.cookies.get("lang"), default)


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page with the language, translator, CSRF token and the signed-in user in its context."""
    lang = language(request)
    base = {
        "lang": lang,
        "t": lambda key: translate(key, lang),
        "csrf": csrf_token(request),
        "synthetic": False,
        "path": request.url.path,
    }
    response = templates().TemplateResponse(request, template, base | context, status_code=status_code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response


def scope_context(session: Session, actor: Principal) -> dict[str, object]:
    """What every signed-in page shows in its header: the principal and the name of their region."""
    name = get_region(session, adcode=actor.scope.adcode).name if actor.scope.prefix else "全国"
    return {"principal": actor, "scope_name": name}


def region_breadcrumb(session: Session, actor: Principal, node: str) -> list[tuple[str, str]]:
    """(adcode, name) of the province, prefecture and county down to ``node`` that lie inside the scope."""
    codes = dict.fromkeys((node[:2] + "0000", node[:4] + "00", node))
    inside = [c for c in codes if c != NATIONAL and actor.scope.contains(Scope(c))]
    return [(c, get_region(session, adcode=c).name) for c in inside]
