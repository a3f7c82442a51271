"""The demo loads users, synthetic merchants and places, both seed plans with synthetic progress, index runs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from support import make_settings
from xinxiao import accounts, indices, migrations, plans
from xinxiao.core import system_principal
from xinxiao.demo import DEMO_USERS, load_demo
from xinxiao.merchants import Merchant, Place
from xinxiao.runtime import Runtime


def test_demo_load(var_dir: Path) -> None:
    settings = make_settings(var_dir)
    migrations.upgrade(settings.resolved_database_url)
    runtime = Runtime.from_settings(settings)
    summary = load_demo(runtime, scale=0.02, log=lambda _: None)
    with runtime.sessions() as session:
        assert accounts.count(session) == len(DEMO_USERS)
        merchants = session.scalar(select(func.count()).select_from(Merchant))
        assert merchants == summary["diqing"]["merchants"] + summary["hubei"]["merchants"] > 0
        assert session.scalar(select(func.count()).select_from(Merchant).where(~Merchant.synthetic)) == 0
        assert session.scalar(select(func.count()).select_from(Place)) > 0
        loaded = session.scalars(select(plans.Plan).order_by(plans.Plan.id)).all()
        assert [p.region_adcode for p in loaded] == ["533400", "420000"]
        reports = session.scalars(select(plans.ProgressReport)).all()
        assert reports and all(r.synthetic for r in reports)
        forms = session.scalars(select(plans.ReportForm)).all()
        assert len(forms) == 4
        submissions = session.scalars(select(plans.FormSubmission)).all()
        assert submissions and all(s.synthetic for s in submissions)
        assert 0 < sum(s.late for s in submissions) < len(submissions)  # mostly on time, some 迟报
        officer = accounts.get_by_username(session, username="diqing_commerce_officer")
        assert officer.unit_id is not None
        runs = indices.list_runs(session, actor=system_principal())
        assert summary["indices"] == {"533400": 12, "420000": 10} and len(runs) == 22
        assert all(r.synthetic for r in runs)  # synthetic feeds and a synthetic supervision file
        assert {r.index_id for r in runs} == {d.id for d in indices.list_definitions()}
    runtime.close()
