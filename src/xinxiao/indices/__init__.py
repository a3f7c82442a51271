"""Composite indicators (综合指数): a COINr-compatible engine and the 新型消费活力指数 and 消费环境评价 built on it."""

from xinxiao.indices import cli, pages, routes
from xinxiao.indices.definitions import Definition, get_definition, list_definitions
from xinxiao.indices.framework import Framework, IndicatorData, read_idata, read_imeta
from xinxiao.indices.outputs import write_build
from xinxiao.indices.pipeline import Build, build
from xinxiao.indices.service import RunRequest, get_run, history, latest_run, list_runs, record_run, run_index, scores
from xinxiao.indices.sources import Period, parse_period
from xinxiao.indices.spec import BuildSpec, Step, parse_steps, read_spec

__all__ = [
    "Build",
    "BuildSpec",
    "Definition",
    "Framework",
    "IndicatorData",
    "Period",
    "RunRequest",
    "Step",
    "build",
    "cli",
    "get_definition",
    "get_run",
    "history",
    "latest_run",
    "list_definitions",
    "list_runs",
    "pages",
    "parse_period",
    "parse_steps",
    "read_idata",
    "read_imeta",
    "read_spec",
    "record_run",
    "routes",
    "run_index",
    "scores",
    "write_build",
]
