"""Exports of plan tracking: the 任务分工表 (XLSX, round-trips) and the 督办通报 (DOCX)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.plans import parse_plan
from xinxiao.plans.exporting import (
    STATUSES,
    DivisionRow,
    NoticeItem,
    RowError,
    division_rows_from_plan,
    read_division_table,
    summarise_target,
    task_deadline,
    write_division_table,
    write_supervision_notice,
)
from xinxiao.plans.parsing import ParsedPlan, Target

SEED000 = Path(__file__).parents[1] / "data" / "plans" / "seed000_diqing.txt"
AS_OF = date(2024, 6, 30)
HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限", "指标", "状态", "任务编号"]
FIRST_DATA_ROW = 4


@pytest.fixture(scope="module")
def seed_plan() -> ParsedPlan:
    return parse_plan(SEED000.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_rows(seed_plan: ParsedPlan) -> list[DivisionRow]:
    return division_rows_from_plan(seed_plan)


def _rows() -> list[DivisionRow]:
    return [
        DivisionRow(
            1,
            "二.(一).1",
            "丰富文旅消费新业态新产品",
            ["州文化和旅游局"],
            ["州财政局", "州商务局"],
            "2024年底",
            "争取每个县(市)新业态示范基地1个以上",
            "未启动",
        ),
        DivisionRow(2, "二.(二).4", "大力倡导绿色消费", ["州商务局", "州发展改革委"], [], None, "", "推进中"),
        DivisionRow(
            3,
            "二.(四).10",
            "=1+1 不是公式",
            ["州商务局"],
            ["香格里拉市人民政府"],
            "2024-12-31",
            "社零年均增长6%左右; 网络零售额1.82亿元",
            "长期",
        ),
    ]


def _table(rows: list[DivisionRow] | None = None, *, synthetic: bool = False) -> bytes:
    return write_division_table(
        _rows() if rows is None else rows,
        title="迪庆州行动方案",
        issuer="迪庆州人民政府",
        as_of=AS_OF,
        synthetic=synthetic,
    )


def _edit(data: bytes, change: Callable[[Any], None]) -> bytes:
    workbook = openpyxl.load_workbook(BytesIO(data))
    change(workbook.active)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- rows from a parsed plan -------------------------------------------------------------------------


def test_seed000_gives_twenty_rows_in_order(seed_rows: list[DivisionRow]) -> None:
    assert [row.seq for row in seed_rows] == list(range(1, 21))
    assert all(row.task_id.startswith("二.") and row.status == "未启动" for row in seed_rows)


@pytest.mark.parametrize(
    ("seq", "task_id", "lead", "co_first"),
    [
        (1, "二.(一).1", ["州文化和旅游局"], "州财政局"),
        (5, "二.(二).5", ["州卫生健康委"], "州医保局"),
        (7, "二.(二).7", ["州教育体育局"], "州住房城乡建设局"),
        (18, "二.(七).18", ["州财政局"], "州发展改革委"),
        (20, "二.(七).20", ["州市场监管局"], "州委网信办"),
    ],
)
def test_seed000_rows_carry_units(
    seed_rows: list[DivisionRow], seq: int, task_id: str, lead: list[str], co_first: str
) -> None:
    row = seed_rows[seq - 1]
    assert (row.seq, row.task_id, row.lead_units, row.co_units[0]) == (seq, task_id, lead, co_first)


def test_seed000_deadlines_and_targets(seed_rows: list[DivisionRow]) -> None:
    assert {row.deadline for row in seed_rows} == {"2024年底"}
    assert "新业态示范基地1个以上" in seed_rows[0].targets
    assert "失能照护服务机构覆盖率达到100%" in seed_rows[5].targets
    assert seed_rows[2].targets == ""


def test_safeguards_are_left_out_unless_asked(seed_plan: ParsedPlan) -> None:
    rows = division_rows_from_plan(seed_plan, include_safeguards=True)
    assert len(rows) == 22
    assert rows[-1].task_id == "三.(二)"


def test_with_text_puts_the_task_text_in_the_row(seed_plan: ParsedPlan) -> None:
    row = division_rows_from_plan(seed_plan, with_text=True)[0]
    assert row.task.startswith("1.丰富文旅消费新业态新产品。")
    assert len(row.task) > 50


def _target(**changes: Any) -> Target:
    base = Target(metric="网络零售额", kind="level", operator="=", value=1.82, unit="亿元", text="", span=(0, 0))
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "网络零售额1.82亿元"),
        ({"kind": "annual_growth", "operator": "~", "value": 6.0, "unit": "%"}, "网络零售额年均增长6%左右"),
        ({"kind": "yoy_growth", "operator": ">", "value": 10.0, "unit": "%"}, "网络零售额同比增长超过10%"),
        ({"firmness": "strive", "operator": ">="}, "力争网络零售额1.82亿元以上"),
        ({"firmness": "must", "scope": "全州"}, "确保网络零售额1.82亿元"),
        ({"kind": "count", "operator": "range", "value": 1.0, "value_high": 2.0, "unit": "个"}, "网络零售额1-2个"),
        ({"kind": "share", "operator": "<=", "value": 30.0, "unit": "%"}, "网络零售额占比30%以内"),
        ({"kind": "relative", "value": None, "unit": "", "text": "争取网络零售额翻一番"}, "网络零售额翻一番"),
    ],
)
def test_summarise_target(changes: dict[str, Any], expected: str) -> None:
    assert summarise_target(_target(**changes)) == expected


@pytest.mark.parametrize(
    ("deadlines", "period", "expected"),
    [
        ([], "2022—2024年", "2024年底"),
        ([], None, None),
        (["2023", "2024"], None, "2024年底"),
        (["2022-12-31", "2023"], "2022—2025年", "2023年底"),
        (["十四五"], None, "“十四五”期间"),
        ([None], "2021-2025年", "2025年底"),
    ],
)
def test_task_deadline(deadlines: list[str | None], period: str | None, expected: str | None) -> None:
    assert task_deadline([_target(deadline=d) for d in deadlines], period=period) == expected


# --- the XLSX table ----------------------------------------------------------------------------------


def test_seed000_round_trips_through_xlsx(seed_plan: ParsedPlan, seed_rows: list[DivisionRow]) -> None:
    data = write_division_table(seed_rows, title=seed_plan.title or "", issuer=seed_plan.issuer, as_of=AS_OF)
    assert read_division_table(data) == (seed_rows, [])


@pytest.mark.parametrize("synthetic", [False, True])
def test_round_trip(synthetic: bool) -> None:
    assert read_division_table(_table(synthetic=synthetic)) == (_rows(), [])


def test_layout() -> None:
    sheet = openpyxl.load_workbook(BytesIO(_table(synthetic=True))).active
    assert [c.value for c in sheet[3]] == HEADER
    assert sheet["A1"].value == "迪庆州行动方案任务分工表"
    assert sheet["A2"].value == "迪庆州人民政府　截至2024年6月30日　模拟数据"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:H1", "A2:H2"}
    assert sheet.freeze_panes == "A4"
    assert sheet["B4"].alignment.wrap_text
    assert sheet["C4"].value == "州文化和旅游局"
    assert sheet["D4"].value == "州财政局、州商务局"
    assert sheet["B6"].data_type == "s"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["H"].width


def test_print_setup_and_status_dropdown() -> None:
    sheet = openpyxl.load_workbook(BytesIO(_table())).active
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"' + ",".join(STATUSES) + '"'
    assert str(validation.sqref).startswith("G4:G")


def test_not_synthetic_has_no_mark() -> None:
    sheet = openpyxl.load_workbook(BytesIO(_table())).active
    assert "模拟数据" not in sheet["A2"].value


def _change_lead_and_status(sheet: Any) -> None:
    sheet["C5"] = "州财政局，州税务局"
    sheet["G5"] = "已完成"


def _insert_notes_and_blanks(sheet: Any) -> None:
    sheet.unmerge_cells("A1:H1")
    sheet.unmerge_cells("A2:H2")
    sheet.insert_rows(1, amount=2)
    sheet["A1"] = "附件1"
    sheet.insert_rows(7)
    sheet.insert_rows(9, amount=3)


def _type_excel_values(sheet: Any) -> None:
    sheet["A4"] = 1.0
    sheet["E4"] = datetime(2024, 12, 31)
    sheet["E5"] = 2025


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _change_lead_and_status,
            {1: {"lead_units": ["州财政局", "州税务局"], "status": "已完成"}},
        ),
        (_insert_notes_and_blanks, {}),
        (_type_excel_values, {0: {"deadline": "2024-12-31"}, 1: {"deadline": "2025"}}),
    ],
)
def test_edited_table_reads_back(change: Callable[[Any], None], expected: dict[int, dict[str, Any]]) -> None:
    rows = [dataclasses.replace(r, **expected.get(i, {})) for i, r in enumerate(_rows())]
    assert read_division_table(_edit(_table(), change)) == (rows, [])


def _set(cell: str, value: Any) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        sheet[cell] = value

    return change


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (_set("G5", "进行中"), RowError(5, "状态", "状态“进行中”无效,应为未启动、推进中、已完成、长期、逾期之一")),
        (_set("G5", None), RowError(5, "状态", "状态为空,应为未启动、推进中、已完成、长期、逾期之一")),
        (_set("B5", "  "), RowError(5, "重点任务", "重点任务为空")),
        (_set("H6", "二.(一).1"), RowError(6, "任务编号", "任务编号“二.(一).1”与第4行重复")),
        (_set("H5", None), RowError(5, "任务编号", "缺少任务编号,无法与方案中的任务对应")),
        (_set("A5", "二"), RowError(5, "序号", "序号“二”不是整数")),
    ],
)
def test_invalid_row_is_reported_and_left_out(change: Callable[[Any], None], error: RowError) -> None:
    rows, errors = read_division_table(_edit(_table(), change))
    assert errors == [error]
    assert [row.seq for row in rows] == ([1, 3] if error.line == 5 else [1, 2])


def test_added_row_without_seq_gets_its_position() -> None:
    def add(sheet: Any) -> None:
        sheet.append([None, "新增任务", "州商务局", None, "长期", None, "长期", "新.1"])

    rows, errors = read_division_table(_edit(_table(), add))
    assert errors == []
    assert rows[-1] == DivisionRow(4, "新.1", "新增任务", ["州商务局"], [], "长期", "", "长期")


def _workbook_bytes(*lines: list[Any]) -> bytes:
    workbook = openpyxl.Workbook()
    for line in lines:
        workbook.active.append(line)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "表.xlsx 不是可读取的 XLSX 文件"),
        (b"PK\x03\x04 broken zip", "表.xlsx 不是可读取的 XLSX 文件"),
        ("序号,重点任务\n1,甲\n".encode(), "表.xlsx 不是可读取的 XLSX 文件"),
        (_workbook_bytes(["序号", "任务", "单位"], [1, "甲", "乙"]), "表.xlsx 中未找到表头"),
    ],
)
def test_unreadable_file_gives_one_error(data: bytes, reason: str) -> None:
    rows, errors = read_division_table(data, filename="表.xlsx")
    assert rows == []
    assert len(errors) == 1
    assert (errors[0].line, errors[0].column) == (None, None)
    assert errors[0].reason.startswith(reason)


def test_header_found_in_a_hand_made_sheet_with_reordered_columns() -> None:
    header = ["任务编号", "状态", "重点任务", "牵头 单位", "配合单位", "指标", "完成时限"]
    data = _workbook_bytes(["说明"], [], header, ["1", "逾期", "甲", "州商务局;州财政局", None, None, "2023年底"])
    assert read_division_table(data) == (
        [DivisionRow(1, "1", "甲", ["州商务局", "州财政局"], [], "2023年底", "", "逾期")],
        [],
    )


_TEXT = st.text(st.sampled_from("新型消费州商务局文旅=+()%.年底12 ABC"), min_size=1, max_size=30).map(str.strip)
_UNITS = st.lists(st.text(st.sampled_from("州县商务局财政厅人民政府"), min_size=1, max_size=8), max_size=4)


@st.composite
def _division_rows(draw: st.DrawFn) -> list[DivisionRow]:
    count = draw(st.integers(min_value=0, max_value=6))
    return [
        DivisionRow(
            seq=seq,
            task_id=f"二.({seq})",
            task=draw(_TEXT.filter(bool)),
            lead_units=draw(_UNITS),
            co_units=draw(_UNITS),
            deadline=draw(st.none() | _TEXT.filter(bool)),
            targets=draw(_TEXT),
            status=draw(st.sampled_from(STATUSES)),
        )
        for seq in range(1, count + 1)
    ]


@settings(max_examples=25, deadline=None)
@given(rows=_division_rows())
def test_any_rows_round_trip(rows: list[DivisionRow]) -> None:
    assert read_division_table(_table(rows)) == (rows, [])


# --- the DOCX notice ---------------------------------------------------------------------------------

LAGGING = [
    NoticeItem("二.(一).1", "丰富文旅消费新业态新产品", "州文化和旅游局", "2024年底", 30.0, "项目资金未到位"),
    NoticeItem("二.(四).10", "壮大“新零售+”消费", "州商务局", "2024年底", 45.5, None),
]
OVERDUE = [NoticeItem("二.(二).4", "大力倡导绿色消费", "州商务局", "2023-12-31", None, "方案未印发")]


def _notice(**changes: Any) -> docx.document.Document:
    arguments: dict[str, Any] = {
        "plan_title": "《迪庆州培育发展新型消费释放消费潜力三年行动方案(2022—2024年)》",
        "issuer": "迪庆州商务局",
        "number": "迪商督〔2024〕3号",
        "as_of": AS_OF,
        "lagging": LAGGING,
        "overdue": OVERDUE,
    }
    return docx.Document(BytesIO(write_supervision_notice(**(arguments | changes))))


def _texts(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_notice_reads_back_in_order() -> None:
    assert _texts(_notice(total_tasks=20, report_by=date(2024, 7, 10))) == [
        "关于《迪庆州培育发展新型消费释放消费潜力三年行动方案(2022—2024年)》落实情况的督办通报",
        "迪商督〔2024〕3号",
        "各有关单位:",
        "截至2024年6月30日,《迪庆州培育发展新型消费释放消费潜力三年行动方案(2022—2024年)》共20项任务,"
        "其中滞后2项、逾期1项,涉及2个牵头单位。现将有关情况通报如下:",
        "一、州商务局(逾期1项、滞后1项)",
        "1.【逾期】二.(二).4 大力倡导绿色消费。完成时限:2023-12-31;完成进度:未填报;滞后原因:方案未印发。",
        "2.【滞后】二.(四).10 壮大“新零售+”消费。完成时限:2024年底;完成进度:45.5%;滞后原因:未说明。",
        "二、州文化和旅游局(滞后1项)",
        "1.【滞后】二.(一).1 丰富文旅消费新业态新产品。完成时限:2024年底;完成进度:30%;滞后原因:项目资金未到位。",
        "请以上单位对照通报问题,认真分析原因,制定整改措施,压实工作责任,加快推进任务落实,"
        "于2024年7月10日前将整改落实情况书面报送迪庆州商务局。",
        "迪庆州商务局",
        "2024年6月30日",
    ]


@pytest.mark.parametrize(
    ("changes", "first", "contains", "absent"),
    [
        ({"synthetic": True}, "【模拟数据】", "共3项任务", ""),
        ({}, "关于《", "于2024年7月14日前", "模拟数据"),
        ({"number": None}, "关于《", "各有关单位:", "〔2024〕"),
        ({"lagging": [], "overdue": [], "total_tasks": 20}, "关于《", "共20项任务,暂无滞后或逾期任务。", "一、"),
    ],
)
def test_notice_variants(changes: dict[str, Any], first: str, contains: str, absent: str) -> None:
    texts = _texts(_notice(**changes))
    assert texts[0].startswith(first)
    assert any(contains in text for text in texts)
    assert not absent or all(absent not in text for text in texts)


@pytest.mark.parametrize(
    ("index", "font"),
    [(0, "方正小标宋简体"), (2, "仿宋_GB2312"), (4, "黑体"), (5, "仿宋_GB2312")],
)
def test_notice_sets_east_asian_fonts(index: int, font: str) -> None:
    run = _notice().paragraphs[index].runs[0]
    fonts = run._r.rPr.rFonts
    assert (fonts.get(qn("w:eastAsia")), fonts.get(qn("w:ascii"))) == (font, font)


def test_notice_normal_style_is_chinese() -> None:
    normal = _notice().styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
