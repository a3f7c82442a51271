"""Consumption market monitoring (消费市场统计监测): official series, feeds, lake, cube, indicators, alerts."""

from xinxiao.monitoring.models import Alert, AlertNote, AlertRule, Delivery, Series, Window

__all__ = ["Alert", "AlertNote", "AlertRule", "Delivery", "Series", "Window"]
