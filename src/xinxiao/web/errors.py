"""Mapping domain errors to RFC 7807 problem responses (API) or error pages (HTML)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinxiao.core import XinxiaoError
from xinxiao.http.deps import LoginRequired
from xinxiao.http.templating import render


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """An ``application/problem+json`` response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail} | extra
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, XinxiaoError)
    if isinstance(exc, LoginRequired) and not request.url.path.startswith("/api/"):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if _wants_html(request):
        context = {"status": exc.status, "title": exc.title, "detail": exc.detail}
        return render(request, "error.html", context, status_code=exc.status)
    return problem(exc.status, exc.title, exc.detail, **exc.extra)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    if _wants_html(request):
        return render(request, "error.html", {"status": 422, "title": "Invalid input", "detail": detail}, 422)
    return problem(422, "Invalid input", detail, errors=errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _wants_html(request):
        context = {"status": exc.status_code, "title": str(exc.detail), "detail": str(exc.detail)}
        return render(request, "error.html", context, status_code=exc.status_code)
    return problem(exc.status_code, str(exc.detail), str(exc.detail))


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(XinxiaoError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
