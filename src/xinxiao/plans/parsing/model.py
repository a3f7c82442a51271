"""The shapes a parsed plan is made of: plain dataclasses, JSON-ready through ``to_dict``.

Offsets (``span``) always index the RAW text the parser was given, never the normalised text, so a
page can highlight the source of every task, unit and target in the document as the user supplied it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Span = tuple[int, int]
"""(start, end) offsets into the raw text, end exclusive."""

UnitRole = Literal["lead", "co"]
TargetKind = Literal["level", "yoy_growth", "annual_growth", "share", "count", "coverage", "relative"]
Operator = Literal["=", ">=", ">", "<=", "<", "~", "range"]
Firmness = Literal["must", "strive", "aim", "plain"]  # 确保 / 力争 / 争取 / stated plainly


@dataclass
class ParseWarning:
    """Something the parser repaired, guessed or could not resolve; never an exception."""

    code: str  # e.g. "numeral_inferred", "unit_unresolved", "clause_truncated"
    message: str  # Chinese, for the officer who reviews the plan
    span: Span | None = None


@dataclass
class NormalisationStep:
    """One change the normalisation pass made, with where it happened in the raw text."""

    step: str  # e.g. "t2s", "fullwidth", "cjk_space", "page_noise", "line_join"
    before: str
    after: str
    span: Span


@dataclass
class Section:
    """A node of the section tree: 一、 → (一) → 1. → (1)/①."""

    path: str  # path id, e.g. "二.(一).1"
    marker: str  # the printed ordinal with its punctuation, e.g. "(一)"; "" when inferred from neighbours
    ordinal: int  # integer ordinal, e.g. 1
    family: (
        str  # "chinese" 一、 | "chapter" 第X章 | "paren_chinese" (一) | "arabic" 1. | "paren_arabic" (1) | "circled" ①
    )
    level: int  # depth in the tree, 1 = top
    title: str  # the heading text (up to the first 。 when inline)
    text: str  # the whole normalised text of the node, heading included, children excluded
    span: Span
    inferred: bool = False  # the numeral was lost in extraction and inferred
    children: list[Section] = field(default_factory=list)


@dataclass
class UnitRef:
    """A unit named in a responsibility clause, resolved through the units registry when possible."""

    name: str  # canonical registry name when resolved, else the text as printed
    raw: str  # as printed in the clause
    role: UnitRole
    resolved: bool
    region_adcode: str | None = None
    collective: str | None = None  # the collective it was expanded from, e.g. "各县市人民政府"
    span: Span | None = None


@dataclass
class Target:
    """A quantitative target: metric, kind, operator, value and unit, firmness, deadline, scope."""

    metric: str
    kind: TargetKind
    operator: Operator
    value: float | None
    unit: str  # 亿元, 万亿元, 万元, %, 个百分点, 个, 家, 场, "" for an index
    text: str  # the sentence or clause it came from
    span: Span
    value_high: float | None = None  # upper bound of a range (1-2个)
    firmness: Firmness = "plain"
    deadline: str | None = None  # "2024", "2022-12-31", "十四五"
    base_year: int | None = None
    scope: str | None = None  # 全州, 每个县(市), a named city
    task_id: str | None = None  # the task it belongs to; None for the goals section


@dataclass
class Task:
    """A task (or sub-task when one item carries several responsibility clauses)."""

    id: str  # the section path, with "-a", "-b" for sub-tasks
    title: str
    text: str
    span: Span
    units: list[UnitRef] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def lead_units(self) -> list[str]:
        """Canonical names of the lead units, in printed order."""
        return [u.name for u in self.units if u.role == "lead"]

    @property
    def co_units(self) -> list[str]:
        """Canonical names of the co-operating units, in printed order."""
        return [u.name for u in self.units if u.role == "co"]


@dataclass
class ParsedPlan:
    """A parsed policy document. Parsing never raises; problems are ``warnings``."""

    raw: str
    text: str  # the normalised text
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None  # 发文字号, normalised to 〔〕 brackets, e.g. 迪政发〔2022〕12号
    issued_on: date | None = None
    recipients: list[str] = field(default_factory=list)  # 主送机关
    period: str | None = None  # e.g. "2022—2024年" after the title
    region_adcode: str | None = None  # the issuing region, when known or detected
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # all targets, goals section first
    attachments: list[str] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    normalisation: list[NormalisationStep] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``xinxiao plans parse`` (tasks carry lead_units and co_units)."""
        data = asdict(self)
        data.pop("raw")
        data["issued_on"] = self.issued_on.isoformat() if self.issued_on else None
        for task, out in zip(self.tasks, data["tasks"], strict=True):
            out["lead_units"], out["co_units"] = task.lead_units, task.co_units
        return data
