"""GB/T 4754-2017 国民经济行业分类 from ``data/industries.csv``.

The table holds all 20 sections (门类 A–T) and all 97 divisions (大类); groups (中类) and classes
(小类) only for the consumption-relevant divisions listed in ``data/PROVENANCE.md`` (51, 52, 60–62,
64, 72, 80, 81, 83–90). ``is_valid_industry`` therefore answers "is this code in the shipped table",
which for a class of an uncovered division (1311) is False.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.reference.models import Industry

IndustryLevel = Literal["section", "division", "group", "class"]
_CODE = re.compile(r"[A-T]|[0-9]{2,4}")


@dataclass(frozen=True, slots=True)
class IndustryInfo:
    """One code of the classification with its Chinese name."""

    code: str
    name: str
    level: IndustryLevel
    parent_code: str | None


@cache
def _table() -> dict[str, IndustryInfo]:
    text = resources.files("xinxiao.reference").joinpath("data", "industries.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {r["code"]: IndustryInfo(r["code"], r["name"], _level(r["level"]), r["parent_code"] or None) for r in rows}


def _level(value: str) -> IndustryLevel:
    if value not in get_args(IndustryLevel):
        raise ValueError(f"unknown industry level {value!r}")
    return cast(IndustryLevel, value)


def industries() -> list[IndustryInfo]:
    """Every shipped code, sections first in the standard's order, each followed by its subtree."""
    return list(_table().values())


def industry(code: str) -> IndustryInfo | None:
    """The entry for a code (F, 52, 521, 5211), or None when it is not in the table.

    >>> industry("7291").name, industry("f").name
    ('旅行社及相关服务', '批发和零售业')
    """
    return _table().get(code.strip().upper())


def is_valid_industry(code: str) -> bool:
    """Whether a code is in the shipped table.

    >>> is_valid_industry("5211"), is_valid_industry("5210"), is_valid_industry("99")
    (True, False, False)
    """
    return industry(code) is not None


def section_of(code: str) -> str:
    """The section letter of any code whose division is known; raises ``ValueError`` otherwise.

    >>> section_of("5211"), section_of("62"), section_of("1311"), section_of("R")
    ('F', 'H', 'C', 'R')
    """
    key = code.strip().upper()
    entry = industry(key[:2]) if _CODE.fullmatch(key) else None
    if entry is None:
        raise ValueError(f"not a GB/T 4754-2017 code: {code!r}")
    return entry.code if entry.level == "section" else entry.parent_code or ""


def seed_industries(session: Session) -> int:
    """Write the table into ``reference_industry`` idempotently; returns the number of codes."""
    existing = {row.code: row for row in session.scalars(select(Industry))}
    for info in industries():
        row = existing.get(info.code)
        if row is None:
            row = Industry(code=info.code)
            session.add(row)
        row.name, row.level, row.parent_code = info.name, info.level, info.parent_code
    session.flush()
    return len(_table())
