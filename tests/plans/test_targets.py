"""Quantitative targets: one row per printed shape, one row per target of each seed, and properties."""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.plans.parsing.model import Target
from xinxiao.plans.parsing.targets import extract_targets, find_metric_aliases

SEEDS = Path(__file__).parent.parent / "data" / "plans"
FIELDS = ("metric", "kind", "operator", "value", "unit", "deadline", "firmness", "scope")


def _row(target: Target) -> dict[str, Any]:
    return {name: getattr(target, name) for name in (*FIELDS, "value_high", "base_year")}


def _expect(metric: str, kind: str, operator: str, value: float | None, unit: str, **more: Any) -> dict[str, Any]:
    """An expected target; fields not given are the defaults (no deadline, plain, no scope)."""
    row = {"metric": metric, "kind": kind, "operator": operator, "value": value, "unit": unit}
    return {"deadline": None, "firmness": "plain", "scope": None, **row, **more}


def _matches(found: dict[str, Any], expected: dict[str, Any]) -> bool:
    return all(found[key] == value for key, value in expected.items())


SHAPES = [
    # kinds
    pytest.param(
        "全州文化和旅游总收入达到136.54亿元。",
        [_expect("文化和旅游总收入", "level", "=", 136.54, "亿元", scope="全州")],
        id="level",
    ),
    pytest.param(
        "到2025年,全省社会消费品零售总额同比增长8%。",
        [_expect("社会消费品零售总额", "yoy_growth", "=", 8, "%", deadline="2025", scope="全省")],
        id="yoy-growth",
    ),
    pytest.param(
        "到2024年,全州社会消费品零售总额年均增长6%左右。",
        [_expect("社会消费品零售总额", "annual_growth", "~", 6, "%", deadline="2024", scope="全州")],
        id="annual-growth",
    ),
    pytest.param(
        "全市服务消费占比达到30%以上。",
        [_expect("服务消费占比", "share", ">=", 30, "%", scope="全市")],
        id="share-占比",
    ),
    pytest.param(
        "数字经济增加值占地区生产总值比重提高到15%。",
        [_expect("数字经济增加值占地区生产总值比重", "share", "=", 15, "%")],
        id="share-比重提高到",
    ),
    pytest.param(
        "到2024年,新增限额以上单位12家。",
        [_expect("限额以上单位", "count", "=", 12, "家", deadline="2024")],
        id="count-新增",
    ),
    pytest.param(
        "每年举办各类促消费活动20场以上。",
        [_expect("各类促消费活动", "count", ">=", 20, "场")],
        id="count-举办活动",
    ),
    pytest.param(
        "到2024年,5G网络覆盖率达到90%。",
        [_expect("5G网络覆盖率", "coverage", "=", 90, "%", deadline="2024")],
        id="coverage-rate",
    ),
    pytest.param(
        "实现行政村快递服务全覆盖。",
        [_expect("行政村快递服务覆盖率", "coverage", "=", 100, "%")],
        id="coverage-全覆盖",
    ),
    pytest.param(
        "到2025年,全省网络零售额比2020年翻一番。",
        [_expect("网络零售额", "relative", "=", 2, "倍", deadline="2025", scope="全省", base_year=2020)],
        id="relative-翻一番",
    ),
    pytest.param(
        "全省社零额较2020年翻两番。",
        [_expect("社会消费品零售总额", "relative", "=", 4, "倍", scope="全省", base_year=2020)],
        id="relative-翻两番",
    ),
    pytest.param(
        "全省限上单位数量达到2万家,增长1倍。",
        [
            _expect("限额以上单位", "count", "=", 2, "万家", scope="全省"),
            _expect("限额以上单位", "relative", "=", 2, "倍", scope="全省"),
        ],
        id="relative-增长1倍",
    ),
    pytest.param(
        "全省网络零售额比2020年增长20%。",
        [_expect("网络零售额", "yoy_growth", "=", 20, "%", scope="全省", base_year=2020)],
        id="base-year",
    ),
    # operators
    pytest.param(
        "全州旅游总收入超过300亿元,至少新增A级景区3个,培育龙头企业不少于5家。",
        [
            _expect("旅游总收入", "level", ">", 300, "亿元", scope="全州"),
            _expect("A级景区", "count", ">=", 3, "个", scope="全州"),
            _expect("龙头企业", "count", ">=", 5, "家", scope="全州"),
        ],
        id="operators-超过-至少-不少于",
    ),
    pytest.param(
        "全年接待游客约500万人次,旅游总收入达到2.3万亿元左右。",
        [
            _expect("接待游客人次", "level", "~", 500, "万人次"),
            _expect("旅游总收入", "level", "~", 2.3, "万亿元"),
        ],
        id="operators-约-左右",
    ),
    pytest.param(
        "全州培育电商直播基地1-2个,特色步行街1至2条,夜间经济集聚区1～2个。",
        [
            _expect("电商直播基地", "count", "range", 1, "个", value_high=2, scope="全州"),
            _expect("步行街", "count", "range", 1, "条", value_high=2, scope="全州"),
            _expect("夜间经济集聚区", "count", "range", 1, "个", value_high=2, scope="全州"),
        ],
        id="operators-range",
    ),
    pytest.param(
        "服务消费占比提高到20%-30%。",
        [_expect("服务消费占比", "share", "range", 20, "%", value_high=30)],
        id="operators-range-percent",
    ),
    pytest.param(
        "单位能耗控制在0.5吨以内,失业率不超过5%,空置率在10%以下。",
        [
            _expect("单位能耗", "level", "<=", 0.5, "吨"),
            _expect("失业率", "level", "<=", 5, "%"),
            _expect("空置率", "level", "<=", 10, "%"),
        ],
        id="operators-以内-不超过-以下",
    ),
    # units
    pytest.param(
        "城镇居民人均可支配收入达到45000元,农村居民人均可支配收入达到1.8万元。",
        [
            _expect("城镇居民人均可支配收入", "level", "=", 45000, "元"),
            _expect("农村居民人均可支配收入", "level", "=", 1.8, "万元"),
        ],
        id="units-元-万元",
    ),
    pytest.param(
        "提高居民消费率2个百分点,培训电商人才1000人次,新增就业3000人,接待游客达到20万人。",
        [
            _expect("居民消费率", "level", "=", 2, "个百分点"),
            _expect("培训电商人才", "count", "=", 1000, "人次"),
            _expect("就业", "count", "=", 3000, "人"),
            _expect("接待游客人次", "level", "=", 20, "万人"),
        ],
        id="units-百分点-人次-人-万人",
    ),
    pytest.param(
        "每个县(市)建成1座以上物流配送中心,新建农村公路200公里,新增商业面积5万平方米。",
        [
            _expect("物流配送中心", "count", ">=", 1, "座", scope="每个县(市)"),
            _expect("农村公路", "level", "=", 200, "公里", scope="每个县(市)"),
            _expect("商业面积", "level", "=", 5, "万平方米", scope="每个县(市)"),
        ],
        id="units-座-公里-平方米",
    ),
    pytest.param(
        "每年组织消费促进活动2次,消费者信心指数保持在100以上。",
        [
            _expect("消费促进活动", "count", "=", 2, "次"),
            _expect("消费者信心指数", "level", ">=", 100, ""),
        ],
        id="units-次-index",
    ),
    pytest.param(
        "新建居住社区原则上建设使用面积不小于15平方米的快递末端综合服务站。",
        [_expect("快递末端综合服务站使用面积", "level", ">=", 15, "平方米", scope="新建居住社区")],
        id="building-standard-不小于",
    ),
    pytest.param(
        "打造一个省级示范步行街,新增两个夜间经济集聚区。",
        [
            _expect("省级示范步行街", "count", "=", 1, "个"),
            _expect("夜间经济集聚区", "count", "=", 2, "个"),
        ],
        id="chinese-numerals",
    ),
    pytest.param(
        "打造10个省级夜间经济示范区、100个特色街区、1000个示范店,全年举办促消费活动不少于100场次。",
        [
            _expect("省级夜间经济示范区", "count", "=", 10, "个"),
            _expect("特色街区", "count", "=", 100, "个"),
            _expect("示范店", "count", "=", 1000, "个"),
            _expect("促消费活动", "count", ">=", 100, "场次"),
        ],
        id="count-list-场次",
    ),
    pytest.param(
        "服务消费占比由40%提高到50%。",
        [_expect("服务消费占比", "share", "=", 50, "%")],
        id="from-value-is-not-a-target",
    ),
    # firmness
    pytest.param(
        "确保社零额增长7%,力争增长8%以上,争取网络零售额增长15%。",
        [
            _expect("社会消费品零售总额", "yoy_growth", "=", 7, "%", firmness="must"),
            _expect("社会消费品零售总额", "yoy_growth", ">=", 8, "%", firmness="strive"),
            _expect("网络零售额", "yoy_growth", "=", 15, "%", firmness="aim"),
        ],
        id="firmness",
    ),
    pytest.param(
        "力争到2025年,全省社零额达到3万亿元;网络零售额达到8000亿元。",
        [
            _expect("社会消费品零售总额", "level", "=", 3, "万亿元", deadline="2025", firmness="strive", scope="全省"),
            _expect("网络零售额", "level", "=", 8000, "亿元", deadline="2025", firmness="strive", scope="全省"),
        ],
        id="firmness-lead-in-carries-over-semicolon",
    ),
    # deadlines
    pytest.param(
        "2022年底前,全省新增限上企业500家。",
        [_expect("限额以上单位", "count", "=", 500, "家", deadline="2022-12-31", scope="全省")],
        id="deadline-年底前",
    ),
    pytest.param(
        '"十四五"期间,全省新增电商企业1000家。',
        [_expect("电商企业", "count", "=", 1000, "家", deadline="十四五", scope="全省")],
        id="deadline-quoted-十四五",
    ),
    pytest.param(
        "十四五期间,全省培育消费新业态示范项目50个以上。",
        [_expect("消费新业态示范项目", "count", ">=", 50, "个", deadline="十四五", scope="全省")],
        id="deadline-十四五",
    ),
    pytest.param(
        "2025年,全省建成一刻钟便民生活圈100个。",
        [_expect("一刻钟便民生活圈", "count", "=", 100, "个", deadline="2025", scope="全省")],
        id="deadline-bare-year",
    ),
    pytest.param(
        "到2025年底,各县(市)均建成1个以上县级物流配送中心。",
        [_expect("县级物流配送中心", "count", ">=", 1, "个", deadline="2025-12-31", scope="每个县(市)")],
        id="deadline-到年底",
    ),
    pytest.param(
        "全州网络零售额稳步增长,2022年、2023年、2024年分别达到1.5亿元、1.65亿元、1.82亿元。",
        [
            _expect("网络零售额", "level", "=", 1.5, "亿元", deadline="2022"),
            _expect("网络零售额", "level", "=", 1.65, "亿元", deadline="2023"),
            _expect("网络零售额", "level", "=", 1.82, "亿元", deadline="2024"),
        ],
        id="deadline-year-by-year-path",
    ),
    # scopes and 分别
    pytest.param(
        "武汉市社零额达到8000亿元,各市州网络零售额年均增长10%。",
        [
            _expect("社会消费品零售总额", "level", "=", 8000, "亿元", scope="武汉市"),
            _expect("网络零售额", "annual_growth", "=", 10, "%", scope="各市州"),
        ],
        id="scope-named-city-各市州",
    ),
    pytest.param(
        "社零额和网络零售额分别增长8%和15%。",
        [
            _expect("社会消费品零售总额", "yoy_growth", "=", 8, "%"),
            _expect("网络零售额", "yoy_growth", "=", 15, "%"),
        ],
        id="分别-和",
    ),
    pytest.param(
        "到2024年,全省社零额、网络零售额分别达到100亿元、20亿元。",
        [
            _expect("社会消费品零售总额", "level", "=", 100, "亿元", deadline="2024", scope="全省"),
            _expect("网络零售额", "level", "=", 20, "亿元", deadline="2024", scope="全省"),
        ],
        id="分别-、",
    ),
    pytest.param(
        "文化和旅游总收入、网络零售额分别年均增长12%、20%。",
        [
            _expect("文化和旅游总收入", "annual_growth", "=", 12, "%"),
            _expect("网络零售额", "annual_growth", "=", 20, "%"),
        ],
        id="分别-names-with-和",
    ),
    pytest.param(
        "全州社会消费品零售总额(以下简称社零额)年均增长6%左右;到2024年,社零额达到200亿元。",
        [
            _expect("社会消费品零售总额", "annual_growth", "~", 6, "%", scope="全州"),
            _expect("社会消费品零售总额", "level", "=", 200, "亿元", deadline="2024", scope="全州"),
        ],
        id="document-alias",
    ),
    pytest.param(
        "全省网络零售额占比达到３０％（全州）；争取实现５Ｇ网络乡镇全覆盖。",
        [
            _expect("网络零售额占比", "share", "=", 30, "%", scope="全省"),
            _expect("5G网络覆盖率", "coverage", "=", 100, "%", firmness="aim", scope="乡镇"),
        ],
        id="full-width-forms",
    ),
    # numbers that are not targets
    pytest.param("《迪庆州培育发展新型消费释放消费潜力三年行动方案(2022—2024年)》", [], id="not-period"),
    pytest.param("经州人民政府第5次常务会议审议通过,2022年6月16日印发。", [], id="not-ordinal-date"),
    pytest.param("根据《意见》(国办发〔2020〕32号)和国家发改委等28部门精神。", [], id="not-doc-number"),
    pytest.param("依据《电子商务法》第12条规定。", [], id="not-law-article"),
    pytest.param("构建24时全生活链服务体系,加快5G消息规模商用,24小时便利店。", [], id="not-5G-24时"),
    pytest.param("咨询电话:0887-8222222。", [], id="not-phone"),
    pytest.param("按照《关于推动消费增长10%的若干措施》执行。", [], id="not-title-percent"),
    pytest.param('推动"梅里100"赛事,建设“1刻钟”便民生活圈。', [], id="not-quoted-name"),
    pytest.param("对新增限上企业给予一次性奖励5万元,商品房售价不超过8000元/平方米。", [], id="not-subsidy-price"),
    pytest.param("对年销售额首次突破5000万元的企业给予10万元奖励。", [], id="not-reward-threshold"),
    pytest.param(
        "争取用3年左右时间,建成三级健康医疗信息平台,完成4A级以上景区智慧化建设。", [], id="not-duration-grade"
    ),
    pytest.param("推进市场监管全覆盖,2025年,把全省建成中部消费新高地。", [], id="not-unstated-coverage-no-number"),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_shapes(text: str, expected: list[dict[str, Any]]) -> None:
    found = [_row(t) for t in extract_targets(text, aliases=find_metric_aliases(text))]
    assert len(found) == len(expected), found
    for row, want in zip(found, expected, strict=True):
        assert _matches(row, want), (row, want)


@cache
def _seed_targets(name: str) -> list[dict[str, Any]]:
    text = (SEEDS / name).read_text("utf-8")
    return [_row(t) for t in extract_targets(text, aliases=find_metric_aliases(text))]


SEED000 = "seed000_diqing.txt"
SEED002 = "seed002_hubei.txt"
SEED_TARGETS = [
    # seed000 一、主要目标
    (SEED000, _expect("社会消费品零售总额", "annual_growth", "~", 6, "%", deadline="2024", scope="全州")),
    (SEED000, _expect("文化和旅游总收入", "level", "=", 136.54, "亿元", deadline="2024", scope="全州")),
    (SEED000, _expect("网络零售额", "level", "=", 1.82, "亿元", deadline="2024", scope="全州")),
    (SEED000, _expect("网络零售额", "annual_growth", "=", 10, "%", deadline="2024", firmness="strive", scope="全州")),
    (
        SEED000,
        _expect(
            "5G网络覆盖率",
            "coverage",
            "=",
            100,
            "%",
            deadline="2024",
            firmness="aim",
            scope="县(市)、开发区和乡镇所在地",
        ),
    ),
    # seed000 tasks
    (SEED000, _expect("新业态示范基地", "count", ">=", 1, "个", deadline="2024", firmness="aim", scope="每个县(市)")),
    (SEED000, _expect("文旅融合示范区", "count", "=", 1, "个", deadline="2024", firmness="strive", scope="每个县(市)")),
    (
        SEED000,
        _expect("夜间文旅消费集聚区", "count", "=", 1, "个", deadline="2024", firmness="strive", scope="每个县(市)"),
    ),
    (SEED000, _expect("失能照护服务机构覆盖率", "coverage", "=", 100, "%", scope="县级")),
    (SEED000, _expect("每千人口拥有3岁以下婴幼儿托位数", "relative", "=", None, "", firmness="aim", scope="全州")),
    (SEED000, _expect("限额以上单位", "count", ">=", 12, "家", deadline="2024")),
    (SEED000, _expect("汽车、家居家装家电消费促进活动", "count", "=", 1, "次", firmness="aim", scope="全州")),
    # seed002: its only number-bearing target
    (SEED002, _expect("快递末端综合服务站使用面积", "level", ">=", 15, "平方米", scope="新建居住社区")),
]


@pytest.mark.parametrize(("seed", "expected"), SEED_TARGETS, ids=[f"{s[:7]}-{e['metric']}" for s, e in SEED_TARGETS])
def test_seed_target_is_found(seed: str, expected: dict[str, Any]) -> None:
    assert any(_matches(row, expected) for row in _seed_targets(seed)), _seed_targets(seed)


@pytest.mark.parametrize("seed", [SEED000, SEED002])
def test_seed_has_no_other_targets(seed: str) -> None:
    assert len(_seed_targets(seed)) == sum(1 for s, _ in SEED_TARGETS if s == seed)


@pytest.mark.parametrize(
    ("text", "aliases"),
    [
        ("全州社会消费品零售总额(以下简称社零额)年均增长6%", {"社零额": "社会消费品零售总额"}),
        ("全省社会消费品零售总额(简称社零)", {"社零": "社会消费品零售总额"}),
        ("数字经济核心产业增加值(以下简称“数字核心产值”)达到", {"数字核心产值": "数字经济核心产业增加值"}),
        ("全州社会消费品零售总额（以下简称社零额）", {"社零额": "社会消费品零售总额"}),
        ("社会消费品零售总额(亿元)", {}),
    ],
)
def test_find_metric_aliases(text: str, aliases: dict[str, str]) -> None:
    assert find_metric_aliases(text) == aliases


def test_document_alias_names_an_unknown_metric() -> None:
    text = "到2025年,数字经济核心产业增加值(以下简称数字核心产值)年均增长12%;数字核心产值达到500亿元。"
    found = extract_targets(text, aliases=find_metric_aliases(text))
    assert [t.metric for t in found] == ["数字经济核心产业增加值", "数字经济核心产业增加值"]


def test_defaults_fill_what_the_text_leaves_out() -> None:
    [stated, unstated] = extract_targets(
        "到2023年,全省社零额达到100亿元。网络零售额达到10亿元。", default_deadline="2025", default_scope="全州"
    )
    assert (stated.deadline, stated.scope) == ("2023", "全省")
    assert (unstated.deadline, unstated.scope) == ("2025", "全州")


def test_text_is_the_clause_and_span_the_target() -> None:
    text = "新型消费蓬勃发展。到2024年,全州文化和旅游总收入达到136.54亿元;网络零售额达到1.82亿元。"
    first, second = extract_targets(text)
    assert first.text == "到2024年,全州文化和旅游总收入达到136.54亿元"
    assert text[slice(*first.span)] == "文化和旅游总收入达到136.54亿元"
    assert second.text == "网络零售额达到1.82亿元"


# Properties -------------------------------------------------------------------------------------

# fmt: off
PIECES = st.sampled_from([
    "到2024年", "2025年,", "2022年底前", '"十四五"期间', "全州", "全省", "每个县(市)", "三县(市)均", "武汉市",
    "社零额", "网络零售额", "文化和旅游总收入", "限额以上单位", "5G网络", "占比", "比重", "覆盖率", "指数",
    "确保", "力争", "争取", "达到", "年均增长", "同比增长", "增长", "提高到", "新增", "建成", "举办", "分别",
    "以上", "左右", "约", "不少于", "超过", "以内", "控制在", "全覆盖", "实现", "翻一番", "比2020年", "第", "由",
    "亿元", "万亿元", "%", "个百分点", "个", "家", "场", "次", "人", "平方米", "倍", "年", "号", "〔2020〕", "奖励",
    "、", ",", ";", "。", "(", ")", "“", "”", "《", "》", " ", "\n", "-", "至", "～", "的", "以下简称", "/",
    "1", "2", "12", "136.54", "1.82", "0", "30", "一", "两", "十",
])
# fmt: on
TARGETISH = st.lists(PIECES, max_size=40).map("".join)


def _shows_value(shown: str, target: Target) -> bool:
    """The span prints the value: its digits, or the words it stands for (全覆盖, 翻一番, 两个)."""
    if target.value is None:
        return True
    numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", shown))}
    grown = target.value - 1 if target.unit == "倍" else target.value  # 增长1倍 is 2 倍 of the base
    if any(math.isclose(n, target.value) or math.isclose(n, grown) for n in numbers):
        return True
    return (
        any(word in shown for word in ("全覆盖", "番")) or re.search("[一二两三四五六七八九十百千]", shown) is not None
    )


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=300), TARGETISH))
def test_never_raises_and_spans_show_the_value(text: str) -> None:
    for target in extract_targets(text, aliases=find_metric_aliases(text)):
        start, end = target.span
        assert 0 <= start < end <= len(text)
        assert _shows_value(text[start:end], target), (text, target)
        assert target.value_high is None or target.operator == "range"


@settings(max_examples=100, deadline=None)
@given(text=TARGETISH)
def test_folding_full_width_forms_changes_nothing(text: str) -> None:
    wide = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789%(),;:"})
    assert [_row(t) for t in extract_targets(wide)] == [_row(t) for t in extract_targets(text)]
