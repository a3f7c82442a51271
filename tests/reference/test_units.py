"""Government units: every responsibility clause of the two seed plans resolves, aliases, collectives."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinxiao.reference.divisions import region_tree
from xinxiao.reference.models import GovUnit, GovUnitAlias
from xinxiao.reference.units import UnitRegistry, is_impossible, normalize_name, seed_units, unit_registry

REGISTRY = unit_registry()
DIQING, HUBEI = "533400", "420000"

# Every unit named in the responsibility clauses of seed 000 (迪庆州, 20 tasks + 保障措施),
# as written there, with the canonical name it must resolve to.
SEED_000 = [
    ("州文化和旅游局", "州文化和旅游局"),
    ("州财政局", "州财政局"),
    ("州商务局", "州商务局"),
    ("州农业农村局", "州农业农村局"),
    ("州总工会", "州总工会"),
    ("州工业和信息化局", "州工业和信息化局"),
    ("州卫生健康委", "州卫生健康委"),
    ("州发展改革委", "州发展改革委"),
    ("州科技局", "州科技局"),
    ("州教育体育局", "州教育体育局"),
    ("州教体局", "州教育体育局"),
    ("州委网信办", "州委网信办"),
    ("州交通运输局", "州交通运输局"),
    ("州市场监管局", "州市场监管局"),
    ("州住房城乡建设局", "州住房城乡建设局"),
    ("州生态环境局", "州生态环境局"),
    ("州邮政管理局", "州邮政管理局"),
    ("州医保局", "州医保局"),
    ("州民政局", "州民政局"),
    ("州广电局", "州广电局"),
    ("州国资委", "州国资委"),
    ("州税务局", "州税务局"),
    ("州公安局", "州公安局"),
    ("人民银行迪庆中心支行", "人民银行迪庆中心支行"),
    ("州自然资源局", "州自然资源局"),
    ("香格里拉海关", "香格里拉海关"),
    ("州人力资源社会保障局", "州人力资源社会保障局"),
    ("州人力资源社会保障", "州人力资源社会保障局"),
    ("州乡村振兴局", "州乡村振兴局"),
    ("州统计局", "州统计局"),
    ("国家统计局迪庆调查大队", "国家统计局迪庆调查大队"),
    ("各县市人民政府", "各县市人民政府"),
    ("各县(市)人民政府", "各县市人民政府"),
    ("州直有关部门", "州直有关部门"),
]

# Seed 002 (湖北省, 15 measures), exactly as extracted: stray spaces, a missing 省 before 市场监管局.
SEED_002 = [
    ("省商务厅", "省商务厅"),
    ("省住建厅", "省住建厅"),
    ("省农业农村厅", "省农业农村厅"),
    ("省经信厅", "省经信厅"),
    ("市场监管局", "省市场监管局"),
    ("省市场监管局", "省市场监管局"),
    ("省邮政管理局", "省邮政管理局"),
    ("各市州人民政府", "各市州人民政府"),
    ("省文旅厅", "省文旅厅"),
    ("省体育局", "省体育局"),
    ("省体育 局", "省体育局"),
    ("省教育厅", "省教育厅"),
    ("省卫健委", "省卫健委"),
    ("省卫健 委", "省卫健委"),
    ("省医保局", "省医保局"),
    ("省发改委", "省发展改革委"),
    ("省民政厅", "省民政厅"),
    ("省交通运输厅", "省交通运输厅"),
    ("省 交通运输厅", "省交通运输厅"),
    ("省通信管理局", "省通信管理局"),
    ("省科技厅", "省科技厅"),
    ("省科 技厅", "省科技厅"),
    ("省自然资源厅", "省自然资源厅"),
    ("省应急厅", "省应急厅"),
    ("省广电局", "省广电局"),
    ("省广电 局", "省广电局"),
    ("省供销社", "省供销社"),
    ("武汉海关", "武汉海关"),
    ("省完善促进消费体制机制部门联席会议各成员单位", "省完善促进消费体制机制部门联席会议各成员单位"),
    ("省完善促进消费体制机制 部门联席会议各成员单位", "省完善促进消费体制机制部门联席会议各成员单位"),
]


@pytest.mark.parametrize(("written", "canonical"), SEED_000)
def test_every_unit_of_seed_000_resolves(written: str, canonical: str) -> None:
    unit = REGISTRY.resolve(written, region_adcode=DIQING)
    assert unit is not None
    assert (unit.name, unit.region_adcode) == (canonical, DIQING)


@pytest.mark.parametrize(("written", "canonical"), SEED_002)
def test_every_unit_of_seed_002_resolves(written: str, canonical: str) -> None:
    unit = REGISTRY.resolve(written, region_adcode=HUBEI)
    assert unit is not None
    assert (unit.name, unit.region_adcode) == (canonical, HUBEI)


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("州商务厅", DIQING),  # seed 000 task 7: 厅 only exist at province level
        ("各州人民政府", HUBEI),  # seed 002 measure 9, a character lost in extraction: left for review
        ("州商务局", HUBEI),  # no 州 in a 省 document's own lineage
        ("省商务厅", DIQING),  # 云南省商务厅 is not registered
        ("德钦县人民政府", "533401"),  # a sibling county's government from a 香格里拉 document
        ("", DIQING),
        ("州不存在局", DIQING),
    ],
)
def test_odd_names_do_not_resolve(written: str, region: str) -> None:
    assert REGISTRY.resolve(written, region_adcode=region) is None


@pytest.mark.parametrize(
    ("alias", "region", "canonical", "unit_region"),
    [
        ("州工信局", DIQING, "州工业和信息化局", DIQING),
        ("迪庆州卫健委", DIQING, "州卫生健康委", DIQING),
        ("迪庆藏族自治州卫生健康委员会", DIQING, "州卫生健康委", DIQING),
        ("州发展和改革委员会", DIQING, "州发展改革委", DIQING),
        ("州市场监督管理局", DIQING, "州市场监管局", DIQING),
        ("州人社局", DIQING, "州人力资源社会保障局", DIQING),
        ("州人力资源和社会保障局", DIQING, "州人力资源社会保障局", DIQING),
        ("州医疗保障局", DIQING, "州医保局", DIQING),
        ("州住建局", DIQING, "州住房城乡建设局", DIQING),
        ("州文旅局", DIQING, "州文化和旅游局", DIQING),
        ("州委网络安全和信息化委员会办公室", DIQING, "州委网信办", DIQING),
        ("国家税务总局迪庆州税务局", DIQING, "州税务局", DIQING),
        ("州人民政府", DIQING, "迪庆藏族自治州人民政府", DIQING),
        ("迪庆州政府", DIQING, "迪庆藏族自治州人民政府", DIQING),
        ("维西县人民政府", DIQING, "维西傈僳族自治县人民政府", "533423"),
        ("州商务局", "533422", "州商务局", DIQING),
        ("县人民政府", "533422", "德钦县人民政府", "533422"),
        ("湖北省住房和城乡建设厅", HUBEI, "省住建厅", HUBEI),
        ("住房城乡建设厅", HUBEI, "省住建厅", HUBEI),
        ("省经济和信息化厅", HUBEI, "省经信厅", HUBEI),
        ("省文化和旅游厅", HUBEI, "省文旅厅", HUBEI),
        ("省卫生健康委员会", HUBEI, "省卫健委", HUBEI),
        ("省发展和改革委员会", HUBEI, "省发展改革委", HUBEI),
        ("省应急管理厅", HUBEI, "省应急厅", HUBEI),
        ("省政府", HUBEI, "湖北省人民政府", HUBEI),
        ("恩施州人民政府", HUBEI, "恩施土家族苗族自治州人民政府", "422800"),
        ("市人民政府", "429004", "仙桃市人民政府", "429004"),
        ("林区人民政府", "429021", "神农架林区人民政府", "429021"),
        ("省商务厅", "420100", "省商务厅", HUBEI),
    ],
)
def test_aliases_map_to_one_canonical_name(alias: str, region: str, canonical: str, unit_region: str) -> None:
    unit = REGISTRY.resolve(alias, region_adcode=region)
    assert unit is not None
    assert (unit.name, unit.region_adcode) == (canonical, unit_region)


def test_every_registered_alias_resolves_to_its_own_unit() -> None:
    for unit in REGISTRY:
        for alias in (unit.name, unit.short_name, *unit.aliases):
            assert REGISTRY.resolve(alias, region_adcode=unit.region_adcode) == unit, alias


@pytest.mark.parametrize(
    ("written", "region", "default_prefix", "canonical"),
    [
        ("市场监管局", HUBEI, None, "省市场监管局"),
        ("市场监管局", DIQING, None, "州市场监管局"),
        ("商务局", DIQING, None, "州商务局"),
        ("商务局", "533401", "州", "州商务局"),
        ("商务厅", DIQING, None, None),
        ("商务局", HUBEI, None, None),
        ("卫健委", HUBEI, None, "省卫健委"),
        ("人民政府", "533422", None, "德钦县人民政府"),
    ],
)
def test_missing_level_prefix_comes_from_the_document(
    written: str, region: str, default_prefix: str | None, canonical: str | None
) -> None:
    unit = REGISTRY.resolve(written, region_adcode=region, default_prefix=default_prefix)
    assert (unit.name if unit else None) == canonical


@pytest.mark.parametrize(
    ("name", "region", "count"),
    [
        ("各县市人民政府", DIQING, 3),
        ("各县(市)人民政府", DIQING, 3),
        ("各县（市）人民政府", "533401", 3),
        ("各市州人民政府", HUBEI, 17),
        ("各市、州人民政府", HUBEI, 17),
        ("省完善促进消费体制机制部门联席会议各成员单位", HUBEI, 0),
    ],
)
def test_collectives_expand(name: str, region: str, count: int) -> None:
    members = REGISTRY.expand_collective(name, region_adcode=region)
    assert members is not None
    assert len(members) == count
    assert all(m.kind == "government" for m in members)


def test_county_governments_of_diqing() -> None:
    members = REGISTRY.expand_collective("各县市人民政府", region_adcode=DIQING)
    assert members is not None
    assert [(m.name, m.region_adcode, m.parent_name) for m in members] == [
        ("香格里拉市人民政府", "533401", "迪庆藏族自治州人民政府"),
        ("德钦县人民政府", "533422", "迪庆藏族自治州人民政府"),
        ("维西傈僳族自治县人民政府", "533423", "迪庆藏族自治州人民政府"),
    ]


def test_hubei_collective_lists_the_17_prefecture_level_governments() -> None:
    members = REGISTRY.expand_collective("各市州人民政府", region_adcode=HUBEI)
    assert members is not None
    expected = [f"{d.name}人民政府" for d in region_tree().effective_children(HUBEI)]
    assert [m.name for m in members] == expected
    assert {"武汉市人民政府", "仙桃市人民政府", "神农架林区人民政府", "恩施土家族苗族自治州人民政府"} <= set(expected)


def test_department_collective_lists_the_non_government_units_of_the_region() -> None:
    members = REGISTRY.expand_collective("州直有关部门", region_adcode=DIQING)
    assert members is not None
    names = {m.name for m in members}
    assert {"州商务局", "州税务局", "香格里拉海关", "州委网信办"} <= names
    assert not names & {"迪庆藏族自治州人民政府", "各县市人民政府"}
    assert all(m.region_adcode == DIQING for m in members)


@pytest.mark.parametrize(("name", "region"), [("州商务局", DIQING), ("不存在", DIQING), ("各县市人民政府", HUBEI)])
def test_expand_collective_is_none_for_other_names(name: str, region: str) -> None:
    assert REGISTRY.expand_collective(name, region_adcode=region) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [("州商务厅", True), ("县财政厅", True), ("省商务厅", False), ("州商务局", False), ("市场监管局", False)],
)
def test_is_impossible(name: str, expected: bool) -> None:
    assert is_impossible(name) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("省卫健 委", "省卫健委"),
        ("\u3000州商务局、", "州商务局"),
        ("各县（市）人民政府", "各县(市)人民政府"),
        ("省 体育\n局", "省体育局"),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_units_of_lists_the_government_first() -> None:
    units = REGISTRY.units_of(DIQING)
    assert units[0].name == "迪庆藏族自治州人民政府"
    assert {u.kind for u in units} == {
        "government",
        "department",
        "party",
        "mass-organization",
        "central-vertical",
        "collective",
    }


_MINIMAL = """
version: test
synonyms: [[商务局, 商贸局]]
governments: ["533400"]
units:
  "533400":
    - {name: 州商务局}
    - {name: 州测试局, aliases: [ALIAS]}
