"""The one test module that reads ../shared: the package's copies of reference data are unchanged.

The product never reads ../shared at run time; it ships copies with their PROVENANCE. This checks the
copies byte for byte against the originals beside the repository (as in CI).
"""

from __future__ import annotations

import hashlib

import pytest

from support import REPO

pytestmark = pytest.mark.shared
SHARED = REPO.parent / "shared" / "data" / "geo"
PACKAGE = REPO / "src" / "xinxiao" / "reference" / "data"
COPIES = {
    "divisions/provinces.csv": "divisions/provinces.csv",
    "divisions/cities.csv": "divisions/cities.csv",
    "divisions/areas.csv": "divisions/areas.csv",
    "divisions/LICENSE.WTFPL": "divisions/LICENSE.WTFPL",
    "geo/china_provinces.geojson": "china_provinces.geojson",
    "geo/hubei_prefectures.geojson": "hubei_prefectures.geojson",
    "geo/diqing_counties.geojson": "diqing_counties.geojson",
}


def _sha(path) -> str:  # type: ignore[no-untyped-def]
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("copy", "original"), sorted(COPIES.items()))
def test_package_copy_matches_shared_original(copy: str, original: str) -> None:
    assert SHARED.is_dir(), f"{SHARED} is missing: this test needs the shared/ folder beside the repository"
    assert _sha(PACKAGE / copy) == _sha(SHARED / original)
    assert original.split("/")[-1] in (PACKAGE / "PROVENANCE.md").read_text(encoding="utf-8")


OFFICIAL_SHARED = REPO.parent / "shared" / "data" / "reference"
OFFICIAL_PACKAGE = REPO / "src" / "xinxiao" / "monitoring" / "data" / "official"
OFFICIAL_COPIES = (
    "nbs_retail_monthly_2012_2018.csv",
    "nbs_retail_releases_2017_2024.csv",
    "nbs_retail_sa_mom_vintage_2014-11.csv",
    "regional_bulletin_figures.csv",
)


@pytest.mark.parametrize("name", OFFICIAL_COPIES)
def test_official_series_copy_matches_shared_original(name: str) -> None:
    assert OFFICIAL_SHARED.is_dir(), f"{OFFICIAL_SHARED} is missing: this test needs the shared/ folder"
    assert _sha(OFFICIAL_PACKAGE / name) == _sha(OFFICIAL_SHARED / name)
    assert name in (OFFICIAL_PACKAGE / "PROVENANCE.md").read_text(encoding="utf-8")
