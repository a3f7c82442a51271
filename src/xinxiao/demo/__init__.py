"""The demo data set: region tree, units, users at several levels, places and synthetic merchants.

Everything is reproducible from ``Settings.demo_seed``; merchants go through the real import path
(validation, place assignment, audit) and are labelled synthetic.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from xinxiao import accounts, merchants, plans
from xinxiao.core import Role, frozen_clock, system_principal
from xinxiao.db import transaction
from xinxiao.demo import indices_demo, monitoring_demo
from xinxiao.reference import find_unit, seed_reference
from xinxiao.runtime import Runtime

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "xinxiao-demo"  # noqa: S105 - printed on purpose: demo logins for a development machine
OFFICER_UNITS = {"diqing_officer": "州市场监管局", "diqing_commerce_officer": "州商务局"}
DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("hubei_admin", "湖北省商务厅管理员", Role.admin, "420000"),
    ("hubei_analyst", "湖北省发展改革委分析员", Role.analyst, "420000"),
    ("wuhan_analyst", "武汉市商务局分析员", Role.analyst, "420100"),
    ("diqing_admin", "迪庆州商务局管理员", Role.admin, "533400"),
    ("diqing_analyst", "迪庆州商务局分析员", Role.analyst, "533400"),
    ("diqing_officer", "迪庆州市场监管局经办人", Role.officer, "533400"),
    ("diqing_commerce_officer", "迪庆州商务局经办人", Role.officer, "533400"),
    ("diqing_inspector", "迪庆州市场监管执法人员", Role.inspector, "533400"),
    ("shangrila_analyst", "香格里拉市商务局分析员", Role.analyst, "533401"),
    ("deqin_analyst", "德钦县商务局分析员", Role.analyst, "533422"),
    ("weixi_submitter", "维西县数据报送员", Role.submitter, "533423"),
)
MERCHANTS_PER_PROFILE = {"diqing": 6000, "hubei": 30000}


def load_demo(runtime: Runtime, *, scale: float = 1.0, log: Callable[[str], Any] = print) -> dict[str, Any]:
    """Load the demo set into an empty (migrated) database; returns what was loaded."""
    settings = runtime.settings
    system = system_principal()
    with transaction(runtime.sessions) as session:
        reference = seed_reference(session)
        for username, name, role, region in DEMO_USERS:
            unit = OFFICER_UNITS.get(username)
            data = accounts.UserCreate(
                username=username,
                display_name=name,
                password=DEMO_PASSWORD,
                role=role,
                region_adcode=region,
                unit_id=find_unit(session, name=unit, region_adcode=region).id if unit else None,
            )
            accounts.create(session, actor=system, data=data)
    loaded: dict[str, Any] = {"reference": reference, "users": [(u, r.value, a) for u, _, r, a in DEMO_USERS]}
    for offset, (profile_name, count) in enumerate(MERCHANTS_PER_PROFILE.items()):
        profile = merchants.synthetic.load_profile(profile_name)  # type: ignore[arg-type]
        seed = settings.demo_seed + offset
        places = merchants.synthetic.generate_places(seed=seed, profile=profile)
        with transaction(runtime.sessions) as session:
            merchants.upsert_places(session, actor=system, places=[p | {"synthetic": True} for p in places])
        path = settings.var_dir / "demo" / f"merchants-{profile_name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        n = max(1, int(count * scale))
        merchants.synthetic.write_csv(path, merchants.synthetic.generate_merchants(seed=seed, n=n, profile=profile))
        job_id = merchants.start_import(runtime.sessions, actor=system, path=path, filename=path.name)
        job = merchants.run_import(
            runtime.sessions,
            actor=system,
            job_id=job_id,
            path=path,
            report_dir=settings.var_dir / "imports",
            synthetic=True,
        )
        log(f"{profile_name}: {len(places)} places, {job.inserted} synthetic merchants ({job.rejected} rejected)")
        loaded[profile_name] = {"places": len(places), "merchants": job.inserted, "rejected": job.rejected}
    loaded["plans"] = _load_plans(runtime, seed=settings.demo_seed, log=log)
    loaded["monitoring"] = monitoring_demo.load(runtime, seed=settings.demo_seed, scale=scale, log=log)
    last_day = monitoring_demo.LAST_DAY
    loaded["indices"] = indices_demo.load(runtime, seed=settings.demo_seed, last_day=last_day, log=log)
    return loaded


DEMO_PLANS = (("seed000_diqing.txt", "533400"), ("seed002_hubei.txt", "420000"))
SYNTHETIC_REPORTS = (
    ("in_progress", 30, "已制定工作方案并召开专题推进会(模拟数据)"),
    ("in_progress", 55, "重点项目已开工, 完成年度计划过半(模拟数据)"),
    ("done", 100, "已按期完成, 形成总结报告(模拟数据)"),
    ("ongoing", 60, "纳入常态化工作, 按季度调度(模拟数据)"),
)


DEMO_FORM_UNITS = {"533400": ("州商务局", "州市场监管局", "州发展改革委"), "420000": ("省商务厅", "省农业农村厅")}


def _load_forms(session: Session, rng: random.Random, *, region: str, plan_id: int) -> None:
    """The two example reporting forms for the region, assigned to demo units, with synthetic submissions."""
    system = system_principal()
    unit_ids = [find_unit(session, name=name, region_adcode=region).id for name in DEMO_FORM_UNITS[region]]
    for form in plans.forms.load_example_forms(session, actor=system, region_adcode=region, plan_id=plan_id):
        assignments = plans.forms.assign(session, actor=system, form_id=form.id, unit_ids=unit_ids)
        periods = plans.forms.periods(form, through=date(2024, 12, 31))
        for assignment in assignments:
            for period in periods:
                if rng.random() < 0.75:  # some periods stay missing, so the 报送率 has something to show
                    values = {f["key"]: _demo_value(f, rng) for f in form.fields}
                    due = plans.forms.due_date(form.period, period, form.due_day)
                    # most units file a few days before the due day, some a few days after (迟报)
                    filed = due + timedelta(days=rng.choice((-6, -3, -1, -1, 2, 5)))
                    with frozen_clock(datetime(filed.year, filed.month, filed.day, 2, tzinfo=UTC)):
                        plans.forms.submit(
                            session,
                            actor=system,
                            assignment_id=assignment.id,
                            period=period,
                            values=values,
                            synthetic=True,
                        )


def _demo_value(field: dict[str, Any], rng: random.Random) -> object:
    kind = field["type"]
    if kind == "int":
        return rng.randrange(0, 5000)
    if kind == "decimal":
        return round(rng.uniform(0, 500), 2)
    if kind == "choice":
        return rng.choice(field["choices"])
    return "模拟数据" if kind == "text" else None


def _load_plans(runtime: Runtime, *, seed: int, log: Callable[[str], Any]) -> dict[str, int]:
    """Import both seed plans and add synthetic progress reports to some of their tasks."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    system = system_principal()
    counts: dict[str, int] = {}
    for filename, region in DEMO_PLANS:
        text = (DATA / filename).read_text(encoding="utf-8")
        with transaction(runtime.sessions) as session:
            plan = plans.import_plan(session, actor=system, text=text, filename=filename, region_adcode=region)
            reported = 0
            for task in plan.tasks:
                if rng.random() < 0.6:
                    status, percent, note = rng.choice(SYNTHETIC_REPORTS)
                    day = date(2022, 6, 30) + timedelta(days=rng.randrange(0, 540))
                    plans.report_progress(
                        session,
                        actor=system,
                        task_id=task.id,
                        text=note,
                        percent_done=percent,
                        status=status,
                        reported_on=day,
                        synthetic=True,
                    )
                    reported += 1
            counts[filename] = len(plan.tasks)
            _load_forms(session, rng, region=region, plan_id=plan.id)
        log(f"{filename}: {len(plan.tasks)} tasks imported, {reported} synthetic progress reports")
    return counts
