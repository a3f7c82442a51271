"""GB/T 4754-2017 industries: lookups, the shape of the shipped table, and seeding."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinxiao.reference.industries import (
    IndustryInfo,
    industries,
    industry,
    is_valid_industry,
    section_of,
    seed_industries,
)
from xinxiao.reference.models import Industry

TABLE = industries()
CODES = [info.code for info in TABLE]
PARENT_LEVEL = {"division": "section", "group": "division", "class": "group"}


@pytest.mark.parametrize(
    ("code", "name", "level", "parent"),
    [
        ("A", "农、林、牧、渔业", "section", None),
        ("F", "批发和零售业", "section", None),
        ("H", "住宿和餐饮业", "section", None),
        ("R", "文化、体育和娱乐业", "section", None),
        ("51", "批发业", "division", "F"),
        ("52", "零售业", "division", "F"),
        ("61", "住宿业", "division", "H"),
        ("62", "餐饮业", "division", "H"),
        ("84", "卫生", "division", "Q"),
        ("89", "体育", "division", "R"),
        ("97", "国际组织", "division", "T"),
        ("521", "综合零售", "group", "52"),
        ("5211", "百货零售", "class", "521"),
        ("5212", "超级市场零售", "class", "521"),
        ("5292", "互联网零售", "class", "529"),
        ("5267", "机动车充电销售", "class", "526"),
        ("6110", "旅游饭店", "class", "611"),
        ("6130", "民宿服务", "class", "613"),
        ("6242", "外卖送餐服务", "class", "624"),
        ("7291", "旅行社及相关服务", "class", "729"),
        ("8040", "理发及美容服务", "class", "804"),
        ("8930", "健身休闲活动", "class", "893"),
        ("9030", "休闲观光活动", "class", "903"),
    ],
)
def test_lookup(code: str, name: str, level: str, parent: str | None) -> None:
    assert industry(code) == IndustryInfo(code, name, level, parent)  # type: ignore[arg-type]


def test_all_sections_and_divisions_are_present() -> None:
    sections = [i.code for i in TABLE if i.level == "section"]
    divisions = [i.code for i in TABLE if i.level == "division"]
    assert sections == list(string.ascii_uppercase[:20])
    assert divisions == [f"{n:02d}" for n in range(1, 98)]


@pytest.mark.parametrize(
    ("first", "last", "section"),
    [
        ("01", "05", "A"),
        ("06", "12", "B"),
        ("13", "43", "C"),
        ("44", "46", "D"),
        ("47", "50", "E"),
        ("51", "52", "F"),
        ("53", "60", "G"),
        ("61", "62", "H"),
        ("63", "65", "I"),
        ("66", "69", "J"),
        ("70", "70", "K"),
        ("71", "72", "L"),
        ("73", "75", "M"),
        ("76", "79", "N"),
        ("80", "82", "O"),
        ("83", "83", "P"),
        ("84", "85", "Q"),
        ("86", "90", "R"),
        ("91", "96", "S"),
        ("97", "97", "T"),
    ],
)
def test_sections_cover_their_division_ranges(first: str, last: str, section: str) -> None:
    for number in range(int(first), int(last) + 1):
        assert section_of(f"{number:02d}") == section


@pytest.mark.parametrize(
    "division",
    ["51", "52", "60", "61", "62", "64", "72", "80", "81", "83", "84", "85", *map(str, range(86, 91))],
)
def test_consumption_divisions_have_groups_and_classes(division: str) -> None:
    groups = [i for i in TABLE if i.parent_code == division]
    assert groups
    assert all(g.level == "group" for g in groups)
    for group in groups:
        assert any(i.parent_code == group.code and i.level == "class" for i in TABLE)


def test_codes_are_unique_nested_and_parents_come_first() -> None:
    assert len(CODES) == len(set(CODES))
    seen: set[str] = set()
    for info in TABLE:
        if info.level == "section":
            assert info.parent_code is None
        else:
            parent = industry(info.parent_code or "")
            assert parent is not None
            assert parent.level == PARENT_LEVEL[info.level]
            assert parent.code in seen
            assert info.level == "division" or info.code.startswith(parent.code)
        seen.add(info.code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("5211", True),
        ("f", True),
        (" 52 ", True),
        ("7291", True),
        ("5210", False),
        ("1311", False),
        ("98", False),
        ("U", False),
        ("", False),
    ],
)
def test_is_valid_industry(code: str, expected: bool) -> None:
    assert is_valid_industry(code) is expected


@pytest.mark.parametrize(("code", "section"), [("5211", "F"), ("1311", "C"), ("6110", "H"), ("r", "R"), ("97", "T")])
def test_section_of(code: str, section: str) -> None:
    assert section_of(code) == section


@pytest.mark.parametrize("code", ["", "98", "00", "Z", "5", "12345", "5a", "FF"])
def test_section_of_rejects_malformed_or_unknown_codes(code: str) -> None:
    with pytest.raises(ValueError, match="GB/T 4754"):
        section_of(code)


@given(st.sampled_from(CODES))
def test_section_of_follows_the_parent_chain(code: str) -> None:
    info = industry(code)
    while info is not None and info.parent_code is not None:
        info = industry(info.parent_code)
    assert info is not None
    assert info.level == "section"
    assert section_of(code) == info.code


def test_seed_industries_is_idempotent(ref_session: Session) -> None:
    assert seed_industries(ref_session) == len(TABLE)
    assert seed_industries(ref_session) == len(TABLE)
    assert ref_session.scalar(select(func.count()).select_from(Industry)) == len(TABLE)
    row = ref_session.get(Industry, "7291")
    assert row is not None
    assert (row.name, row.level, row.parent_code) == ("旅行社及相关服务", "class", "729")
