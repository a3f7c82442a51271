"""Index inputs read through monitoring and the registry over a small real lake, as an analyst's run does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from websupport import Site, ingest_payments
from xinxiao import merchants, monitoring
from xinxiao.core import InvalidInput, system_principal
from xinxiao.db import transaction
from xinxiao.indices import RunRequest, run_index
from xinxiao.indices.definitions import get_definition
from xinxiao.indices.sources import Context, collect, parse_period

MARCH, MARCH_BEFORE = parse_period("2024-03"), parse_period("2023-03")


def _collect(site: Site, name: str, period: str = "2024-03", csv: pd.DataFrame | None = None) -> object:
    with site.runtime.sessions() as session:
        context = Context(
            session,
            system_principal(),
            site.runtime.analytics,
            monitoring.cube_sources(site.settings),
            "533400",
            parse_period(period),
            csv,
        )
        return collect(context, get_definition(name))


def _monitoring(site: Site, indicator: str, period: object, **filters: list[str]) -> dict[str, float]:
    with site.runtime.sessions() as session:
        ranking = monitoring.rank_subregions(
            session,
            actor=system_principal(),
            engine=site.runtime.analytics,
            cubes=monitoring.cube_sources(site.settings),
            indicator_id=indicator,
            start=period.start,  # type: ignore[attr-defined]
            end=period.end,
            region="533400",
            filters=filters or None,  # type: ignore[attr-defined]
        )
    return {r["adcode"]: r["value"] for r in ranking.records()}


def test_vitality_inputs_equal_the_monitoring_figures(lake_site: Site) -> None:
    inputs = _collect(lake_site, "vitality")
    values = inputs.values  # type: ignore[attr-defined]
    assert list(values.index) == ["533401", "533422", "533423"] and inputs.synthetic  # type: ignore[attr-defined]
    night = _monitoring(lake_site, "night_share", MARCH)
    assert values.loc["533401", "night_share"] == pytest.approx(night["533401"])
    now, before = (
        _monitoring(lake_site, "payment_turnover", MARCH),
        _monitoring(lake_site, "payment_turnover", MARCH_BEFORE),
    )
    assert values.loc["533422", "turnover_growth"] == pytest.approx((now["533422"] / before["533422"] - 1) * 100)
    digital = _monitoring(lake_site, "payment_turnover", MARCH, channel=["offline_qr", "online"])
    assert values.loc["533401", "digital_payment_share"] == pytest.approx(100 * digital["533401"] / now["533401"])
    assert values.loc["533423"].isna().all()  # 维西县 has no merchants and no payments in this lake
    # no platform orders were delivered: monitoring reads that as 0 % online (its formula's numerator is 0)
    assert values.loc[["533401", "533422"], "online_share"].tolist() == [0.0, 0.0]
    provenance = inputs.provenance["night_share"]  # type: ignore[attr-defined]
    assert provenance["source"] == "monitoring:night_share" and provenance["synthetic"] is True


def test_registry_measures_come_from_the_merchant_statistics(lake_site: Site) -> None:
    values = _collect(lake_site, "vitality").values  # type: ignore[attr-defined]
    with lake_site.runtime.sessions() as session:
        rows = {
            r.key: r
            for r in merchants.summary(
                session,
                actor=system_principal(),
                engine=lake_site.runtime.analytics,
                dimension="region",
                region="533400",
            )
        }
    assert values.loc["533401", "digital_rate"] == pytest.approx(100 * rows["533401"].digital_rate)


def test_a_run_imputes_the_missing_county_and_ranks_the_others(lake_site: Site) -> None:
    with transaction(lake_site.runtime.sessions) as session:
        run = run_index(
            session,
            actor=system_principal(),
            engine=lake_site.runtime.analytics,
            cubes=monitoring.cube_sources(lake_site.settings),
            request=RunRequest("vitality", "2024-03", "533400", samples=8),
        )
        imputed = run.payload["stages"]["imputed"]
        assert imputed["533423"]["night_share"] == pytest.approx(
            (imputed["533401"]["night_share"] + imputed["533422"]["night_share"]) / 2
        )
        assert run.synthetic and run.payload["uncertainty"]["samples"] == 8


def test_csv_sourced_indicators_need_the_input_file(lake_site: Site, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="needs an input CSV with the column complaints"):
        _collect(lake_site, "environment")
    csv = pd.DataFrame(
        {"complaints": [30, 12], "resolution_rate": [95.0, 90.0], "redress_days": [7.0, 12.0]},
        index=pd.Index(["533401", "533422"], name="uCode"),
    )
    values = _collect(lake_site, "environment", csv=csv).values  # type: ignore[attr-defined]
    turnover = _monitoring(lake_site, "payment_turnover", MARCH)
    assert values.loc["533401", "complaints_rate"] == pytest.approx(30 / turnover["533401"] * 10000)
    assert values.loc["533422", "resolution_rate"] == 90.0 and pd.isna(values.loc["533423", "redress_days"])


@pytest.fixture
def place_site(site: Site) -> Site:
    """A business district around the 香格里拉 merchants and one in 德钦, then a month of payments."""
    with transaction(site.runtime.sessions) as session:
        merchants.upsert_places(
            session,
            actor=system_principal(),
            places=[
                {
                    "code": "BD-1",
                    "name": "长征大道商圈",
                    "kind": "business_district",
                    "region_adcode": "533401",
                    "center_lat": 27.8290,
                    "center_lon": 99.7060,
                    "radius_m": 800,
                },
                {
                    "code": "BD-2",
                    "name": "德钦县城商圈",
                    "kind": "business_district",
                    "region_adcode": "533422",
                    "center_lat": 28.4860,
                    "center_lon": 98.9150,
                    "radius_m": 800,
                },
            ],
        )
    ingest_payments(site, MARCH.start, MARCH.end, seed=5)
    return site


def test_place_units_read_each_place_through_its_county(place_site: Site) -> None:
    inputs = _collect(place_site, "environment_district", csv=pd.DataFrame({"complaints": [3.0]}, index=["BD-1"]))
    values = inputs.values  # type: ignore[attr-defined]
    assert list(values.index) == ["BD-1", "BD-2"]
    with place_site.runtime.sessions() as session:
        series = monitoring.indicator_series(
            session,
            actor=system_principal(),
            engine=place_site.runtime.analytics,
            cubes=monitoring.cube_sources(place_site.settings),
            indicator_id="place_turnover",
            start=MARCH.start,
            end=MARCH.end,
            region="533401",
            grain="month",
            filters={"place": ["BD-1"]},
        )
    assert values.loc["BD-1", "place_turnover"] == pytest.approx(float(series.frame["value"].iloc[0]))
    assert values.loc["BD-2", "place_turnover"] > 0 and values.loc["BD-1", "complaints"] == 3.0
    assert values["footfall"].isna().all()  # no foot-traffic feed was delivered
