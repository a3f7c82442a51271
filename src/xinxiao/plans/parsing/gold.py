"""Hand-labelled gold files of the plan parser: their schema, loading and collective expansion.

A gold file is JSON (UTF-8) of this shape; ``load_gold`` validates it::

    {
      "source": "seed000_diqing.txt",       # the labelled document, relative to the gold file
      "doc": {                                # header fields; a list holds every accepted form, preferred first
        "title": str | [str, ...] | null, "issuer": ..., "doc_number": ..., "period": ...,
        "issued_on": "YYYY-MM-DD" | null, "region_adcode": "533400" | null
      },
      "notes": [str, ...],                    # what the labeller decided, for the reader
      "tasks": [{
        "id": "二.(一).1",                    # the section path id ("-a", "-b" for sub-tasks of one item)
        "title": str,                         # the heading up to its first 。
        "optional": false,                    # true: scored only when the parse has the task (no recall loss)
        "note": str,
        "lead_units": [Unit, ...], "co_units": [Unit, ...]
      }],
      "targets": [{
        "metric": str, "aliases": [str, ...], # canonical metric and other accepted names
        "kind": "level|yoy_growth|annual_growth|share|count|coverage|relative",
        "operator": "=|>=|>|<=|<|~|range", "value": float | null, "value_high": float | null,
        "unit": str, "deadline": str | null, "base_year": int | null, "firmness": "must|strive|aim|plain",
        "scope": str | null,
        "task_id": str | null,                # null for the goals section
        "text": str, "note": str              # the printed source clause; why it was labelled so
      }]
    }

``Unit`` is a canonical registry name or an object ``{"name", "printed", "unresolved", "collective",
"either_role", "or_expand", "note"}``: ``unresolved`` marks a name the registry cannot resolve (kept as
printed), ``collective`` the collective a member was expanded from, ``either_role`` a unit whose clause
names no role (scored in the role the parse gives it), ``or_expand`` a collective a parse may name in
full instead of a garbled name (各 州人民政府 for 各市州人民政府). ``{"expand": "州直有关部门"}`` stands
for a collective whose members the registry defines: ``load_gold`` replaces it by them, less the units
the task already names.

Matching: tasks by id; units as (task id, name) pairs per role, names NFKC-folded without blanks;
targets by task id + metric (exact or an alias, else one name containing the other) + value + unit, with
kind, operator, deadline (a bare year equals its ``-12-31``), firmness, value_high and base_year scored
as attribute accuracies on the matched pairs. Kinds: ``level`` an amount (亿元, 万元), ``count`` a number
of things, events or people (个, 家, 场, 万人), ``share`` a proportion, ``coverage`` 全覆盖 (100 %),
``relative`` against a benchmark (翻一番 = 2 倍, 达到全省平均水平).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from xinxiao.plans.parsing.model import Firmness, Operator, TargetKind
from xinxiao.reference import UnitRegistry, unit_registry

_DASHES = str.maketrans(dict.fromkeys("—–‒―－~～", "-"))
_QUOTES = str.maketrans(dict.fromkeys("“”‘’\"'《》「」", ""))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldUnit(_Strict):
    """A unit in a gold task: a canonical name, the printed name flagged unresolved, or a collective to expand."""

    name: str | None = None
    expand: str | None = None  # a collective whose members the registry defines (州直有关部门)
    printed: str | None = None
    unresolved: bool = False
    collective: str | None = None
    either_role: bool = False  # the document names no role (X按职责分工负责): lead or co both count
    or_expand: str | None = None  # a collective whose members a parse may give instead (a garbled name)
    or_units: list[str] = []  # names a parse may give instead; load_gold fills it from or_expand
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _name_or_expand(self) -> GoldUnit:
        if (self.name is None) == (self.expand is None):
            raise ValueError("a gold unit has either a name or an expand, not both")
        return self


class GoldTask(_Strict):
    """A labelled task with its lead and co-operating units."""

    id: str
    title: str
    optional: bool = False
    note: str | None = None
    lead_units: list[GoldUnit] = []
    co_units: list[GoldUnit] = []


class GoldTarget(_Strict):
    """A labelled quantitative target."""

    metric: str
    aliases: list[str] = []
    kind: TargetKind
    operator: Operator
    value: float | None
    value_high: float | None = None
    unit: str
    deadline: str | None = None
    base_year: int | None = None
    firmness: Firmness = "plain"
    scope: str | None = None
    task_id: str | None = None
    text: str
    note: str | None = None


class GoldDoc(_Strict):
    """Labelled header fields; a list holds every accepted form."""

    title: str | list[str] | None = None
    issuer: str | list[str] | None = None
    doc_number: str | list[str] | None = None
    issued_on: date | None = None
    region_adcode: str | None = None
    period: str | list[str] | None = None


class Gold(_Strict):
    """A whole gold file."""

    source: str | None = None
    doc: GoldDoc = GoldDoc()
    notes: list[str] = []
    tasks: list[GoldTask] = []
    targets: list[GoldTarget] = []

    @model_validator(mode="after")
    def _consistent(self) -> Gold:
        ids = [task.id for task in self.tasks]
        repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
        if repeated:
            raise ValueError(f"task ids repeat: {repeated}")
        unknown = sorted({t.task_id for t in self.targets if t.task_id is not None} - set(ids))
        if unknown:
            raise ValueError(f"targets name unknown tasks: {unknown}")
        return self


def fold(text: str) -> str:
    """The comparison form of a name: NFKC, no blanks, one kind of dash, no quotes.

    >>> fold(" 省卫健 委"), fold("2022—2024年"), fold("“新零售+”消费")
    ('省卫健委', '2022-2024年', '新零售+消费')
    """
    text = "".join(unicodedata.normalize("NFKC", text).split())
    return text.translate(_DASHES).translate(_QUOTES).strip("、,;:。.")


def load_gold(path: str | Path, *, registry: UnitRegistry | None = None) -> Gold:
    """Read and validate a gold file, expanding ``expand`` entries through the units registry."""
    gold = Gold.model_validate(json.loads(Path(path).read_text("utf-8")))
    return expand_gold(gold, registry=registry or unit_registry())


def _members(collective: str, region: str | None, registry: UnitRegistry) -> list[str]:
    members = registry.expand_collective(collective, region_adcode=region or "")
    if members is None:
        raise ValueError(f"{collective} is no collective of region {region}")
    return [m.name for m in members]


def _expanded(units: list[GoldUnit], named: set[str], region: str | None, registry: UnitRegistry) -> list[GoldUnit]:
    out = []
    for unit in units:
        if unit.or_expand is not None:
            unit = unit.model_copy(update={"or_units": _members(unit.or_expand, region, registry), "or_expand": None})
        if unit.expand is None:
            out.append(unit)
            continue
        members = [m for m in _members(unit.expand, region, registry) if m not in named]
        out += [GoldUnit(name=m, collective=unit.expand, either_role=unit.either_role) for m in members]
    return out


def expand_gold(gold: Gold, *, registry: UnitRegistry) -> Gold:
    """Replace ``expand`` entries by the collective's members not already named in the task; fill ``or_units``.

    >>> from xinxiao.reference import unit_registry
    >>> gold = Gold.model_validate({"doc": {"region_adcode": "533400"}, "tasks": [{"id": "1", "title": "",
    ...     "lead_units": ["州商务局"], "co_units": [{"expand": "各县市人民政府"}]}]})
    >>> [u.name for u in expand_gold(gold, registry=unit_registry()).tasks[0].co_units]
    ['香格里拉市人民政府', '德钦县人民政府', '维西傈僳族自治县人民政府']
    """
    tasks = []
    for task in gold.tasks:
        named = {u.name for u in (*task.lead_units, *task.co_units) if u.name is not None}
        lead = _expanded(task.lead_units, named, gold.doc.region_adcode, registry)
        co = _expanded(task.co_units, named, gold.doc.region_adcode, registry)
        tasks.append(task.model_copy(update={"lead_units": lead, "co_units": co}))
    return gold.model_copy(update={"tasks": tasks})


def find_cases(directory: str | Path) -> list[tuple[Path, Path]]:
    """(document, gold file) pairs for every ``*.gold.json`` under a directory, sorted by gold path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "a.gold.json").write_text('{"source": "a.txt"}', "utf-8")
    ...     [(text.name, gold.name) for text, gold in find_cases(tmp)]
    [('a.txt', 'a.gold.json')]
    """
    cases = []
    for gold_path in sorted(Path(directory).rglob("*.gold.json")):
        source = load_gold(gold_path).source or gold_path.name.removesuffix(".gold.json") + ".txt"
        cases.append((gold_path.parent / source, gold_path))
    return cases
