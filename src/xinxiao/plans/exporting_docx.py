"""The 督办通报 (supervision notice) as DOCX: lagging and overdue tasks grouped by lead unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

import cn2an
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from xinxiao.plans.exporting_xlsx import chinese_date

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
INDENT = Pt(32)  # two characters of 三号
REPORT_WITHIN = timedelta(days=14)
SYNTHETIC_NOTE = "【模拟数据】本通报所列任务进度为模拟数据,仅用于演示,不反映真实工作情况。"

Group = tuple[str, list["NoticeItem"], list["NoticeItem"]]


@dataclass(frozen=True)
class NoticeItem:
    """A lagging or overdue task as the notice lists it."""

    task_id: str
    title: str
    lead_unit: str
    deadline: str | None = None
    percent_done: float | None = None
    reason: str | None = None


def write_supervision_notice(
    *,
    plan_title: str,
    issuer: str,
    number: str | None,
    as_of: date,
    lagging: Sequence[NoticeItem],
    overdue: Sequence[NoticeItem],
    synthetic: bool = False,
    total_tasks: int | None = None,
    report_by: date | None = None,
) -> bytes:
    """A DOCX 督办通报 listing lagging and overdue tasks by lead unit, with counts, a report-by date and signature."""
    title = plan_title.strip().strip("《》")
    document = _new_document(title=f"关于《{title}》落实情况的督办通报", as_of=as_of)
    if synthetic:
        _add(document, SYNTHETIC_NOTE, font=HEADING_FONT, bold=True, color=RGBColor(0xC0, 0x00, 0x00))
    _add(document, f"关于《{title}》落实情况的督办通报", font=TITLE_FONT, size=TITLE_SIZE, centre=True)
    if number:
        _add(document, number, centre=True)
    _add(document, "各有关单位:")
    total = total_tasks if total_tasks is not None else len({i.task_id for i in (*lagging, *overdue)})
    _add(document, lead_paragraph(title=title, as_of=as_of, total=total, lagging=lagging, overdue=overdue), indent=True)
    for ordinal, group in enumerate(group_by_unit(lagging=lagging, overdue=overdue), start=1):
        _add_unit(document, ordinal, group)
    _add(document, closing_paragraph(issuer=issuer, report_by=report_by or as_of + REPORT_WITHIN), indent=True)
    _add(document, issuer, right=True)
    _add(document, chinese_date(as_of), right=True)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def lead_paragraph(
    *, title: str, as_of: date, total: int, lagging: Sequence[NoticeItem], overdue: Sequence[NoticeItem]
) -> str:
    """The opening paragraph with the counts.

    >>> lead_paragraph(title="方案", as_of=date(2024, 6, 30), total=20, lagging=[], overdue=[])
    '截至2024年6月30日,《方案》共20项任务,暂无滞后或逾期任务。'
    """
    head = f"截至{chinese_date(as_of)},《{title}》共{total}项任务"
    if not lagging and not overdue:
        return f"{head},暂无滞后或逾期任务。"
    units = len({item.lead_unit for item in (*lagging, *overdue)})
    return f"{head},其中滞后{len(lagging)}项、逾期{len(overdue)}项,涉及{units}个牵头单位。现将有关情况通报如下:"


def closing_paragraph(*, issuer: str, report_by: date) -> str:
    """The closing request to report corrective action by a date.

    >>> closing_paragraph(issuer="州商务局", report_by=date(2024, 7, 14)).split(",")[-1]
    '于2024年7月14日前将整改落实情况书面报送州商务局。'
    """
    return (
        "请以上单位对照通报问题,认真分析原因,制定整改措施,压实工作责任,加快推进任务落实,"
        f"于{chinese_date(report_by)}前将整改落实情况书面报送{issuer}。"
    )


def group_by_unit(*, lagging: Sequence[NoticeItem], overdue: Sequence[NoticeItem]) -> list[Group]:
    """Items grouped by lead unit as (unit, overdue, lagging), units in order of first mention, overdue first.

    >>> a, b = NoticeItem("1", "甲", "州商务局"), NoticeItem("2", "乙", "州财政局")
    >>> [(unit, len(late), len(slow)) for unit, late, slow in group_by_unit(lagging=[a, b], overdue=[b])]
    [('州财政局', 1, 1), ('州商务局', 0, 1)]
    """
    groups: dict[str, tuple[list[NoticeItem], list[NoticeItem]]] = {}
    for item in overdue:
        groups.setdefault(item.lead_unit, ([], []))[0].append(item)
    for item in lagging:
        groups.setdefault(item.lead_unit, ([], []))[1].append(item)
    return [(unit, late, slow) for unit, (late, slow) in groups.items()]


def item_text(item: NoticeItem) -> str:
    """One task line: id, title, deadline, progress and reason.

    >>> item_text(NoticeItem("二.(四).10", "壮大消费", "州商务局", "2024年底", 40.0, None))
    '二.(四).10 壮大消费。完成时限:2024年底;完成进度:40%;滞后原因:未说明。'
    """
    deadline = item.deadline or "未明确"
    progress = "未填报" if item.percent_done is None else f"{item.percent_done:.12g}%"
    reason = (item.reason or "未说明").rstrip("。")
    return f"{item.task_id} {item.title.rstrip('。')}。完成时限:{deadline};完成进度:{progress};滞后原因:{reason}。"


def _add_unit(document: DocxDocument, ordinal: int, group: Group) -> None:
    unit, late, slow = group
    counts = "、".join(f"{label}{len(items)}项" for label, items in (("逾期", late), ("滞后", slow)) if items)
    _add(document, f"{cn2an.an2cn(ordinal)}、{unit}({counts})", font=HEADING_FONT, indent=True)
    tagged = [("逾期", item) for item in late] + [("滞后", item) for item in slow]
    for number, (tag, item) in enumerate(tagged, start=1):
        _add(document, f"{number}.【{tag}】{item_text(item)}", indent=True)


def _new_document(*, title: str, as_of: date) -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE  # type: ignore[attr-defined]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    document.core_properties.title = title
    document.core_properties.created = datetime.combine(as_of, time())
    return document


def _add(
    document: DocxDocument,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    bold: bool = False,
    color: RGBColor | None = None,
    centre: bool = False,
    right: bool = False,
    indent: bool = False,
) -> Paragraph:
    paragraph = document.add_paragraph()
    if centre or right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    _style(paragraph.add_run(text), font=font, size=size, bold=bold, color=color)
    return paragraph


def _style(run: Run, *, font: str, size: Pt, bold: bool, color: RGBColor | None) -> None:
    """Set the font for Latin and East Asian text both: Word reads CJK glyphs from w:eastAsia."""
    run.font.name, run.font.size, run.font.bold = font, size, bold
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if color is not None:
        run.font.color.rgb = color
