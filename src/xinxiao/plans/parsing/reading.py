"""Read a document file (text, HTML, DOCX, PDF) into plain text, one paragraph per line where the format says so."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Iterator
from pathlib import PurePath

import charset_normalizer
import docx
import lxml.html
import pdfplumber
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

_DROPPED_TAGS = ("nav", "header", "footer", "script", "style", "noscript", "iframe", "template", "select", "button")
_NAVIGATION = re.compile(r"nav|menu|breadcrumb|crumb|share|toolbar|qrcode|sitemap", re.IGNORECASE)
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article"}
    | {"main", "blockquote", "pre", "dd", "dt", "dl", "center", "form"}
)
# Content containers of Chinese government sites first, then generic ones; the first that holds text wins.
_CONTAINERS = (
    "//div[@id='zoom']",
    "//*[@id='UCAP-CONTENT']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[@id='Zoom' or @id='fontzoom' or @id='mainText']",
    "//article",
    "//main",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' article ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
    "//*[@id='content' or @id='article' or contains(concat(' ', normalize-space(@class), ' '), ' content ')]",
)
_MIN_CONTAINER_CHARS = 40
_MIN_DETECTION_BYTES = 48  # charset detection guesses on shorter texts
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def read_document(data: bytes, filename: str) -> str:
    """Plain text of a .txt, .html/.htm, .docx or .pdf file; raises ValueError for any other type.

    >>> read_document("（一）培育新型消费".encode("gb18030"), "plan.txt")
    '（一）培育新型消费'
    >>> read_document("<nav>首页</nav><body><p>一、主要目标</p><p>到2024年</p></body>".encode(), "a.htm")
    '一、主要目标\\n到2024年'
    >>> read_document(b"", "plan.xls")
    Traceback (most recent call last):
    ...
    ValueError: unsupported document type '.xls' (plan.xls): expected .txt, .html, .htm, .docx or .pdf
    """
    suffix = PurePath(filename).suffix.lower()
    readers: dict[str, Callable[[bytes], str]] = {
        ".txt": decode_text,
        ".text": decode_text,
        ".html": html_text,
        ".htm": html_text,
        ".docx": docx_text,
        ".pdf": _pdf_text,
    }
    if suffix not in readers:
        raise ValueError(
            f"unsupported document type {suffix or '(none)'!r} ({filename}): expected .txt, .html, .htm, .docx or .pdf"
        )
    return readers[suffix](data)


def decode_text(data: bytes) -> str:
    """Decode text bytes: a BOM, else UTF-8, else GB18030 or Big5 (whichever charset detection prefers).

    >>> decode_text("迪庆州".encode("utf-8-sig")), decode_text("迪庆州".encode("gb18030"))
    ('迪庆州', '迪庆州')
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(data) >= _MIN_DETECTION_BYTES:  # GB18030 decodes Big5 bytes too, as nonsense; ask detection first
        chinese = charset_normalizer.from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        if chinese is not None and chinese.encoding == "big5":
            return str(chinese)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf-8", errors="replace")


def html_text(data: bytes) -> str:
    """Text of an HTML page without its navigation, one block per line, from its main content when found.

    >>> page = '<body><div class="crumb">首页 > 政策</div><h1>方案</h1><div id="zoom"><p>一、目标</p></div></body>'
    >>> html_text(page.encode())
    '方案\\n一、目标'
    """
    charset = _META_CHARSET.search(data[:4096])
    text = (
        data.decode(charset.group(1).decode(), errors="replace")
        if charset and _known(charset.group(1))
        else decode_text(data)
    )
    root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text) or "<html></html>")
    _drop_navigation(root)
    container = _main_container(root)
    lines = []
    heading = root.find(".//h1")
    if container is not None and heading is not None and not _inside(heading, container):
        lines.extend(_block_lines(heading))
    lines.extend(_block_lines(container if container is not None else root))
    return "\n".join(lines)


def _known(encoding: bytes) -> bool:
    try:
        codecs.lookup(encoding.decode("ascii", errors="replace"))
    except LookupError:
        return False
    return True


def _drop_navigation(root: _Element) -> None:
    doomed = [el for el in root.iter() if isinstance(el.tag, str) and _is_navigation(el)]
    doomed.extend(el for el in root.iter() if not isinstance(el.tag, str))  # comments, processing instructions
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            _remove_keeping_tail(el, parent)


def _is_navigation(el: _Element) -> bool:
    if el.tag in _DROPPED_TAGS:
        return True
    names = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(_NAVIGATION.search(names)) and el.tag not in ("html", "body")


def _remove_keeping_tail(el: _Element, parent: _Element) -> None:
    tail = el.tail
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _main_container(root: _Element) -> _Element | None:
    for xpath in _CONTAINERS:
        found = [el for el in root.xpath(xpath) if isinstance(el, _Element)]
        best = max(found, key=lambda el: len(el.text_content().strip()), default=None)
        if best is not None and len(best.text_content().strip()) >= _MIN_CONTAINER_CHARS:
            return best
    return None


def _inside(el: _Element, container: _Element) -> bool:
    return any(ancestor is container for ancestor in el.iterancestors())


def _block_lines(el: _Element) -> list[str]:
    """Text of ``el`` with a line break around every block element and at every <br>."""
    text = "".join(_pieces(el))
    return [line.strip(" \t\xa0\u3000") for line in text.split("\n") if line.strip(" \t\xa0\u3000")]


def _pieces(el: _Element) -> Iterator[str]:
    block = el.tag in _BLOCKS
    if block:
        yield "\n"
    if el.tag in ("td", "th"):
        yield "\t"
    yield re.sub(r"\s+", " ", el.text or "")
    for child in el:
        yield from _pieces(child)
        yield re.sub(r"\s+", " ", child.tail or "")
    if block:
        yield "\n"


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a .docx file in document order; a table row's cells joined by tabs.

    >>> document = docx.Document()
    >>> _ = document.add_paragraph("一、目标")
    >>> row = document.add_table(rows=1, cols=2).rows[0]
    >>> row.cells[0].text, row.cells[1].text = "牵头单位", "州商务局"
    >>> out = io.BytesIO()
    >>> document.save(out)
    >>> docx_text(out.getvalue())
    '一、目标\\n牵头单位\\t州商务局'
    """
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            lines.extend(_table_rows(Table(child, document)))
    return "\n".join(lines)


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        seen: list[object] = []
        cells = []
        for cell in row.cells:  # a merged cell repeats across the columns it spans
            if any(cell._tc is other for other in seen):
                continue
            seen.append(cell._tc)
            cells.append(cell.text.replace("\n", " ").strip())
        yield "\t".join(cells)


def _pdf_text(data: bytes) -> str:
    """Text of a PDF file, page by page, a line break between pages."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)
