"""Analysis of indicators and results (OECD/JRC Handbook, part 1.5–1.7) as COINr implements it.

Read from ``bluefoxr/COINr``; the code is split by sub-concept into ``analysis_stats``, ``analysis_corr`` and
``analysis_units`` and gathered here.

* :func:`indicator_stats` follows ``get_stats.data.frame`` (``R/stats.R``): the same column names, the same
  defaults ``t_skew = 2``, ``t_kurt = 3.5``, ``t_avail = 0.65``, ``t_zero = 0.5``, ``t_unq = 0.5``, and the same
  flag rules (``Frc ≥ t`` is ``ok``; ``OUT`` when ``|Skew| > t_skew`` *and* ``Kurt > t_kurt``). Skew and
  kurtosis are COINr's ``skew``/``kurt`` (``R/utils.R``), i.e. e1071 type 2 = Excel = scipy ``bias=False``
  (excess kurtosis). Choices: COINr's *code* divides zeros and unique values by the number of rows for the
  flags but by the available values for the ``Frc`` columns; its documentation says the flags test the ``Frc``
  columns, which is what is done here (identical on complete data). ``Frc.Zero`` (zeros over available) is
  added. Where COINr stops (skew below 3 values, kurtosis below 4) the value is NaN, as for a constant column;
  a NaN skew or kurtosis is never flagged ``OUT``. No rounding (COINr's ``nsignif``): that is presentation.
* :func:`cronbach_alpha` follows ``get_cronbach`` (``R/correlations.R``): ``k²·mean(off-diagonal cov) /
  sum(cov)``, which is ``k/(k−1)·(1 − Σσ²_i/σ²_total)``. COINr's default is *pairwise* covariances
  (``use = "pairwise.complete.obs"``), not listwise deletion; ``use="complete"`` gives listwise deletion
  (R's ``"complete.obs"``). :func:`group_alpha` is ``get_cronbach(iCodes = group, Level = …)`` per group.
* :func:`correlations` is ``stats::cor(use = "pairwise.complete.obs")`` (Kendall = tau-b, as R). COINr's
  ``get_corr`` blanks correlations with ``p > 0.05`` by default; that option is not reproduced (R's exact
  Spearman/Kendall p-values differ from scipy's). :func:`level_correlations` is ``get_corr`` with
  ``withparent = TRUE`` (``against="parent"``) or ``"family"``.
* :func:`correlation_flags` follows ``get_corr_flags``: pairs of indicators in the same group at
  ``group_level`` (default 2), compared signed and strictly (``r > 0.9`` collinear, ``r < −0.4`` negative;
  COINr runs one threshold per call, ``thresh_type = "high"``/``"low"``). Each pair is reported once, in file
  order (COINr's doc says so; its code lists both orders). The ``weak`` flag (correlation with the group below
  0.2) is not in COINr: 0.2 is our choice, after the Handbook's advice that an indicator should correlate
  positively and not negligibly with its dimension.
* :func:`strengths_weaknesses` follows ``get_str_weak`` (``R/results.R``): sport ranks (``ties = "min"``,
  NA kept) of direction-adjusted values (pass ``directions`` for raw data, as COINr's ``adjust_direction``),
  ``unq_discard`` keeps indicators with ``length(unique(x))/length(x) > unq_discard`` (NA counted as a value,
  as in R), units' missing ranks are dropped, then the ``n`` best and ``bottom_n`` worst are taken from the
  stable sort by rank. ``min_discard`` drops indicators where the unit holds the worst rank: COINr's
  documentation applies it to strengths (a shared last place is no strength), its code to both lists; here it
  applies to strengths only, so a last place can still be a weakness. Values are reported unflipped.
* :func:`contributions`: COINr's ``plot_bar(stack_children = TRUE)`` scales the children to their parent
  without weights; here each child contributes ``w_i·x_i / Σ w_j`` over the available children (the rule of
  ``a_amean``), so the contributions sum to the parent's arithmetic-mean score.
"""

from __future__ import annotations

from xinxiao.indices.analysis_corr import (
    CORR_METHODS,
    CorrMethod,
    ancestors,
    correlation_flags,
    correlations,
    level_correlations,
)
from xinxiao.indices.analysis_stats import (
    STAT_COLUMNS,
    cronbach_alpha,
    group_alpha,
    indicator_stats,
    kurtosis,
    members,
    skewness,
)
from xinxiao.indices.analysis_units import StrengthsWeaknesses, contributions, strengths_weaknesses

__all__ = [
    "CORR_METHODS",
    "STAT_COLUMNS",
    "CorrMethod",
    "StrengthsWeaknesses",
    "ancestors",
    "contributions",
    "correlation_flags",
    "correlations",
    "cronbach_alpha",
    "group_alpha",
    "indicator_stats",
    "kurtosis",
    "level_correlations",
    "members",
    "skewness",
    "strengths_weaknesses",
]
