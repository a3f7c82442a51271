"""GB/T 2260 divisions: loading, the region tree, roll-ups, and the seeded region tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from xinxiao.core import NotFound, Scope
from xinxiao.reference.divisions import Division, level_prefix, load_divisions, pad, region_tree, short_name
from xinxiao.reference.service import get_region, list_regions, region_choices, seed_reference

TREE = region_tree()
COUNTY_LEVEL = sorted(code for code in (d.adcode for d in TREE) if TREE.is_county_level(code))


@pytest.mark.parametrize(
    ("adcode", "name", "level", "parent", "is_pseudo", "province_direct"),
    [
        ("420000", "湖北省", "province", None, False, False),
        ("420100", "武汉市", "prefecture", "420000", False, False),
        ("422800", "恩施土家族苗族自治州", "prefecture", "420000", False, False),
        ("429000", "省直辖县级行政区划", "prefecture", "420000", True, False),
        ("429004", "仙桃市", "county", "429000", False, True),
        ("429021", "神农架林区", "county", "429000", False, True),
        ("530000", "云南省", "province", None, False, False),
        ("533400", "迪庆藏族自治州", "prefecture", "530000", False, False),
        ("533401", "香格里拉市", "county", "533400", False, False),
        ("533422", "德钦县", "county", "533400", False, False),
        ("533423", "维西傈僳族自治县", "county", "533400", False, False),
        ("110100", "市辖区", "prefecture", "110000", True, False),
        ("110101", "东城区", "county", "110100", False, False),
        ("500200", "县", "prefecture", "500000", True, False),
        ("441900", "东莞市", "prefecture", "440000", False, False),
        ("710000", "台湾省", "province", None, False, False),
    ],
)
def test_division_rows(
    adcode: str, name: str, level: str, parent: str | None, is_pseudo: bool, province_direct: bool
) -> None:
    assert TREE.get(adcode) == Division(adcode, name, level, parent, is_pseudo, province_direct)  # type: ignore[arg-type]


def test_load_divisions_is_unique_ordered_and_padded() -> None:
    divisions = load_divisions()
    codes = [d.adcode for d in divisions]
    assert codes == sorted(set(codes))
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(TREE) == len(divisions)


@pytest.mark.parametrize(
    ("adcode", "count"),
    [("000000", 34), ("420000", 14), ("429000", 4), ("533400", 3), ("533401", 0), ("441900", 0)],
)
def test_children_counts(adcode: str, count: int) -> None:
    assert len(TREE.children(adcode)) == count


@pytest.mark.parametrize(("adcode", "count"), [("420000", 17), ("533400", 3), ("110000", 16), ("530000", 16)])
def test_effective_children_replace_pseudo_nodes(adcode: str, count: int) -> None:
    children = TREE.effective_children(adcode)
    assert len(children) == count
    assert not any(child.is_pseudo for child in children)


def test_hubei_has_17_prefecture_level_units_plus_the_4290_bucket() -> None:
    names = [d.name for d in TREE.effective_children("420000")]
    assert names[:13] == [d.name for d in TREE.children("420000") if not d.is_pseudo]
    assert names[13:] == ["仙桃市", "潜江市", "天门市", "神农架林区"]
    assert [d.adcode for d in TREE.children("420000") if d.is_pseudo] == ["429000"]


@pytest.mark.parametrize(
    ("adcode", "expected"),
    [
        ("533422", ["530000", "533400"]),
        ("429004", ["420000", "429000"]),
        ("420102", ["420000", "420100"]),
        ("420000", []),
        ("000000", []),
    ],
)
def test_ancestors_province_first(adcode: str, expected: list[str]) -> None:
    assert [d.adcode for d in TREE.ancestors(adcode)] == expected


@pytest.mark.parametrize(
    ("adcode", "expected"),
    [
        ("420102", "湖北省/武汉市/江岸区"),
        ("429004", "湖北省/仙桃市"),
        ("533423", "云南省/迪庆藏族自治州/维西傈僳族自治县"),
        ("533400", "云南省/迪庆藏族自治州"),
        ("110101", "北京市/东城区"),
        ("000000", "全国"),
    ],
)
def test_path_names(adcode: str, expected: str) -> None:
    assert TREE.path_names(adcode) == expected


@pytest.mark.parametrize(
    ("adcode", "level", "count"),
    [
        ("533400", None, 3),
        ("420000", "prefecture", 14),
        ("530000", "prefecture", 16),
        ("000000", "province", 34),
    ],
)
def test_descendants(adcode: str, level: str | None, count: int) -> None:
    found = TREE.descendants(adcode, level)  # type: ignore[arg-type]
    assert len(found) == count
    assert [d.adcode for d in found] == sorted(d.adcode for d in found)


@pytest.mark.parametrize(
    ("adcode", "expected"),
    [
        ("533400", ["533401", "533422", "533423"]),
        ("533401", ["533401"]),
        ("429000", ["429004", "429005", "429006", "429021"]),
        ("441900", ["441900"]),
        ("710000", []),
    ],
)
def test_county_codes_under(adcode: str, expected: list[str]) -> None:
    assert TREE.county_codes_under(adcode) == expected


def test_county_codes_under_a_province_are_its_county_level_descendants() -> None:
    codes = TREE.county_codes_under("420000")
    assert codes == [d.adcode for d in TREE.descendants("420000", "county")]
    assert {"429004", "420102"} <= set(codes)


@pytest.mark.parametrize(
    ("values", "level", "expected"),
    [
        ({"533401": 1.0, "533422": 2.0, "533423": 3.0}, "prefecture", {"533400": 6.0}),
        ({"533401": 1.0, "533422": 2.0, "533423": 3.0}, "province", {"530000": 6.0}),
        (
            {"429004": 1.0, "429005": 2.0, "420102": 4.0},
            "prefecture",
            {"420100": 4.0, "429004": 1.0, "429005": 2.0},
        ),
        ({"429004": 1.0, "429005": 2.0, "420102": 4.0}, "province", {"420000": 7.0}),
        (
            {"110101": 1.0, "110102": 2.0, "500101": 5.0, "500229": 1.0},
            "prefecture",
            {"110000": 3.0, "500000": 6.0},
        ),
        ({"441900": 2.0, "440106": 1.0}, "prefecture", {"440100": 1.0, "441900": 2.0}),
        ({}, "province", {}),
    ],
)
def test_rollup(values: dict[str, float], level: str, expected: dict[str, float]) -> None:
    assert TREE.rollup(values, level) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("adcode", "error"), [("533400", ValueError), ("420000", ValueError), ("999999", KeyError)])
def test_rollup_rejects_non_county_codes(adcode: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        TREE.rollup({adcode: 1.0}, "province")


@given(st.dictionaries(st.sampled_from(COUNTY_LEVEL), st.integers(-(10**9), 10**9).map(float), max_size=40))
def test_rollup_keeps_the_total_and_nests(values: dict[str, float]) -> None:
    by_prefecture = TREE.rollup(values, "prefecture")
    by_province = TREE.rollup(values, "province")
    assert sum(by_prefecture.values()) == sum(values.values()) == sum(by_province.values())
    # Rolling prefecture totals up to their provinces gives the province totals.
    regrouped: dict[str, float] = {}
    for code, total in by_prefecture.items():
        province = code[:2] + "0000"
        regrouped[province] = regrouped.get(province, 0.0) + total
    assert regrouped == by_province


@given(st.sampled_from(COUNTY_LEVEL))
def test_every_county_level_code_lies_inside_its_rollup_targets(adcode: str) -> None:
    for level in ("prefecture", "province"):
        target = TREE.rollup_target(adcode, level)  # type: ignore[arg-type]
        assert adcode in TREE.county_codes_under(target)


@pytest.mark.parametrize(
    ("name", "level", "short", "prefix"),
    [
        ("湖北省", "province", "湖北", "省"),
        ("北京市", "province", "北京", "市"),
        ("新疆维吾尔自治区", "province", "新疆", "自治区"),
        ("香港特别行政区", "province", "香港", "特区"),
        ("迪庆藏族自治州", "prefecture", "迪庆州", "州"),
        ("恩施土家族苗族自治州", "prefecture", "恩施州", "州"),
        ("伊犁哈萨克自治州", "prefecture", "伊犁州", "州"),
        ("武汉市", "prefecture", "武汉市", "市"),
        ("锡林郭勒盟", "prefecture", "锡林郭勒盟", "盟"),
        ("阿里地区", "prefecture", "阿里地区", "地区"),
        ("维西傈僳族自治县", "county", "维西县", "县"),
        ("双江拉祜族佤族布朗族傣族自治县", "county", "双江县", "县"),
        ("龙胜各族自治县", "county", "龙胜县", "县"),
        ("鄂温克族自治旗", "county", "鄂温克旗", "旗"),
        ("融水苗族自治县", "county", "融水县", "县"),
        ("香格里拉市", "county", "香格里拉市", "市"),
        ("神农架林区", "county", "神农架林区", "林区"),
        ("江岸区", "county", "江岸区", "区"),
    ],
)
def test_short_name_and_level_prefix(name: str, level: str, short: str, prefix: str) -> None:
    assert short_name(name, level) == short  # type: ignore[arg-type]
    assert level_prefix(name, level) == prefix  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "padded"), [("42", "420000"), ("4201", "420100"), ("533401", "533401")])
def test_pad(code: str, padded: str) -> None:
    assert pad(code) == padded


@pytest.mark.parametrize("adcode", ["999999", "12"])
def test_unknown_adcodes(adcode: str) -> None:
    assert TREE.get(adcode) is None
    with pytest.raises(KeyError):
        TREE.children(adcode)


def test_seed_reference_is_idempotent(empty_engine: Engine) -> None:
    with Session(empty_engine) as session, session.begin():
        first = seed_reference(session)
    with Session(empty_engine) as session, session.begin():
        second = seed_reference(session)
    assert first == second
    assert first["regions"] == len(TREE)
    assert first["units"] > 0
    assert first["unit_aliases"] > first["units"]
    assert first["industries"] > 117


def test_seeded_tree_of_diqing(ref_session: Session) -> None:
    counties = list_regions(ref_session, parent_adcode="533400")
    assert [(r.adcode, r.name, r.level) for r in counties] == [
        ("533401", "香格里拉市", "county"),
        ("533422", "德钦县", "county"),
        ("533423", "维西傈僳族自治县", "county"),
    ]
    diqing = get_region(ref_session, adcode="533400")
    assert (diqing.short_name, diqing.parent_adcode, diqing.centroid_lat) == ("迪庆州", "530000", None)
    assert all(r.centroid_lat is not None and r.centroid_lon is not None for r in counties)


def test_seeded_tree_of_hubei(ref_session: Session) -> None:
    children = list_regions(ref_session, parent_adcode="420000", level="prefecture")
    assert len(children) == 14
    assert [r.adcode for r in children if r.is_pseudo] == ["429000"]
    direct = list_regions(ref_session, parent_adcode="429000")
    assert [(r.name, r.province_direct) for r in direct] == [
        ("仙桃市", True),
        ("潜江市", True),
        ("天门市", True),
        ("神农架林区", True),
    ]
    assert len(list_regions(ref_session, level="province")) == 34


@pytest.mark.parametrize(("scope", "count"), [("533400", 4), ("533422", 1), ("429000", 5)])
def test_region_choices_cover_the_scope_node_and_below(ref_session: Session, scope: str, count: int) -> None:
    regions = region_choices(ref_session, scope=Scope(scope))
    assert len(regions) == count
    assert regions[0].adcode == scope
    assert [r.adcode for r in regions] == sorted(r.adcode for r in regions)


def test_region_choices_national_is_everything(ref_session: Session) -> None:
    assert len(region_choices(ref_session, scope=Scope.national())) == len(TREE)


def test_get_region_raises_not_found(ref_session: Session) -> None:
    with pytest.raises(NotFound):
        get_region(ref_session, adcode="999999")
