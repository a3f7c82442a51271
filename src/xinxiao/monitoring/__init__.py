"""Consumption market monitoring (消费市场统计监测): official series, feeds, lake, cube, indicators, alerts."""

from xinxiao.monitoring import (
    adjustment,
    cli,
    official,
    pages,
    routes_alerts,
    routes_indicators,
    routes_official,
    service,
    synthetic,
)
from xinxiao.monitoring.alerts import (
    AlertSources,
    acknowledge,
    add_note,
    list_alerts,
    load_rules,
    run_rules,
)
from xinxiao.monitoring.deliveries import ingest_file, list_deliveries, rebuild_cubes
from xinxiao.monitoring.effects import WindowEffect, uplift_interval, window_effect
from xinxiao.monitoring.indicators import Indicator, get_indicator, list_indicators
from xinxiao.monitoring.lake import Lake
from xinxiao.monitoring.models import Alert, AlertNote, AlertRule, Delivery, Series, Window
from xinxiao.monitoring.official import load_national_reference
from xinxiao.monitoring.query import CubeSources, IndicatorSeries, Ranking, indicator_series, rank_subregions
from xinxiao.monitoring.schema import FEED_KINDS, FEED_SCHEMAS, FeedKind
from xinxiao.monitoring.service import alert_sources, cube_sources
from xinxiao.monitoring.view_service import IndicatorView, indicator_view
from xinxiao.monitoring.windows import list_windows, seed_windows

__all__ = [
    "FEED_KINDS",
    "FEED_SCHEMAS",
    "Alert",
    "AlertNote",
    "AlertRule",
    "AlertSources",
    "CubeSources",
    "Delivery",
    "FeedKind",
    "Indicator",
    "IndicatorSeries",
    "IndicatorView",
    "Lake",
    "Ranking",
    "Series",
    "Window",
    "WindowEffect",
    "acknowledge",
    "add_note",
    "adjustment",
    "alert_sources",
    "cli",
    "cube_sources",
    "get_indicator",
    "indicator_series",
    "indicator_view",
    "ingest_file",
    "list_alerts",
    "list_deliveries",
    "list_indicators",
    "list_windows",
    "load_national_reference",
    "load_rules",
    "official",
    "pages",
    "rank_subregions",
    "rebuild_cubes",
    "routes_alerts",
    "routes_indicators",
    "routes_official",
    "run_rules",
    "seed_windows",
    "service",
    "synthetic",
    "uplift_interval",
    "window_effect",
]
