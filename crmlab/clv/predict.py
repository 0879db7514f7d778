"""What a fitted "buy till you die" model says about the future: discounted expected residual
transactions (DERT), the distribution of purchase counts P(X(t) = x), and the calibration-period
frequency fit that checks the model against the data it was fitted to.

Formulas and sources:

* DERT, Pareto/NBD: Fader, Hardie & Lee (2005b), "RFM and CLV: using iso-value curves for customer
  base analysis", *JMR* 42(4), continuous compounding.
* DERT, BG/NBD and MBG/NBD: the same definition, DERT = int_0^inf e^(-delta t) dE[X(T, T + t)], which
  for a customer alive at T with purchase rate lambda and drop-out probability p is lambda /
  (delta + p lambda). Its expectation over the posterior (lambda ~ Gamma(r + x, alpha + T),
  p ~ Beta(a, b + x), independent given alive; b + x + 1 for MBG/NBD) is one integral over p, done
  by Gauss-Jacobi quadrature, of a closed form in lambda.
* DERT, BG/BB: Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time noncontractual
  setting", *Marketing Science* 29(6), eq. (14).
* P(X(t) = x): BG/NBD, Fader, Hardie & Lee (2005a), "Counting your customers the easy way", eq. (8);
  MBG/NBD, Batislam, Denizel & Filiztekin (2007), the same argument with a death opportunity at time 0;
  Pareto/NBD, Fader & Hardie's note "Deriving an expression for P(X(t) = x) under the Pareto/NBD model"
  (the one-dimensional integral over the drop-out time, by Gauss-Legendre quadrature); BG/BB, FHS (2010).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import betainc, betaln, exp1, gammaincc, gammaln, hyp2f1, roots_jacobi, roots_legendre
from scipy.special import gamma as gamma_function

from crmlab.clv.models import BTYD_MODELS, log_likelihood_rows, model_name, probability_alive
from crmlab.errors import DataValidationError, ParameterError

ArrayLike = pd.Series | np.ndarray | Sequence[float] | float

#: Gauss-Jacobi nodes over the drop-out probability (BG/NBD, MBG/NBD DERT) and Gauss-Legendre nodes
#: over the drop-out time (Pareto/NBD pmf): both integrands are analytic on the closed interval, and
#: these orders give about 12 significant digits (see tests/test_clv_predict.py).
JACOBI_NODES = 80
LEGENDRE_NODES = 64


def _inputs(*values: ArrayLike) -> tuple[list[np.ndarray], pd.Index | None, tuple[int, ...]]:
    index = next((v.index for v in values if isinstance(v, pd.Series)), None)
    arrays = [np.asarray(v, dtype=float) for v in values]
    shape = np.broadcast(*arrays).shape
    return [np.broadcast_to(a, shape).ravel() for a in arrays], index, shape


def _result(values: np.ndarray, index: pd.Index | None, shape: tuple[int, ...], name: str) -> pd.Series | np.ndarray | float:
    values = np.asarray(values, dtype=float).reshape(shape)
    if index is not None:
        return pd.Series(values.ravel(), index=index, name=name)
    return float(values) if values.ndim == 0 else values


def _distinct_rows(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the columns and, per input row, the position of its row among them."""
    frame = pd.DataFrame({i: c for i, c in enumerate(columns)})
    codes = np.zeros(len(frame), dtype="int64")
    for column in frame.columns:
        code, values = pd.factorize(frame[column], sort=True)
        codes = codes * len(values) + code
    keys, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return [c[first] for c in columns], inverse


def _params(model: object, names: Sequence[str]) -> list[float]:
    return [float(model.params_[n]) for n in names]


def _check_history(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, discrete: bool) -> None:
    bad = (x < 0) | (t_x < 0) | (t_x > T) | ((x == 0) & (t_x != 0)) | ~np.isfinite(x + t_x + T) | (x % 1 != 0)
    if discrete:
        bad |= (x > t_x) | (t_x % 1 != 0) | (T % 1 != 0)
    if bad.any():
        raise ParameterError(
            f"{int(bad.sum())} customer histories are impossible (first at position {int(np.flatnonzero(bad)[0])}): "
            "need whole x >= 0, 0 <= t_x <= T, t_x = 0 when x = 0"
            + (" and, for BG/BB, whole t_x >= x and whole n" if discrete else "")
        )


# ---------------------------------------------------------------------------------------------------
# discounting


