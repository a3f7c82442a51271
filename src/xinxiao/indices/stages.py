"""The data stages of a COINr build: denominate, screen, impute, treat, normalise (pure, never in place).

``denominate`` follows COINr's ``Denominate.data.frame`` (``R/denominate.R``): ``x / (denominator / scale)``,
i.e. ``x × scale / denominator``, with R's arithmetic (÷0 gives ±inf, 0/0 NaN). ``screen`` follows
``Screen.data.frame`` and ``get_data_avail`` (``R/screen_units.R``): data availability is the share of
indicators present; the non-zero share is taken over the *present* values; ``"byNA"`` drops units with
availability below ``dat_thresh``, ``"byzeros"`` units with a non-zero share below ``nonzero_thresh`` and
``"byNAandzeros"`` either; ``force`` then includes (True) or excludes (False) named units. A unit with no
values at all has an undefined non-zero share; COINr then yields a row of NAs under ``"byzeros"``, here it is
not flagged by zeros (it is still flagged by availability). On panel data each (unit, time) row is screened
on its own, as COINr screens each coin of a purse.

The other stages live in :mod:`.impute`, :mod:`.treat` and :mod:`.normalise` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from xinxiao.core import InvalidInput
from xinxiao.indices.impute import impute, impute_panel
from xinxiao.indices.normalise import normalise
from xinxiao.indices.treat import Treatment, treat

__all__ = ["Screening", "Treatment", "denominate", "impute", "impute_panel", "normalise", "screen", "treat"]

UNIT_SCREENS = ("byNA", "byzeros", "byNAandzeros")


def denominate(
    frame: pd.DataFrame,
    *,
    denominators: pd.DataFrame,
    by: Mapping[str, str | None],
    scale: float | Mapping[str, float] = 1.0,
) -> pd.DataFrame:
    """Divide each indicator named in ``by`` by its denominator column (scaled), as COINr's ``Denominate``.

    >>> data = pd.DataFrame({"gdp": [10.0, 30.0], "share": [0.5, 0.7]}, index=["p", "q"])
    >>> pop = pd.DataFrame({"Pop": [2.0, 3.0]}, index=["p", "q"])
    >>> denominate(data, denominators=pop, by={"gdp": "Pop", "share": None}, scale=1000).to_dict("list")
    {'gdp': [5000.0, 10000.0], 'share': [0.5, 0.7]}
    """
    missing_units = frame.index.difference(denominators.index)
    if len(missing_units):
        raise InvalidInput(f"unit {missing_units[0]} has no denominator values", field="denominators")
    out = frame.astype(float)
    for code, denominator in by.items():
        if denominator is None:
            continue
        if code not in frame.columns:
            raise InvalidInput(f"indicator {code} to denominate is not in the data", field="by")
        if denominator not in denominators.columns:
            raise InvalidInput(f"denominator {denominator} of {code} is not in the denominators", field="by")
        factor = scale[code] if isinstance(scale, Mapping) else scale
        divisor = denominators[denominator].reindex(frame.index).astype(float) / float(factor)
        out[code] = out[code] / divisor
    return out


class Screening(NamedTuple):
    """The screened data, the availability table of every unit, and the removed units."""

    frame: pd.DataFrame
    summary: pd.DataFrame
    removed: list[object]


def data_availability(frame: pd.DataFrame) -> pd.DataFrame:
    """COINr's ``get_data_avail``: per unit the missing and zero counts, availability and non-zero share.

    >>> data = pd.DataFrame({"a": [1.0, 0.0, None], "b": [2.0, 0.0, 0.0], "c": [3.0, None, 5.0]}, index=["p", "q", "r"])
    >>> data_availability(data)[["Dat_Avail", "Non_Zero"]].round(3).to_dict("list")
    {'Dat_Avail': [1.0, 0.667, 0.667], 'Non_Zero': [1.0, 0.0, 0.5]}
    """
    missing = frame.isna().sum(axis=1)
    zeros = (frame == 0).sum(axis=1)
    present = frame.shape[1] - missing
    table = pd.DataFrame({"N_missing": missing, "N_zero": zeros, "N_miss_or_zero": missing + zeros})
    table["Dat_Avail"] = 1 - missing / frame.shape[1]
    table["Non_Zero"] = (1 - zeros / present.where(present > 0)).astype(float)
    return table


def screen(
    frame: pd.DataFrame,
    *,
    dat_thresh: float = 2 / 3,
    unit_screen: str = "byNA",
    nonzero_thresh: float = 0.05,
    force: Mapping[object, bool] | None = None,
) -> Screening:
    """Drop units below a data-availability (or non-zero) threshold, as COINr's ``Screen``.

    >>> data = pd.DataFrame({"a": [1.0, None, 2.0], "b": [1.0, None, None], "c": [1.0, 3.0, 4.0]}, index=list("pqr"))
    >>> screen(data, dat_thresh=0.6).removed
    ['q']
    """
    if unit_screen not in UNIT_SCREENS:
        raise InvalidInput(f"unit_screen {unit_screen!r} is not one of {', '.join(UNIT_SCREENS)}", field="unit_screen")
    for name, value in (("dat_thresh", dat_thresh), ("nonzero_thresh", nonzero_thresh)):
        if not 0 <= value <= 1:
            raise InvalidInput(f"{name} {value} is not between 0 and 1", field=name)
    summary = data_availability(frame)
    summary["LowData"] = summary["Dat_Avail"] < dat_thresh
    summary["LowNonZero"] = summary["Non_Zero"].fillna(1.0) < nonzero_thresh
    summary["LowDatOrZeroFlag"] = summary["LowData"] | summary["LowNonZero"]
    flag = {"byNA": "LowData", "byzeros": "LowNonZero", "byNAandzeros": "LowDatOrZeroFlag"}[unit_screen]
    summary["Included"] = ~summary[flag]
    for unit, include in (force or {}).items():
        if unit not in summary.index:
            raise InvalidInput(f"forced unit {unit} is not in the data", field="force")
        summary.loc[unit, "Included"] = bool(include)
    included = summary["Included"].to_numpy(dtype=bool)
    return Screening(frame[included].copy(), summary, list(frame.index[~included]))
