"""Reading tabular import files: CSV in UTF-8 or GBK (detected) and XLSX, row by row with line numbers."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xinxiao.core import InvalidInput

CANDIDATE_ENCODINGS = ("utf-8-sig", "gb18030")
_CHUNK = 1 << 20


class FileUnreadable(InvalidInput):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True, slots=True)
class TableFile:
    """An opened import file: its detected encoding, header and a row iterator of (line, values)."""

    encoding: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def detect_encoding(path: Path) -> str:
    """The first candidate encoding that decodes the whole file (UTF-8 wins over GBK/GB18030)."""
    for encoding in CANDIDATE_ENCODINGS:
        if _decodes(path, encoding):
            return "utf-8" if encoding == "utf-8-sig" else "gbk"
    raise FileUnreadable(f"{path.name}: 无法识别文件编码, 请另存为 UTF-8 或 GBK 编码的 CSV", file=path.name)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def open_table(path: Path, filename: str | None = None) -> TableFile:
    """Open a CSV or XLSX file for import; raises ``FileUnreadable`` with the reason."""
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _open_xlsx(path, name)
    if suffix in {".csv", ".txt", ""}:
        return _open_csv(path, name)
    raise FileUnreadable(f"{name}: 不支持的文件类型 {suffix}, 请上传 CSV 或 XLSX", file=name)


def _open_csv(path: Path, name: str) -> TableFile:
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{name}: 文件为空", file=name)
    encoding = detect_encoding(path)
    python_encoding = "utf-8-sig" if encoding == "utf-8" else "gb18030"
    handle = path.open(encoding=python_encoding, newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        handle.close()
        raise FileUnreadable(f"{name}: 无法读取表头 ({exc})", file=name) from None
    return TableFile(encoding, header, _csv_rows(reader, handle, name))


def _csv_rows(reader: Any, handle: io.TextIOWrapper, name: str) -> Iterator[tuple[int, list[str]]]:
    with handle:
        try:
            for values in reader:
                if any(v.strip() for v in values):
                    yield reader.line_num, values
        except csv.Error as exc:
            raise FileUnreadable(f"{name} 第{reader.line_num}行: CSV 格式错误 ({exc})", file=name) from None


def _open_xlsx(path: Path, name: str) -> TableFile:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a broken file
        raise FileUnreadable(f"{name}: 不是有效的 XLSX 文件 ({type(exc).__name__})", file=name) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        workbook.close()
        raise FileUnreadable(f"{name}: 工作表为空", file=name)
    header = [_cell_text(v) for v in first]

    def iterate() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(rows, start=2):
                texts = [_cell_text(v) for v in values]
                if any(texts):
                    yield line, texts
        finally:
            workbook.close()

    return TableFile("xlsx", header, iterate())


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
