"""Normalisation: each pass, the change log, and the offset map back to the raw text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.plans.parsing.mutations import add_page_noise, insert_cjk_spaces, to_fullwidth, wrap_lines
from xinxiao.plans.parsing.normalize import Normalized, normalize

SEEDS = Path(__file__).parents[1] / "data" / "plans"
SEED000 = (SEEDS / "seed000_diqing.txt").read_text(encoding="utf-8")
SEED002 = (SEEDS / "seed002_hubei.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "text", "steps"),
    [
        # spaces inside CJK runs go; spaces between ASCII words and numbers stay
        ("扩容 提质", "扩容提质", {"cjk_space"}),
        ("中 央 网 信 办", "中央网信办", {"cjk_space"}),
        ("(责任单位:省卫健 委、省体育 局)", "(责任单位:省卫健委、省体育局)", {"cjk_space"}),
        ("均有1 个以上", "均有1个以上", {"cjk_space"}),
        ("实施5G “万站工程”, 重点布局", "实施5G“万站工程”,重点布局", {"cjk_space"}),
        ("( 一 )加快发展", "(一)加快发展", {"cjk_space"}),
        ("Made in China 2025", "Made in China 2025", set()),
        ("发布于2022-04-27 15:55", "发布于2022-04-27 15:55", set()),
        ("  一、目标  ", "一、目标", {"cjk_space"}),
        # full-width forms: ONE form of brackets, colon, comma, semicolon, letters and digits; 、。 stay
        ("（一）加快发展：到２０２４年，５Ｇ；", "(一)加快发展:到2024年,5G;", {"fullwidth"}),
        ("1．丰富产品、服务。", "1.丰富产品、服务。", {"fullwidth"}),
        ("增长６％，达到１．８２亿元", "增长6%,达到1.82亿元", {"fullwidth"}),
        ("《方案》〔2022〕【通知】", "《方案》〔2022〕【通知】", set()),
        # traditional characters and Taiwan vocabulary
        ("推動網際網路應用", "推动互联网应用", {"t2s"}),
        ("最佳化軟體服務,套用新技術", "优化软件服务,应用新技术", {"t2s"}),
        ("州工業和資訊化局", "州工业和信息化局", {"t2s"}),
        ("釋出時間:2022-04-27\n繁體文字", "繁体文字", {"t2s", "page_noise", "blank_line"}),
        # a simplified document keeps its own words (tw2sp would write 智能, 创建, 集成)
        ("建设智慧城市,建立机制,整合资源,套用公式", "建设智慧城市,建立机制,整合资源,套用公式", set()),
        # whitespace
        ("一、目标\r\n到2024年。\r\n", "一、目标\n到2024年。", {"whitespace", "blank_line"}),
        ("\ufeff扩容\u200b提质", "扩容提质", {"whitespace"}),
        ("一、目标\n\n\n到2024年。", "一、目标\n到2024年。", {"blank_line"}),
    ],
)
def test_passes(raw: str, text: str, steps: set[str]) -> None:
    doc = normalize(raw)
    assert doc.text == text
    assert {step.step for step in doc.steps} == steps


@pytest.mark.parametrize(
    "noise",
    [
        "国务院| 省政府 登录| 注册 繁体 无障碍阅读 长者模式",
        "首页 | 政务公开 | 政策文件 | 解读回应 | 互动交流",
        "您当前的位置: 首页 > 政府信息公开 > 政策文件",
        "— 3 —",
        "- 12 -",
        "第 3 页 共 8 页",
        "扫一扫在手机上查看当前页面",
        "(此件公开发布)",
        "（此件公开发布）",
        "原文如下:",
        "【打印】【关闭】",
        "【打印本页】 【关闭窗口】",
        "相关链接: 政策解读",
        "【字体:大 中 小】",
    ],
)
def test_page_noise_lines_are_dropped(noise: str) -> None:
    doc = normalize(f"一、目标\n{noise}\n到2024年,增长6%。")
    assert doc.text == "一、目标\n到2024年,增长6%。"
    assert any(step.step == "page_noise" and doc.raw[slice(*step.span)] == noise for step in doc.steps)


@pytest.mark.parametrize(
    ("row", "metadata"),
    [
        (
            "发布时间:2022-04-27 15:55 来源:湖北省发展和改革委员会",
            {"发布时间": "2022-04-27 15:55", "来源": "湖北省发展和改革委员会"},
        ),
        (
            "索引号: 533400-0000/2022-00316 | 主题分类: 综合政务",
            {"索引号": "533400-0000/2022-00316", "主题分类": "综合政务"},
        ),
        (
            "发文机关\t迪庆州人民政府\t成文日期\t2022年06月16日",
            {"发文机关": "迪庆州人民政府", "成文日期": "2022年06月16日"},
        ),
        ("发文字号：迪政发〔2022〕12号", {"发文字号": "迪政发〔2022〕12号"}),
    ],
)
def test_metadata_rows_keep_their_values(row: str, metadata: dict[str, str]) -> None:
    doc = normalize(f"{row}\n一、目标\n到2024年。")
    assert doc.metadata == metadata
    assert doc.text == "一、目标\n到2024年。"


@pytest.mark.parametrize(
    ("raw", "lines"),
    [
        # a line that does not end a sentence joins the next one
        (
            "8.加快信息消费基础设施建设。加快建设,\n推动建设“双千兆”网络。",
            ["8.加快信息消费基础设施建设。加快建设,推动建设“双千兆”网络。"],
        ),
        # a responsibility clause split across lines, with a blank line in between
        (
            "()加快提升融合质效。(责任单位:\n\n省经信厅、省商务厅,各市州人民政府)",
            ["()加快提升融合质效。(责任单位:省经信厅、省商务厅,各市州人民政府)"],
        ),
        # a title split across lines, then its period on a line of its own
        (
            "某州培育发展新型消费\n三年行动方案\n(2022—2024年)\n为促进消费,制定本方案。",
            ["某州培育发展新型消费三年行动方案(2022—2024年)", "为促进消费,制定本方案。"],
        ),
        # headings on their own line stay there, as do new markers and dates
        ("一、主要目标\n新型消费蓬勃发展。", ["一、主要目标", "新型消费蓬勃发展。"]),
        (
            "(一)培育新型文旅消费行动\n1.丰富文旅消费新业态新产品",
            ["(一)培育新型文旅消费行动", "1.丰富文旅消费新业态新产品"],
        ),
        ("。加快发展\n(2)扩大消费\n①第一项\n第二章 任务", ["。加快发展", "(2)扩大消费", "①第一项", "第二章任务"]),
        (
            "迪庆藏族自治州人民政府\n2022年6月16日\n(此件公开发布)\n迪庆州方案",
            ["迪庆藏族自治州人民政府", "2022年6月16日", "迪庆州方案"],
        ),
        (
            "各县(市)人民政府,州直各委、办、局:\n现将方案印发给你们。",
            ["各县(市)人民政府,州直各委、办、局:", "现将方案印发给你们。"],
        ),
        # a line starting with 、 after a finished sentence is a top-level marker that lost its numeral
        (
            "引擎。\n、依托数字技术,培育壮大消费新业态新模式\n深入推进互联网。",
            ["引擎。", "、依托数字技术,培育壮大消费新业态新模式", "深入推进互联网。"],
        ),
        # a short aside in brackets does not end a line; a clause does
        ("优先在三县(市)\n城市所在地推动。", ["优先在三县(市)城市所在地推动。"]),
        ("(州商务局牵头,州财政局配合)\n10.壮大消费。", ["(州商务局牵头,州财政局配合)", "10.壮大消费。"]),
        ("English words\nwrapped here.", ["English words wrapped here."]),
    ],
)
def test_line_joining(raw: str, lines: list[str]) -> None:
    assert normalize(raw).text.splitlines() == lines


@pytest.mark.parametrize(
    ("raw", "lines"),
    [
        # a marker that continues the numbering right after a sentence starts a new line
        (
            "(一)扩大供给。推行认证。(二)促进消费。(责任单位:省商务厅)(三)推广汽车。",
            ["(一)扩大供给。推行认证。", "(二)促进消费。(责任单位:省商务厅)", "(三)推广汽车。"],
        ),
        # an enumeration inside a sentence, or numbering that does not continue, stays put
        ("主要目标:(1)增长;(2)提升。", ["主要目标:(1)增长;(2)提升。"]),
        ("(一)扩大供给。(五)促进消费。", ["(一)扩大供给。(五)促进消费。"]),
        ("增长1.5倍。2.82亿元", ["增长1.5倍。2.82亿元"]),
    ],
)
def test_lost_line_breaks_are_put_back_before_markers(raw: str, lines: list[str]) -> None:
    assert normalize(raw).text.splitlines() == lines


ONE_LINE = (
    "某省发展和改革委员会关于印发某省促进绿色消费若干措施的通知 某发改就业〔2023〕21号 各市、州发展改革委:现将《某省"
    "促进绿色消费若干措施》印发给你们,请认真贯彻落实。 某省发展和改革委员会 2023年5月8日 某省促进绿色消费若干措施 "
    "一、工作目标到2025年,绿色产品销售额年均增长10%左右。二、重点措施(一)扩大绿色产品供给。推行绿色产品认证。"
    "(责任单位:省经信厅)(二)促进绿色家电消费。开展以旧换新。(责任单位:省商务厅、省财政厅)(三)推广新能源汽车。"
    "加快充电设施建设。(责任单位:省发改委)"
)


def test_a_one_line_document_gets_its_lines_back() -> None:
    assert normalize(ONE_LINE).text.splitlines() == [
        "某省发展和改革委员会关于印发某省促进绿色消费若干措施的通知",
        "某发改就业〔2023〕21号",
        "各市、州发展改革委:",
        "现将《某省促进绿色消费若干措施》印发给你们,请认真贯彻落实。",
        "某省发展和改革委员会",
        "2023年5月8日",
        "某省促进绿色消费若干措施",
        "一、工作目标到2025年,绿色产品销售额年均增长10%左右。",
        "二、重点措施",
        "(一)扩大绿色产品供给。推行绿色产品认证。(责任单位:省经信厅)",
        "(二)促进绿色家电消费。开展以旧换新。(责任单位:省商务厅、省财政厅)",
        "(三)推广新能源汽车。加快充电设施建设。(责任单位:省发改委)",
    ]


def test_a_repeated_title_line_is_dropped() -> None:
    doc = normalize("关于印发若干措施的通知\n\n关于印发若干措施的通知\n各市人民政府:")
    assert doc.text.splitlines() == ["关于印发若干措施的通知", "各市人民政府:"]


def test_seed000_head_and_wrapped_item() -> None:
    doc = normalize(SEED000)
    lines = doc.text.splitlines()
    assert lines[:6] == [
        "各县(市)人民政府,州直各委、办、局,开发区管委会:",
        lines[1],
        "迪庆藏族自治州人民政府",
        "2022年6月16日",
        "迪庆州培育发展新型消费释放消费潜力三年行动方案(2022—2024年)",
        lines[5],
    ]
    assert lines[5].startswith("为贯彻落实好") and lines[6] == "一、主要目标"
    assert any(line.startswith("8.加快信息消费基础设施建设。加快“数字迪庆”建设,推动建设") for line in lines)
    assert "均有1个以上" in doc.text and "(此件公开发布)" not in doc.text
    assert len(lines) == 41


def test_seed002_noise_metadata_and_stray_spaces() -> None:
    doc = normalize(SEED002)
    lines = doc.text.splitlines()
    assert (
        lines[0] == "省完善促进消费体制机制部门联席会议关于印发湖北省以新业态新模式引领新型消费加快发展若干措施的通知"
    )
    assert doc.metadata == {"发布时间": "2022-04-27 15:55", "来源": "湖北省发展和改革委员会"}
    assert lines[-1].startswith("(十五)构建新型监管机制") and lines[-1].endswith("各市州人民政府)")
    for gone in ("登录", "扫一扫", "相关链接", "发布时间", "省卫健 委", "支持实 体"):
        assert gone not in doc.text
    assert "省卫健委" in doc.text and "(责任单位:省经信厅、省发改委、省商务厅,各市州人民政府)" in doc.text
    assert sum(1 for line in lines if line == lines[0]) == 1
    for step in doc.steps:  # every change points at the raw text it replaced
        if step.step in ("page_noise", "cjk_space"):
            assert doc.raw[slice(*step.span)] == step.before


@pytest.mark.parametrize("seed_text", [SEED000, SEED002], ids=["seed000", "seed002"])
@pytest.mark.parametrize(
    "mutation",
    [
        lambda text: to_fullwidth(text, seed=1),
        lambda text: insert_cjk_spaces(text, seed=2, rate=0.05),
        lambda text: add_page_noise(text, seed=3),
        lambda text: wrap_lines(text, seed=4),
        lambda text: wrap_lines(add_page_noise(insert_cjk_spaces(text, seed=5), seed=5), seed=5),
    ],
    ids=["fullwidth", "cjk_spaces", "page_noise", "wrapped", "wrapped_noisy_spaced"],
)
def test_defects_normalise_back_to_the_clean_text(seed_text: str, mutation: object) -> None:
    assert callable(mutation)
    assert normalize(mutation(seed_text)).text == normalize(seed_text).text


@pytest.mark.parametrize(
    ("raw", "start", "end", "raw_span"),
    [
        ("網際網路應用", 0, 3, (0, 4)),  # 4 characters became 3: the span covers all four
        ("網際網路應用", 3, 5, (4, 6)),
        ("（一）加快", 0, 3, (0, 3)),
        ("扩容 提质", 1, 3, (1, 4)),
        ("扩容 提质", 2, 2, (3, 3)),
        ("一、目标\n\n\n到2024年。", 5, 7, (7, 9)),
        ("第一行\n第二行", 0, 7, (0, 7)),
    ],
)
def test_spans_map_back_to_the_raw_text(raw: str, start: int, end: int, raw_span: tuple[int, int]) -> None:
    assert normalize(raw).span(start, end) == raw_span


def test_offsets_are_clamped_and_invertible() -> None:
    doc = normalize("中 央 网 信 办")
    assert doc.text == "中央网信办"
    assert [doc.to_raw(i) for i in range(-1, 7)] == [0, 0, 2, 4, 6, 8, 9, 9]
    assert [doc.from_raw(doc.to_raw(i)) for i in range(6)] == list(range(6))
    assert doc.span(-5, 99) == (0, 9)


SIMPLE = "消费新型推动"  # simplified characters no pass writes from another character
ALPHABET = SIMPLE + "發展網際路應用軟體（）：，；１２ＡＢab12().,:、。 \u3000\n一二(三)4."


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_offset_map_is_monotonic_and_in_bounds(raw: str) -> None:
    doc = normalize(raw)
    offsets = [doc.to_raw(i) for i in range(len(doc.text) + 1)]
    assert offsets == sorted(offsets)
    assert all(0 <= offset <= len(raw) for offset in offsets)
    assert offsets[-1] == len(raw) or not doc.text
    for i, char in enumerate(doc.text):
        start, end = doc.span(i, i + 1)
        assert 0 <= start <= end <= len(raw)
        if char in SIMPLE:
            assert raw[offsets[i]] == char
    _check_steps(doc)


def _check_steps(doc: Normalized) -> None:
    for step in doc.steps:
        assert 0 <= step.span[0] <= step.span[1] <= len(doc.raw)
        assert step.before != step.after


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.text(alphabet=" \u3000", min_size=1, max_size=3), st.data())
def test_inserted_blanks_never_break_the_map(raw: str, blanks: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(min_value=0, max_value=len(raw)))
    doc = normalize(raw[:at] + blanks + raw[at:])
    offsets = [doc.to_raw(i) for i in range(len(doc.text) + 1)]
    assert offsets == sorted(offsets) and all(0 <= o <= len(doc.raw) for o in offsets)
