"""Synthetic demo data for the merchant registry (商业信息数据库): reproducible, realistic in shape, any size.

Everything produced here is SYNTHETIC and must be labelled so wherever it is shown. The frame is
real (county adcodes and names, GB/T 4754-2017 classes, GB/T 18106 业态, GB 32100 code structure,
well-known place names); shop names, codes, flags and positions are invented. Coordinates are
GCJ-02. The shape parameters live in ``data/synthetic_profiles.yaml``.

>>> profile = load_profile("diqing")
>>> places = generate_places(seed=7, profile=profile)
>>> [p["code"] for p in places if p["name"] == "独克宗古城"]
['SP-533401-001']
>>> row = next(generate_merchants(seed=7, n=1, profile=profile, places=places))
>>> tuple(row) == MERCHANT_CSV_COLUMNS, row["region_adcode"] in {"533401", "533422", "533423"}
(True, True)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from xinxiao.core import InvalidInput
from xinxiao.merchants.synthetic_batch import CHUNK, MERCHANT_CSV_COLUMNS, chunk_rows
from xinxiao.merchants.synthetic_places import PLACE_COLUMNS, check_places_cover, generate_places
from xinxiao.merchants.synthetic_profile import CountySpec, Profile, ProfileName, load_profile
from xinxiao.merchants.synthetic_tables import ProfileTables, compile_tables

__all__ = [
    "MERCHANT_CSV_COLUMNS",
    "PLACE_COLUMNS",
    "CountySpec",
    "Profile",
    "ProfileName",
    "generate_merchants",
    "generate_places",
    "load_profile",
    "write_csv",
]


def generate_merchants(
    *, seed: int, n: int, profile: Profile, places: Sequence[Mapping[str, Any]] | None = None
) -> Iterator[dict[str, Any]]:
    """Stream ``n`` synthetic merchants, keys in ``MERCHANT_CSV_COLUMNS`` order, reproducible from ``seed``.

    Rows come in blocks of 4096 drawn from their own seeded stream, so the first k rows of any
    run are the same whatever ``n`` is, and nothing beyond the current block is held in memory.
    ``places`` defaults to ``generate_places(seed=seed, profile=profile)``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InvalidInput(f"n must be a non-negative integer, got {n!r}")
    chosen = generate_places(seed=seed, profile=profile) if places is None else places
    check_places_cover(profile, chosen)
    return _stream(compile_tables(profile, chosen, seed), seed, n)


def _stream(tables: ProfileTables, seed: int, n: int) -> Iterator[dict[str, Any]]:
    for chunk, start in enumerate(range(0, n, CHUNK)):
        rows = chunk_rows(tables, seed, chunk)
        yield from rows[: n - start]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# csv writes None as an empty cell and other values with str() (dates come out ISO); only these differ.
_CELL: dict[type, Callable[[Any], str]] = {
    bool: lambda v: "true" if v else "false",
    dict: _json,
    list: _json,
}


def write_csv(
    path: Path | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    encoding: str = "utf-8",
    columns: Sequence[str] = MERCHANT_CSV_COLUMNS,
) -> int:
    """Write rows as CSV with a header of ``columns``; returns the number of data rows.

    Booleans become ``true``/``false``, dates ISO ``YYYY-MM-DD``, None an empty cell and dicts
    (place polygons) compact JSON. Characters the encoding cannot hold raise ``UnicodeEncodeError``.
    """
    count = 0
    with Path(path).open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [v if (convert := _CELL.get(type(v))) is None else convert(v) for v in map(row.__getitem__, columns)]
            )
            count += 1
    return count
