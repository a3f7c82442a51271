"""The demo data set: region tree, units, users at several levels, places and synthetic merchants.

Everything is reproducible from ``Settings.demo_seed``; merchants go through the real import path
(validation, place assignment, audit) and are labelled synthetic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xinxiao import accounts, merchants
from xinxiao.core import Role, system_principal
from xinxiao.db import transaction
from xinxiao.reference import find_unit, seed_reference
from xinxiao.runtime import Runtime

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
    return loaded
