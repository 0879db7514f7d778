"""Generic statistics the topics share, wrapping statsmodels and scipy where they have the method.

Topic modules (:mod:`crmlab.adoption`, :mod:`crmlab.survey`, ...) call these rather than re-deriving a
standard interval, test, adjustment or model fit; each function checks its arguments and names them in
its errors. statsmodels does the work: ``proportion_confint`` (Wilson intervals), ``multipletests``
(Holm, Bonferroni and other p-value adjustments), ``DescrStatsW`` (weighted means), the formula
``logit`` and ``get_margeff`` (average marginal effects).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    ParameterError,
    SpecificationError,
    offending_rows,
    require_columns,
    require_rows,
)

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper


def wilson_interval(
    successes: int | np.ndarray, n: int | np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval for a binomial proportion (statsmodels' ``proportion_confint``).

    (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n), with p = successes/n and z the normal quantile.
    Wilson, E. B. (1927), JASA 22(158), 209-212. Unlike the Wald interval it stays inside [0, 1].

    Parameters
    ----------
    successes, n : int or array of int
        Counts of successes and of trials (n > 0, 0 <= successes <= n).
    confidence : float, default 0.95
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds.

    Examples
    --------
    >>> low, high = wilson_interval(8, 20)
    >>> round(float(low), 4), round(float(high), 4)
    (0.2188, 0.6134)
    """
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1, got {confidence!r}")
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    if np.any(m <= 0) or np.any(x < 0) or np.any(x > m):
        raise ParameterError(f"need 0 <= successes <= n and n > 0, got successes={successes!r}, n={n!r}")
    low, high = proportion_confint(x, m, alpha=1 - confidence, method="wilson")
    return np.asarray(low, dtype=float)[()], np.asarray(high, dtype=float)[()]  # scalars stay scalars


def chi2_independence(df: pd.DataFrame, row: str, col: str) -> pd.Series:
    """Pearson's chi-squared test of independence of two categorical columns, with Cramér's V.

    X² = Σ (O − E)² / E with E = row total × column total / n (no continuity correction);
    V = √(X² / (n (min(r, c) − 1))) (Cramér 1946). ``min_expected`` flags sparse tables (< 5).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit.
    row, col : str
        The two categorical columns (each with at least two levels).

    Returns
    -------
    pandas.Series
        ``chi2``, ``dof``, ``p_value``, ``cramers_v``, ``n``, ``min_expected``.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x"] * 10 + ["y"] * 10, "b": ["u"] * 8 + ["v"] * 2 + ["u"] * 2 + ["v"] * 8})
    >>> chi2_independence(df, "a", "b")[["chi2", "cramers_v"]].round(3).tolist()  # X² = 7.2, V = √(7.2/20)
    [7.2, 0.6]
    """
    require_columns(df, [row, col], what="the survey")
    table = pd.crosstab(df[row], df[col])
    if min(table.shape) < 2:
        raise DataValidationError(f"the table of {row!r} by {col!r} has only one level in a margin",
                                  column=row if table.shape[0] < 2 else col,
                                  fix="a test of independence needs at least two levels of each variable")
    chi2, p, dof, expected = sps.chi2_contingency(table.to_numpy(), correction=False)
    n = int(table.to_numpy().sum())
    v = np.sqrt(chi2 / (n * (min(table.shape) - 1)))
    return pd.Series({"chi2": chi2, "dof": dof, "p_value": p, "cramers_v": v, "n": n,
                      "min_expected": float(expected.min())})


