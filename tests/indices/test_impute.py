"""COINr imputation: column and group means/medians, and panel imputation (latest, constant, linear)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinxiao.core import InvalidInput
from xinxiao.indices.impute import impute, impute_panel

NAN = np.nan
UNITS = ["p", "q", "r", "s", "t"]
DATA = pd.DataFrame({"a": [1.0, NAN, 4.0, NAN, 9.0], "b": [2.0, 2.0, NAN, 8.0, 5.0]}, index=UNITS)
GROUPS = pd.Series(["x", "x", "y", "y", "y"], index=UNITS)


@pytest.mark.parametrize(
    ("method", "a", "b"),
    [
        ("i_mean", [1, 14 / 3, 4, 14 / 3, 9], [2, 2, 17 / 4, 8, 5]),
        ("i_median", [1, 4, 4, 4, 9], [2, 2, 3.5, 8, 5]),
        ("i_mean_grp", [1, 1, 4, 6.5, 9], [2, 2, 6.5, 8, 5]),
        ("i_median_grp", [1, 1, 4, 6.5, 9], [2, 2, 6.5, 8, 5]),
    ],
)
def test_cross_section_methods(method: str, a: list[float], b: list[float]) -> None:
    before = DATA.copy()
    result = impute(DATA, method=method, groups=GROUPS)
    np.testing.assert_allclose(result["a"].to_numpy(), a)
    np.testing.assert_allclose(result["b"].to_numpy(), b)
    pd.testing.assert_frame_equal(DATA, before)


def test_group_median_differs_from_group_mean() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 9.0, NAN]}, index=list("pqrs"))
    groups = pd.Series(["g"] * 4, index=frame.index)
    assert impute(frame, method="i_median_grp", groups=groups)["a"].iloc[-1] == 2.0
    assert impute(frame, method="i_mean_grp", groups=groups)["a"].iloc[-1] == 4.0


def test_unit_without_group_and_empty_group_stay_missing() -> None:
    frame = pd.DataFrame({"a": [1.0, NAN, NAN, 3.0]}, index=list("pqrs"))
    groups = pd.Series(["x", None, "y", "x"], index=frame.index)
    result = impute(frame, method="i_mean_grp", groups=groups)
    assert np.isnan(result.loc["q", "a"]) and np.isnan(result.loc["r", "a"])


def test_all_missing_column_stays_missing() -> None:
    frame = pd.DataFrame({"a": [NAN, NAN], "b": [1.0, NAN]})
    result = impute(frame, method="i_mean")
    assert result["a"].isna().all() and result["b"].tolist() == [1.0, 1.0]


def test_cross_section_methods_run_within_each_time_on_panel_data() -> None:
    index = pd.MultiIndex.from_product([["A", "B", "C"], [2021, 2022]], names=["uCode", "Time"])
    frame = pd.DataFrame({"a": [1.0, 10.0, 3.0, NAN, NAN, 30.0]}, index=index)
    result = impute(frame, method="i_mean")
    assert result.loc[("B", 2022), "a"] == 20.0 and result.loc[("C", 2021), "a"] == 2.0


def _panel(values: dict[str, list[float]], units: list[str], times: list[int]) -> pd.DataFrame:
    index = pd.MultiIndex.from_arrays([units, times], names=["uCode", "Time"])
    return pd.DataFrame(values, index=index)


# COINr's own test case (tests/testthat/test-impute_panel.R): one unit, 2020–2022.
COINR = _panel(
    {"i1": [1, 2, 3], "i2": [3, NAN, 5], "i3": [NAN, 5, 6], "i4": [7, 8, NAN]}, ["A"] * 3, [2020, 2021, 2022]
)


@pytest.mark.parametrize(
    ("imp_type", "expected"),
    [
        ("linear", {"i1": [1, 2, 3], "i2": [3, 4, 5], "i3": [5, 5, 6], "i4": [7, 8, 8]}),
        ("constant", {"i1": [1, 2, 3], "i2": [3, 3, 5], "i3": [5, 5, 6], "i4": [7, 8, 8]}),
        ("latest", {"i1": [1, 2, 3], "i2": [3, 3, 5], "i3": [NAN, 5, 6], "i4": [7, 8, 8]}),
    ],
)
def test_panel_methods_on_coinr_case(imp_type: str, expected: dict[str, list[float]]) -> None:
    result = impute(COINR.astype(float), method="impute_panel", imp_type=imp_type)
    pd.testing.assert_frame_equal(result, pd.DataFrame(expected, index=COINR.index, dtype=float))


def test_linear_uses_the_time_distances() -> None:
    frame = _panel({"a": [0.0, NAN, 10.0]}, ["A"] * 3, [2010, 2012, 2020])
    assert impute_panel(frame, imp_type="linear")["a"].tolist() == [0.0, 2.0, 10.0]


@pytest.mark.parametrize(("max_time", "expected"), [(None, [1, 1, 1, 1]), (1, [1, 1, NAN, NAN]), (2, [1, 1, 1, NAN])])
def test_latest_respects_max_time(max_time: int | None, expected: list[float]) -> None:
    frame = _panel({"a": [1.0, NAN, NAN, NAN], "b": [0.0] * 4}, ["A"] * 4, [2018, 2019, 2020, 2021])
    result = impute_panel(frame, imp_type="latest", max_time=max_time)
    np.testing.assert_array_equal(result["a"].to_numpy(), expected)


def test_latest_counts_times_where_the_unit_has_no_row() -> None:
    frame = _panel({"a": [5.0, NAN, 1.0, 2.0]}, ["A", "A", "B", "B"], [2019, 2021, 2020, 2021])
    assert np.isnan(impute_panel(frame, max_time=1).loc[("A", 2021), "a"])
    assert impute_panel(frame, max_time=2).loc[("A", 2021), "a"] == 5.0


def test_latest_keeps_units_apart_and_row_order() -> None:
    frame = _panel({"a": [NAN, 4.0, 7.0, NAN]}, ["B", "A", "B", "A"], [2022, 2021, 2021, 2022])
    result = impute_panel(frame)
    assert result["a"].tolist() == [7.0, 4.0, 7.0, 4.0] and list(result.index) == list(frame.index)


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (DATA, {"method": "impute_panel"}, r"indexed by \(uCode, Time\)"),
        (_panel({"a": [1.0, NAN]}, ["A", "B"], [2020, 2020]), {"method": "impute_panel"}, "only one time point"),
        (
            _panel({"a": [1.0, NAN]}, ["A", "A"], [2020, 2021]),
            {"method": "impute_panel", "imp_type": "linear"},
            "at least two observed values",
        ),
        (COINR, {"method": "impute_panel", "imp_type": "spline"}, "imp_type 'spline'"),
        (DATA, {"method": "i_knn"}, "not one of"),
        (DATA, {"method": "i_mean_grp"}, "needs a group column"),
    ],
)
def test_errors(frame: pd.DataFrame, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        impute(frame, **kwargs)  # type: ignore[arg-type]
