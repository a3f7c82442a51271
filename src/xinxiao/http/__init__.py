"""Web plumbing shared by every domain's routes: dependencies, templates, CSRF, i18n, problems."""

from xinxiao.http.deps import (
    AnalyticsDep,
    AppState,
    CurrentPrincipal,
    OptionalPrincipal,
    PagePrincipal,
    SessionDep,
    SettingsDep,
    check_csrf,
)
from xinxiao.http.templating import region_breadcrumb, render, scope_context

__all__ = [
    "AnalyticsDep",
    "AppState",
    "CurrentPrincipal",
    "OptionalPrincipal",
    "PagePrincipal",
    "SessionDep",
    "SettingsDep",
    "check_csrf",
    "region_breadcrumb",
    "render",
    "scope_context",
]
