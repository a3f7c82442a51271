"""Benchmark: a Sobol sensitivity analysis of an index, cached and vectorised, against the naive loop.

The data are generated from the seed: 50 units × 50 indicators → 8 pillars → 2 sub-indices → index, about 5%
of values missing, a fifth of the indicators log-normal (skewed), some with direction −1, integer weights 1–3.
The nominal spec imputes (i_mean), treats (winsorise, else log), normalises (min-max onto [1, 100]) and
aggregates (arithmetic mean). Five uncertain inputs: weight noise ±25% (100 weight sets), normalisation
(min-max, z-score, rank), aggregation (arithmetic, geometric), imputation on/off, treatment on/off.

(a) ``get_sensitivity``: each distinct upstream built once (prefixes shared), all runs of an upstream and an
    aggregation method aggregated together.
(b) the same analysis with ``naive=True``: ``build`` re-run from the raw data for every run of the same design.

Both run in this process on the same samples; the JSON line carries the largest difference of their scores,
ranks and indices, and the load averages (the machine may be shared). Prints one JSON line.

    .venv/bin/python benchmarks/indices_sa.py --samples 256
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import numpy as np
import pandas as pd

from machine import machine
from xinxiao.indices.framework import Framework, IndicatorData, read_idata, read_imeta
from xinxiao.indices.sensitivity import Sensitivity, get_sensitivity, parse_choices
from xinxiao.indices.spec import BuildSpec, parse_steps

PILLARS = 8
TREAT = {"winmax": 5, "skew_thresh": 2, "kurt_thresh": 3.5, "f2": "log_CT"}
NOMINAL = [
    {"impute": {"f_i": "i_mean"}},
    {"treat": TREAT},
    {"normalise": {"f_n": "n_minmax", "l_u": [1, 100]}},
    {"aggregate": {"f_ag": "a_amean"}},
]
CHOICES = [
    {"name": "weights", "kind": "noise", "step": "aggregate", "noise": 0.25, "replicates": 100},
    {
        "name": "normalisation",
        "kind": "discrete",
        "step": "normalise",
        # z-scores of 50 units lie within ±6.93 sd: 100 ± 10 z stays positive for the geometric mean
        "alternatives": [
            {"f_n": "n_minmax", "l_u": [1, 100]},
            {"f_n": "n_zscore", "m_sd": [100, 10]},
            {"f_n": "n_rank"},
        ],
    },
    {
        "name": "aggregation",
        "kind": "discrete",
        "step": "aggregate",
        "alternatives": [{"f_ag": "a_amean"}, {"f_ag": "a_gmean"}],
    },
    {"name": "imputation", "kind": "discrete", "step": "impute", "alternatives": [{"f_i": "i_mean"}, None]},
    {"name": "treatment", "kind": "discrete", "step": "treat", "alternatives": [TREAT, None]},
]


def framework(indicators: int, seed: int) -> Framework:
    """Indicators spread over 8 pillars; pillars 1–4 form sub-index S1, 5–8 form S2; both form the index."""
    rng = np.random.default_rng(seed)
    codes = [f"i{k:02d}" for k in range(indicators)]
    pillars = [f"P{k + 1}" for k in range(PILLARS)]
    rows: list[tuple[int, str, str | None, int, float]] = [
        (1, code, pillars[k % PILLARS], -1 if k % 7 == 3 else 1, float(rng.integers(1, 4)))
        for k, code in enumerate(codes)
    ]
    rows += [(2, p, "S1" if k < PILLARS // 2 else "S2", 1, 1.0) for k, p in enumerate(pillars)]
    rows += [(3, "S1", "Index", 1, 1.0), (3, "S2", "Index", 1, 1.0), (4, "Index", None, 1, 1.0)]
    meta = pd.DataFrame(rows, columns=["Level", "iCode", "Parent", "Direction", "Weight"])
    meta["Type"] = np.where(meta["Level"] == 1, "Indicator", "Aggregate")
    return read_imeta(meta)


def indicator_data(fw: Framework, units: int, seed: int) -> IndicatorData:
    """Normal indicators, a fifth log-normal (skewed), about 5% missing at random."""
    rng = np.random.default_rng(seed + 1)
    count = len(fw.indicators)
    values = rng.normal(50, 12, (units, count))
    skewed = np.arange(count) % 5 == 0
    values[:, skewed] = rng.lognormal(2, 1.1, (units, int(skewed.sum())))
    values[rng.random((units, count)) < 0.05] = np.nan
    frame = pd.DataFrame(values, columns=list(fw.indicators))
    frame.insert(0, "uCode", [f"{530100 + k}" for k in range(units)])
    return read_idata(frame, fw)


def timed(data: IndicatorData, fw: Framework, spec: BuildSpec, args: argparse.Namespace, naive: bool) -> Any:
    """One full analysis and its wall time."""
    started = time.perf_counter()
    result = get_sensitivity(
        data, fw, spec, parse_choices(CHOICES), n=args.samples, seed=args.seed, num_resamples=100, naive=naive
    )
    return result, time.perf_counter() - started


def difference(a: Sensitivity, b: Sensitivity) -> dict[str, float]:
    """The largest absolute differences between the two analyses."""
    return {
        "scores": float(np.nanmax(np.abs(a.scores.to_numpy() - b.scores.to_numpy()))),
        "ranks": float(np.nanmax(np.abs(a.ranks.to_numpy() - b.ranks.to_numpy()))),
        "indices": float(np.max(np.abs(a.indices.to_numpy() - b.indices.to_numpy()))),
    }


def main() -> None:
    """Generate the data, time both analyses and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=256, help="SALib base sample N (a power of 2)")
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20240210)
    args = parser.parse_args()
    fw = framework(args.indicators, args.seed)
    data, spec = indicator_data(fw, args.units, args.seed), parse_steps(NOMINAL)
    load_before = os.getloadavg()
    fast, fast_seconds = timed(data, fw, spec, args, naive=False)
    slow, slow_seconds = timed(data, fw, spec, args, naive=True)
    runs = int(fast.scores.shape[1])
    print(
        json.dumps(
            {
                "benchmark": "indices_sa",
                "units": args.units,
                "indicators": args.indicators,
                "levels": fw.max_level,
                "inputs": len(CHOICES),
                "base_samples": args.samples,
                "runs": runs,
                "distinct_specs": int(fast.picks.iloc[:, 1:].drop_duplicates().shape[0]),
                "a_cached_seconds": round(fast_seconds, 3),
                "a_cached_runs_per_s": round(runs / fast_seconds, 1),
                "b_naive_seconds": round(slow_seconds, 3),
                "b_naive_runs_per_s": round(runs / slow_seconds, 1),
                "ratio_b_over_a": round(slow_seconds / fast_seconds, 1),
                "max_abs_diff": difference(fast, slow),
                "total_indices": fast.indices["ST"].round(3).to_dict(),
                "converged": fast.convergence.converged,
            }
            | machine(load_before)
        )
    )


if __name__ == "__main__":
    main()
