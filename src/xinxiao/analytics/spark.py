"""The process-wide Spark session: local, quiet, and writing nothing into the working directory."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SPARK_CONF", "spark_session", "stop_spark_session"]

log = logging.getLogger(__name__)

SPARK_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    # No Hive metastore: temp views only, so no metastore_db/ or derby.log appear anywhere.
    "spark.sql.catalogImplementation": "in-memory",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # Partition values stay strings (adcode 533401 must not become an integer), as on DuckDB.
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
}
"""Settings every session gets, besides master and the directories."""

_lock = threading.Lock()
_session: SparkSession | None = None


def spark_session(master: str = "local[2]", warehouse_dir: Path | None = None) -> SparkSession:
    """The process's Spark session, started on first call; later calls return it unchanged."""
    global _session
    with _lock:
        if _session is None:
            _session = _start(master, warehouse_dir)
        elif _session.sparkContext.master != master:
            log.warning("Spark already runs with master %s; %s ignored", _session.sparkContext.master, master)
        return _session


def stop_spark_session() -> None:
    """Stop the process's Spark session if one was started; the next ``spark_session`` starts anew."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None


def _start(master: str, warehouse_dir: Path | None) -> SparkSession:
    from pyspark.sql import SparkSession

    root = (warehouse_dir or Path(tempfile.mkdtemp(prefix="xinxiao-spark-"))).resolve()
    root.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.master(master).appName("xinxiao")
    for key, value in _conf(master, root).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _conf(master: str, root: Path) -> dict[str, str]:
    conf = {
        **SPARK_CONF,
        "spark.sql.warehouse.dir": str(root / "warehouse"),
        "spark.local.dir": str(root / "local"),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={root / 'derby'}",
    }
    if master.startswith("local"):
        # Local mode needs no network: bind to loopback (government networks are often isolated).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        conf |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    return conf
