"""Generic statistics the topics share, wrapping statsmodels and scipy where they have the method.

Topic modules (:mod:`crmlab.adoption`, :mod:`crmlab.survey`, ...) call these rather than re-deriving a
standard interval or test; each function checks its arguments and names them in its errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from crmlab.errors import DataValidationError, ParameterError, require_columns


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
