"""`xinxiao monitoring …`: feeds, cubes, official series, indicators, windows and alerts from the command line."""

from __future__ import annotations

import typer

from xinxiao.monitoring import cli_alerts, cli_feeds, cli_indicators, cli_official, service

app = typer.Typer(help="消费市场统计监测 — consumption market monitoring.", no_args_is_help=True)
cli_feeds.register(app)
cli_official.register(app)
cli_indicators.register(app)
cli_alerts.register(app, sources=service.alert_sources)
