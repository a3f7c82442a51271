"""Responsibility clauses: every shape, every clause of both seeds, unit resolution, and properties."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.plans.parsing.model import UnitRef
from xinxiao.plans.parsing.responsibility import Clause, find_clauses, resolve_units
from xinxiao.plans.parsing.responsibility_vocab import vocabulary
from xinxiao.reference import unit_registry

DIQING, HUBEI = "533400", "420000"
SEEDS = Path(__file__).parent.parent / "data" / "plans"
REGISTRY = unit_registry()
COUNTIES = ["香格里拉市人民政府", "德钦县人民政府", "维西傈僳族自治县人民政府"]
CITIES = [
    f"{name}人民政府"
    for name in [
        *("武汉市", "黄石市", "十堰市", "宜昌市", "襄阳市", "鄂州市", "荆门市", "孝感市", "荆州市"),
        *("黄冈市", "咸宁市", "随州市", "恩施土家族苗族自治州", "仙桃市", "潜江市", "天门市", "神农架林区"),
    ]
]
_DEPARTMENTS = REGISTRY.expand_collective("州直有关部门", region_adcode=DIQING) or []
DIQING_DEPARTMENTS = [unit.name for unit in _DEPARTMENTS]
COLLECTIVES = {"各县市人民政府": COUNTIES, "各市州人民政府": CITIES, "州直有关部门": DIQING_DEPARTMENTS}


def _expected(names: str) -> list[str]:
    return [member for name in names.split() for member in COLLECTIVES.get(name, [name])]


def _units(text: str, region: str, **options: bool) -> tuple[list[str], list[str], list[str]]:
    """Lead names, co names and warning codes of the one clause of ``text``."""
    (clause,) = find_clauses(text, **options)
    units, warnings = resolve_units(clause, region_adcode=region)
    return _names(units, "lead"), _names(units, "co"), [w.code for w in warnings]


def _names(units: list[UnitRef], role: str) -> list[str]:
    return [u.name for u in units if u.role == role]


SEED_000 = [
    pytest.param(
        (
            "(州文化和旅游局牵头,州财政局、州商务局、州农业农村局、州总工会、州工业和信息化局、州卫"
            "生健康委、州发展改革委、州科技局、州教育体育局及各县市人民政府按照职责分工负责)"
        ),
        "州文化和旅游局",
        (
            "州财政局 州商务局 州农业农村局 州总工会 州工业和信息化局 州卫生健康委 州发展改革委 "
            "州科技局 州教育体育局 各县市人民政府"
        ),
        id="1",
    ),
    pytest.param(
        ("(州文化和旅游局牵头,州商务局、州农业农村局及各县市人民政府按照职责分工负责)"),
        "州文化和旅游局",
        ("州商务局 州农业农村局 各县市人民政府"),
        id="2",
    ),
    pytest.param(
        (
            "(州文化和旅游局牵头,州商务局、州委网信办、州工业和信息化局、州交通运输局、州市场监管局"
            "及各县市人民政府按照职责分工负责)"
        ),
        "州文化和旅游局",
        ("州商务局 州委网信办 州工业和信息化局 州交通运输局 州市场监管局 各县市人民政府"),
        id="3",
    ),
    pytest.param(
        (
            "(州商务局牵头,州农业农村局、州工业和信息化局、州发展改革委、州教育体育局、州住房城乡建"
            "设局、州生态环境局、州财政局、州市场监管局、州邮政管理局及各县市人民政府按照职责分工负责"
            ")"
        ),
        "州商务局",
        (
            "州农业农村局 州工业和信息化局 州发展改革委 州教育体育局 州住房城乡建设局 州生态环境局 "
            "州财政局 州市场监管局 州邮政管理局 各县市人民政府"
        ),
        id="4",
    ),
    pytest.param(
        ("(州卫生健康委牵头,州医保局、州市场监管局、州商务局及各县市人民政府按照职责分工负责)"),
        "州卫生健康委",
        ("州医保局 州市场监管局 州商务局 各县市人民政府"),
        id="5",
    ),
    pytest.param(
        ("(州发展改革委牵头,州民政局、州卫生健康委、州教育体育局、州商务局及各县市人民政府按照职责分工负责)"),
        "州发展改革委",
        ("州民政局 州卫生健康委 州教育体育局 州商务局 各县市人民政府"),
        id="6",
    ),
    pytest.param(
        (
            "(州教育体育局牵头,州住房城乡建设局、州广电局、州商务厅、州文化和旅游局、州卫生健康委及"
            "各县市人民政府按照职责分工负责)"
        ),
        "州教育体育局",
        ("州住房城乡建设局 州广电局 州商务厅 州文化和旅游局 州卫生健康委 各县市人民政府"),
        id="7",
    ),
    pytest.param(
        ("(州工业和信息化局牵头,州发展改革委、州住房城乡建设局、州广电局及各县市人民政府按照职责分工负责)"),
        "州工业和信息化局",
        ("州发展改革委 州住房城乡建设局 州广电局 各县市人民政府"),
        id="8",
    ),
    pytest.param(
        ("(州工业和信息化局牵头,州教体局、州商务局、州国资委及各县市人民政府按照职责分工负责)"),
        "州工业和信息化局",
        ("州教育体育局 州商务局 州国资委 各县市人民政府"),
        id="9",
    ),
    pytest.param(
        ("(州商务局牵头,州工业和信息化局及各县市人民政府按照职责分工负责)"),
        "州商务局",
        ("州工业和信息化局 各县市人民政府"),
        id="10",
    ),
    pytest.param(
        (
            "(州商务局牵头,州财政局、州工业和信息化局、州税务局、州交通运输局、州发展改革委、州公安"
            "局、人民银行迪庆中心支行及各县市人民政府按照职责分工负责)"
        ),
        "州商务局",
        ("州财政局 州工业和信息化局 州税务局 州交通运输局 州发展改革委 州公安局 人民银行迪庆中心支行 各县市人民政府"),
        id="11",
    ),
    pytest.param(
        ("(州商务局牵头,州住房城乡建设局、州自然资源局及各县市人民政府按照职责分工负责)"),
        "州商务局",
        ("州住房城乡建设局 州自然资源局 各县市人民政府"),
        id="12",
    ),
    pytest.param(
        ("(州商务局牵头,州文化和旅游局、州住房城乡建设局及各县市人民政府按照职责分工负责)"),
        "州商务局",
        ("州文化和旅游局 州住房城乡建设局 各县市人民政府"),
        id="13",
    ),
    pytest.param(
        ("(州农业农村局牵头,州商务局、州民政局、州文化和旅游局及各县市人民政府按照职责分工负责)"),
        "州农业农村局",
        ("州商务局 州民政局 州文化和旅游局 各县市人民政府"),
        id="14",
    ),
    pytest.param(
        (
            "(州商务局牵头,州发展改革委、州交通运输局、州自然资源局、州住房城乡建设局、州邮政管理局"
            "及各县市人民政府按照职责分工负责)"
        ),
        "州商务局",
        ("州发展改革委 州交通运输局 州自然资源局 州住房城乡建设局 州邮政管理局 各县市人民政府"),
        id="15",
    ),
    pytest.param(
        (
            "(州商务局牵头,州发展改革委、州工业和信息化局、州市场监管局、州交通运输局、州邮政管理局"
            "、香格里拉海关及各县市人民政府按照职责分工负责)"
        ),
        "州商务局",
        ("州发展改革委 州工业和信息化局 州市场监管局 州交通运输局 州邮政管理局 香格里拉海关 各县市人民政府"),
        id="16",
    ),
    pytest.param(
        ("(州商务局牵头,州工业和信息化局、州邮政管理局、州发展改革委、州农业农村局及各县市人民政府按照职责分工负责)"),
        "州商务局",
        ("州工业和信息化局 州邮政管理局 州发展改革委 州农业农村局 各县市人民政府"),
        id="17",
    ),
    pytest.param(
        (
            "(州财政局牵头,州发展改革委、州人力资源社会保障局、州自然资源局、州商务局、州市场监管局"
            "、州税务局、人民银行迪庆中心支行及各县市人民政府按照职责分工负责)"
        ),
        "州财政局",
        (
            "州发展改革委 州人力资源社会保障局 州自然资源局 州商务局 州市场监管局 州税务局 "
            "人民银行迪庆中心支行 各县市人民政府"
        ),
        id="18",
    ),
    pytest.param(
        ("(州人力资源社会保障牵头,州教育体育局、州农业农村局、州乡村振兴局及各县市人民政府按照职责分工负责)"),
        "州人力资源社会保障局",
        ("州教育体育局 州农业农村局 州乡村振兴局 各县市人民政府"),
        id="19",
    ),
    pytest.param(
        (
            "(州市场监管局牵头,州委网信办、州发展改革委、州商务局、州文化和旅游局、州统计局、国家统"
            "计局迪庆调查大队、人民银行迪庆中心支行及各县市人民政府按照职责分工负责)"
        ),
        "州市场监管局",
        (
            "州委网信办 州发展改革委 州商务局 州文化和旅游局 州统计局 国家统计局迪庆调查大队 "
            "人民银行迪庆中心支行 各县市人民政府"
        ),
        id="20",
    ),
    pytest.param(
        ("(州商务局、州发展改革委牵头,州直有关部门配合)"),
        "州商务局 州发展改革委",
        ("州直有关部门"),
        id="三.(一)",
    ),
    pytest.param(
        ("(州直有关部门按照职责分工负责)"),
        "",
        ("州直有关部门"),
        id="三.(二)",
    ),
]

SEED_002 = [
    pytest.param(
        ("(责任单位:省商务厅、省住建厅、省农业农村厅、省经信厅、市场监管局、省邮政管理局,各市州人民政府)"),
        "省商务厅",
        ("省住建厅 省农业农村厅 省经信厅 省市场监管局 省邮政管理局 各市州人民政府"),
        id="(一)",
    ),
    pytest.param(
        ("(责任单位:省文旅厅、省经信厅,各市州人民政府)"),
        "省文旅厅",
        ("省经信厅 各市州人民政府"),
        id="(二)",
    ),
    pytest.param(
        ("(责任单位:省体育局、省教育厅,各市州人民政府)"),
        "省体育局",
        ("省教育厅 各市州人民政府"),
        id="(三)",
    ),
    pytest.param(
        ("(责任单位:省卫健委、省医保局,各市州人民政府)"),
        "省卫健委",
        ("省医保局 各市州人民政府"),
        id="(四)",
    ),
    pytest.param(
        (
            "(责任单位:省商务厅、省发改委、省民政厅、省交通运输厅、省市场监管局、省邮政管理局、省通"
            "信管理局,各市州人民政府)"
        ),
        "省商务厅",
        ("省发展改革委 省民政厅 省交通运输厅 省市场监管局 省邮政管理局 省通信管理局 各市州人民政府"),
        id="(五)",
    ),
    pytest.param(
        ("(责任单位:省经信厅、省发改委、省商务厅,各市州人民政府)"),
        "省经信厅",
        ("省发展改革委 省商务厅 各市州人民政府"),
        id="(六)",
    ),
    pytest.param(
        ("(责任单位:省文旅厅、省发改委、省市场监管局,各市州人民政府)"),
        "省文旅厅",
        ("省发展改革委 省市场监管局 各市州人民政府"),
        id="(七)",
    ),
    pytest.param(
        ("(责任单位:省卫健委、省发改委、省民政厅,各市州人民政府)"),
        "省卫健委",
        ("省发展改革委 省民政厅 各市州人民政府"),
        id="(八)",
    ),
    pytest.param(
        ("(责任单位:省体育局、省文旅厅、省科技厅、省教育厅、省广电局、省商务厅,各州人民政府)"),
        "省体育局",
        ("省文旅厅 省科技厅 省教育厅 省广电局 省商务厅 各市州人民政府"),
        id="(九)",
    ),
    pytest.param(
        (
            "(责任单位:省发改委、省经信厅、省科技厅、省自然资源厅、省住建厅、省文旅厅、省应急厅、省"
            "广电局、省通信管理局,各市州人民政府)"
        ),
        "省发展改革委",
        ("省经信厅 省科技厅 省自然资源厅 省住建厅 省文旅厅 省应急厅 省广电局 省通信管理局 各市州人民政府"),
        id="(十)",
    ),
    pytest.param(
        (
            "(责任单位:省发改委、省交通运输厅、省商务厅、省住建厅、省农业农村厅、省供销社、武汉海关"
            "、省邮政管理局,各市州人民政府)"
        ),
        "省发展改革委",
        ("省交通运输厅 省商务厅 省住建厅 省农业农村厅 省供销社 武汉海关 省邮政管理局 各市州人民政府"),
        id="(十一)",
    ),
    pytest.param(
        ("(责任单位:省经信厅、省发改委、省科技厅、省商务厅、省卫健委、省广电局,各市州人民政府)"),
        "省经信厅",
        ("省发展改革委 省科技厅 省商务厅 省卫健委 省广电局 各市州人民政府"),
        id="(十二)",
    ),
    pytest.param(
        ("(责任单位:省完善促进消费体制机制部门联席会议各成员单位,各市州人民政府)"),
        "省完善促进消费体制机制部门联席会议各成员单位",
        ("各市州人民政府"),
        id="(十三)",
    ),
    pytest.param(
        ("(责任单位:省完善促进消费体制机制部门联席会议各成员单位,各市州人民政府)"),
        "省完善促进消费体制机制部门联席会议各成员单位",
        ("各市州人民政府"),
        id="(十四)",
    ),
    pytest.param(
        ("(责任单位:省市场监管局、省发改委、省商务厅,各市州人民政府)"),
        "省市场监管局",
        ("省发展改革委 省商务厅 各市州人民政府"),
        id="(十五)",
    ),
]


@pytest.mark.parametrize(("text", "lead", "co"), SEED_000)
def test_every_clause_of_seed_000(text: str, lead: str, co: str) -> None:
    leads, cos, _ = _units(text, DIQING)
    assert leads == lead.split()
    assert cos == [name for name in _expected(co) if name not in leads]


@pytest.mark.parametrize(("text", "lead", "co"), SEED_002)
def test_every_clause_of_seed_002(text: str, lead: str, co: str) -> None:
    assert _units(text, HUBEI)[:2] == (lead.split(), _expected(co))


@pytest.mark.parametrize(
    ("path", "rows"), [("seed000_diqing.txt", SEED_000), ("seed002_hubei.txt", SEED_002)], ids=["000", "002"]
)
def test_whole_seed_text_yields_exactly_its_clauses(path: str, rows: list[Any]) -> None:
    text = (SEEDS / path).read_text("utf-8")
    found = [re.sub(r"\s+", "", text[c.start : c.end]) for c in find_clauses(text)]
    assert found == [row.values[0] for row in rows]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        pytest.param(SEED_000[6].values[0], ["unit_impossible"], id="000-7 州商务厅"),
        pytest.param(SEED_002[8].values[0], ["unit_repaired"], id="002-(九) 各州人民政府"),
        pytest.param(SEED_002[12].values[0], ["collective_unexpanded"], id="002-(十三) 成员单位"),
        pytest.param(SEED_000[0].values[0], [], id="000-1"),
    ],
)
def test_seed_defects_are_flagged(text: str, codes: list[str]) -> None:
    region = HUBEI if "省" in text else DIQING
    assert _units(text, region)[2] == codes


# One row per clause shape: text, style, lead_raw, co_raw, truncated, first_is_lead_applied.
SHAPES = [
    pytest.param(
        "推广应用。(州商务局牵头,州财政局、州农业农村局及各县市人民政府按照职责分工负责)",
        "lead_co",
        ["州商务局"],
        ["州财政局", "州农业农村局", "各县市人民政府"],
        False,
        False,
        id="X牵头,Y、Z及各县市人民政府按职责分工负责",
    ),
    pytest.param(
        "(州商务局、州发展改革委牵头,州直有关部门配合)",
        "lead_co",
        ["州商务局", "州发展改革委"],
        ["州直有关部门"],
        False,
        False,
        id="several leads",
    ),
    pytest.param(
        "(责任单位:省商务厅、省住建厅,各市州人民政府)",
        "responsible",
        ["省商务厅"],
        ["省住建厅", "各市州人民政府"],
        False,
        True,
        id="责任单位, first listed is lead",
    ),
    pytest.param(
        "(牵头单位:省商务厅;配合单位:省财政厅、省发改委)",
        "lead_units_co_units",
        ["省商务厅"],
        ["省财政厅", "省发改委"],
        False,
        False,
        id="牵头单位;配合单位",
    ),
    pytest.param(
        "(责任单位:省商务厅、省财政厅;配合单位:省发改委)",
        "lead_units_co_units",
        ["省商务厅", "省财政厅"],
        ["省发改委"],
        False,
        False,
        id="责任单位 beside 配合单位 are lead",
    ),
    pytest.param(
        "(责任单位:省发改委、省商务厅(牵头)、省财政厅)",
        "responsible",
        ["省商务厅"],
        ["省发改委", "省财政厅"],
        False,
        False,
        id="(牵头) mark in a list",
    ),
    pytest.param(
        "(责任单位:省商务厅牵头,省财政厅配合)",
        "responsible",
        ["省商务厅"],
        ["省财政厅"],
        False,
        False,
        id="责任单位 with role words",
    ),
    pytest.param(
        "(责任单位:省商务厅;完成时限:2022年底前)",
        "responsible",
        ["省商务厅"],
        [],
        False,
        True,
        id="deadline label ends the list",
    ),
    pytest.param(
        "〔州商务局牵头,州财政局配合〕", "bracket", ["州商务局"], ["州财政局"], False, False, id="〔X牵头,Y配合〕"
    ),
    pytest.param(
        "【责任单位:州商务局、州财政局】", "bracket", ["州商务局"], ["州财政局"], False, True, id="【责任单位】"
    ),
    pytest.param(
        "(州商务局负责,州财政局等配合)",
        "leads_others",
        ["州商务局"],
        ["州财政局"],
        False,
        False,
        id="X负责,Y等配合",
    ),
    pytest.param(
        "(州商务局、州财政局按职责分工负责)",
        "by_duty",
        [],
        ["州商务局", "州财政局"],
        False,
        False,
        id="按职责分工负责 without 牵头",
    ),
    pytest.param(
        "各县要加快推进,由州商务局牵头制定实施细则。", "you_lead", ["州商务局"], [], False, False, id="由X牵头"
    ),
    pytest.param("建设。(州商务局、州财政局)", "bare_list", ["州商务局"], ["州财政局"], False, True, id="bare list"),
    pytest.param(
        "(州商务局牵头,\n州财政局、州\n农业农村局配合)",
        "lead_co",
        ["州商务局"],
        ["州财政局", "州农业农村局"],
        False,
        False,
        id="split across lines",
    ),
    pytest.param(
        "(责任单位:\n\n省经信厅、省发改委,各市州人民政府)",
        "responsible",
        ["省经信厅"],
        ["省发改委", "各市州人民政府"],
        False,
        True,
        id="names on the next line",
    ),
    pytest.param("完善网络。(责任单位:", "responsible", [], [], True, False, id="truncated, empty"),
    pytest.param(
        "完善网络。(责任单位:省商务厅、省财", "responsible", ["省商务厅"], ["省财"], True, True, id="truncated"
    ),
    pytest.param(
        "(州商务局牵头,各县(市)人民政府按职责分工负责",
        "lead_co",
        ["州商务局"],
        ["各县(市)人民政府"],
        True,
        False,
        id="truncated, nested brackets",
    ),
    pytest.param(
        "（州商务局牵头，州财政局等部门配合）",
        "lead_co",
        ["州商务局"],
        ["州财政局"],
        False,
        False,
        id="full-width, 等部门",
    ),
    pytest.param(
        "(州商务局牵头,州财政局以及州总工会、州教体局与州文化和旅游局和州工业和信息化局参与)",
        "lead_co",
        ["州商务局"],
        ["州财政局", "州总工会", "州教体局", "州文化和旅游局", "州工业和信息化局"],
        False,
        False,
        id="connectors 以及 与 和 between names only",
    ),
    pytest.param(
        "(州商务局牵头,州财政局、各高等院校等28个部门配合)",
        "lead_co",
        ["州商务局"],
        ["州财政局", "各高等院校"],
        False,
        False,
        id="等 inside a name is kept",
    ),
    pytest.param(
        "(责任单位:各市、州、直管市、神农架林区人民政府)",
        "responsible",
        ["各市、州、直管市、神农架林区人民政府"],
        [],
        False,
        True,
        id="enumerated collective",
    ),
    pytest.param(
        "〔责任单位:省发展改革委、省市场监管局、商务厅按职责分工负责。具体任务涉及各市州人民政府,下同。〕",
        "bracket",
        ["省发展改革委"],
        ["省市场监管局", "商务厅"],
        False,
        True,
        id="责任单位 list with 按职责分工负责 and a remark",
    ),
    pytest.param(
        "(州商务局牵头、州财政局配合)", "lead_co", ["州商务局"], ["州财政局"], False, False, id="、 between parts"
    ),
    pytest.param(
        "(州商务局牵头,州财政局配合,2022年底前完成)",
        "lead_co",
        ["州商务局"],
        ["州财政局"],
        False,
        False,
        id="deadline part is no unit",
    ),
    pytest.param(
        "(州商务局牵头,各县市人民政府组织实施)",
        "lead_co",
        ["州商务局"],
        ["各县市人民政府"],
        False,
        False,
        id="组织实施",
    ),
    pytest.param("(州商务局负责落实)", "leads_others", ["州商务局"], [], False, False, id="X负责落实"),
    pytest.param(
        "(州商务局牵头负责统筹,州财政局等部门配合做好资金保障。2022年底前完成)",
        "lead_co",
        ["州商务局"],
        ["州财政局"],
        False,
        False,
        id="role words inside parts, a remark after 。",
    ),
    pytest.param(
        "加快建设。州商务局牵头,州财政局配合。",
        "lead_co",
        ["州商务局"],
        ["州财政局"],
        False,
        False,
        id="a whole sentence",
    ),
    pytest.param(
        "牵头单位:省商务厅\n配合单位:省财政厅、省发改委\n下一段。",
        "lead_units_co_units",
        ["省商务厅"],
        ["省财政厅", "省发改委"],
        False,
        False,
        id="labels on their own lines",
    ),
]


@pytest.mark.parametrize(("text", "style", "lead", "co", "truncated", "applied"), SHAPES)
def test_clause_shapes(text: str, style: str, lead: list[str], co: list[str], truncated: bool, applied: bool) -> None:
    (clause,) = find_clauses(text)
    assert (clause.style, clause.lead_raw, clause.co_raw) == (style, lead, co)
    assert (clause.truncated, clause.first_is_lead_applied) == (truncated, applied)


def test_clause_offsets_and_name_spans_index_the_item_text() -> None:
    text = "1.推广。(州商务局牵头,\n州财 政局配合)后文"
    (clause,) = find_clauses(text)
    assert text[clause.start : clause.end] == "(州商务局牵头,\n州财 政局配合)"
    assert [text[n.span[0] : n.span[1]] for n in clause.names] == ["州商务局", "州财 政局"]


def test_several_clauses_in_one_item_come_in_order() -> None:
    text = "建设A。(州商务局牵头,州财政局配合)建设B。(州文化和旅游局牵头,州总工会配合)并由州教体局牵头开展赛事。"
    clauses = find_clauses(text)
    assert [(c.style, c.lead_raw) for c in clauses] == [
        ("lead_co", ["州商务局"]),
        ("lead_co", ["州文化和旅游局"]),
        ("you_lead", ["州教体局"]),
    ]
    assert clauses[0].end <= clauses[1].start


@pytest.mark.parametrize(
    "text",
    [
        "推进5G数字流动医院(巡诊车)建设",
        "合理布设智能快件箱(信包箱)",
        "推动城市信息模型(CIM)基础平台建设",
        "根据《意见》(国办发〔2020〕32号)精神",
        "推进高速公路(服务区)充电设施建设",
        "优秀导游(讲解员)",
        "三年行动方案(2022—2024年)",
        "(此件公开发布)",
        "发布消费提示(警示)引导安全消费",
        "推动新建(在建)和老旧小区",
        "(一)大力培育零售餐饮新业态新模式。",
        "()加快发展互联网医疗服务。",
        "社会消费品零售总额(以下简称社零额)",
        "(由企业负责组织实施)",
        "由于州商务局牵头不力",
        "请各责任单位认真落实。",
        "未闭合的括号(一段话。",
        "各部门要密切配合。",
        "(含州商务局牵头的项目)",
        "要加强协同配合,形成工作合力。",
    ],
)
def test_ordinary_brackets_are_not_clauses(text: str) -> None:
    assert find_clauses(text) == []


@pytest.mark.parametrize(
    ("text", "style", "lead", "co"),
    [
        ("(责任单位:省商务厅、省财政厅)", "responsible", ["省商务厅", "省财政厅"], []),
        ("建设。(州商务局、州财政局)", "bare_list", ["州商务局", "州财政局"], []),
        ("(州商务局牵头,州财政局配合)", "lead_co", ["州商务局"], ["州财政局"]),
    ],
)
def test_first_is_lead_can_be_switched_off(text: str, style: str, lead: list[str], co: list[str]) -> None:
    (clause,) = find_clauses(text, first_is_lead=False)
    assert (clause.style, clause.lead_raw, clause.co_raw, clause.first_is_lead_applied) == (style, lead, co, False)


# Raw forms of the seed clauses (stray spaces, full-width punctuation, line breaks) read like the clean ones.
@pytest.mark.parametrize(
    ("raw", "clean", "region"),
    [
        (
            "(责任单位:省体育 局、省文旅厅、省科技厅、省教育厅、省广电局、省商务厅,各 州人民政府)",
            SEED_002[8].values[0],
            HUBEI,
        ),
        ("(责任单位:省卫健 委、省发改委、省民政厅,各市州人民政府)", SEED_002[7].values[0], HUBEI),
        (
            "(责任单位:省完善促进消费体制机制 部门联席会议各成员单位,各市州人民政府)",
            SEED_002[13].values[0],
            HUBEI,
        ),
        (
            "(责任单位:\n\n省经信厅、省发改委、省商务厅,各市州人民政府)",
            SEED_002[5].values[0],
            HUBEI,
        ),
        (
            "（州商务局、州发展改革委牵头，州直有关部门配合）",
            SEED_000[20].values[0],
            DIQING,
        ),
        (
            "（责任单位：省发改委、省 交通运输厅、省商务厅、省住建厅、省农业农村厅、省供销社、\n"
            "武汉海关、省邮政管理局，各市州人民政府）",
            SEED_002[10].values[0],
            HUBEI,
        ),
    ],
)
def test_raw_forms_resolve_like_normalised_ones(raw: str, clean: str, region: str) -> None:
    assert _units(raw, region) == _units(clean, region)


@pytest.mark.parametrize(
    ("text", "region", "lead", "co"),
    [
        pytest.param(
            "(责任单位:省发展改革委、财政厅)", HUBEI, ["省发展改革委"], ["省财政厅"], id="prefix carries over"
        ),
        pytest.param("(责任单位:市场监管局、省商务厅)", HUBEI, ["省市场监管局"], ["省商务厅"], id="document level"),
        pytest.param("(州商务局牵头,财政局、教体局配合)", DIQING, ["州商务局"], ["州财政局", "州教育体育局"], id="州"),
        pytest.param(
            "(州教体局牵头,州人力资源社会保障配合)", DIQING, ["州教育体育局"], ["州人力资源社会保障局"], id="alias"
        ),
        pytest.param(
            "(州商务局牵头,人民银行迪庆中心支行、国家统计局迪庆调查大队、香格里拉海关、州税务局配合)",
            DIQING,
            ["州商务局"],
            ["人民银行迪庆中心支行", "国家统计局迪庆调查大队", "香格里拉海关", "州税务局"],
            id="central units of 迪庆",
        ),
        pytest.param(
            "(牵头单位:省商务厅;配合单位:武汉海关、省税务局、人民银行武汉分行)",
            HUBEI,
            ["省商务厅"],
            ["武汉海关", "省税务局", "人民银行武汉分行"],
            id="central units of 湖北",
        ),
        pytest.param(
            "(州人民政府办公室牵头,州政务服务局、州医疗保障局配合)",
            DIQING,
            ["州人民政府办公室"],
            ["州政务服务管理局", "州医保局"],
            id="registry additions",
        ),
        pytest.param("(责任单位:省人社厅、省财政厅)", HUBEI, ["省人社厅"], ["省财政厅"], id="省人社厅"),
        pytest.param(
            "(州商务局牵头,州商务局、州财政局配合)", DIQING, ["州商务局"], ["州财政局"], id="lead not repeated as co"
        ),
        pytest.param("(州商务局牵头,各县、市人民政府配合)", DIQING, ["州商务局"], COUNTIES, id="各县、市人民政府"),
    ],
)
def test_names_resolve_to_canonical_units(text: str, region: str, lead: list[str], co: list[str]) -> None:
    leads, cos, codes = _units(text, region)
    assert (leads, cos, codes) == (lead, co, [])


@pytest.mark.parametrize(
    ("text", "region", "kept", "code"),
    [
        ("(州教体局牵头,州商务厅配合)", DIQING, "州商务厅", "unit_impossible"),
        ("(州商务局牵头,财政厅配合)", DIQING, "财政厅", "unit_impossible"),
        ("(州商务局牵头,州不存在局配合)", DIQING, "州不存在局", "unit_unresolved"),
        ("(责任单位:省商务厅,各有关单位)", HUBEI, "各有关单位", "unit_unresolved"),
        ("(州商务局牵头,云南省商务厅配合)", DIQING, "云南省商务厅", "unit_unresolved"),
    ],
)
def test_unknown_and_impossible_names_are_kept_and_flagged(text: str, region: str, kept: str, code: str) -> None:
    (clause,) = find_clauses(text)
    units, warnings = resolve_units(clause, region_adcode=region)
    (unit,) = [u for u in units if not u.resolved]
    assert (unit.name, unit.raw, unit.role) == (kept, kept, "co")
    (warning,) = warnings
    assert warning.code == code
    assert kept in warning.message
    assert warning.span == unit.span
    assert unit.span is not None
    assert text[unit.span[0] : unit.span[1]] == kept


def test_collectives_expand_with_their_printed_name() -> None:
    text = "(州商务局牵头,各县(市)人民政府按职责分工负责)"
    (clause,) = find_clauses(text)
    units, _ = resolve_units(clause, region_adcode=DIQING)
    members = [u for u in units if u.collective]
    assert [u.name for u in members] == COUNTIES
    assert {(u.collective, u.raw, u.role, u.resolved) for u in members} == {
        ("各县(市)人民政府", "各县(市)人民政府", "co", True)
    }
    assert [u.region_adcode for u in members] == ["533401", "533422", "533423"]
    assert {text[u.span[0] : u.span[1]] for u in members if u.span} == {"各县(市)人民政府"}


def test_collective_without_members_stays_one_unit() -> None:
    (clause,) = find_clauses(SEED_002[12].values[0])
    units, warnings = resolve_units(clause, region_adcode=HUBEI)
    first = units[0]
    assert (first.name, first.resolved, first.collective, first.role) == (
        "省完善促进消费体制机制部门联席会议各成员单位",
        False,
        "省完善促进消费体制机制部门联席会议各成员单位",
        "lead",
    )
    assert [w.code for w in warnings] == ["collective_unexpanded"]


def test_unknown_region_keeps_every_name_unresolved() -> None:
    (clause,) = find_clauses("(州商务局牵头,州财政局配合)")
    units, warnings = resolve_units(clause, region_adcode="")
    assert [(u.name, u.role, u.resolved) for u in units] == [("州商务局", "lead", False), ("州财政局", "co", False)]
    assert {w.code for w in warnings} == {"unit_unresolved"}


def test_clause_built_by_hand_resolves_without_spans() -> None:
    clause = Clause(start=0, end=0, style="lead_co", lead_raw=["州教体局"], co_raw=["州商务局"])
    units, warnings = resolve_units(clause, region_adcode=DIQING)
    assert [(u.name, u.role, u.span) for u in units] == [("州教育体育局", "lead", None), ("州商务局", "co", None)]
    assert warnings == []


def test_vocabulary_words_are_unambiguous() -> None:
    vocab = vocabulary()
    labels = [
        w for words in (vocab.labels.lead, vocab.labels.co, vocab.labels.listed, vocab.labels.stop) for w in words
    ]
    assert len(labels) == len(set(labels))
    roles = [
        w for words in (vocab.roles.lead, vocab.roles.co, vocab.roles.by_duty, vocab.roles.responsible) for w in words
    ]
    assert len(roles) == len(set(roles))


NAMES = [
    "州商务局",
    "州文化和旅游局",
    "州教体局",
    "各县(市)人民政府",
    "州直有关部门",
    "市场监管局",
    "省发改委",
    "财政厅",
    "州商务厅",
    "高等院校",
    "人民银行迪庆中心支行",
    "等",
    "各",
    "州",
    "",
]
SEPARATORS = ["、", ",", ";", "及", "和", "与", "以及", "等", "，", "；", " ", "\n", "等部门", "、等"]
ROLES = ["牵头", "配合", "负责", "按照职责分工负责", "参与", ""]


@st.composite
def clause_texts(draw: st.DrawFn) -> str:
    """A bracketed clause from random names, separators and role words, sometimes cut short."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5))
        joined = "".join(name + draw(st.sampled_from(SEPARATORS)) for name in names)
        parts.append(joined + draw(st.sampled_from(ROLES)))
    label = draw(st.sampled_from(["", "责任单位:", "牵头单位:", "配合单位:"]))
    text = (
        draw(st.sampled_from(["(", "（", "〔"]))
        + label
        + ",".join(parts)
        + draw(st.sampled_from([")", "）", "〕", ""]))
    )
    return draw(st.sampled_from(["", "推进建设。"])) + text


@settings(max_examples=150, deadline=None)
@given(text=clause_texts(), region=st.sampled_from([DIQING, HUBEI, "533401", ""]))
def test_random_clauses_never_crash_nor_name_nothing(text: str, region: str) -> None:
    for clause in find_clauses(text):
        assert 0 <= clause.start < clause.end <= len(text)
        assert all(name not in {"", "等"} for name in clause.lead_raw + clause.co_raw)
        units, warnings = resolve_units(clause, region_adcode=region)
        for unit in units:
            assert unit.name.strip() and unit.name != "等"
            assert unit.span is not None and clause.start <= unit.span[0] < unit.span[1] <= clause.end
        assert all(w.message for w in warnings)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="州省商务局厅(（)）〔〕,，、;:牵头配合负责责任单位等及和各县市人民政府 \n。", max_size=80))
def test_arbitrary_text_never_crashes(text: str) -> None:
    for clause in find_clauses(text):
        assert 0 <= clause.start <= clause.end <= len(text)
        resolve_units(clause, region_adcode=DIQING)
