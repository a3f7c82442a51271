"""Split a normalised document into its parts (title, 署名, 发文字号, preamble, body…).

The section tree of the body is built by ``xinxiao.plans.parsing.sections.build_sections`` (re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from xinxiao.plans.parsing.markers import DATE_RE, DOC_NUMBER_RE, MARKER_RE, PERIOD_RE, config, parse_number
from xinxiao.plans.parsing.model import Span
from xinxiao.plans.parsing.normalize import Normalized
from xinxiao.plans.parsing.sections import _Line, _lines, build_sections

__all__ = ["DocumentParts", "build_sections", "split_parts"]

_ATTACHMENT = re.compile(r"附件\d*[::](?P<rest>.*)")
_LIST_ITEM = re.compile(r"\d{1,2}[.、](?P<rest>.+)")
_ISO_DATE = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_TAIL_LINE = re.compile(r"(抄送|印发|主办|承办|联系人|联系电话)[::].*|.{2,30}\d{4}年\d{1,2}月\d{1,2}日印发")
_MAX_SHORT = 40
_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


@dataclass
class DocumentParts:
    """The parts of a policy document; every span indexes the RAW text."""

    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None  # 发文字号, brackets normalised to 〔〕
    issued_on: date | None = None  # 成文日期
    recipients: list[str] = field(default_factory=list)  # 主送机关
    period: str | None = None  # "2022—2024年", from the title
    preamble: Span | None = None
    body: Span | None = None  # from the first section marker to the end of the last section
    attachments: list[str] = field(default_factory=list)
    title_span: Span | None = None


def split_parts(doc: Normalized) -> DocumentParts:
    """Find the title, signature, 发文字号, date, recipients, preamble, body and attachments; never raises.

    >>> from xinxiao.plans.parsing.normalize import normalize
    >>> doc = normalize("各区人民政府:\\n某市促进消费方案\\n(2022—2024年)\\n为促进消费,制定本方案。\\n一、目标\\n"
    ...                 "到2024年。\\n某市人民政府\\n2022年6月1日")
    >>> parts = split_parts(doc)
    >>> parts.title, parts.period, parts.recipients, parts.issuer, str(parts.issued_on)
    ('某市促进消费方案(2022—2024年)', '2022—2024年', ['各区人民政府'], '某市人民政府', '2022-06-01')
    >>> doc.raw[slice(*parts.preamble)], doc.raw[slice(*parts.body)]
    ('为促进消费,制定本方案。', '一、目标\\n到2024年。')
    """
    lines = _lines(doc.text)
    body_at = _body_start(lines)
    head = lines[:body_at] if body_at is not None else lines
    tail_at = _tail_start(lines, body_at) if body_at is not None else len(lines)
    outside = head + lines[tail_at:]
    parts = DocumentParts(attachments=_attachments(outside))
    title = _title_line(head)
    if title is not None:
        parts.title, parts.title_span = title.text, doc.span(title.start, title.end)
        period = PERIOD_RE.search(title.text)
        parts.period = f"{period['a']}—{period['b']}年" if period else None
    recipients = next((ln for ln in head if _is_recipients(ln.text)), None)
    parts.recipients = _split_recipients(recipients.text[:-1]) if recipients else []
    _fill_signature(parts, outside, doc.metadata)
    parts.doc_number = _docparse_number(head, doc.metadata)
    structural = [ln.index for ln in head if _is_structural(ln, title, recipients)]
    preamble = [ln for ln in head if ln.index > max(structural, default=-1)]
    if preamble and body_at is not None:
        parts.preamble = doc.span(preamble[0].start, preamble[-1].end)
    if body_at is not None and tail_at > body_at:
        parts.body = doc.span(lines[body_at].start, lines[tail_at - 1].end)
    return parts


def _body_start(lines: Sequence[_Line]) -> int | None:
    """Index of the first section line: the first line that starts with a marker."""
    return next((i for i, ln in enumerate(lines) if MARKER_RE.match(ln.text)), None)


def _tail_start(lines: Sequence[_Line], body_at: int) -> int:
    """Index of the first line after the body: an attachment list, a signature, a 版记 line."""
    end = len(lines)
    for i in range(body_at + 1, len(lines)):
        if _ATTACHMENT.fullmatch(lines[i].text):
            end = i
            break
    while end - 1 > body_at and _is_tail(lines, end - 1):
        end -= 1
    return end


def _is_tail(lines: Sequence[_Line], i: int) -> bool:
    text = lines[i].text
    if DATE_RE.fullmatch(text) or _TAIL_LINE.fullmatch(text):
        return True
    return i + 1 < len(lines) and bool(DATE_RE.fullmatch(lines[i + 1].text)) and _is_signature(text)


def _is_signature(text: str) -> bool:
    return len(text) <= _MAX_SHORT and not re.search(r"[。:;,]", text) and not MARKER_RE.match(text)


def _title_line(head: Sequence[_Line]) -> _Line | None:
    """The line equal to a 《title》 the cover notice quotes, else the last title-like line of the head."""
    quoted = {q for ln in head for q in re.findall(r"《([^《》]{4,100})》", ln.text)}
    candidates = [ln for i, ln in enumerate(head) if _title_like(ln.text) and not _signs(head, i)]
    exact = [ln for ln in candidates if ln.text in quoted or PERIOD_RE.sub("", ln.text) in quoted]
    chosen = exact or candidates
    return chosen[-1] if chosen else None


def _title_like(text: str) -> bool:
    return (
        4 <= len(text) <= 100
        and "。" not in text
        and not text.endswith(":")
        and not (DATE_RE.fullmatch(text) or DOC_NUMBER_RE.match(text) or _ATTACHMENT.fullmatch(text))
    )


def _signs(lines: Sequence[_Line], i: int) -> bool:
    """Whether line ``i`` is a signature: a short line just before a date line."""
    return i + 1 < len(lines) and bool(DATE_RE.fullmatch(lines[i + 1].text)) and _is_signature(lines[i].text)


def _is_recipients(text: str) -> bool:
    return text.endswith(":") and "。" not in text and len(text) <= 300 and not _ATTACHMENT.fullmatch(text)


def _split_recipients(text: str) -> list[str]:
    """Split on , and ;; split a piece on 、 only when every item is a whole name (州直各委、办、局 stays)."""
    out: list[str] = []
    for piece in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
        items = piece.split("、")
        out.extend(items if all(len(item) >= 3 for item in items) else [piece])
    return out


def _fill_signature(parts: DocumentParts, lines: Sequence[_Line], metadata: dict[str, str]) -> None:
    """署名 and 成文日期: the first date line and the short line above it, else the page metadata."""
    for i, line in enumerate(lines):
        if DATE_RE.fullmatch(line.text):
            parts.issued_on = _parse_date(line.text)
            if i and _is_signature(lines[i - 1].text) and lines[i - 1].index == line.index - 1:
                parts.issuer = _strip_seal(lines[i - 1].text)
            break
    if parts.issuer is None:
        parts.issuer = next((metadata[k] for k in ("发文机关", "发布机构", "发布单位", "来源") if k in metadata), None)
    if parts.issued_on is None:
        parts.issued_on = next((d for k in ("成文日期", "发文日期") if (d := _parse_date(metadata.get(k, "")))), None)


def _strip_seal(text: str) -> str:
    for seal in config().issuer_seals:
        text = text.replace(seal, "")
    return text.strip()


def _parse_date(text: str) -> date | None:
    """A date written 2022年4月27日, 2022年4月27, 二〇二二年四月二十七日 or 2022-04-27 (day 1 when absent).

    >>> _parse_date("2022年4月27"), _parse_date("二〇二二年六月十六日"), _parse_date("2022-04-27 15:55")
    (datetime.date(2022, 4, 27), datetime.date(2022, 6, 16), datetime.date(2022, 4, 27))
    """
    m = DATE_RE.search(text) or _ISO_DATE.search(text)
    if m is None:
        return None
    year, month, day = (
        parse_number(m["y"].translate(_YEAR_DIGITS)),
        parse_number(m["m"]),
        parse_number(m["d"]) if m["d"] else 1,
    )
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _docparse_number(head: Sequence[_Line], metadata: dict[str, str]) -> str | None:
    """The 发文字号 on a line of its own in the head (never one cited in a sentence), else in metadata."""
    texts = [ln.text for ln in head] + [metadata.get(k, "") for k in ("发文字号", "文号")]
    for text in texts:
        m = DOC_NUMBER_RE.match(text)
        if m and (m.end() == len(text) or text[m.end() :].startswith("签发人")):
            return f"{m['org']}〔{m['year']}〕{m['no']}号"
    return None


def _attachments(lines: Sequence[_Line]) -> list[str]:
    """Titles listed after 附件: (on the same line, and numbered on the lines right after it)."""
    found: list[str] = []
    for i, line in enumerate(lines):
        m = _ATTACHMENT.fullmatch(line.text)
        if m is None:
            continue
        items = [m["rest"].strip()] if m["rest"].strip() else []
        previous = line
        for nxt in lines[i + 1 :]:
            item = _LIST_ITEM.fullmatch(nxt.text)
            if item is None or "。" in nxt.text or nxt.index != previous.index + 1:
                break
            items.append(item["rest"])
            previous = nxt
        found.extend(_LIST_ITEM.sub(r"\g<rest>", title).strip("《》 ") for title in items)
    return found


def _is_structural(line: _Line, title: _Line | None, recipients: _Line | None) -> bool:
    text = line.text
    return (
        line is title
        or line is recipients
        or bool(DATE_RE.fullmatch(text) or DOC_NUMBER_RE.match(text) or _ATTACHMENT.fullmatch(text))
        or (title is not None and line.index < title.index)
    )
