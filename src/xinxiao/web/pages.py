"""Site-wide pages and routes: home, login/logout, API docs, tokens, users and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from xinxiao import accounts, merchants
from xinxiao.core import Principal, Role, XinxiaoError, list_audit
from xinxiao.http import OptionalPrincipal, PagePrincipal, SessionDep, SettingsDep, check_csrf, render
from xinxiao.reference import list_units, region_choices

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    """Landing page: the modules and, when signed in, the size of the registry in scope."""
    counts, synthetic = None, False
    if not principal.is_anonymous:
        counts = {"merchants": merchants.count(session, actor=principal)}
        synthetic = merchants.has_synthetic(session, actor=principal)
    return render(request, "home.html", {"principal": principal, "counts": counts, "synthetic": synthetic})


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the credentials and start a session."""
    try:
        user = accounts.authenticate(session, username=username, password=password)
    except accounts.AuthenticationFailed as exc:
        return render(request, "login.html", {"next": _safe_next(next), "error": exc.detail}, 401)
    request.session.clear()
    request.session["user_id"] = user.id
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, session: SessionDep, principal: PagePrincipal) -> Response:
    """Users inside the administrator's scope, and the form to add one."""
    return _users(request, session, principal, error=None, created=None)


@router.post("/admin/users", response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(check_csrf)])
def create_user(
    request: Request,
    session: SessionDep,
    principal: PagePrincipal,
    username: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[Role, Form()],
    region_adcode: Annotated[str, Form()],
    unit_id: Annotated[str, Form()] = "",
) -> Response:
    """Create a user inside the administrator's scope."""
    try:
        data = accounts.UserCreate(
            username=username,
            display_name=display_name,
            password=password,
            role=role,
            region_adcode=region_adcode,
            unit_id=int(unit_id) if unit_id else None,
        )
        user = accounts.create(session, actor=principal, data=data)
    except ValidationError as exc:
        return _users(request, session, principal, error="; ".join(e["msg"] for e in exc.errors()), created=None)
    except XinxiaoError as exc:
        return _users(request, session, principal, error=exc.detail, created=None)
    return _users(request, session, principal, error=None, created=user.username)


def _users(
    request: Request, session: SessionDep, principal: Principal, *, error: str | None, created: str | None
) -> Response:
    users = accounts.list_users(session, actor=principal)
    context = {
        "principal": principal,
        "users": users,
        "error": error,
        "created": created,
        "roles": list(Role)[:-1],
        "regions": region_choices(session, scope=principal.scope),
        "units": list_units(session, scope=principal.scope),
    }
    return render(request, "users.html", context, status_code=422 if error else 200)


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, session: SessionDep, principal: PagePrincipal) -> Response:
    """The latest audit entries inside the scope (administrators and analysts)."""
    principal.require(Role.analyst)
    entries = list_audit(session, scope=principal.scope, limit=200)
    return render(request, "audit.html", {"principal": principal, "entries": entries})


class TokenRequest(BaseModel):
    """Credentials exchanged for a bearer token."""

    username: str
    password: str
    name: str = "api"


@router.post("/api/v1/auth/token", response_model=accounts.TokenIssued, tags=["auth"])
def issue_token(body: TokenRequest, session: SessionDep, settings: SettingsDep) -> accounts.TokenIssued:
    """Exchange a username and password for a bearer token (shown once)."""
    user = accounts.authenticate(session, username=body.username, password=body.password)
    secret, expires = accounts.issue_token(session, user=user, name=body.name, days=settings.token_max_age_days)
    return accounts.TokenIssued(token=secret, expires_at=expires)


@router.get("/api/v1/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    """Swagger UI served from the locally installed swagger-ui-dist package."""
    return get_swagger_ui_html(
        openapi_url="/api/v1/openapi.json",
        title="Xinxiao 新消 API",
        swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/app/favicon.svg",
    )


@router.get("/healthz", include_in_schema=False)
def health() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok"}
