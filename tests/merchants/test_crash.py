"""A merchant import killed mid-way (SIGKILL) leaves no merchant behind, and its job is marked failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from support import make_settings, merchant_row, write_rows
from xinxiao import merchants, migrations
from xinxiao.db import transaction
from xinxiao.merchants import ImportJob, Merchant
from xinxiao.reference import seed_reference
from xinxiao.runtime import Runtime

SCRIPT = """
import sys
from pathlib import Path
from xinxiao import merchants
from xinxiao.config import Settings
from xinxiao.core import system_principal
from xinxiao.runtime import Runtime

runtime = Runtime.from_settings(Settings(var_dir=Path(sys.argv[1])))
path = Path(sys.argv[2])
actor = system_principal()
job = merchants.start_import(runtime.sessions, actor=actor, path=path, filename=path.name)
merchants.run_import(runtime.sessions, actor=actor, job_id=job, path=path, report_dir=path.parent, batch_size=200)
"""


def _count(runtime: Runtime, what: object) -> int:
    with runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(what)) or 0)  # type: ignore[arg-type]


def test_killed_import_leaves_nothing_half_written(var_dir: Path) -> None:
    settings = make_settings(var_dir)
    migrations.upgrade(settings.resolved_database_url)
    runtime = Runtime.from_settings(settings)
    with transaction(runtime.sessions) as session:
        seed_reference(session)
    rows = [merchant_row("533401", i) for i in range(1, 40_001)]
    path = write_rows(var_dir / "big.csv", rows)
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(var_dir), str(path)], env=os.environ.copy())
    deadline = time.monotonic() + 120
    while _count(runtime, ImportJob) == 0:  # wait until the import has begun writing
        assert time.monotonic() < deadline and child.poll() is None, "the import did not start"
        time.sleep(0.05)
    time.sleep(1.5)
    assert child.poll() is None, "the import finished before it could be killed; make the file bigger"
    child.send_signal(signal.SIGKILL)
    child.wait()

    assert _count(runtime, Merchant) == 0
    assert merchants.recover_orphans(runtime.sessions) == 1
    with runtime.sessions() as session:
        job = session.scalars(select(ImportJob)).one()
        assert job.status == "failed" and "中断" in (job.message or "")
    assert merchants.recover_orphans(runtime.sessions) == 0
    runtime.close()
