"""Document parts and the section tree, on synthetic texts for every marker family and on both seeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.plans.parsing.model import ParseWarning, Section
from xinxiao.plans.parsing.mutations import mutate
from xinxiao.plans.parsing.normalize import normalize
from xinxiao.plans.parsing.structure import DocumentParts, build_sections, split_parts

SEEDS = Path(__file__).parents[1] / "data" / "plans"
SEED000 = (SEEDS / "seed000_diqing.txt").read_text(encoding="utf-8")
SEED002 = (SEEDS / "seed002_hubei.txt").read_text(encoding="utf-8")


def _walk(sections: list[Section]) -> Iterator[Section]:
    for node in sections:
        yield node
        yield from _walk(node.children)


def _tree(raw: str) -> tuple[list[Section], list[ParseWarning]]:
    doc = normalize(raw)
    return build_sections(doc, split_parts(doc))


def _paths(raw: str) -> list[str]:
    return [node.path for node in _walk(_tree(raw)[0])]


def _parts(raw: str) -> DocumentParts:
    return split_parts(normalize(raw))


# --- document parts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("迪政发〔2022〕12号", "迪政发〔2022〕12号"),
        ("迪政发[2022]12号", "迪政发〔2022〕12号"),
        ("迪政发【2022】12号", "迪政发〔2022〕12号"),
        ("迪政发(2022)12号", "迪政发〔2022〕12号"),
        ("迪政发（2022）12号", "迪政发〔2022〕12号"),
        ("迪政发〔2022〕12号  签发人:张三", "迪政发〔2022〕12号"),
    ],
)
def test_doc_number_in_any_bracket_form(printed: str, expected: str) -> None:
    raw = f"迪庆州人民政府文件\n{printed}\n迪庆州人民政府关于印发方案的通知\n各县(市)人民政府:\n一、目标\n到2024年。"
    assert _parts(raw).doc_number == expected


def test_doc_numbers_cited_in_sentences_are_not_the_documents_own() -> None:
    raw = "关于印发措施的通知\n根据《意见》(国办发〔2020〕32号)精神,制定措施。\n一、总体要求\n依照国办发〔2020〕32号。"
    assert _parts(raw).doc_number is None


def test_doc_number_from_page_metadata() -> None:
    assert _parts("发文字号:鄂政办发[2022]9号\n某方案\n一、目标\n到2024年。").doc_number == "鄂政办发〔2022〕9号"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("2022年6月16日", date(2022, 6, 16)),
        ("2022年4月27", date(2022, 4, 27)),
        ("二〇二二年六月十六日", date(2022, 6, 16)),
        ("2022年12月1日", date(2022, 12, 1)),
        ("2022年13月1日", None),
    ],
)
def test_issued_on_even_without_the_day_character(printed: str, expected: date | None) -> None:
    parts = _parts(
        f"各区人民政府:\n现将方案印发给你们。\n某市人民政府(代章)\n{printed}\n某市方案\n一、目标\n到2024年。"
    )
    assert parts.issued_on == expected
    assert parts.issuer == "某市人民政府"


def test_signature_at_the_end_and_attachments() -> None:
    raw = (
        "某市促进消费的若干措施\n各区人民政府:\n为促进消费,制定如下措施。\n一、目标\n到2024年,增长6%。\n"
        "附件:1.重点任务分工表\n2.《消费券发放办法》\n某市人民政府办公室\n2023年1月5日"
    )
    doc = normalize(raw)
    parts = split_parts(doc)
    assert parts.title == "某市促进消费的若干措施"
    assert parts.attachments == ["重点任务分工表", "消费券发放办法"]
    assert (parts.issuer, parts.issued_on) == ("某市人民政府办公室", date(2023, 1, 5))
    assert parts.body and doc.raw[slice(*parts.body)] == "一、目标\n到2024年,增长6%。"
    assert parts.preamble and doc.raw[slice(*parts.preamble)] == "为促进消费,制定如下措施。"
    assert [node.path for node in _walk(build_sections(doc, parts)[0])] == ["一"]


def test_issuer_falls_back_to_page_metadata() -> None:
    parts = _parts("发文机关:湖北省人民政府办公厅 成文日期:2022-05-01\n某省方案\n一、目标\n到2024年。")
    assert (parts.issuer, parts.issued_on, parts.title) == ("湖北省人民政府办公厅", date(2022, 5, 1), "某省方案")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("各县(市)人民政府,州直各委、办、局,开发区管委会:", ["各县(市)人民政府", "州直各委、办、局", "开发区管委会"]),
        ("各市、州、直管市人民政府,省直有关单位:", ["各市、州、直管市人民政府", "省直有关单位"]),
        ("省发展改革委、省商务厅、省财政厅:", ["省发展改革委", "省商务厅", "省财政厅"]),
    ],
)
def test_recipients(line: str, expected: list[str]) -> None:
    assert _parts(f"某方案\n{line}\n现印发给你们。\n一、目标\n到2024年。").recipients == expected


def test_a_period_after_the_title_is_a_period_not_a_heading() -> None:
    raw = "某州行动方案\n(2022—2024年)\n为促进消费,制定本方案。\n一、主要目标\n(一)扩大消费\n到2024年。"
    doc = normalize(raw)
    parts = split_parts(doc)
    assert (parts.title, parts.period) == ("某州行动方案(2022—2024年)", "2022—2024年")
    assert [node.path for node in _walk(build_sections(doc, parts)[0])] == ["一", "一.(一)"]


ONE_LINE = (
    "某市商务局关于印发某市促进夜间消费若干措施的通知 某商发〔2024〕3号 各区商务局,市直有关单位:现将《某市促进夜间"
    "消费若干措施》印发给你们,请认真贯彻落实。 某市商务局 2024年3月1日 某市促进夜间消费若干措施 一、工作目标到2025年"
    ",培育夜间消费集聚区10个。二、重点措施(一)打造夜间消费地标。推动步行街提档升级。(责任单位:市商务局)(二)丰富"
    "夜间文旅产品。举办夜游活动。(责任单位:市文旅局、市公安局)"
)


def test_one_line_document_parts_and_tree() -> None:
    doc = normalize(ONE_LINE)
    parts = split_parts(doc)
    assert (parts.title, parts.issuer, parts.doc_number, parts.issued_on) == (
        "某市促进夜间消费若干措施",
        "某市商务局",
        "某商发〔2024〕3号",
        date(2024, 3, 1),
    )
    assert parts.recipients == ["各区商务局", "市直有关单位"]
    assert [node.path for node in _walk(build_sections(doc, parts)[0])] == ["一", "二", "二.(一)", "二.(二)"]


def test_seed000_parts() -> None:
    doc = normalize(SEED000)
    parts = split_parts(doc)
    assert parts.title == "迪庆州培育发展新型消费释放消费潜力三年行动方案(2022—2024年)"
    assert parts.title_span and doc.raw[slice(*parts.title_span)].startswith("迪庆州培育发展新型消费释放消费潜力\n三年")
    assert (parts.issuer, parts.doc_number, parts.issued_on) == ("迪庆藏族自治州人民政府", None, date(2022, 6, 16))
    assert parts.recipients == ["各县(市)人民政府", "州直各委、办、局", "开发区管委会"]
    assert parts.period == "2022—2024年"
    assert parts.preamble and doc.raw[slice(*parts.preamble)].startswith("为贯彻落实好党中央")
    assert parts.body and doc.raw[slice(*parts.body)].startswith("一、主要目标\n")
    assert doc.raw[slice(*parts.body)].endswith("(州直有关部门按照职责分工负责)")
    assert parts.attachments == []


def test_seed002_parts() -> None:
    doc = normalize(SEED002)
    parts = split_parts(doc)
    assert parts.title == "湖北省以新业态新模式引领新型消费加快发展的若干措施"
    assert (parts.issuer, parts.doc_number, parts.issued_on) == (
        "省完善促进消费体制机制部门联席会议",
        None,
        date(2022, 4, 27),
    )
    assert parts.recipients == ["各市、州、直管市、神农架林区人民政府", "省完善促进消费体制机制部门联席会议成员单位"]
    assert parts.period is None
    assert parts.preamble and doc.raw[slice(*parts.preamble)].startswith("为鼓励和促进消费新业态新模式发展")
    assert parts.body and doc.raw[slice(*parts.body)].startswith("一、总体要求")
    assert doc.raw[slice(*parts.body)].endswith("各市州人民政府)")  # the page footer is not body


# --- the section tree -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "paths"),
    [
        ("一、目标\n二、任务\n三、保障", ["一", "二", "三"]),
        ("一.目标\n二.任务", ["一", "二"]),
        (
            "第一章 总则\n一、目标\n第二章 任务\n一、消费\n二、投资",
            ["第一章", "第一章.一", "第二章", "第二章.一", "第二章.二"],
        ),
        ("(一)消费\n1.文旅\n2.体育\n(二)投资\n3.基建", ["(一)", "(一).1", "(一).2", "(二)", "(二).3"]),
        ("1、文旅\n2、体育", ["1", "2"]),
        ("1．文旅。加快\n2．体育。推进", ["1", "2"]),
        (
            "一、任务\n1.文旅\n(1)演出\n(2)展览\n2.体育\n①赛事\n②健身",
            ["一", "一.1", "一.1.(1)", "一.1.(2)", "一.2", "一.2.①", "一.2.②"],
        ),
        ("一、目标\n1.总量\n二、任务\n(一)消费", ["一", "一.1", "二", "二.(一)"]),
        ("(十)甲\n(十一)乙\n(二十)丙\n(二十一)丁", ["(十)", "(十一)", "(二十)", "(二十一)"]),
        ("第1章 总则\n第2章 任务", ["第一章", "第二章"]),
    ],
    ids=[
        "chinese",
        "chinese-dot",
        "chapters",
        "starts-at-paren",
        "arabic-comma",
        "arabic-fullwidth-dot",
        "four-levels",
        "skipped-level",
        "past-ten",
        "chapter-digits",
    ],
)
def test_marker_families_and_levels(raw: str, paths: list[str]) -> None:
    assert _paths(raw) == paths


def test_levels_follow_the_official_order_even_when_an_early_section_skips_one() -> None:
    sections, _ = _tree("一、目标\n1.总量\n二、任务\n(一)消费\n2.文旅")
    assert [(node.path, node.family, node.level) for node in _walk(sections)] == [
        ("一", "chinese", 1),
        ("一.1", "arabic", 2),
        ("二", "chinese", 1),
        ("二.(一)", "paren_chinese", 2),
        ("二.(一).2", "arabic", 3),
    ]


@pytest.mark.parametrize(
    ("raw", "paths", "inferred", "messages"),
    [
        ("一、甲\n、乙\n三、丙", ["一", "二", "三"], ["二"], ["编号“、”缺少序号, 已根据前后编号推断为“二、”"]),
        ("(一)甲\n()乙\n(三)丙", ["(一)", "(二)", "(三)"], ["(二)"], ["编号“()”缺少序号, 已根据前后编号推断为“(二)”"]),
        ("1.甲\n.乙\n3.丙", ["1", "2", "3"], ["2"], ["编号“.”缺少序号, 已根据前后编号推断为“2.”"]),
        ("(1)甲\n()乙", ["(1)", "(2)"], ["(2)"], ["编号“()”缺少序号, 已根据前后编号推断为“(2)”"]),
        # numbering runs on across parents: the lost one continues it
        (
            "一、甲\n(一)a\n(二)b\n二、乙\n()c\n(四)d",
            ["一", "一.(一)", "一.(二)", "二", "二.(三)", "二.(四)"],
            ["二.(三)"],
            None,
        ),
        # numbering restarts under each parent: the lost one restarts too
        (
            "一、甲\n(一)a\n(二)b\n二、乙\n()c\n(二)d",
            ["一", "一.(一)", "一.(二)", "二", "二.(一)", "二.(二)"],
            ["二.(一)"],
            None,
        ),
        # several lost in a row are counted to the next printed one
        (
            "一、甲\n(一)a\n(二)b\n二、乙\n()c\n()d\n(五)e",
            ["一", "一.(一)", "一.(二)", "二", "二.(三)", "二.(四)", "二.(五)"],
            ["二.(三)", "二.(四)"],
            None,
        ),
        # a lost 、 belongs to the family printed with 、
        ("一、甲\n1.a\n2.b\n、乙", ["一", "一.1", "一.2", "二"], ["二"], None),
        ("1、甲\n2、乙\n、丙", ["1", "2", "3"], ["3"], None),
        # the first top-level section lost its numeral
        ("某方案\n为促进消费,制定本方案。\n、总体要求\n二、任务", ["一", "二"], ["一"], None),
    ],
)
def test_lost_numerals_are_inferred_with_a_warning(
    raw: str, paths: list[str], inferred: list[str], messages: list[str] | None
) -> None:
    sections, warnings = _tree(raw)
    nodes = list(_walk(sections))
    assert [node.path for node in nodes] == paths
    assert [node.path for node in nodes if node.inferred] == inferred
    assert [w.code for w in warnings] == ["numeral_inferred"] * len(inferred)
    if messages is not None:
        assert [w.message for w in warnings] == messages
    assert all(node.marker in ("、", "()", ".") for node in nodes if node.inferred)


def test_irregular_numbering_is_kept_and_flagged() -> None:
    sections, warnings = _tree("(一)甲\n(二)乙\n(五)丙\n(五)丁")
    assert [node.path for node in _walk(sections)] == ["(一)", "(二)", "(五)", "(五)#2"]
    assert [w.code for w in warnings] == ["numbering_irregular", "numbering_irregular"]
    assert "(三)" in warnings[0].message


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("(一)培育新型文旅消费行动", "培育新型文旅消费行动"),
        ("1.丰富文旅消费新业态新产品。加快培育民族文化体验。", "丰富文旅消费新业态新产品"),
        ("(一)加强组织领导,强化工作落实。建立统筹协调机制。", "加强组织领导,强化工作落实"),
        ("1.总体目标:到2024年,增长6%。", "总体目标"),
        ("(十二)进新设备新技术应用推广。推动大数据。", "进新设备新技术应用推广"),
        ("2.扩大消费(州商务局牵头:负责)", "扩大消费(州商务局牵头:负责)"),
        ("一、", ""),
    ],
)
def test_headings_inline_or_on_their_own_line(line: str, title: str) -> None:
    sections, _ = _tree(line)
    assert sections[0].title == title


def test_text_is_the_nodes_own_text_and_span_its_subtree() -> None:
    raw = "一、任务\n加快发展。\n(一)消费\n扩大 消费。\n(二)投资\n二、保障"
    doc = normalize(raw)
    sections, _ = build_sections(doc, split_parts(doc))
    first = sections[0]
    assert first.text == "一、任务\n加快发展。"
    assert doc.raw[slice(*first.span)] == "一、任务\n加快发展。\n(一)消费\n扩大 消费。\n(二)投资"
    assert first.children[0].text == "(一)消费\n扩大消费。"
    assert doc.raw[slice(*first.children[0].span)] == "(一)消费\n扩大 消费。"
    assert [node.text in doc.text for node in _walk(sections)] == [True] * 4


# --- the seeds ------------------------------------------------------------------------------------------------

SEED000_ITEMS = {
    "(一)": [1, 2, 3],
    "(二)": [4, 5, 6, 7],
    "(三)": [8, 9],
    "(四)": [10, 11],
    "(五)": [12, 13, 14],
    "(六)": [15, 16, 17],
    "(七)": [18, 19, 20],
}


def test_seed000_tree() -> None:
    doc = normalize(SEED000)
    sections, warnings = build_sections(doc, split_parts(doc))
    assert [(node.path, node.title) for node in sections] == [
        ("一", "主要目标"),
        ("二", "主要任务"),
        ("三", "保障措施"),
    ]
    groups = sections[1].children
    assert [group.path for group in groups] == [f"二.{key}" for key in SEED000_ITEMS]
    items = [item for group in groups for item in group.children]
    assert [item.ordinal for item in items] == list(range(1, 21))
    assert [item.path for item in items] == [f"二.{key}.{n}" for key, numbers in SEED000_ITEMS.items() for n in numbers]
    assert (items[0].title, items[-1].title) == ("丰富文旅消费新业态新产品", "强化消费市场监管和统计监测")
    assert [node.path for node in sections[2].children] == ["三.(一)", "三.(二)"]
    assert warnings == []
    _check_spans(doc.raw, doc.text, sections)


def test_seed002_tree() -> None:
    doc = normalize(SEED002)
    sections, warnings = build_sections(doc, split_parts(doc))
    assert [node.path for node in sections] == ["一", "二", "三", "四", "五"]
    measures = [child for node in sections for child in node.children]
    chinese = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]
    assert [m.ordinal for m in measures] == list(range(1, 16))
    parents = ["二"] * 5 + ["三"] * 4 + ["四"] * 3 + ["五"] * 3
    assert [m.path for m in measures] == [f"{p}.({c})" for p, c in zip(parents, chinese, strict=True)]
    flagged = [(node.path, node.marker) for node in _walk(sections) if node.inferred]
    assert flagged == [("二", "、"), ("二.(二)", "()"), ("二.(四)", "()"), ("三.(六)", "()")]
    assert [w.code for w in warnings] == ["numeral_inferred"] * 4
    assert ["“二、”" in warnings[0].message, "“(六)”" in warnings[3].message] == [True, True]
    assert [doc.raw[slice(*w.span)] for w in warnings if w.span] == ["、", "()", "()", "()"]
    assert measures[11].title == "进新设备新技术应用推广" and measures[11].marker == "(十二)"
    assert sections[1].title == "依托数字技术,培育壮大消费新业态新模式"
    assert measures[5].text.endswith("(责任单位:省经信厅、省发改委、省商务厅,各市州人民政府)")
    _check_spans(doc.raw, doc.text, sections)


def _check_spans(raw: str, text: str, sections: list[Section]) -> None:
    """Every node's raw span starts at its printed heading, nests in its parent's, and its text is normalised text."""
    for node in _walk(sections):
        start, end = node.span
        heading = node.text.split("\n")[0]
        printed = raw[start:end]
        assert printed.replace(" ", "").startswith(heading[: min(12, len(heading))])
        assert printed.startswith(node.marker)
        assert node.text in text
        for child in node.children:
            assert start <= child.span[0] <= child.span[1] <= end
            assert child.level == node.level + 1


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([SEED000, SEED002]), st.integers(min_value=0, max_value=10_000), st.integers(1, 8))
def test_mutated_seeds_keep_a_well_formed_tree(seed_text: str, seed: int, n: int) -> None:
    doc = normalize(mutate(seed_text, seed, n))
    sections, warnings = build_sections(doc, split_parts(doc))
    nodes = list(_walk(sections))
    assert len({node.path for node in nodes}) == len(nodes)
    assert len(sections) >= 3
    for node in nodes:
        assert 0 <= node.span[0] <= node.span[1] <= len(doc.raw)
        assert node.text in doc.text
    assert all(w.span is None or 0 <= w.span[0] <= w.span[1] <= len(doc.raw) for w in warnings)


MARKERS = ["一、", "二、", "(一)", "(二)", "()", "1.", "2.", "、", "(1)", "①", "第一章", "三、", "(十五)"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(MARKERS), st.sampled_from(["加快发展。", "扩大消费", "推进 建设。(州商务局牵头)"])),
        max_size=25,
    )
)
def test_any_marker_sequence_gives_a_consistent_tree(lines: list[tuple[str, str]]) -> None:
    raw = "\n".join(marker + body for marker, body in lines)
    doc = normalize(raw)
    sections, _ = build_sections(doc, split_parts(doc))
    nodes = list(_walk(sections))
    assert len({node.path for node in nodes}) == len(nodes)
    for node in nodes:
        assert node.text in doc.text and node.ordinal >= 1
        for child in node.children:
            assert child.path.startswith(node.path + ".") and child.level == node.level + 1
            assert node.span[0] <= child.span[0] <= child.span[1] <= node.span[1]
