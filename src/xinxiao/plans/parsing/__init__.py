"""Parsing policy documents into sections, tasks, units and targets (pure functions, no database)."""

from xinxiao.plans.parsing.model import (
    NormalisationStep,
    ParsedPlan,
    ParseWarning,
    Section,
    Target,
    Task,
    UnitRef,
)
from xinxiao.plans.parsing.pipeline import parse_plan
from xinxiao.plans.parsing.reading import read_document

__all__ = [
    "NormalisationStep",
    "ParseWarning",
    "ParsedPlan",
    "Section",
    "Target",
    "Task",
    "UnitRef",
    "parse_plan",
    "read_document",
]
