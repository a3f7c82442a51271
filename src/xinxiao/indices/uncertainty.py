"""The uncertainty analysis of a shipped index run: rank intervals and Sobol indices over its spec alternatives.

The alternatives are the definition's ``uncertainty`` list (weights with noise, aggregation and imputation
choices …), sampled with SALib's Sobol' sequence from a fixed seed so that a run can be repeated exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from xinxiao.indices.definitions import Definition
from xinxiao.indices.pipeline import Build
from xinxiao.indices.sensitivity import get_sensitivity
from xinxiao.indices.sensitivity_choices import parse_choices


@dataclass(frozen=True)
class Uncertainty:
    """Per unit: nominal rank, median and the 5th–95th percentile interval; per choice: Sobol indices."""

    intervals: pd.DataFrame  # index uCode; rank, rank_median, rank_p05, rank_p95
    sobol: pd.DataFrame  # index choice name; S1, ST and their confidence half-widths
    converged: bool
    samples: int
    seed: int

    def as_data(self) -> dict[str, Any]:
        """Plain data for a run's payload."""
        return {
            "sobol": {str(k): {str(c): float(v) for c, v in row.items()} for k, row in self.sobol.iterrows()},
            "converged": self.converged,
            "samples": self.samples,
            "seed": self.seed,
        }


def analyse(result: Build, definition: Definition, *, samples: int, seed: int) -> Uncertainty | None:
    """The uncertainty of a build's index ranks, or None when the definition varies nothing or too few units."""
    units = result.aggregates["Index"].notna().sum()
    if not definition.uncertainty or samples <= 0 or units < 2:
        return None
    choices = parse_choices(list(definition.uncertainty), definition.id)
    spec, framework = definition.spec, definition.framework
    analysis = get_sensitivity(result.data, framework, spec, choices, n=samples, seed=seed, target="Index")
    stats = analysis.rank_stats.rename(
        columns={"Nominal": "rank", "Median": "rank_median", "Q5": "rank_p05", "Q95": "rank_p95"}
    )
    intervals = stats[["rank", "rank_median", "rank_p05", "rank_p95"]]
    return Uncertainty(intervals, analysis.indices, bool(analysis.convergence.converged), samples, seed)
