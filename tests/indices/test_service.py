"""Index runs: stored with scores and intervals, audited, scoped on every read, history with spec breaks."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinxiao.core import AuditEntry, NotFound, PermissionDenied, Principal, Role, Scope, system_principal
from xinxiao.indices import service
from xinxiao.indices.definitions import get_definition
from xinxiao.indices.exporting import export_run
from xinxiao.indices.models import IndexScore
from xinxiao.indices.sources import Inputs, parse_period
from xinxiao.indices.spec import parse_steps

UNITS = ["533401", "533422", "533423"]
NAMES = ["香格里拉市", "德钦县", "维西县"]


def _actor(adcode: str, role: Role = Role.analyst) -> Principal:
    return Principal(user_id=None, username=f"u{adcode}", role=role, scope=Scope(adcode))


def _inputs(definition_id: str = "environment_services", shift: float = 0.0) -> Inputs:
    definition = get_definition(definition_id)
    codes = list(definition.framework.indicators)
    values = np.arange(len(UNITS) * len(codes), dtype=float).reshape(len(UNITS), len(codes)) % 7 + 1 + shift
    frame = pd.DataFrame(values, index=pd.Index(UNITS, name="uCode"), columns=codes)
    return Inputs(frame, pd.Series(NAMES, index=frame.index), {c: {"source": "test"} for c in codes}, synthetic=True)


def _record(session: Session, period: str = "2024-03", **kw: object) -> service.IndexRun:
    definition = kw.pop("definition", get_definition("environment_services"))
    return service.record_run(
        session,
        actor=kw.pop("actor", _actor("533400")),  # type: ignore[arg-type]
        definition=definition,  # type: ignore[arg-type]
        region="533400",
        period=parse_period(period),
        inputs=kw.pop("inputs", _inputs()),  # type: ignore[arg-type]
        samples=8,
    )


def test_a_run_stores_every_aggregate_score_and_the_audit_row(session: Session) -> None:
    run = _record(session)
    rows = service.scores(session, actor=_actor("533400"), run_id=run.id)
    aggregates = [c for c, level in get_definition("environment_services").framework.levels.items() if level > 1]
    assert len(rows) == len(UNITS) * len(aggregates)
    index = sorted((r for r in rows if r.code == "Index"), key=lambda r: r.rank or 99)
    assert [r.rank for r in index] == sorted(r.rank for r in index) and index[0].rank == 1
    assert all(
        r.rank_low is not None and r.rank_high is not None and 1 <= r.rank_low <= r.rank_high <= 3 for r in index
    )
    assert run.synthetic and run.unit_count == 3 and len(run.spec_sha256) == 64
    assert set(run.payload["stages"]) >= {"raw", "imputed", "normalised", "aggregated"}
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "indices_run")).all()
    assert [a.entity_id for a in audit] == [str(run.id)] and audit[0].action == "run"


def test_stored_scores_equal_the_build(session: Session) -> None:
    run = _record(session)
    stored = {
        (s.unit_code, s.code): s.score for s in session.scalars(select(IndexScore).where(IndexScore.run_id == run.id))
    }
    aggregated = run.payload["stages"]["aggregated"]
    for unit in UNITS:
        assert stored[(unit, "Index")] == pytest.approx(aggregated[unit]["Index"])


def test_reads_are_scoped_and_writes_need_the_analyst_role(session: Session) -> None:
    run = _record(session)
    with pytest.raises(NotFound):
        service.get_run(session, actor=_actor("533422"), run_id=run.id)
    with pytest.raises(NotFound):
        service.scores(session, actor=_actor("533422"), run_id=run.id)
    assert service.list_runs(session, actor=_actor("533422")) == []
    assert [r.id for r in service.list_runs(session, actor=_actor("420000"))] == []
    assert [r.id for r in service.list_runs(session, actor=_actor("530000"))] == [run.id]
    assert [r.id for r in service.list_runs(session, actor=_actor("533400"))] == [run.id]
    with pytest.raises(PermissionDenied):
        _record(session, actor=_actor("533400", Role.inspector))
    with pytest.raises(NotFound):  # a region outside the caller's scope is "not found", never "forbidden"
        service.record_run(
            session,
            actor=_actor("533422"),
            definition=get_definition("environment_services"),
            region="533400",
            period=parse_period("2024-03"),
            inputs=_inputs(),
        )


def test_history_keeps_the_latest_run_per_period_and_marks_spec_breaks(session: Session) -> None:
    base = get_definition("environment_services")
    changed = dataclasses.replace(
        base, spec=parse_steps([{"normalise": {"f_n": "n_minmax", "l_u": [0, 10]}}, {"aggregate": {}}])
    )
    _record(session, "2024-01")
    _record(session, "2024-02", inputs=_inputs(shift=1.0))
    latest_feb = _record(session, "2024-02", inputs=_inputs(shift=2.0))
    _record(session, "2024-03", definition=changed)
    frame = service.history(session, actor=_actor("533400"), name="environment_services", region="533400")
    assert sorted(set(frame["period"])) == ["2024-01", "2024-02", "2024-03"]
    assert set(frame.loc[frame["period"] == "2024-02", "run_id"]) == {latest_feb.id}
    breaks = frame.groupby("period")["spec_break"].first().to_dict()
    assert breaks == {"2024-01": False, "2024-02": False, "2024-03": True}
    assert (
        service.latest_run(session, actor=_actor("533400"), name="environment_services", region="533400").period
        == "2024-03"
    )


def test_export_has_results_stages_and_the_method_annex(session: Session) -> None:
    run = _record(session)
    book = load_workbook(io.BytesIO(export_run(session, actor=_actor("533400"), run_id=run.id)))
    assert book.sheetnames[0] == "结果" and "方法说明" in book.sheetnames and "标准化" in book.sheetnames
    results = [[c.value for c in row] for row in book["结果"].iter_rows()]
    assert any(row[0] and "模拟数据" in str(row[0]) for row in results)
    assert {row[1] for row in results if isinstance(row[0], int)} == set(UNITS)
    annex = "\n".join(str(c.value) for row in book["方法说明"].iter_rows() for c in row if c.value is not None)
    definition = get_definition("environment_services")
    for code, caliber in definition.calibers.items():
        assert code in annex and caliber in annex
    assert "n_minmax" in annex and "有效权重" in annex
    checks = [c.value for row in book["统计检验"].iter_rows() for c in row if c.value is not None]
    assert "单元数少于 4, 不做统计检验" in checks  # three counties: no moments or correlations
    exports = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [e.entity_id for e in exports] == [str(run.id)]
    with pytest.raises(NotFound):
        export_run(session, actor=_actor("533422"), run_id=run.id)


def test_the_operator_runs_for_any_region_and_only_that_region_reads_it(session: Session) -> None:
    run = _record(session, actor=system_principal())
    assert run.region_adcode == "533400" and run.created_by == "system"
    assert service.get_run(session, actor=_actor("530000"), run_id=run.id).id == run.id  # 云南省 covers 迪庆
    with pytest.raises(NotFound):
        service.get_run(session, actor=_actor("420000"), run_id=run.id)


def test_read_input_csv_names_file_line_and_column(tmp_path: Path) -> None:
    from xinxiao.core import InvalidInput
    from xinxiao.indices.sources import read_input_csv

    definition = get_definition("environment")
    good = tmp_path / "supervision.csv"
    good.write_text("uCode,complaints,resolution_rate,redress_days\n533401,12,95,7\n533422,3,90,9\n", "utf-8")
    assert read_input_csv(good, definition).loc["533422", "complaints"] == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("uCode,complaints,resolution_rate,redress_days\n533401,12,95,7\n533422,三件,90,9\n", "utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.csv: line 3, column complaints: '三件' is not a number"):
        read_input_csv(bad, definition)
    missing = tmp_path / "missing.csv"
    missing.write_text("uCode,complaints\n533401,12\n", "gbk")
    with pytest.raises(InvalidInput, match=r"missing\.csv: line 1: the column redress_days is missing"):
        read_input_csv(missing, definition)


def test_export_statistics_sheet_with_enough_units(session: Session) -> None:
    definition = get_definition("environment_services")
    codes = list(definition.framework.indicators)
    units = ["420100", "420200", "420300", "420500", "420600", "420700"]
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        rng.uniform(1, 50, (len(units), len(codes))), index=pd.Index(units, name="uCode"), columns=codes
    )
    inputs = Inputs(frame, pd.Series(units, index=frame.index), {}, synthetic=False)
    run = service.record_run(
        session,
        actor=system_principal(),
        definition=definition,
        region="420000",
        period=parse_period("2025"),
        inputs=inputs,
        samples=8,
    )
    book = load_workbook(io.BytesIO(export_run(session, actor=system_principal(), run_id=run.id)))
    rows = [[c.value for c in row] for row in book["统计检验"].iter_rows()]
    stats = {row[0]: row for row in rows if row[0] in codes}
    assert set(stats) == set(codes)
    header = next(row for row in rows if row[0] == "指标")
    assert stats[codes[0]][header.index("Mean")] == pytest.approx(frame[codes[0]].mean())
    assert any(row[0] == "Cronbach's α" or row[1] == "Cronbach's α" for row in rows)
    assert not any(row[0] and "模拟数据" in str(row[0]) for row in rows)  # real inputs carry no banner


def test_a_stored_run_rebuilds_to_the_same_scores(session: Session) -> None:
    run = _record(session)
    rebuilt = service.rebuild(session, actor=_actor("533400"), run_id=run.id)
    for unit, values in run.payload["stages"]["aggregated"].items():
        assert rebuilt.stages["aggregated"].loc[unit, "Index"] == pytest.approx(values["Index"], rel=1e-12)
    assert rebuilt.spec.sha256 == run.spec_sha256
    assert len(run.payload["input_sha256"]) == 64 and "pandas" in run.payload["versions"]


def test_months_and_years_are_separate_histories(session: Session) -> None:
    _record(session, "2024-02")
    _record(session, "2024")
    months = service.history(session, actor=_actor("533400"), name="environment_services", region="533400")
    years = service.history(session, actor=_actor("533400"), name="environment_services", region="533400", kind="year")
    assert set(months["period"]) == {"2024-02"} and set(years["period"]) == {"2024"}