collectives: []
"""


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (_MINIMAL.replace("[ALIAS]", "[州商贸局]"), ValueError),  # an alias naming two units
        (_MINIMAL.replace("[[商务局, 商贸局]]", "[[商务局, 商贸局], [商务局]]"), ValueError),
        (_MINIMAL.replace("{name: 州商务局}", "{name: 州商务局, colour: red}"), ValidationError),
        (_MINIMAL.replace('"533400":\n', '"999999":\n'), KeyError),
    ],
)
def test_registry_rejects_bad_data(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        UnitRegistry.from_yaml(text, region_tree())


def test_seed_units_writes_units_parents_and_aliases(ref_session: Session) -> None:
    unit = ref_session.scalars(select(GovUnit).where(GovUnit.name == "州教育体育局")).one()
    parent = ref_session.get(GovUnit, unit.parent_id)
    assert parent is not None
    assert parent.name == "迪庆藏族自治州人民政府"
    assert {"州教体局", "迪庆州教育体育局"} <= {a.alias for a in unit.aliases}
    assert (unit.region_adcode, unit.kind, unit.level_prefix, unit.short_name) == (
        DIQING,
        "department",
        "州",
        "州教体局",
    )
    assert seed_units(ref_session) == len(REGISTRY)
    assert ref_session.scalar(select(func.count()).select_from(GovUnit)) == len(REGISTRY)


def test_seed_units_moves_an_alias_between_units(ref_session: Session) -> None:
    tree = region_tree()
    first = UnitRegistry.from_yaml(_MINIMAL.replace("ALIAS", "州甲局"), tree)
    seed_units(ref_session, registry=first)
    moved = _MINIMAL.replace("{name: 州商务局}", "{name: 州商务局, aliases: [州甲局]}").replace("[ALIAS]", "[]")
    seed_units(ref_session, registry=UnitRegistry.from_yaml(moved, tree))
    owner = ref_session.scalars(select(GovUnitAlias).where(GovUnitAlias.alias == "州甲局")).one().unit
    assert owner.name == "州商务局"
