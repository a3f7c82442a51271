"""Evidence files of progress reports: checked, stored by content hash, read back only inside the scope."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import InvalidInput, NotFound, Principal, record_write
from xinxiao.plans.models import Evidence, ProgressReport
from xinxiao.plans.service import get_task

ALLOWED = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".txt", ".ofd", ".zip"}
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file as received: its name, MIME type and bytes."""

    filename: str
    content_type: str
    data: bytes


def check(upload: Upload) -> None:
    """Refuse empty, oversized or unexpected files, naming the file and the reason.

    >>> check(Upload("验收报告.pdf", "application/pdf", b"%PDF-1.4"))
    >>> try:
    ...     check(Upload("a.exe", "application/octet-stream", b"MZ"))
    ... except InvalidInput as exc:
    ...     print(exc.detail.split(" (")[0])
    a.exe: 不支持的附件类型 .exe
    """
    suffix = PurePath(upload.filename).suffix.lower()
    if suffix not in ALLOWED:
        raise InvalidInput(
            f"{upload.filename}: 不支持的附件类型 {suffix or '(无扩展名)'} (可上传 {', '.join(sorted(ALLOWED))})"
        )
    if not upload.data:
        raise InvalidInput(f"{upload.filename}: 文件为空")
    if len(upload.data) > MAX_BYTES:
        raise InvalidInput(f"{upload.filename}: 文件超过 {MAX_BYTES // 2**20} MB")


def store(
    session: Session, *, actor: Principal, report: ProgressReport, uploads: list[Upload], directory: Path
) -> list[Evidence]:
    """Save the files (atomically, once per content) and record them against the report."""
    for upload in uploads:
        check(upload)
    stored = []
    for upload in uploads:
        digest = hashlib.sha256(upload.data).hexdigest()
        path = directory / digest[:2] / digest
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_bytes(upload.data)
            os.replace(partial, path)
        row = Evidence(
            report_id=report.id,
            filename=PurePath(upload.filename).name[-255:],
            content_type=upload.content_type or "application/octet-stream",
            size=len(upload.data),
            sha256=digest,
        )
        session.add(row)
        stored.append(row)
    session.flush()
    for row in stored:
        record_write(
            session,
            actor=actor,
            action="attach",
            entity="plans_evidence",
            entity_id=row.id,
            after={"report": report.id, "file": row.filename, "sha256": row.sha256, "size": row.size},
        )
    return stored


def list_for_reports(session: Session, *, report_ids: list[int]) -> dict[int, list[Evidence]]:
    """Evidence by report id."""
    found: dict[int, list[Evidence]] = {}
    for row in session.scalars(select(Evidence).where(Evidence.report_id.in_(report_ids)).order_by(Evidence.id)):
        found.setdefault(row.report_id, []).append(row)
    return found


def get(session: Session, *, actor: Principal, evidence_id: int, directory: Path) -> tuple[Evidence, Path]:
    """An evidence file of a task inside the actor's scope, with where it is stored."""
    row = session.get(Evidence, evidence_id)
    report = session.get(ProgressReport, row.report_id) if row else None
    if row is None or report is None:
        raise NotFound(f"附件 {evidence_id} 不存在")
    get_task(session, actor=actor, task_id=report.task_id)
    return row, directory / row.sha256[:2] / row.sha256
