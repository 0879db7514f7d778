"""The log-likelihoods of the models, each defined once, one value per row or summed over patterns.

* BG/NBD: Fader, Hardie & Lee (2005a), *Marketing Science* 24(2), eq. (6);
* Pareto/NBD: Schmittlein, Morrison & Colombo (1987), as in Fader & Hardie (2005), "A note on deriving
  the Pareto/NBD model", eq. (18)-(20), evaluated in log space;
* MBG/NBD: Batislam, Denizel & Filiztekin (2007), *IJRM* 24(3);
* Gamma-Gamma: Fader, Hardie & Lee (2005b), *JMR* 42(4) (Hardie's note 025, eq. 1a);
* BG/BB: Fader, Hardie & Shang (2010), *Marketing Science* 29(6), eq. (5);
* sBG: Fader & Hardie (2007), in :mod:`crmlab.clv.contractual`.

Fits run on the distinct data patterns with their customer counts as weights (:class:`Patterns`), which
maximises the same likelihood as a fit on every customer. Parameters are in each model's natural order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, gammaln, hyp2f1

ArrayLike = pd.Series | np.ndarray | Sequence[float] | float


@dataclass
class Patterns:
    """Distinct data patterns and how many customers share each.

    Parameters
    ----------
    columns : dict of str to numpy.ndarray
        One value per pattern and column.
    weights : numpy.ndarray
        Customers per pattern.
    levels : dict
        Per column: its sorted distinct values and each pattern's code into them.

    Examples
    --------
    >>> data = distinct_patterns(pd.DataFrame({"frequency": [0, 1, 1]}), np.ones(3))
    >>> data.columns["frequency"].tolist(), data.weights.tolist()
    ([0.0, 1.0], [1.0, 2.0])
    """

    columns: dict[str, np.ndarray]
    weights: np.ndarray
    levels: dict[str, tuple[np.ndarray, np.ndarray]]

    def design(self, names: Sequence[str]) -> tuple[np.ndarray, ...]:
        """The columns ``names``, in that order."""
        return tuple(self.columns[n] for n in names)

    def pair_levels(self, first: str, second: str) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        """Distinct (first, second) value pairs and each pattern's code into them (cached)."""
        name = f"{first}|{second}"
        if name not in self.levels:
            (_, code_1), (values_2, code_2) = self.levels[first], self.levels[second]
            pairs, codes = np.unique(code_1 * len(values_2) + code_2, return_inverse=True)
            values_1 = self.levels[first][0]
            self.levels[name] = (values_1[pairs // len(values_2)], values_2[pairs % len(values_2)]), codes
        return self.levels[name]


def distinct_patterns(frame: pd.DataFrame, weights: np.ndarray) -> Patterns:
    """Distinct rows of ``frame`` and the summed ``weights`` of each (one int64 key per row).

    Parameters
    ----------
    frame : pandas.DataFrame
        Numeric columns.
    weights : numpy.ndarray
        One weight (customer count) per row.

    Returns
    -------
    Patterns

    Examples
    --------
    >>> data = distinct_patterns(pd.DataFrame({"x": [1, 0, 1], "t": [2.0, 0.0, 2.0]}), np.ones(3))
    >>> data.columns["x"].tolist(), data.weights.tolist()
    ([0.0, 1.0], [1.0, 2.0])
    """
    key = np.zeros(len(frame), dtype="int64")
    uniques = []
    for col in frame.columns:
        codes, values = pd.factorize(frame[col].to_numpy(), sort=True)
        key = key * len(values) + codes
        uniques.append(np.asarray(values, dtype=float))
    patterns, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount(inverse, weights=weights, minlength=len(patterns))
    codes_of = {}
    for col, values in zip(reversed(frame.columns), reversed(uniques)):
        codes_of[col] = patterns % len(values)
        patterns = patterns // len(values)
    return Patterns(
        columns={c: v[codes_of[c]] for c, v in zip(frame.columns, uniques)},
        weights=counts,
        levels={c: (v, codes_of[c]) for c, v in zip(frame.columns, uniques)},
    )


def weighted_sum(weights: np.ndarray, values: np.ndarray) -> float:
    """sum(weights * values) without BLAS: a threaded BLAS dot between other array operations wakes
    its thread pool at every call, which costs milliseconds on a busy machine.

    Parameters
    ----------
    weights, values : numpy.ndarray
        Of one length.

    Returns
    -------
    float

    Examples
    --------
    >>> weighted_sum(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    11.0
    """
    return float(np.einsum("i,i->", weights, values))


def _bgnbd_terms(params: Sequence[float], data: Patterns) -> tuple[np.ndarray, ...]:
    """The terms of the BG/NBD log-likelihood, FHL (2005a) eq. (6), per pattern (A1 + A2 per distinct x)."""
    r, alpha, a, b = params
    xu, xc = data.levels["frequency"]
    tu, tc = data.levels["recency"]
    Tu, Tc = data.levels["T"]
    a1_a2 = (gammaln(r + xu) - gammaln(r) + r * np.log(alpha)
             + gammaln(a + b) + gammaln(b + xu) - gammaln(b) - gammaln(a + b + xu))
    b_x = b + np.maximum(xu, 1) - 1
    c4 = np.where(xu > 0, np.log(a) - np.log(b_x), -np.inf)
    rx = r + xu[xc]
    log_T, log_t = np.log(alpha + Tu)[Tc], np.log(alpha + tu)[tc]
    a3 = -rx * log_T
    a4 = c4[xc] - rx * log_t
    return a1_a2, a3, a4, rx, log_T, log_t, b_x


def bgnbd_weighted(params: np.ndarray, data: Patterns) -> tuple[float, np.ndarray]:
    """BG/NBD log-likelihood summed over customers, FHL (2005a) eq. (6), and its analytic gradient.

    log L = A1 + A2 + log(exp(A3) + [x>0] exp(A4)) with A1 = lnG(r+x) - lnG(r) + r ln(alpha),
    A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x), A3 = -(r+x) ln(alpha+T),
    A4 = ln(a) - ln(b+x-1) - (r+x) ln(alpha+t_x). Terms that depend on x alone are computed once per
    distinct x, the logs once per distinct T and t_x; the gradient is with respect to (r, alpha, a, b).

    Parameters
    ----------
    params : numpy.ndarray
        (r, alpha, a, b).
    data : Patterns
        Columns ``frequency``, ``recency`` and ``T``.

    Returns
    -------
    tuple
        The log-likelihood and its gradient.

    Examples
    --------
    >>> data = distinct_patterns(pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]}), np.ones(1))
    >>> round(bgnbd_weighted(np.array([0.243, 4.414, 0.793, 2.426]), data)[0], 4)
    -9.4586
    """
    r, alpha, a, b = params
    a1_a2, a3, a4, rx, log_T, log_t, b_x = _bgnbd_terms(params, data)
    xu, xc = data.levels["frequency"]
    tu, tc = data.levels["recency"]
    Tu, Tc = data.levels["T"]
    w = data.weights
    w_x = np.bincount(xc, weights=w, minlength=len(xu))
    gap = a4 - a3
    small = np.exp(-np.abs(gap))
    total = weighted_sum(w_x, a1_a2) + weighted_sum(w, np.maximum(a3, a4) + np.log1p(small))
    w4 = np.where(gap > 0, 1.0, small) / (1.0 + small)  # posterior weight of "died after the last purchase"
    ww4 = w * w4
    d_r = (weighted_sum(w_x, digamma(r + xu) - digamma(r) + np.log(alpha)) - weighted_sum(w, log_T)
           + weighted_sum(ww4, log_T - log_t))
    d_alpha = w_x.sum() * r / alpha - weighted_sum(w * rx, (1 - w4) / (alpha + Tu)[Tc] + w4 / (alpha + tu)[tc])
    d_common = weighted_sum(w_x, digamma(a + b) - digamma(a + b + xu))
    d_a = d_common + ww4.sum() / a
    d_b = (d_common + weighted_sum(w_x, digamma(b + xu) - digamma(b))
           - weighted_sum(np.bincount(xc, weights=ww4, minlength=len(xu)), 1 / b_x))
    return total, np.array([d_r, d_alpha, d_a, d_b])


def bgnbd_loglik(params: Sequence[float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
    """BG/NBD log-likelihood of each (x, t_x, T), FHL (2005a) eq. (6): the terms of :func:`bgnbd_weighted`.

    Parameters
    ----------
    params : sequence of float
        (r, alpha, a, b).
    x, t_x, T : array-like
        Frequency, recency and age, broadcast together.

    Returns
    -------
    numpy.ndarray
        One log-likelihood per row.

    Examples
    --------
    >>> bgnbd_loglik([0.243, 4.414, 0.793, 2.426], [2, 0], [30.43, 0.0], [38.86, 38.86]).round(4).tolist()
    [-9.4586, -0.5547]
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t_x, T)))
    shape = arrays[0].shape
    x, t_x, T = (np.ravel(v) for v in arrays)
    levels = {}
    for name, values in (("frequency", x), ("recency", t_x), ("T", T)):
        codes, uniques = pd.factorize(values, sort=True)
        levels[name] = (np.asarray(uniques, dtype=float), codes)
    rows = Patterns(columns={"frequency": x, "recency": t_x, "T": T}, weights=np.ones(len(x)), levels=levels)
    a1_a2, a3, a4, *_ = _bgnbd_terms(params, rows)
    return (a1_a2[levels["frequency"][1]] + np.logaddexp(a3, a4)).reshape(shape)


def pareto_log_f(params: Sequence[float], x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """log F(t), F(t) = 2F1(r+s+x, k; r+s+x+1; |alpha-beta|/(m+t)) / (m+t)^(r+s+x), with m = max(alpha,
    beta) and k = s+1 if alpha >= beta else r+x (Fader & Hardie's Pareto/NBD note, eq. 19-20).

    Parameters
    ----------
    params : sequence of float
        (r, alpha, s, beta).
    x, t : numpy.ndarray

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> pareto_log_f([0.553, 10.578, 0.606, 11.669], np.array([2.0]), np.array([30.43])).round(4).tolist()
    [-11.7639]
    """
    r, alpha, s, beta = params
    m, k = (alpha, s + 1.0) if alpha >= beta else (beta, r + x)
    rsx = r + s + x
    return np.log(hyp2f1(rsx, k, rsx + 1.0, abs(alpha - beta) / (m + t))) - rsx * np.log(m + t)


def log_a0_from_f(log_f_tx: np.ndarray, log_f_T: np.ndarray) -> np.ndarray:
    """log A_0 = log(F(t_x) - F(T)) = log F(t_x) + log(1 - exp(log F(T) - log F(t_x))).

    Exactly -inf (A_0 = 0) when t_x = T, where a signed logsumexp returns NaN for heavy buyers.

    Parameters
    ----------
    log_f_tx, log_f_T : numpy.ndarray
        log F(t_x) and log F(T).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> log_a0_from_f(np.array([0.0, -1.0]), np.array([-1.0, -1.0])).round(4).tolist()
    [-0.4587, -inf]
    """
    with np.errstate(divide="ignore"):
        return log_f_tx + np.log(-np.expm1(np.minimum(log_f_T - log_f_tx, 0.0)))


def pareto_log_a0(params: Sequence[float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
    """log A_0 of the Pareto/NBD likelihood for each (x, t_x, T).

    Parameters
    ----------
    params : sequence of float
        (r, alpha, s, beta).
    x, t_x, T : array-like

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> pareto_log_a0([0.553, 10.578, 0.606, 11.669], 2, 30.43, 38.86).round(4)
    np.float64(-12.5781)
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return log_a0_from_f(pareto_log_f(params, x, t_x), pareto_log_f(params, x, T))


def pareto_from_a0(params: Sequence[float], x: np.ndarray, T: np.ndarray, log_a0: np.ndarray) -> np.ndarray:
    """Pareto/NBD log-likelihood, Fader & Hardie (2005) eq. (18), given log A_0.

    Parameters
    ----------
    params : sequence of float
        (r, alpha, s, beta).
    x, T, log_a0 : numpy.ndarray

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> params = [0.553, 10.578, 0.606, 11.669]
    >>> x, t_x, T = np.array([2.0]), np.array([30.43]), np.array([38.86])
    >>> bool(np.allclose(pareto_from_a0(params, x, T, pareto_log_a0(params, x, t_x, T)), pareto_loglik(params, x, t_x, T)))
    True
    """
    r, alpha, s, beta = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    died = np.log(s) - np.log(r + s + x) + log_a0
    return a1 + np.logaddexp(alive, died)


def pareto_loglik(params: Sequence[float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
    """Pareto/NBD log-likelihood of each (x, t_x <= T), finite everywhere.

    Parameters
    ----------
    params : sequence of float
        (r, alpha, s, beta).
    x, t_x, T : array-like

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> bool(np.isfinite(pareto_loglik([0.553, 10.578, 0.606, 11.669], [132.0], [200.0], [200.0])).all())
    True
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return pareto_from_a0(params, x, T, pareto_log_a0(params, x, t_x, T))


def pareto_weighted(params: np.ndarray, data: Patterns) -> tuple[float, None]:
    """Pareto/NBD log-likelihood summed over customers; F is computed once per distinct (x, t_x) and
    (x, T) pair (far fewer than the patterns), the rest per pattern.

    Parameters
    ----------
    params : numpy.ndarray
        (r, alpha, s, beta).
    data : Patterns

    Returns
    -------
    tuple
        The log-likelihood and ``None`` (no analytic gradient).

    Examples
    --------
    >>> data = distinct_patterns(pd.DataFrame({"frequency": [2, 2], "recency": [30.43, 30.43], "T": [38.86, 38.86]}), np.ones(2))
    >>> params = np.array([0.553, 10.578, 0.606, 11.669])
    >>> bool(np.isclose(pareto_weighted(params, data)[0], 2 * pareto_loglik(params, [2.0], [30.43], [38.86])[0]))
    True
    """
    (x_a, t_a), codes_a = data.pair_levels("frequency", "recency")
    (x_b, T_b), codes_b = data.pair_levels("frequency", "T")
    a0 = log_a0_from_f(pareto_log_f(params, x_a, t_a)[codes_a], pareto_log_f(params, x_b, T_b)[codes_b])
    rows = pareto_from_a0(params, data.columns["frequency"], data.columns["T"], a0)
    return weighted_sum(data.weights, rows), None


def mbgnbd_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """MBG/NBD, Batislam et al. (2007): A1 + A2 + A3 + log(1 + exp(A4)).

    Parameters
    ----------
    params : numpy.ndarray
        (r, alpha, a, b).
    x, t_x, T : numpy.ndarray

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> mbgnbd_loglik(np.array([0.525, 6.183, 0.891, 1.614]), np.array([0.0]), np.array([0.0]), np.array([38.86])).round(4).tolist()
    [-0.5398]
    """
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return a1 + a2 + a3 + np.logaddexp(a4, 0.0)


def gamma_gamma_loglik(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Density of a customer's mean spend m over x transactions, FHL (2005b) / Hardie note 025 eq. (1a).

    Parameters
    ----------
    params : numpy.ndarray
        (p, q, v).
    x, m : numpy.ndarray
        Transactions and mean spend.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> gamma_gamma_loglik(np.array([6.25, 3.74, 15.44]), np.array([2.0]), np.array([23.72])).round(4).tolist()
    [-3.5907]
    """
    p, q, v = params
    px = p * x
    return (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(x * m + v)
    )


def bgbb_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """BG/BB, Fader, Hardie & Shang (2010) eq. (5), as a log-sum-exp over the death opportunities.

    Parameters
    ----------
    params : numpy.ndarray
        (alpha, beta, gamma, delta).
    x, t_x, n : numpy.ndarray
        Transactions, opportunity of the last one, opportunities.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> bgbb_loglik(np.array([1.204, 0.750, 0.657, 2.783]), np.array([6.0]), np.array([6.0]), np.array([6.0])).round(4).tolist()
    [-2.1822]
    """
    alpha, beta, gamma, delta = params
    base = -betaln(alpha, beta) - betaln(gamma, delta)
    alive = betaln(alpha + x, beta + n - x) + betaln(gamma, delta + n)
    i = np.arange(int(np.max(n - t_x)))[None, :]
    died = betaln(alpha + x[:, None], beta + t_x[:, None] - x[:, None] + i) + betaln(gamma + 1, delta + t_x[:, None] + i)
    died = np.where(i < (n - t_x)[:, None], died, -np.inf)
    terms = np.column_stack([alive, died])
    top = terms.max(axis=1)
    return base + top + np.log(np.exp(terms - top[:, None]).sum(axis=1))