def gamma_tail_ratio(a: np.ndarray, z: np.ndarray) -> np.ndarray:
    """S(a, z) = E[c / (c + lambda)] for lambda ~ Gamma(a, rate b), z = c b; = z^a e^z G(1 - a, z).

    Equivalently int_0^inf e^(-v) (1 + v/z)^(-a) dv, between 0 and 1. Computed by the continued
    fraction of the upper incomplete gamma function for z >= 2 and, for z < 2, by the forward recurrence
    S(a + 1, z) = z (1 - S(a, z)) / a (stable there) from a in (0, 1], where
    S(a, z) = z^a e^z G(1 - a) Q(1 - a, z) (z e^z E_1(z) at a = 1).
    """
    a, z = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(z, dtype=float))
    out = np.empty(a.shape)
    large = z >= 2.0
    if large.any():  # modified Lentz on G(s, z) = e^-z z^s / (z + 1 - s - 1(1 - s)/(z + 3 - s - ...)), s = 1 - a
        aa, zz = a[large], z[large]
        tiny = 1e-300
        b = zz + aa
        c = np.full(aa.shape, 1.0 / tiny)
        d = 1.0 / b
        h = d.copy()
        for i in range(1, 2000):
            an = -i * (i - 1 + aa)
            b = b + 2.0
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1.0 / d
            step = d * c
            h = h * step
            if np.max(np.abs(step - 1.0)) < 1e-15:
                break
        out[large] = zz * h
    small = ~large
    if small.any():
        aa, zz = a[small], z[small]
        steps = np.ceil(aa - 1.0).astype(int)  # a0 = a - steps in (0, 1]
        a0 = aa - steps
        base = zz * np.exp(zz) * exp1(zz)  # a0 = 1
        frac = a0 < 1.0
        s0 = 1.0 - a0[frac]
        base[frac] = zz[frac] ** a0[frac] * np.exp(zz[frac]) * gamma_function(s0) * gammaincc(s0, zz[frac])
        value, current = base, a0
        for k in range(int(steps.max()) if steps.size else 0):
            move = k < steps
            value = np.where(move, zz * (1.0 - value) / current, value)
            current = np.where(move, current + 1.0, current)
        out[small] = value
    return out


def _continuous_rate(discount_rate: float) -> float:
    if not isinstance(discount_rate, (int, float, np.integer, np.floating)) or not discount_rate > 0:
        raise ParameterError(
            f"discount_rate={discount_rate!r} must be a number > 0 per model time unit, e.g. "
            "1.15 ** (1 / 52) - 1 = 0.00269 for 15% a year in a model in weeks"
        )
    return float(np.log1p(discount_rate))


def dert(
    model: object,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    discount_rate: float,
) -> pd.Series | np.ndarray | float:
    """Discounted expected residual transactions of customers with history (x, t_x, T).

    DERT is the present value, at the end of the observation period, of every future transaction
    (counted as 1); times the expected spend per transaction and the margin it is the customer's
    residual lifetime value (FHL 2005b). Unlike a CLV summed over a chosen horizon, it runs over the
    whole remaining lifetime.

    Parameters
    ----------
    model : fitted Pareto/NBD, BG/NBD, MBG/NBD or BG/BB model
    frequency, recency, T : array-like
        x, t_x and T as in the summary (BG/BB: x, the opportunity of the last transaction and the
        number n of opportunities).
    discount_rate : float
        d per model time unit (per opportunity for BG/BB): a transaction t units ahead is worth
        (1 + d)^-t. The continuous-time models discount continuously at delta = ln(1 + d) per unit:
        FHL (2005b) use delta = 0.0027 a week for 15% a year, i.e. d = 1.15^(1/52) - 1 = 0.00269.
        BG/BB uses d per opportunity as in FHS (2010) eq. (14), the first future opportunity
        discounted once.

    Returns
    -------
    Series, array or float
        As the inputs (a Series keeps their index).

    Notes
    -----
    * Pareto/NBD: DERT = P(alive) (r + x)/(alpha + T) (beta + T)^s delta^(s-1) U(s, s; delta(beta + T)),
      FHL (2005b)'s closed form written with P(alive); U is Tricomi's confluent hypergeometric function.
    * BG/NBD (MBG/NBD): DERT = P(alive) E[lambda / (delta + p lambda)] over lambda ~ Gamma(r + x,
      alpha + T) and p ~ Beta(a, b + x) (b + x + 1); the lambda expectation is closed form and the
      p one an 80-node Gauss-Jacobi sum.
    * BG/BB: DERT = B(alpha + x + 1, beta + n - x)/B(alpha, beta) * B(gamma, delta + n + 1) /
      (B(gamma, delta)(1 + d)) * 2F1(1, delta + n + 1; gamma + delta + n + 1; 1/(1 + d)) / L.
    """
    name = model_name(model)
    if name not in BTYD_MODELS:
        raise ParameterError(f"dert needs a BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model, not {name!r}")
    (x, t_x, age), index, shape = _inputs(frequency, recency, T)
    _check_history(x, t_x, age, discrete=name == "bgbb")
    if name == "bgbb":
        return _result(_dert_bgbb(model, x, t_x, age, discount_rate), index, shape, "dert")
    delta_c = _continuous_rate(discount_rate)
    (xu, tu, Tu), inverse = _distinct_rows(x, t_x, age)
    alive = np.asarray(probability_alive(model, xu, tu, Tu), dtype=float)
    (xk, Tk), key = _distinct_rows(xu, Tu)  # the alive-customer part depends on x and T only
    if name == "pareto_nbd":
        r, alpha, s, beta = _params(model, ("r", "alpha", "s", "beta"))
        part = (r + xk) / (alpha + Tk) * gamma_tail_ratio(np.full(len(Tk), s), delta_c * (beta + Tk)) / delta_c
    else:
        r, alpha, a, b = _params(model, ("r", "alpha", "a", "b"))
        part = _alive_dert_bgnbd(r, alpha, a, b + (1.0 if name == "mbgnbd" else 0.0), xk, Tk, delta_c)
    return _result((alive * part[key])[inverse], index, shape, "dert")


