"""Exports of the scoped merchant list as CSV or XLSX, in the import layout so a file round-trips."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from sqlalchemy.orm import Session

from xinxiao.core import Principal, record_write
from xinxiao.merchants.columns import COLUMNS
from xinxiao.merchants.models import Merchant
from xinxiao.merchants.schemas import MerchantFilter
from xinxiao.merchants.service import iter_merchants, list_places

ExportFormat = Literal["csv", "xlsx"]
HEADER = [c.label for c in COLUMNS] + ["模拟数据"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _row(merchant: Merchant, place_codes: dict[int, str]) -> list[str]:
    values = [getattr(merchant, c.key) for c in COLUMNS if c.key != "place_code"]
    values.append(place_codes.get(merchant.place_id) if merchant.place_id else None)
    values.append(merchant.synthetic)
    return [_cell(v) for v in values]


def export_rows(session: Session, *, actor: Principal, filters: MerchantFilter) -> Iterator[list[str]]:
    """The header and one row per merchant in scope; the export itself is audited."""
    record_write(
        session,
        actor=actor,
        action="export",
        entity="merchants_merchant",
        region_adcode=actor.scope.adcode if actor.scope.prefix else None,
        after={"filters": filters.model_dump(exclude_none=True)},
    )
    place_codes = {p.id: p.code for p in list_places(session, actor=actor)}
    yield HEADER
    for merchant in iter_merchants(session, actor=actor, filters=filters):
        yield _row(merchant, place_codes)


def export_csv(session: Session, *, actor: Principal, filters: MerchantFilter) -> Iterator[bytes]:
    """The export as UTF-8 CSV with a BOM (so Excel shows Chinese), streamed in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    for i, row in enumerate(export_rows(session, actor=actor, filters=filters)):
        writer.writerow(row)
        if i % 2000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def export_xlsx(session: Session, *, actor: Principal, filters: MerchantFilter) -> bytes:
    """The export as an XLSX workbook (write-only mode keeps memory flat)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("商户")
    for row in export_rows(session, actor=actor, filters=filters):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
