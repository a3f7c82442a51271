"""A run exported as XLSX: results, the inputs and every stage, and a methodology annex (方法说明).

The annex is generated from the definition and the run (framework, each indicator's source, 口径,
direction, weight and effective weight, goalposts, the steps and their arguments, AHP consistency, the
uncertainty analysis), so what a reader sees is what was computed. Synthetic runs say so on every sheet.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from xinxiao.core import Principal, record_write
from xinxiao.indices.analysis import correlation_flags, group_alpha, indicator_stats
from xinxiao.indices.definitions import Definition, get_definition
from xinxiao.indices.models import IndexRun
from xinxiao.indices.service import get_run, scores
from xinxiao.indices.sources import describe_sources
from xinxiao.indices.weights import effective_weights

SYNTHETIC = "模拟数据 (synthetic): 本结果由演示用模拟数据计算, 不代表真实情况"
BOLD = Font(bold=True)


def export_run(session: Session, *, actor: Principal, run_id: int) -> bytes:
    """The XLSX bytes of a run inside the caller's scope (the export is audited)."""
    run = get_run(session, actor=actor, run_id=run_id)
    definition = get_definition(run.index_id)
    book = Workbook()
    _results(book.active, session, actor, run)
    for stage in ("raw", "imputed", "normalised", "aggregated"):
        if stage in run.payload["stages"]:
            _stage(book.create_sheet(_STAGE_TITLES[stage]), run, stage)
    _annex(book.create_sheet("方法说明"), run, definition)
    _checks(book.create_sheet("统计检验"), run, definition)
    buffer = io.BytesIO()
    book.save(buffer)
    record_write(
        session,
        actor=actor,
        action="export",
        entity="indices_run",
        entity_id=run.id,
        region_adcode=run.region_adcode,
        after={"format": "xlsx"},
    )
    return buffer.getvalue()


_STAGE_TITLES = {"raw": "指标原始值", "imputed": "插补后", "normalised": "标准化", "aggregated": "各级得分"}


def _header(sheet: Worksheet, run: IndexRun, title: str) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            f"地区 {run.region_adcode} · 期间 {run.period} · 规格 {run.spec_sha256[:12]} · "
            f"计算于 {run.created_at:%Y-%m-%d %H:%M} UTC"
        ]
    )
    if run.synthetic:
        sheet.append([SYNTHETIC])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, color="C00000")
    sheet.append([])


def _results(sheet: Worksheet, session: Session, actor: Principal, run: IndexRun) -> None:
    sheet.title = "结果"
    definition = get_definition(run.index_id)
    _header(sheet, run, f"{definition.name_zh} {run.period}")
    rows = [s for s in scores(session, actor=actor, run_id=run.id) if s.code == "Index"]
    pillars = list(definition.framework.codes_at(2))
    names = [definition.framework.names[c] for c in pillars]
    _row(sheet, ["排名", "代码", "名称", "指数得分", "排名区间(5%–95%)", *names], bold=True)
    stage = run.payload["stages"].get("aggregated", {})
    for s in rows:
        interval = "" if s.rank_low is None else f"{s.rank_low:.0f}–{s.rank_high:.0f}"
        pillar_scores = [stage.get(s.unit_code, {}).get(c) for c in pillars]
        sheet.append([s.rank, s.unit_code, s.unit_name, s.score, interval, *pillar_scores])


def _stage(sheet: Worksheet, run: IndexRun, stage: str) -> None:
    _header(sheet, run, _STAGE_TITLES[stage])
    records: dict[str, dict[str, Any]] = run.payload["stages"][stage]
    columns = list(next(iter(records.values()), {}).keys())
    _row(sheet, ["uCode", "名称", *columns], bold=True)
    for unit, values in records.items():
        sheet.append([unit, run.payload["names"].get(unit, unit), *(values[c] for c in columns)])


def _annex(sheet: Worksheet, run: IndexRun, definition: Definition) -> None:
    _header(sheet, run, f"方法说明 · {definition.name_zh} ({definition.name_en}) 第 {definition.version} 版")
    sheet.append(["依据", definition.basis])
    fw = definition.framework
    weights = {k: float(v) for k, v in run.payload["weights"].items()}
    effective = effective_weights(fw.parents, pd.Series(weights, dtype=float))
    sources = describe_sources(definition)
    _row(sheet, [])
    _row(sheet, ["层级", "代码", "名称", "上级", "方向", "权重", "有效权重", "单位", "数据来源", "口径"], bold=True)
    for code, level in sorted(fw.levels.items(), key=lambda item: -item[1]):
        sheet.append(
            [
                level,
                code,
                fw.names[code],
                fw.parents.get(code),
                int(fw.directions[code]),
                weights.get(code),
                float(effective[code]),
                fw.units.get(code),
                sources.get(code, "由下级加权汇总"),
                definition.calibers.get(code, ""),
            ]
        )
    _row(sheet, [])
    _row(sheet, ["步骤", "参数 (COINr 名称)"], bold=True)
    for step in definition.spec.steps:
        sheet.append([step.name, str(dict(step.params))])
    for parent, ahp in run.payload.get("ahp", {}).items():
        sheet.append([f"层次分析法 {parent}", f"λmax = {ahp['lambda_max']:.4f}, CR = {ahp['cr']:.4f} (< 0.1 通过)"])
    uncertainty = run.payload.get("uncertainty")
    if uncertainty:
        _row(sheet, [])
        _row(
            sheet,
            [
                "不确定性分析",
                f"Sobol 抽样 N = {uncertainty['samples']}, 种子 {uncertainty['seed']}, "
                f"收敛: {uncertainty['converged']}",
            ],
            bold=True,
        )
        for choice, values in uncertainty["sobol"].items():
            sheet.append([choice, *(f"{k} = {v:.3f}" for k, v in values.items())])


def _frame(run: IndexRun, stage: str) -> pd.DataFrame:
    return pd.DataFrame.from_dict(run.payload["stages"][stage], orient="index").astype(float)


def _checks(sheet: Worksheet, run: IndexRun, definition: Definition) -> None:
    """Indicator statistics (COINr's get_stats), correlation flags and Cronbach's alpha per pillar."""
    _header(sheet, run, "统计检验 (指标统计、相关性、内部一致性)")
    if len(run.payload["stages"]["raw"]) < 4:  # skew and kurtosis need four units, correlations more
        sheet.append(["单元数少于 4, 不做统计检验"])
        return
    stats = indicator_stats(_frame(run, "raw"))
    _row(sheet, ["指标", *[str(c) for c in stats.columns]], bold=True)
    for code, row in stats.iterrows():
        sheet.append([str(code), *[_cell(v) for v in row.tolist()]])
    if "aggregated" in run.payload["stages"]:
        aggregated = _frame(run, "aggregated")
        flags = correlation_flags(aggregated, framework=definition.framework)
        _row(sheet, [])
        _row(sheet, ["相关性提示", "组", "指标", "对照", "相关系数"], bold=True)
        for flag in flags.itertuples(index=False):
            sheet.append([str(v) if not isinstance(v, float) else v for v in flag])
        alpha = group_alpha(aggregated[list(definition.framework.indicators)], framework=definition.framework)
        _row(sheet, [])
        _row(sheet, ["维度", "Cronbach's α"], bold=True)
        for code, value in alpha.items():
            sheet.append([definition.framework.names.get(str(code), str(code)), _cell(value)])


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN: an empty cell
        return None
    return value.item() if hasattr(value, "item") else value


def _row(sheet: Worksheet, values: list[Any], *, bold: bool = False) -> None:
    sheet.append(values)
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
