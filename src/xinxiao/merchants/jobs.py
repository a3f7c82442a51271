"""Import jobs: a job row, the import in one transaction, the error report, and in-process progress."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from threading import Lock
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from xinxiao.core import Principal, Role, file_sha256, record_write, utcnow
from xinxiao.db import transaction
from xinxiao.merchants.importing import import_rows, write_error_report
from xinxiao.merchants.models import ImportJob
from xinxiao.merchants.reading import FileUnreadable

_progress: dict[int, int] = {}
_lock = Lock()


def start_import(factory: sessionmaker[Session], *, actor: Principal, path: Path, filename: str) -> int:
    """Record a new import job (committed at once so its page can be shown) and return its id."""
    actor.require(Role.analyst, Role.officer, Role.submitter)
    with transaction(factory) as session:
        job = ImportJob(
            worker=f"{socket.gethostname()}:{os.getpid()}",
            filename=filename,
            sha256=file_sha256(path),
            actor_id=actor.user_id,
            actor_name=actor.username,
            scope_adcode=actor.scope.adcode,
        )
        session.add(job)
        session.flush()
        return job.id


def recover_orphans(factory: sessionmaker[Session]) -> int:
    """Mark as failed the running jobs of this host whose process is gone (killed mid-import).

    Their data never committed (an import is one transaction), so only the job row needs mending.
    """
    host = socket.gethostname()
    with transaction(factory) as session:
        orphans = [
            job
            for job in session.scalars(select(ImportJob).where(ImportJob.status == "running"))
            if _orphaned(job.worker, host)
        ]
        for job in orphans:
            _finish(job, status="failed", message="导入进程已中断, 未写入任何数据; 请重新导入该文件")
        return len(orphans)


def _orphaned(worker: str | None, host: str) -> bool:
    name, _, pid = (worker or "").rpartition(":")
    if name != host or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def progress(job_id: int) -> int | None:
    """Rows processed so far by a running job in this process, if known."""
    with _lock:
        return _progress.get(job_id)


def run_import(
    factory: sessionmaker[Session],
    *,
    actor: Principal,
    job_id: int,
    path: Path,
    report_dir: Path,
    batch_size: int = 5000,
    synthetic: bool = False,
) -> ImportJob:
    """Run an import job to the end; the data and the job's counts commit together or not at all."""

    def tick(rows: int) -> None:
        with _lock:
            _progress[job_id] = rows

    try:
        with transaction(factory) as session:
            job = session.get_one(ImportJob, job_id)
            result = import_rows(
                session,
                actor=actor,
                path=path,
                filename=job.filename,
                batch_size=batch_size,
                synthetic=synthetic,
                progress=tick,
            )
            if result.errors:
                report = report_dir / f"merchants-import-{job_id}-errors.csv"
                write_error_report(report, result.errors)
                job.error_report = report.name
            _finish(job, status="done", message=None)
            job.encoding, job.rows_total, job.inserted = result.encoding, result.rows_total, result.inserted
            job.updated, job.unchanged, job.rejected = result.updated, result.unchanged, result.rejected
            record_write(
                session,
                actor=actor,
                action="import",
                entity="merchants_import",
                entity_id=job_id,
                region_adcode=actor.scope.adcode if actor.scope.prefix else None,
                after={
                    "file": job.filename,
                    "sha256": job.sha256,
                    "inserted": job.inserted,
                    "updated": job.updated,
                    "unchanged": job.unchanged,
                    "rejected": job.rejected,
                },
            )
            return job
    except FileUnreadable as exc:
        return _fail(factory, job_id, exc.detail)
    except Exception as exc:
        _fail(factory, job_id, f"导入失败, 未写入任何数据: {type(exc).__name__}: {exc}")
        raise
    finally:
        with _lock:
            _progress.pop(job_id, None)


def _finish(job: ImportJob, *, status: str, message: str | None) -> None:
    job.status, job.message, job.finished_at = status, message, utcnow()


def _fail(factory: sessionmaker[Session], job_id: int, message: str) -> ImportJob:
    with transaction(factory) as session:
        job = session.get_one(ImportJob, job_id)
        _finish(job, status="failed", message=message)
        return job


def save_upload(source: BinaryIO, *, directory: Path, filename: str, max_bytes: int) -> Path:
    """Copy an uploaded file under ``directory`` (refusing more than ``max_bytes``) and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    safe = "".join(c for c in Path(filename).name if c.isalnum() or c in "._-")[-80:] or "upload"
    target = directory / f"{uuid.uuid4().hex}-{safe}"
    written = 0
    with target.open("wb") as handle:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > max_bytes:
                handle.close()
                target.unlink()
                raise FileUnreadable(f"{filename}: 文件超过 {max_bytes // (1 << 20)} MB 上限, 未导入", file=filename)
            handle.write(chunk)
    return target