def _alive_dert_bgnbd(r: float, alpha: float, a: float, b: float, x: np.ndarray, T: np.ndarray, delta: float) -> np.ndarray:
    """E[lambda/(delta + p lambda)], lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x), per (x, T).

    For fixed p, E_lambda[lambda/(delta + p lambda)] = (1 - S(r + x, (alpha + T) delta / p)) / p with
    S = :func:`gamma_tail_ratio`; the p expectation is a Gauss-Jacobi sum with weight p^(a-1)(1-p)^(b+x-1).
    """
    out = np.empty(len(x))
    for value in np.unique(x):
        rows = x == value
        u, w = roots_jacobi(JACOBI_NODES, b + value - 1.0, a - 1.0)
        p = (1.0 + u) / 2.0
        w = w / w.sum()
        z = (alpha + T[rows])[:, None] * delta / p[None, :]
        ratio = gamma_tail_ratio(np.full(z.shape, r + value), z)
        out[rows] = ((1.0 - ratio) / p[None, :]) @ w
    return out


def _dert_bgbb(model: object, x: np.ndarray, t_x: np.ndarray, n: np.ndarray, discount_rate: float) -> np.ndarray:
    if not isinstance(discount_rate, (int, float, np.integer, np.floating)) or not discount_rate > 0:
        raise ParameterError(f"discount_rate={discount_rate!r} must be a number > 0 per transaction opportunity")
    alpha, beta, gamma, delta = _params(model, ("alpha", "beta", "gamma", "delta"))
    d = float(discount_rate)
    (xu, tu, nu), inverse = _distinct_rows(x, t_x, n)
    log_l = log_likelihood_rows(model, xu, tu, nu)
    log_value = (betaln(alpha + xu + 1, beta + nu - xu) - betaln(alpha, beta)
                 + betaln(gamma, delta + nu + 1) - betaln(gamma, delta) - np.log1p(d)
                 + np.log(hyp2f1(1.0, delta + nu + 1, gamma + delta + nu + 1, 1.0 / (1.0 + d))))
    return np.exp(log_value - log_l)[inverse]


# ---------------------------------------------------------------------------------------------------
# purchase counts