def proportion_table(df: pd.DataFrame, outcome: str, by: str, confidence: float = 0.95,
                     order: Sequence[object] = ()) -> pd.DataFrame:
    """Share of rows with ``outcome`` == 1 in each ``by`` group, with Wilson intervals (:func:`wilson_interval`).

    Rows where ``outcome`` is missing (e.g. a question not asked) are left out of ``n``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit.
    outcome : str
        Column coded 1 (yes) / 0 (no), missing when not asked.
    by : str
        Grouping column.
    confidence : float, default 0.95
        Level of the intervals.
    order : sequence, optional
        Groups to list first, in this order; the others follow in order of appearance.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``n``, ``count``, ``share`` = count / n, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> df = pd.DataFrame({"adopted": [1, 0, 1, 1], "size": ["s", "s", "l", "l"]})
    >>> proportion_table(df, "adopted", "size", order=["l"])[["n", "count", "share"]]
          n  count  share
    size
    l     2      2    1.0
    s     2      1    0.5
    """
    require_columns(df, [outcome, by], what="the survey")
    asked = df[df[outcome].notna()]
    require_rows(asked, what=f"the rows with {outcome!r} answered")
    values = pd.to_numeric(asked[outcome], errors="coerce")
    bad = ~values.isin([0, 1])
    if bad.any():
        raise DataValidationError("must be 0 or 1", column=outcome, rows=offending_rows(bad), data=df,
                                  fix="code the outcome as 1 (yes) / 0 (no), missing when not asked")
    table = values.groupby(asked[by], sort=False).agg(n="size", count="sum")
    first = [c for c in order if c in table.index]
    table = table.loc[first + [c for c in table.index if c not in first]].astype("int64")
    table["share"] = table["count"] / table["n"]
    table["ci_low"], table["ci_high"] = wilson_interval(table["count"].to_numpy(), table["n"].to_numpy(), confidence)
    table.index.name = by
    return table


def fit_logit(df: pd.DataFrame, formula: str) -> BinaryResultsWrapper:
    """Fit a logit with the statsmodels formula API; warn about dropped rows, raise if it fails.

    Rows with a missing value in a model variable are dropped (statsmodels' default) and a
    :class:`~crmlab.errors.CrmlabWarning` says how many.

    Parameters
    ----------
    df : pandas.DataFrame
        The data.
    formula : str
        A statsmodels (patsy) formula, e.g. ``"adopted ~ np.log(employees) + C(sector)"``.

    Returns
    -------
    statsmodels BinaryResultsWrapper
        The fitted model (``params``, ``conf_int()``, ``get_margeff()``, ...).

    Raises
    ------
    SpecificationError
        The formula names a column the data lacks.
    ConvergenceError
        Perfect separation, or no convergence in 100 iterations.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [0, 0, 1, 0, 1, 1, 0, 1], "x": [1, 2, 3, 4, 5, 6, 3.5, 2.5]})
    >>> round(float(fit_logit(df, "y ~ x").params["x"]), 3)
    0.815
    """
    import statsmodels.formula.api as smf
    from patsy import PatsyError
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    require_rows(df, what="the data for the logit")
    try:
        with warnings.catch_warnings(), np.errstate(over="ignore"):
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)  # checked below, with a clearer message
            model = smf.logit(formula, data=df)
            result = model.fit(disp=0, maxiter=100)
    except PatsyError as exc:
        raise SpecificationError(f"the formula {formula!r}", [str(exc).splitlines()[0]],
                                 fix=f"use column names of the data: {list(df.columns)}") from exc
    except (PerfectSeparationError, PerfectSeparationWarning) as exc:
        raise ConvergenceError(
            f"perfect separation in {formula!r}: a predictor (or combination) predicts the outcome exactly; "
            "merge sparse categories or drop the predictor"
        ) from exc
    if not result.mle_retvals.get("converged", False):
        raise ConvergenceError(f"the logit {formula!r} did not converge in 100 iterations; "
                               "check for near-separation or rescale the predictors")
    dropped = len(df) - int(result.nobs)
    if dropped:
        warnings.warn(f"{dropped} row(s) with missing values in the model variables were left out of "
                      f"the logit {formula!r}", CrmlabWarning, stacklevel=2)
    return result


