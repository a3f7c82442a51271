"""The adjusted view over the store: the real national 社零 series (merged 1–2月 included), STL and X-13."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy.orm import Session

from support import principal
from xinxiao.analytics import DuckDBEngine
from xinxiao.core import InvalidInput, NotFound, Role, system_principal
from xinxiao.monitoring import official
from xinxiao.monitoring.adjusted import adjusted_view

NATIONAL = {"indicator_id": "retail_sales", "region": "000000", "start": date(2012, 1, 1), "end": date(2018, 5, 31)}


@pytest.fixture
def loaded(session: Session) -> Session:
    official.load_national_reference(session, actor=system_principal())
    return session


@pytest.mark.parametrize("method", ["stl", "x13"])
def test_real_national_series_is_adjusted(loaded: Session, method: str) -> None:
    result = adjusted_view(
        loaded,
        actor=principal("533400"),
        engine=DuckDBEngine(),
        cubes=None,
        method=method,
        **NATIONAL,  # type: ignore[arg-type]
    )
    rows = {r["period"]: r for r in result["rows"]}
    # the merged 1–2月 total is split into January and February by their days (31 : 28.25)
    assert rows["2012-01"]["observed"] + rows["2012-02"]["observed"] == pytest.approx(33668.6)
    assert rows["2012-01"]["observed"] / rows["2012-02"]["observed"] == pytest.approx(31 / 28.25)
    observed = np.array([r["observed"] for r in result["rows"]])
    adjusted = np.array([r["adjusted"] for r in result["rows"]])
    # published levels carry basis breaks (2015, the revised 2018 base) that adjustment rightly keeps,
    # so the adjusted month-to-month changes are compared with the raw ones before the first break
    before = slice(0, 40)
    assert np.std(np.diff(np.log(adjusted[before]))) < 0.3 * np.std(np.diff(np.log(observed[before])))
    assert set(result["effects"]) == {"spring", "dragon_boat", "mid_autumn"}
    assert result["meta"]["method"] == method and result["meta"]["synthetic"] is False


def test_shares_and_scope_are_refused(loaded: Session) -> None:
    engine = DuckDBEngine()
    with pytest.raises(InvalidInput):
        adjusted_view(loaded, actor=principal("000000", Role.admin), engine=engine, cubes=None,
                      indicator_id="night_share", start=date(2020, 1, 1), end=date(2023, 12, 31))  # fmt: skip
    with pytest.raises(NotFound):
        adjusted_view(loaded, actor=principal("533422"), engine=engine, cubes=None, indicator_id="retail_sales",
                      region="420000", start=date(2020, 1, 1), end=date(2023, 12, 31))  # fmt: skip
