"""Reading documents into text: encodings, HTML without navigation, DOCX paragraphs and tables, PDF pages."""

from __future__ import annotations

import io

import docx
import pytest

from xinxiao.plans.parsing.reading import decode_text, docx_text, html_text, read_document

PLAN = "一、主要目标\n到2024年,全州社会消费品零售总额年均增长6%左右。\n(一)培育新型文旅消费行动"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PLAN.encode("utf-8"), PLAN),
        (PLAN.encode("utf-8-sig"), PLAN),
        (PLAN.encode("gb18030"), PLAN),
        (PLAN.encode("utf-16"), PLAN),
        (
            "《湖北省以新業態新模式引領新型消費加快發展的若干措施》已經省人民政府同意".encode("big5"),
            "《湖北省以新業態新模式引領新型消費加快發展的若干措施》已經省人民政府同意",
        ),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "utf16-bom", "big5"],
)
def test_text_encodings_are_detected(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected
    assert read_document(data, "plan.TXT") == expected


@pytest.mark.parametrize("name", ["plan.xls", "plan.doc", "plan", "plan.pdf.zip"])
def test_unknown_types_raise_a_value_error_naming_the_type(name: str) -> None:
    with pytest.raises(ValueError, match="unsupported document type") as error:
        read_document(b"x", name)
    suffix = name.rpartition(".")[2] if "." in name else "(none)"
    assert suffix in str(error.value)


GOV_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>关于印发方案的通知</title>
<style>.x{color:red}</style><script>var nav = "首页";</script></head>
<body>
<header><a href="/">首页</a> | <a>政务公开</a></header>
<div class="top-nav"><ul><li>登录</li><li>注册</li></ul></div>
<div class="breadcrumb">您当前的位置: 首页 &gt; 政策文件</div>
<h1>迪庆州培育发展新型消费释放消费潜力三年行动方案</h1>
<div id="zoom">
  <p>一、主要目标</p>
  <p>到2024年,全州社会消费品零售总额<b>年均增长6%</b>左右。<br/>网络零售额达到1.82亿元。</p>
  <table><tr><td>牵头单位</td><td>州商务局</td></tr></table>
  <div class="bdshare">分享到:微信</div>
</div>
<div id="menu-footer"><p>网站地图</p></div>
<footer>版权所有 迪庆州人民政府</footer>
</body></html>"""


def test_html_keeps_the_main_container_drops_navigation_and_keeps_paragraph_breaks() -> None:
    text = html_text(GOV_PAGE.encode("gb18030"))
    assert text.splitlines() == [
        "迪庆州培育发展新型消费释放消费潜力三年行动方案",
        "一、主要目标",
        "到2024年,全州社会消费品零售总额年均增长6%左右。",
        "网络零售额达到1.82亿元。",
        "牵头单位\t州商务局",
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (f'<div class="TRS_Editor"><p>{"正文足够长。" * 8}</p></div><p>侧栏</p>', ["正文足够长。" * 8]),
        (
            '<nav>首页</nav><div class="main"><p>第一段。</p><p>第二段。</p></div><div id="share-bar">分享</div>',
            ["第一段。", "第二段。"],
        ),
        ("<p>一行<br>两行</p><!-- 注释 --><p>\u3000\u3000三行</p>", ["一行", "两行", "三行"]),
        ("", []),
    ],
    ids=["trs-editor", "no-container", "br-and-indent", "empty"],
)
def test_html_variants(page: str, expected: list[str]) -> None:
    assert read_document(page.encode("utf-8"), "page.htm").splitlines() == expected


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("迪庆州培育发展新型消费释放消费潜力三年行动方案")
    document.add_paragraph("一、主要目标")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(
        table.rows, [("序号", "重点任务", "牵头单位"), ("1", "丰富文旅消费", "州文化和旅游局")], strict=True
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    merged = document.add_table(rows=1, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    document.add_paragraph("二、主要任务")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_reads_paragraphs_and_table_cells_in_document_order() -> None:
    assert docx_text(_docx_bytes()).splitlines() == [
        "迪庆州培育发展新型消费释放消费潜力三年行动方案",
        "一、主要目标",
        "序号\t重点任务\t牵头单位",
        "1\t丰富文旅消费\t州文化和旅游局",
        "合并单元格",
        "二、主要任务",
    ]
    assert read_document(_docx_bytes(), "plan.docx") == docx_text(_docx_bytes())


def _pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal PDF drawn with the standard Adobe-GB1 font STSong-Light (no font file embedded)."""
    objects: list[bytes] = [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light "
        b"/Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
        b"/StemV 80 >> >>] >>",
        b"",  # the page tree, filled in below
    ]
    kids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 14 TL 50 750 Td"]
        ops += [b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*" for line in lines]
        stream = b"\n".join([*ops, b"ET"])
        objects.append(b"<< /Length %d >>\nstream\n%b\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 1 0 R >> >> "
            b"/Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%b] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%b\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref)
    )
    return out.getvalue()


def test_pdf_reads_pages_in_order_with_a_break_between_pages() -> None:
    data = _pdf_bytes([["一、主要目标", "到2024年,零售总额年均增长6%左右。"], ["二、主要任务"]])
    assert read_document(data, "plan.PDF").splitlines() == [
        "一、主要目标",
        "到2024年,零售总额年均增长6%左右。",
        "二、主要任务",
    ]


def test_read_documents_feed_the_same_text_to_the_parser() -> None:
    html = f"<div id='zoom'>{''.join(f'<p>{line}</p>' for line in PLAN.splitlines())}</div>"
    texts = {
        "txt": read_document(PLAN.encode("gb18030"), "a.txt"),
        "html": read_document(html.encode(), "a.html"),
        "pdf": read_document(_pdf_bytes([PLAN.splitlines()]), "a.pdf"),
    }
    assert set(texts.values()) == {PLAN}