def average_marginal_effects(result: BinaryResultsWrapper, confidence: float = 0.95) -> pd.DataFrame:
    """Average marginal effects (AME) of a fitted logit: mean over firms of ∂P/∂x (discrete change for dummies).

    For x = ln(employees) the AME is the change in adoption probability per unit of ln(employees),
    i.e. per e-fold (×2.72) increase in employees. Uses statsmodels ``get_margeff(at="overall", dummy=True)``.

    Parameters
    ----------
    result : statsmodels BinaryResultsWrapper
        A fitted logit or probit (:func:`fit_logit`).
    confidence : float, default 0.95
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per regressor: ``ame``, ``se``, ``z``, ``p_value``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [0, 0, 1, 0, 1, 1, 0, 1], "x": [1, 2, 3, 4, 5, 6, 3.5, 2.5]})
    >>> round(float(average_marginal_effects(fit_logit(df, "y ~ x")).loc["x", "ame"]), 3)
    0.153
    """
    frame = result.get_margeff(at="overall", dummy=True).summary_frame(alpha=1 - confidence)
    frame.columns = ["ame", "se", "z", "p_value", "ci_low", "ci_high"]
    return frame

#: Adjustments :func:`adjust_pvalues` accepts (statsmodels' ``multipletests`` method names).
P_ADJUSTMENTS = ("bonferroni", "holm", "sidak", "holm-sidak", "simes-hochberg", "hommel", "fdr_bh", "fdr_by")


def adjust_pvalues(p_values: Sequence[float] | np.ndarray | pd.Series, method: str = "holm") -> np.ndarray:
    """p-values adjusted for multiple testing with statsmodels' ``multipletests``.

    Holm (1979): sort the m p-values, p_(k) -> max_{j <= k} min(1, (m - j + 1) p_(j)); Bonferroni:
    min(1, m p). Holm controls the family-wise error rate like Bonferroni and is never less powerful.

    Parameters
    ----------
    p_values : array-like of float
        Unadjusted p-values in [0, 1]; NaN (a test that could not be computed) stays NaN and does not
        count among the m tests.
    method : str, default "holm"
        One of :data:`P_ADJUSTMENTS`.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="bonferroni").round(2).tolist()
    [0.03, 0.12, 0.09]
    """
    from statsmodels.stats.multitest import multipletests

    if method not in P_ADJUSTMENTS:
        raise ParameterError(f"method must be one of {list(P_ADJUSTMENTS)}, got {method!r}")
    p = np.asarray(p_values, dtype=float)
    tested = ~np.isnan(p)
    if p.ndim != 1 or p.size == 0 or not np.all((p[tested] >= 0) & (p[tested] <= 1)):
        raise ParameterError(f"p_values must be one or more numbers in [0, 1], got {p_values!r}")
    out = np.full(p.shape, np.nan)
    if tested.any():
        out[tested] = multipletests(p[tested], method=method)[1]
    return out


def weighted_mean(values: Sequence[float] | np.ndarray | pd.Series,
                  weights: Sequence[float] | np.ndarray | pd.Series) -> pd.Series:
    """Weighted (design-weighted) mean with Kish's effective sample size (statsmodels ``DescrStatsW``).

    mean = sum_i w_i y_i / sum_i w_i (the Hajek estimator of a population mean or share when w_i is the
    inverse inclusion probability); n_eff = (sum_i w_i)^2 / sum_i w_i^2 (Kish 1965).

    Parameters
    ----------
    values : array-like of float
        Observations (0/1 for a share); no missing values.
    weights : array-like of float
        Non-negative weights, same length, not all zero.

    Returns
    -------
    pandas.Series
        ``mean`` (weighted), ``unweighted`` (plain mean), ``n`` and ``n_effective``.

    Examples
    --------
    >>> weighted_mean([1, 0, 0, 1], [1, 3, 3, 1]).round(3).tolist()
    [0.25, 0.5, 4.0, 3.2]
    """
    from statsmodels.stats.weightstats import DescrStatsW

    y = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if y.shape != w.shape or y.ndim != 1 or y.size == 0:
        raise ParameterError(f"values and weights must be two sequences of the same length, got {y.shape} and {w.shape}")
    if not np.all(np.isfinite(y)):
        raise ParameterError("values has missing or infinite entries; drop or impute them first")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ParameterError("weights must be finite, >= 0 and not all zero")
    stats_w = DescrStatsW(y, weights=w)
    return pd.Series({"mean": float(stats_w.mean), "unweighted": float(y.mean()), "n": float(y.size),
                      "n_effective": float(w.sum() ** 2 / np.sum(w**2))})
