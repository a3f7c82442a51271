"""Typed FastAPI dependencies: settings, a transactional session, the principal, CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session

from xinxiao import accounts
from xinxiao.analytics import AnalyticsEngine
from xinxiao.config import Settings
from xinxiao.core import ANONYMOUS, PermissionDenied, Principal, XinxiaoError
from xinxiao.runtime import Runtime

AppState = Runtime


class LoginRequired(XinxiaoError):
    """A page needs a signed-in user; the web layer redirects to the login page."""

    status = 401
    title = "Login required"


def get_state(request: Request) -> AppState:
    """The application state."""
    state: AppState = request.app.state.xinxiao
    return state


def get_settings_dep(state: Annotated[AppState, Depends(get_state)]) -> Settings:
    """The settings of this app."""
    return state.settings


def get_session(state: Annotated[AppState, Depends(get_state)]) -> Iterator[Session]:
    """A session whose transaction commits when the route returns and rolls back on error."""
    with state.sessions() as session, session.begin():
        yield session


def get_analytics(state: Annotated[AppState, Depends(get_state)]) -> AnalyticsEngine:
    """The analytics engine."""
    return state.analytics


def optional_principal(request: Request, session: Annotated[Session, Depends(get_session)]) -> Principal:
    """The principal from a bearer token or the session cookie; the anonymous public otherwise."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = accounts.user_for_token(session, secret=header[7:].strip())
        return accounts.principal_of(user)
    user_id = request.session.get("user_id")
    if user_id is not None:
        try:
            principal = accounts.principal_of(accounts.get(session, user_id=int(user_id)))
        except XinxiaoError:
            request.session.clear()
            return ANONYMOUS
        _check_cookie_write(request)
        return principal
    return ANONYMOUS


def _check_cookie_write(request: Request) -> None:
    """An API write authenticated by the session cookie must carry the CSRF token in ``X-CSRF-Token``.

    Forms post the token as a field (``check_csrf``); bearer-token calls need nothing, since a browser
    never adds a bearer token on its own.
    """
    if request.method in SAFE_METHODS or not request.url.path.startswith("/api/"):
        return
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(str(expected), request.headers.get("x-csrf-token", "")):
        raise PermissionDenied("使用登录会话调用写接口时须在 X-CSRF-Token 头中提供页面的 CSRF 令牌")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def current_principal(principal: Annotated[Principal, Depends(optional_principal)]) -> Principal:
    """A signed-in principal (API: a 403 problem when absent)."""
    if principal.is_anonymous:
        raise PermissionDenied("请先登录或提供 Bearer 令牌")
    return principal


def page_principal(principal: Annotated[Principal, Depends(optional_principal)]) -> Principal:
    """A signed-in principal for pages (redirects to the login page when absent)."""
    if principal.is_anonymous:
        raise LoginRequired("请先登录")
    return principal


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser session, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form post whose hidden ``csrf`` field does not match the session's token."""
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(str(expected), csrf):
        raise PermissionDenied("表单已过期或来源不明 (CSRF 校验失败), 请刷新页面后重试")


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
AnalyticsDep = Annotated[AnalyticsEngine, Depends(get_analytics)]
OptionalPrincipal = Annotated[Principal, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
PagePrincipal = Annotated[Principal, Depends(page_principal)]
