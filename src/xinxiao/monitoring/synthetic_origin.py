"""Where synthetic payers come from: an origin band per payment, then a 6-digit adcode in that band.

Bands follow ``schema.ORIGIN_BANDS``. A local payer carries the merchant's county; the rest of the
prefecture another county of the merchant's prefecture (or the prefecture's own code when the merchants
cover one county only); the rest of the province and other provinces come from weighted lists of
prefecture-level codes in ``data/synthetic.yaml``; abroad is ``schema.FOREIGN``; unknown is null.

>>> model = origin_model(pa.array(["533401", "533422", "533401"]), profile="diqing")
>>> model.counties, model.county.tolist()
(['533401', '533422'], [0, 1, 0])
>>> model.codes(np.array([0, 1]), np.array([0, 1]), np.random.default_rng(1)).to_pylist()
['533401', '533401']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from xinxiao.monitoring.schema import FOREIGN
from xinxiao.monitoring.synthetic_arrow import Floats, Ints
from xinxiao.monitoring.synthetic_shape import load_shape, profile_shape


@dataclass(frozen=True)
class _Pool:
    codes: list[str]
    cumulative: Floats
    prefix: Ints  # the part of each code that must differ from the merchant's (prefecture or province)

    def draw(self, own: Ints, u: Floats) -> Ints:
        """Weighted picks, moved to the next code where a pick shares the merchant's prefix."""
        index = np.minimum(np.searchsorted(self.cumulative, u, side="right"), len(self.codes) - 1)
        clash = self.prefix[index] == own
        return np.where(clash, (index + 1) % len(self.codes), index).astype(np.int64)


def _pool(weights: Mapping[str, float], digits: int) -> _Pool:
    codes = sorted(weights)
    share = np.array([weights[c] for c in codes], dtype=np.float64)
    cumulative = np.cumsum(share / share.sum())
    cumulative[-1] = 1.0
    return _Pool(codes, cumulative, np.array([int(c[:digits]) for c in codes], dtype=np.int64))


@dataclass(frozen=True)
class OriginModel:
    """Counties of the merchants, their tourism intensity, band mixes and the adcode pools."""

    counties: list[str]
    county: Ints  # merchant -> county index
    intensity: Floats  # county -> tourism intensity
    bands: Floats  # (2, 6): resident and visitor band probabilities
    province_pool: _Pool
    country_pool: _Pool

    def codes(self, county: Ints, band: Ints, rng: np.random.Generator) -> pa.Array:
        """The payer-origin column for rows of the given merchant counties and bands."""
        n_county = len(self.counties)
        u = rng.random(len(band))
        vocabulary = [*self.counties, *(c[:4] + "00" for c in self.counties), *self.province_pool.codes,
                      *self.country_pool.codes, FOREIGN]  # fmt: skip
        prefecture = np.array([int(c[:4]) for c in self.counties])[county]
        province = prefecture // 100
        sibling = self._sibling(county, u)
        candidates = np.stack(
            [
                county,
                sibling,
                2 * n_county + self.province_pool.draw(prefecture, u),
                2 * n_county + len(self.province_pool.codes) + self.country_pool.draw(province, u),
                np.full(len(band), len(vocabulary) - 1),
                np.zeros(len(band), dtype=np.int64),
            ]
        )
        index = candidates[np.minimum(band, 5), np.arange(len(band))]
        return pa.array(vocabulary, pa.string()).take(pa.array(index, mask=band == 5))

    def _sibling(self, county: Ints, u: Floats) -> Ints:
        """Another county of the same prefecture, or the prefecture's own code when there is none."""
        prefixes = np.array([c[:4] for c in self.counties])
        first = np.searchsorted(prefixes, prefixes, side="left")
        size = np.searchsorted(prefixes, prefixes, side="right") - first
        pick = first[county] + np.floor(u * np.maximum(size[county] - 1, 1)).astype(np.int64)
        pick = pick + (pick >= county)
        return np.where(size[county] > 1, pick, len(self.counties) + county).astype(np.int64)


def county_intensity(counties: Sequence[str], *, profile: str) -> Floats:
    """Each county's tourism intensity: the profile's entry with the longest matching adcode prefix.

    >>> county_intensity(["533401", "533423", "530100"], profile="diqing").tolist()
    [1.0, 0.3, 0.5]
    """
    tourism = profile_shape(profile)["tourism"]
    table: Mapping[str, float] = tourism["counties"]

    def one(county: str) -> float:
        matches = [prefix for prefix in table if county.startswith(prefix)]
        return float(table[max(matches, key=len)]) if matches else float(tourism["default_county"])

    return np.array([one(c) for c in counties], dtype=np.float64)


def origin_model(regions: pa.Array | pa.ChunkedArray, *, profile: str) -> OriginModel:
    """Index the merchants' counties and load the profile's origin parameters."""
    shape = profile_shape(profile)
    values = regions.to_numpy(zero_copy_only=False).astype(str)
    counties, county = np.unique(values, return_inverse=True)
    intensity = county_intensity([str(c) for c in counties], profile=profile)
    bands = np.array([shape["bands"]["resident"], shape["bands"]["tourist"]], dtype=np.float64)
    return OriginModel(
        counties=[str(c) for c in counties],
        county=county.astype(np.int64),
        intensity=intensity,
        bands=bands / bands.sum(axis=1, keepdims=True),
        province_pool=_pool(shape["rest_of_province"], 4),
        country_pool=_pool(load_shape()["other_provinces"], 2),
    )
