"""Denomination and unit screening as COINr's Denominate and Screen, and the data stages chained on golden data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.indices.framework import read_idata, read_imeta
from xinxiao.indices.stages import denominate, impute, normalise, screen, treat

NAN = np.nan
DATA = Path(__file__).parent.parent / "data" / "indices"
UNITS = ["p", "q", "r", "s", "t"]
FRAME = pd.DataFrame(
    {"a": [1.0, NAN, 0.0, NAN, 5.0], "b": [2.0, NAN, 0.0, 4.0, 0.0], "c": [3.0, 6.0, 0.0, NAN, NAN]}, index=UNITS
)


@pytest.mark.parametrize(
    ("scale", "expected_a", "expected_b"),
    [(1.0, [0.5, NAN, 0.0, NAN, 1.0], [2, 4, 5]), ({"a": 100.0, "b": 1.0}, [50.0, NAN, 0.0, NAN, 100.0], [2, 4, 5])],
)
def test_denominate(scale: float | dict[str, float], expected_a: list[float], expected_b: list[int]) -> None:
    denominators = pd.DataFrame({"Pop": [2.0, 3.0, 4.0, 5.0, 5.0], "Area": [1.0, 2.0, 0.0, 1.0, 1.0]}, index=UNITS)
    before = FRAME.copy()
    result = denominate(FRAME, denominators=denominators, by={"a": "Pop", "b": "Area", "c": None}, scale=scale)
    np.testing.assert_allclose(result["a"].to_numpy(), expected_a)
    assert result["b"].iloc[[0, 3]].tolist() == [expected_b[0], expected_b[1]] and np.isnan(result.loc["r", "b"])
    pd.testing.assert_series_equal(result["c"], FRAME["c"])
    pd.testing.assert_frame_equal(FRAME, before)


def test_denominate_by_zero_follows_ieee() -> None:
    result = denominate(pd.DataFrame({"a": [1.0, 0.0]}), denominators=pd.DataFrame({"d": [0.0, 0.0]}), by={"a": "d"})
    assert result["a"].iloc[0] == np.inf and np.isnan(result["a"].iloc[1])


@pytest.mark.parametrize(
    ("by", "denominators", "message"),
    [
        ({"zz": "Pop"}, pd.DataFrame({"Pop": [1.0] * 5}, index=UNITS), "indicator zz"),
        ({"a": "GDP"}, pd.DataFrame({"Pop": [1.0] * 5}, index=UNITS), "denominator GDP"),
        ({"a": "Pop"}, pd.DataFrame({"Pop": [1.0] * 4}, index=UNITS[:4]), "unit t has no denominator"),
    ],
)
def test_denominate_errors(by: dict[str, str], denominators: pd.DataFrame, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        denominate(FRAME, denominators=denominators, by=by)


def test_availability_table() -> None:
    summary = screen(FRAME).summary
    assert summary["N_missing"].tolist() == [0, 2, 0, 2, 1]
    assert summary["N_zero"].tolist() == [0, 0, 3, 0, 1]
    np.testing.assert_allclose(summary["Dat_Avail"], [1, 1 / 3, 1, 1 / 3, 2 / 3])
    np.testing.assert_allclose(summary["Non_Zero"], [1, 1, 0, 1, 0.5])


@pytest.mark.parametrize(
    ("kwargs", "removed"),
    [
        ({}, ["q", "s"]),
        ({"dat_thresh": 0.7}, ["q", "s", "t"]),
        ({"dat_thresh": 0.0}, []),
        ({"unit_screen": "byzeros"}, ["r"]),
        ({"unit_screen": "byzeros", "nonzero_thresh": 0.6}, ["r", "t"]),
        ({"unit_screen": "byNAandzeros"}, ["q", "r", "s"]),
        ({"force": {"q": True, "p": False}}, ["p", "s"]),
    ],
)
def test_screen(kwargs: dict[str, object], removed: list[str]) -> None:
    result = screen(FRAME, **kwargs)  # type: ignore[arg-type]
    assert result.removed == removed
    assert list(result.frame.index) == [u for u in UNITS if u not in removed]


def test_screen_unit_with_no_values_is_flagged_only_by_availability() -> None:
    frame = pd.DataFrame({"a": [1.0, NAN], "b": [1.0, NAN]}, index=["p", "q"])
    assert screen(frame, unit_screen="byzeros").removed == []
    assert screen(frame, unit_screen="byNAandzeros").removed == ["q"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit_screen": "byZeros"}, "not one of"),
        ({"dat_thresh": 1.5}, "between 0 and 1"),
        ({"force": {"zz": True}}, "zz"),
    ],
)
def test_screen_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        screen(FRAME, **kwargs)  # type: ignore[arg-type]


@given(st.permutations(UNITS))
def test_screen_invariant_to_row_order(order: list[str]) -> None:
    assert sorted(screen(FRAME.loc[order], dat_thresh=0.5).removed) == sorted(screen(FRAME, dat_thresh=0.5).removed)


def test_stages_chain_on_golden_data() -> None:
    fw = read_imeta(DATA / "imeta_small.csv")
    data = read_idata(DATA / "idata_small.csv", fw)
    per_head = denominate(data.indicators, denominators=data.denominators, by=fw.denominators, scale=10_000)
    assert per_head.loc["530100", "retail"] == pytest.approx(3500 / 860 * 10_000)
    kept = screen(per_head, dat_thresh=0.75).frame
    assert list(kept.index) == ["530100", "530300", "532900", "533100"]
    filled = impute(kept, method="i_median_grp", groups=data.groups["Region_group"])
    assert filled.loc["530300", "complaints"] == 800.0 and filled.loc["532900", "venues"] == 12.0
    scores = normalise(treat(filled).frame, method="n_minmax", directions=fw.directions)
    assert scores.loc["530100", "complaints"] == 0.0 and scores.loc["533100", "complaints"] == 100.0
