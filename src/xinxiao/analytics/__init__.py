"""The analytics seam: ibis expressions run on embedded DuckDB (default) or Spark, same results."""

from xinxiao.analytics.engines import (
    AnalyticsEngine,
    BuildExpr,
    DuckDBEngine,
    ParquetFiles,
    SparkEngine,
    TableSource,
    make_analytics_engine,
)
from xinxiao.analytics.frames import normalise_frame
from xinxiao.analytics.spark import spark_session, stop_spark_session

__all__ = [
    "AnalyticsEngine",
    "BuildExpr",
    "DuckDBEngine",
    "ParquetFiles",
    "SparkEngine",
    "TableSource",
    "make_analytics_engine",
    "normalise_frame",
    "spark_session",
    "stop_spark_session",
]
