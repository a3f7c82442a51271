"""The application factory shared by ``xinxiao serve``, tests and the browser test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from xinxiao import indices, merchants, monitoring, plans
from xinxiao.config import Settings
from xinxiao.runtime import Runtime
from xinxiao.web import errors, pages, regions

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """Build the FastAPI app for ``settings``; nothing connects until the first request."""
    app = FastAPI(
        title="Xinxiao 新消 API",
        version="0.1.0",
        description="新型消费促进平台: merchant registry, reference data and more. All figures keep "
        "source, unit and vintage; synthetic data is labelled.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    runtime = Runtime.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        merchants.recover_orphans(runtime.sessions)
        monitoring.service.recover(runtime)
        yield
        runtime.close()

    app.router.lifespan_context = lifespan
    app.state.xinxiao = runtime
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="xinxiao_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    errors.install(app)
    app.mount("/static/app", StaticFiles(directory=STATIC), name="static")
    vendor = settings.assets_dir
    if (vendor / "echarts" / "dist").is_dir():
        app.mount("/static/vendor/echarts", StaticFiles(directory=vendor / "echarts" / "dist"), name="echarts")
    swagger = vendor / "swagger-ui-dist"
    if swagger.is_dir():
        app.mount("/static/vendor/swagger-ui", StaticFiles(directory=swagger), name="swagger")
    app.include_router(pages.router)
    app.include_router(regions.api)
    app.include_router(merchants.router.api)
    app.include_router(merchants.pages.router)
    app.include_router(plans.router.api)
    app.include_router(plans.pages.router)
    app.include_router(plans.form_routes.forms_api)
    app.include_router(plans.form_routes.forms_pages)
    app.include_router(monitoring.pages.api)
    app.include_router(monitoring.routes_indicators.api)
    app.include_router(monitoring.routes_official.api)
    app.include_router(monitoring.routes_alerts.api)
    app.include_router(monitoring.routes_alerts.pages)  # before the dashboard's /monitoring pages
    app.include_router(monitoring.pages.router)
    app.include_router(indices.routes.api)
    app.include_router(indices.pages.router)
    app.state.monitoring_alert_sources = monitoring.alert_sources
    return app
