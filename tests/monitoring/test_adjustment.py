"""STL adjustment with festival regressors: planted effects recovered, real national series, bad input.

Tolerances follow from the noise: with σ = 0.5% irregular the 春节 coefficient's standard error is about
σ/√ΣH² = 0.37 pp (theoretical_se); a Monte Carlo of 60 seeds gave 0.46 pp for robust STL (docs/adjustment.md),
so estimates must fall within 4 theoretical SEs (1.5 pp, over 3 Monte Carlo SDs) of the planted effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from adjustmentsupport import (
    DAILY_TRUTH,
    calendar_month_r2,
    growth,
    merge_jan_feb,
    national_comparable,
    planted_daily,
    planted_monthly,
    smoothness_ratio,
    theoretical_se,
)
from xinxiao.core import InvalidInput
from xinxiao.monitoring.adjustment import adjust_stl, adjust_stl_daily, national_retail_monthly

PLANTED = {"spring": 0.08, "dragon_boat": 0.03, "mid_autumn": 0.05}


def _corr(a: pd.Series, b: pd.Series) -> float:
    return float(np.corrcoef(a.to_numpy(), b.to_numpy())[0, 1])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stl_recovers_a_planted_spring_festival_effect(seed: int) -> None:
    adj = adjust_stl(planted_monthly(seed, {"spring": 0.08}), festivals=["spring"])
    coef, se = adj.effects["spring"]
    tolerance = 4 * theoretical_se("spring")
    assert abs(coef - 0.08) < tolerance
    assert 0.5 < se / theoretical_se("spring") < 2.0  # the reported SE is of the right size
    assert abs(coef - 0.08) < 3 * se


def test_stl_recovers_all_three_festivals_jointly() -> None:
    adj = adjust_stl(planted_monthly(7, PLANTED))
    for key, size in PLANTED.items():
        assert abs(adj.effects[key].coef - size) < 4 * theoretical_se(key), key


def test_adjusted_series_keeps_no_festival_effect() -> None:
    y = planted_monthly(4, {"spring": 0.08})
    regressor = adjust_stl(y, festivals=["spring"]).regressors["spring"]
    with_festival, without = adjust_stl(y, festivals=["spring"]), adjust_stl(y, festivals=[])
    assert abs(_corr(np.log(with_festival.irregular), regressor)) < 0.15
    assert _corr(np.log(without.irregular), regressor) > 0.4  # the check can fail: plain STL leaves the effect
    assert abs(_corr(growth(with_festival.adjusted).iloc[1:], regressor.diff().iloc[1:])) < 0.2


def test_components_multiply_back_to_the_observed_series() -> None:
    adj = adjust_stl(planted_monthly(5, PLANTED))
    product = adj.trend * adj.seasonal * adj.holiday * adj.irregular
    np.testing.assert_allclose(product.to_numpy(), adj.observed.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose((adj.adjusted * adj.seasonal * adj.holiday).to_numpy(), adj.observed.to_numpy())
    assert adj.method == "stl"
    assert adj.params["not_identified"] == []


def test_merged_jan_feb_series_is_split_and_the_effect_stays_within_its_wider_error() -> None:
    full = planted_monthly(6, {"spring": 0.08})
    adj = adjust_stl(merge_jan_feb(full), festivals=["spring"])
    assert adj.params["merged_jan_feb"] is True
    months = pd.PeriodIndex(adj.observed.index)
    jan_feb = adj.observed[months.month <= 2].groupby(months[months.month <= 2].year).sum()
    np.testing.assert_allclose(jan_feb.to_numpy(), merge_jan_feb(full).dropna()[lambda s: s.index.month == 2])
    coef, se = adj.effects["spring"]
    assert se > 4 * theoretical_se("spring")  # only the window days leaving Jan–Feb identify the effect
    assert abs(coef - 0.08) < 3 * se


def test_daily_stl_recovers_a_planted_spring_festival_profile() -> None:
    adj = adjust_stl_daily(planted_daily(3))
    for key, size in DAILY_TRUTH.items():
        coef, se = adj.effects[key]
        assert abs(coef - size) < max(4 * se, 0.02), key
    spring_day = adj.adjusted["2020-01-25"] / adj.observed["2020-01-25"]  # 春节 2020: the dip is lifted
    assert spring_day > 1.2


def test_real_national_series_both_ways() -> None:
    published = adjust_stl(national_retail_monthly())
    comparable = adjust_stl(national_comparable())
    for adj in (published, comparable):
        assert adj.params["merged_jan_feb"] is True
        assert all(np.isfinite(c) and se > 0 for c, se in adj.effects.values())
        assert calendar_month_r2(adj.adjusted) < 0.35 < 0.8 < calendar_month_r2(adj.observed)
    assert smoothness_ratio(comparable) < 0.15
    assert smoothness_ratio(published) < 0.3


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"2012-05": -1.0}, "not positive"),
        ({"2012-05": np.nan}, "value missing for 2012-05"),
    ],
)
def test_bad_monthly_input(values: dict[str, float], match: str) -> None:
    y = planted_monthly(1, {"spring": 0.08})
    for month, value in values.items():
        y[pd.Period(month, "M")] = value
    with pytest.raises(InvalidInput, match=match):
        adjust_stl(y)


def test_too_short_and_unindexed_series_are_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 36"):
        adjust_stl(planted_monthly(1, {"spring": 0.08}).iloc[:30])
    with pytest.raises(InvalidInput, match="PeriodIndex or DatetimeIndex"):
        adjust_stl(pd.Series([1.0] * 40))