def _log_nbd(r: float, alpha: float, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """log P(N(t) = x) for a Poisson count with a Gamma(r, alpha) rate (the NBD)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (gammaln(r + x) - gammaln(r) - gammaln(x + 1) + r * np.log(alpha / (alpha + t))
                + np.where(x > 0, x * np.log(t / (alpha + t)), 0.0))


def _nbd_at_least(r: float, alpha: float, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """P(N(t) >= x) for the NBD: 1 - I_{alpha/(alpha+t)}(r, x) = I_{t/(alpha+t)}(x, r), and 1 at x = 0."""
    with np.errstate(invalid="ignore"):
        return np.where(x > 0, betainc(np.maximum(x, 1.0), r, t / (alpha + t)), 1.0)


def purchase_count_pmf(model: object, x: ArrayLike, t: ArrayLike) -> pd.Series | np.ndarray | float:
    """P(X(t) = x): the probability that a just-acquired customer makes exactly x repeat purchases in
    (0, t] (BG/BB: in the first t = n transaction opportunities).

    Parameters
    ----------
    model : fitted BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model
    x : array-like of whole numbers >= 0
    t : array-like, >= 0 (whole numbers for BG/BB)

    Returns
    -------
    Series, array or float
        As the inputs.

    Notes
    -----
    BG/NBD (FHL 2005a, eq. 8): B(a, b + x)/B(a, b) NBD(x; t) + [x > 0] B(a + 1, b + x - 1)/B(a, b)
    P(N(t) >= x). MBG/NBD: B(a, b + x + 1)/B(a, b) NBD(x; t) + B(a + 1, b + x)/B(a, b) P(N(t) >= x).
    Pareto/NBD: (beta/(beta + t))^s NBD(x; t) + int_0^t g(tau) NBD(x; tau) dtau with g the Pareto
    density of the drop-out time. BG/BB: C(n, x) B(alpha + x, beta + n - x)/B(alpha,
    beta) B(gamma, delta + n)/B(gamma, delta) + sum_{i=x}^{n-1} C(i, x) B(alpha + x, beta + i - x)/
    B(alpha, beta) B(gamma + 1, delta + i)/B(gamma, delta); FHS (2010).
    """
    name = model_name(model)
    if name not in BTYD_MODELS:
        raise ParameterError(f"purchase_count_pmf needs a BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model, not {name!r}")
    (xs, ts), index, shape = _inputs(x, t)
    if np.any((xs < 0) | (xs % 1 != 0) | ~np.isfinite(xs)):
        raise ParameterError("x must be whole numbers >= 0")
    if np.any((ts < 0) | ~np.isfinite(ts)) or (name == "bgbb" and np.any(ts % 1 != 0)):
        raise ParameterError("t must be >= 0" + (" and whole (opportunities) for BG/BB" if name == "bgbb" else ""))
    (xu, tu), inverse = _distinct_rows(xs, ts)
    if name == "bgbb":
        values = _pmf_bgbb(model, xu, tu)
    elif name == "pareto_nbd":
        values = _pmf_pareto(model, xu, tu)
    else:
        r, alpha, a, b = _params(model, ("r", "alpha", "a", "b"))
        shift = 1.0 if name == "mbgnbd" else 0.0
        alive = np.exp(betaln(a, b + xu + shift) - betaln(a, b) + _log_nbd(r, alpha, xu, tu))
        died_weight = np.exp(betaln(a + 1, np.maximum(b + xu - 1 + shift, 1e-300)) - betaln(a, b))
        died = np.where((xu > 0) | (shift > 0), died_weight * _nbd_at_least(r, alpha, xu, tu), 0.0)
        values = np.where(tu > 0, alive + died, (xu == 0).astype(float))
    return _result(values[inverse], index, shape, "pmf")


def _pmf_pareto(model: object, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    r, alpha, s, beta = _params(model, ("r", "alpha", "s", "beta"))
    alive = np.exp(s * np.log(beta / (beta + t)) + _log_nbd(r, alpha, x, t))
    # died at tau in (0, t): substitute tau = m (e^u - 1), u in [0, log(1 + t/m)], m = min(alpha, beta)
    m = min(alpha, beta)
    nodes, weights = roots_legendre(LEGENDRE_NODES)
    upper = np.log1p(t / m)[:, None]
    u = upper * (nodes[None, :] + 1.0) / 2.0
    tau = m * np.expm1(u)
    jacobian = (m + tau) * upper / 2.0
    log_density = np.log(s / beta) - (s + 1) * np.log1p(tau / beta)
    died = (np.exp(log_density + _log_nbd(r, alpha, x[:, None], tau)) * jacobian) @ weights
    values = alive + died
    return np.where(t > 0, values, (x == 0).astype(float))


def _pmf_bgbb(model: object, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    alpha, beta, gamma, delta = _params(model, ("alpha", "beta", "gamma", "delta"))
    def log_choose(k, j):
        return gammaln(k + 1) - gammaln(j + 1) - gammaln(k - j + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alive = np.exp(log_choose(n, x) + betaln(alpha + x, beta + n - x) - betaln(alpha, beta)
                       + betaln(gamma, delta + n) - betaln(gamma, delta))
        i = np.arange(int(n.max()) if n.size else 0)[None, :]
        died = np.exp(log_choose(i, x[:, None]) + betaln(alpha + x[:, None], beta + i - x[:, None]) - betaln(alpha, beta)
                      + betaln(gamma + 1, delta + i) - betaln(gamma, delta))
        died = np.where((i >= x[:, None]) & (i < n[:, None]), died, 0.0).sum(axis=1)
    return np.where(x <= n, alive + died, 0.0)


# ---------------------------------------------------------------------------------------------------
# model checking


def _column(summary: pd.DataFrame, names: Sequence[str]) -> str:
    hit = next((n for n in names if n in summary.columns), None)
    if hit is None:
        raise DataValidationError(
            f"the summary needs one of the columns {list(names)}", column=names[0],
            fix=f"the summary has {list(summary.columns)}; build it with crmlab.clv.rfm_summary",
        )
    return hit


def frequency_fit(model: object, summary: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Calibration-period fit: actual and expected numbers of customers with x = 0, 1, ..., ``max_frequency``+
    repeat purchases (FHL 2005a, Figure 1), and a chi-square goodness-of-fit statistic.

    The expected count in bin x is sum_i w_i P(X(T_i) = x) over customers i (weights w_i from a
    ``weights`` column, else 1), with each customer's own T_i (n_i for BG/BB); the last bin pools
    x >= ``max_frequency``. chi2 = sum (actual - expected)^2 / expected, with (bins - 1 - parameters)
    degrees of freedom, in ``attrs`` (``chi_square``, ``df``, ``p_value``).

    Parameters
    ----------
    model : fitted BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model
    summary : DataFrame
        The calibration summary the model was fitted to (``frequency`` or ``frequency_cal``; ``T`` or
        ``T_cal``, for BG/BB ``n_periods`` or ``periods``; optional ``weights``).
    max_frequency : int
        The first pooled bin (default 7: bins 0..6 and 7+).

    Returns
    -------
    DataFrame
        Index ``frequency`` ("0", ..., "7+"); columns ``actual`` and ``expected``.
    """
    name = model_name(model)
    if name not in BTYD_MODELS:
        raise ParameterError(f"frequency_fit needs a BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model, not {name!r}")
    if not (isinstance(max_frequency, (int, np.integer)) and max_frequency >= 1):
        raise ParameterError(f"max_frequency={max_frequency!r} must be a whole number >= 1")
    if not isinstance(summary, pd.DataFrame) or len(summary) == 0:
        raise DataValidationError("expected a non-empty summary DataFrame",
                                  fix="build it with crmlab.clv.rfm_summary or calibration_holdout")
    x = summary[_column(summary, ("frequency", "frequency_cal"))].to_numpy(dtype=float)
    age_names = ("n_periods", "periods", "n_periods_cal") if name == "bgbb" else ("T", "T_cal")
    age = summary[_column(summary, age_names)].to_numpy(dtype=float)
    weights = summary["weights"].to_numpy(dtype=float) if "weights" in summary.columns else np.ones(len(x))
    ages, which = np.unique(age, return_inverse=True)
    counts = np.bincount(which, weights=weights)
    bins = np.arange(max_frequency)
    grid_x, grid_t = np.meshgrid(bins, ages)
    pmf = np.asarray(purchase_count_pmf(model, grid_x.ravel(), grid_t.ravel()), dtype=float).reshape(grid_x.shape)
    expected = counts @ pmf
    total = weights.sum()
    expected = np.r_[expected, total - expected.sum()]
    actual = np.bincount(np.minimum(x, max_frequency).astype(int), weights=weights, minlength=max_frequency + 1)
    table = pd.DataFrame({"actual": actual[: max_frequency + 1], "expected": expected},
                         index=pd.Index([str(k) for k in bins] + [f"{max_frequency}+"], name="frequency"))
    chi_square = float(((table["actual"] - table["expected"]) ** 2 / table["expected"]).sum())
    df = len(table) - 1 - len(model.params_)
    table.attrs.update(chi_square=chi_square, df=df,
                       p_value=float(stats.chi2.sf(chi_square, df)) if df > 0 else float("nan"))
    return table
