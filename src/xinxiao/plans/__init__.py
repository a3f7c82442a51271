"""Plans (行动方案): parse policy documents into tasks, units and targets, and track implementation."""

from xinxiao.plans import cli, parsing
from xinxiao.plans.parsing import ParsedPlan, parse_plan, read_document

__all__ = ["ParsedPlan", "cli", "parse_plan", "parsing", "read_document"]
