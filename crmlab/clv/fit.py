"""Fit "buy till you die" models, check them on a holdout, and turn them into CLV.

Models (lifetimes' fitters, fitted here by maximum likelihood on the distinct (x, t_x, T) patterns
with ``weights`` = number of customers per pattern, which gives the same estimates as a fit on every
customer):

* ``"bgnbd"``       BG/NBD, Fader, Hardie & Lee (2005a), *Marketing Science* 24(2), eq. (6)
* ``"pareto_nbd"``  Pareto/NBD, Schmittlein, Morrison & Colombo (1987); likelihood as in Fader & Hardie
  (2005), "A note on deriving the Pareto/NBD model", eq. (18)-(20), evaluated in log space
* ``"mbgnbd"``      MBG/NBD, Batislam, Denizel & Filiztekin (2007), *IJRM* 24(3)
* ``"gamma_gamma"`` Gamma-Gamma spend model, Fader, Hardie & Lee (2005b), *JMR* 42(4)
* ``"bgbb"``        BG/BB for discrete opportunities, Fader, Hardie & Shang (2010), *Marketing Science* 29(6)
* ``"sbg"``         shifted-beta-geometric contractual retention, Fader & Hardie (2007), *J. Interactive
  Marketing* 21(1); its formulas live in :mod:`crmlab.clv.contractual`

Standard errors come from a central-difference Hessian of the weighted log-likelihood (every model,
Pareto/NBD included). Prediction functions accept Series or arrays and stay finite for heavy buyers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from crmlab.clv import _lifetimes as lt
from crmlab.clv.contractual import ShiftedBetaGeometricModel, churn_patterns, sbg_loglik, survivor_table
from crmlab.clv.data import holdout_periods
from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    ParameterError,
    check_rows,
    offending_rows,
)
from crmlab.transactions import check_freq, leave_out_after_end, period_codes, to_timestamp, validate_log

ArrayLike = pd.Series | np.ndarray | Sequence[float] | float

#: The non-contractual count models (they predict purchases and P(alive)).
BTYD_MODELS = ("bgnbd", "pareto_nbd", "mbgnbd", "bgbb")

# ---------------------------------------------------------------------------------------------------
# log-likelihoods, one value per row (params in the model's natural order)


def _dot(weights: np.ndarray, values: np.ndarray) -> float:
    """sum(weights * values) without BLAS: a threaded BLAS dot between other array operations wakes
    its thread pool at every call, which costs milliseconds on a busy machine."""
    return float(np.einsum("i,i->", weights, values))


def _bgnbd_weighted(params: np.ndarray, data: _Patterns) -> tuple[float, np.ndarray]:
    """BG/NBD log-likelihood summed over customers, FHL (2005a) eq. (6), and its analytic gradient.

    log L = A1 + A2 + log(exp(A3) + [x>0] exp(A4)) with A1 = lnG(r+x) - lnG(r) + r ln(alpha),
    A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x), A3 = -(r+x) ln(alpha+T),
    A4 = ln(a) - ln(b+x-1) - (r+x) ln(alpha+t_x). Terms that depend on x alone are computed once per
    distinct x, the logs once per distinct T and t_x; the gradient is with respect to (r, alpha, a, b).
    """
    r, alpha, a, b = params
    xu, xc = data.levels["frequency"]
    tu, tc = data.levels["recency"]
    Tu, Tc = data.levels["T"]
    w = data.weights
    w_x = np.bincount(xc, weights=w, minlength=len(xu))
    a1_a2 = (gammaln(r + xu) - gammaln(r) + r * np.log(alpha)
             + gammaln(a + b) + gammaln(b + xu) - gammaln(b) - gammaln(a + b + xu))
    b_x = b + np.maximum(xu, 1) - 1
    c4 = np.where(xu > 0, np.log(a) - np.log(b_x), -np.inf)
    rx = r + xu[xc]
    log_T, log_t = np.log(alpha + Tu)[Tc], np.log(alpha + tu)[tc]
    a3 = -rx * log_T
    a4 = c4[xc] - rx * log_t
    gap = a4 - a3
    small = np.exp(-np.abs(gap))
    total = _dot(w_x, a1_a2) + _dot(w, np.maximum(a3, a4) + np.log1p(small))
    w4 = np.where(gap > 0, 1.0, small) / (1.0 + small)  # posterior weight of "died after the last purchase"
    ww4 = w * w4
    d_r = _dot(w_x, digamma(r + xu) - digamma(r) + np.log(alpha)) - _dot(w, log_T) + _dot(ww4, log_T - log_t)
    d_alpha = w_x.sum() * r / alpha - _dot(w * rx, (1 - w4) / (alpha + Tu)[Tc] + w4 / (alpha + tu)[tc])
    d_common = _dot(w_x, digamma(a + b) - digamma(a + b + xu))
    d_a = d_common + ww4.sum() / a
    d_b = (d_common + _dot(w_x, digamma(b + xu) - digamma(b))
           - _dot(np.bincount(xc, weights=ww4, minlength=len(xu)), 1 / b_x))
    return total, np.array([d_r, d_alpha, d_a, d_b])


def _pareto_log_f(params: Sequence[float], x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """log F(t), F(t) = 2F1(r+s+x, k; r+s+x+1; |alpha-beta|/(m+t)) / (m+t)^(r+s+x), with m = max(alpha,
    beta) and k = s+1 if alpha >= beta else r+x (Fader & Hardie's Pareto/NBD note, eq. 19-20)."""
    r, alpha, s, beta = params
    m, k = (alpha, s + 1.0) if alpha >= beta else (beta, r + x)
    rsx = r + s + x
    return np.log(hyp2f1(rsx, k, rsx + 1.0, abs(alpha - beta) / (m + t))) - rsx * np.log(m + t)


def _log_a0(log_f_tx: np.ndarray, log_f_T: np.ndarray) -> np.ndarray:
    """log A_0 = log(F(t_x) - F(T)) = log F(t_x) + log(1 - exp(log F(T) - log F(t_x))).

    Exactly -inf (A_0 = 0) when t_x = T, where a signed logsumexp returns NaN for heavy buyers.
    """
    with np.errstate(divide="ignore"):
        return log_f_tx + np.log(-np.expm1(np.minimum(log_f_T - log_f_tx, 0.0)))


def _pareto_log_a0(params: Sequence[float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
    """log A_0 of the Pareto/NBD likelihood for each (x, t_x, T)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return _log_a0(_pareto_log_f(params, x, t_x), _pareto_log_f(params, x, T))


def _pareto_from_a0(params: Sequence[float], x: np.ndarray, T: np.ndarray, log_a0: np.ndarray) -> np.ndarray:
    """Pareto/NBD log-likelihood, Fader & Hardie (2005) eq. (18), given log A_0."""
    r, alpha, s, beta = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    died = np.log(s) - np.log(r + s + x) + log_a0
    return a1 + np.logaddexp(alive, died)


def _pareto_loglik(params: Sequence[float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
    """Pareto/NBD log-likelihood of each (x, t_x <= T), finite everywhere."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    return _pareto_from_a0(params, x, T, _pareto_log_a0(params, x, t_x, T))


def _pareto_weighted(params: np.ndarray, data: _Patterns) -> tuple[float, None]:
    """Pareto/NBD log-likelihood summed over customers; F is computed once per distinct (x, t_x) and
    (x, T) pair (far fewer than the patterns), the rest per pattern."""
    (x_a, t_a), codes_a = data.pair_levels("frequency", "recency")
    (x_b, T_b), codes_b = data.pair_levels("frequency", "T")
    log_a0 = _log_a0(_pareto_log_f(params, x_a, t_a)[codes_a], _pareto_log_f(params, x_b, T_b)[codes_b])
    rows = _pareto_from_a0(params, data.columns["frequency"], data.columns["T"], log_a0)
    return _dot(data.weights, rows), None


def _mbgnbd_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """MBG/NBD, Batislam et al. (2007): A1 + A2 + A3 + log(1 + exp(A4))."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return a1 + a2 + a3 + np.logaddexp(a4, 0.0)


def _gamma_gamma_loglik(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Density of a customer's mean spend m over x transactions, FHL (2005b) / Hardie note 025 eq. (1a)."""
    p, q, v = params
    px = p * x
    return (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(x * m + v)
    )


def _bgbb_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """BG/BB, Fader, Hardie & Shang (2010) eq. (5), as a log-sum-exp over the death opportunities."""
    alpha, beta, gamma, delta = params
    base = -betaln(alpha, beta) - betaln(gamma, delta)
    alive = betaln(alpha + x, beta + n - x) + betaln(gamma, delta + n)
    i = np.arange(int(np.max(n - t_x)))[None, :]
    died = betaln(alpha + x[:, None], beta + t_x[:, None] - x[:, None] + i) + betaln(gamma + 1, delta + t_x[:, None] + i)
    died = np.where(i < (n - t_x)[:, None], died, -np.inf)
    terms = np.column_stack([alive, died])
    top = terms.max(axis=1)
    return base + top + np.log(np.exp(terms - top[:, None]).sum(axis=1))


# ---------------------------------------------------------------------------------------------------
# model registry


class StableParetoNBDFitter(lt.ParetoNBDFitter):
    """lifetimes' Pareto/NBD fitter with the log-likelihood, A_0 and P(alive) computed in log space.

    lifetimes returns NaN for heavy buyers with t_x = T (a signed logsumexp of terms above 709);
    every prediction method of this subclass stays finite.
    """

    _log_A_0 = staticmethod(_pareto_log_a0)
    _conditional_log_likelihood = staticmethod(_pareto_loglik)

    def conditional_probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
        """P(alive | x, t_x, T), Fader & Hardie's note eq. (36), as a logistic of a log-odds."""
        r, alpha, s, beta = self._unload_params("r", "alpha", "s", "beta")
        x, t_x, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        log_odds_dead = (
            np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
            + _pareto_log_a0((r, alpha, s, beta), x, t_x, T)
        )
        return expit(-log_odds_dead)


@dataclass(frozen=True)
class _Model:
    name: str
    label: str
    fitter: type
    params: tuple[str, ...]
    columns: tuple[str, ...]
    loglik: Callable[..., np.ndarray] | None = None
    weighted: Callable[[np.ndarray, _Patterns], tuple[float, np.ndarray | None]] | None = None
    analytic_gradient: bool = False


MODELS: dict[str, _Model] = {
    m.name: m
    for m in (
        _Model("bgnbd", "BG/NBD", lt.BetaGeoFitter, ("r", "alpha", "a", "b"),
               ("frequency", "recency", "T"), weighted=_bgnbd_weighted,
               analytic_gradient=True),
        _Model("pareto_nbd", "Pareto/NBD", StableParetoNBDFitter, ("r", "alpha", "s", "beta"),
               ("frequency", "recency", "T"), _pareto_loglik, _pareto_weighted),
        _Model("mbgnbd", "MBG/NBD", lt.ModifiedBetaGeoFitter, ("r", "alpha", "a", "b"),
               ("frequency", "recency", "T"), _mbgnbd_loglik),
        _Model("gamma_gamma", "Gamma-Gamma", lt.GammaGammaFitter, ("p", "q", "v"),
               ("frequency", "monetary_value"), _gamma_gamma_loglik),
        _Model("bgbb", "BG/BB", lt.BetaGeoBetaBinomFitter, ("alpha", "beta", "gamma", "delta"),
               ("frequency", "recency", "n_periods"), _bgbb_loglik),
        _Model("sbg", "sBG", ShiftedBetaGeometricModel, ("gamma", "delta"), ("period", "alive"), sbg_loglik),
    )
}
_BY_CLASS = {lt.ParetoNBDFitter: "pareto_nbd", lt.ModifiedBetaGeoFitter: "mbgnbd"} | {
    m.fitter: m.name for m in MODELS.values()
}


def _model_of(model: object) -> _Model:
    name = getattr(model, "model_name_", None) or _BY_CLASS.get(type(model))
    if name is None or not hasattr(model, "params_"):
        raise ParameterError(
            f"expected a model fitted with crmlab.clv.fit (or a fitted lifetimes fitter), got "
            f"{type(model).__name__}; fit one with crmlab.clv.fit(summary, model='bgnbd')"
        )
    return MODELS[name]


def model_name(model: object) -> str:
    """The registry name of a fitted model (``"bgnbd"``, ``"pareto_nbd"``, ``"mbgnbd"``, ``"gamma_gamma"``,
    ``"bgbb"`` or ``"sbg"``); a :class:`~crmlab.errors.ParameterError` for anything else."""
    return _model_of(model).name


def _require(spec: _Model, allowed: Sequence[str], what: str) -> None:
    """Refuse a model that ``what`` is not defined for, naming the ones it is."""
    if spec.name not in allowed:
        labels = ", ".join(MODELS[name].label for name in allowed)
        raise ParameterError(f"{what} is defined for {labels}, not for the {spec.label} model; pass one of those")


# ---------------------------------------------------------------------------------------------------
# data preparation


def _columns_for(summary: pd.DataFrame, spec: _Model) -> dict[str, str]:
    """Map the model's column names to the summary's (plain, ``_cal`` suffixed, or ``periods``)."""
    if not isinstance(summary, pd.DataFrame):
        raise DataValidationError(
            f"expected a DataFrame summary, got {type(summary).__name__}",
            fix="build one with crmlab.clv.rfm_summary(transactions, ...)",
        )
    found, missing = {}, []
    for col in spec.columns:
        options = [col, f"{col}_cal"] + (["periods"] if col == "n_periods" else [])
        hit = next((c for c in options if c in summary.columns), None)
        found[col] = hit
        if hit is None:
            missing.append(col)
    if missing:
        raise DataValidationError(
            f"the {spec.label} model needs the column(s) {missing}",
            column=missing[0],
            fix=f"the summary has {list(summary.columns)}; build it with crmlab.clv.rfm_summary"
            + (" with monetary_col=... for the Gamma-Gamma model" if spec.name == "gamma_gamma" else ""),
        )
    return found


def _prepare(summary: pd.DataFrame, spec: _Model) -> _Patterns:
    """Validated distinct data patterns of ``summary`` and their customer counts (``weights``)."""
    names = _columns_for(summary, spec)
    if len(summary) == 0:
        raise EmptyDataError("the summary has no rows", fix="check the transaction log and the dates")
    frame = pd.DataFrame({k: pd.to_numeric(summary[v], errors="coerce") for k, v in names.items()})
    weights = summary["weights"].to_numpy(dtype=float) if "weights" in summary.columns else np.ones(len(frame))
    for col, source in names.items():
        check_rows(frame[col].isna(), column=source, problem="missing or non-numeric value", fix="fill in or remove these rows", data=summary)
        check_rows(~np.isfinite(frame[col]), column=source, problem="infinite value", fix="fix or remove these rows", data=summary)
    x = frame["frequency"]
    check_rows((x < 0) | (x % 1 != 0), column=names["frequency"], problem="frequency must be a whole number >= 0", fix="frequency counts repeat purchases; rebuild the summary with crmlab.clv.rfm_summary", data=summary)
    if spec.name == "gamma_gamma":
        repeat = x > 0
        m = frame["monetary_value"]
        bad = repeat & (m <= 0)
        if bad.any():
            warnings.warn(
                f"{int(bad.sum())} repeat buyer(s) with monetary_value <= 0 left out of the Gamma-Gamma fit "
                f"(the model needs positive spend; first rows: {offending_rows(bad)[:5]})",
                CrmlabWarning, stacklevel=3,
            )
        keep = (repeat & ~bad).to_numpy()
        if not keep.any():
            raise EmptyDataError(
                "no repeat buyer with positive spend: the Gamma-Gamma model is fitted on customers with "
                "frequency > 0", fix="check monetary_col and the calibration period"
            )
        frame, weights = frame.loc[keep], weights[keep]
    else:
        t_x, T = frame["recency"], frame[spec.columns[2]]
        check_rows(t_x < 0, column=names["recency"], problem="negative recency", fix="recency is time from first to last purchase", data=summary)
        check_rows(t_x > T, column=names["recency"], problem=f"recency larger than {spec.columns[2]}", fix="check observation_end: it must not be before the last purchase", data=summary)
        check_rows((x == 0) & (t_x != 0), column=names["recency"], problem="recency must be 0 when frequency is 0", fix="rebuild the summary with crmlab.clv.rfm_summary", data=summary)
        if spec.name == "bgbb":
            check_rows((x > t_x) | (t_x % 1 != 0) | (T % 1 != 0), column=names["recency"], problem="BG/BB needs whole-number recency and n_periods with frequency <= recency", fix="count transaction opportunities (e.g. years) as integers", data=summary)
    return _distinct(frame, weights)




@dataclass
class _Patterns:
    """Distinct data patterns: ``columns`` (one value per pattern), ``weights`` (customers per
    pattern) and ``levels`` (per column: sorted distinct values and each pattern's code into them)."""

    columns: dict[str, np.ndarray]
    weights: np.ndarray
    levels: dict[str, tuple[np.ndarray, np.ndarray]]

    def design(self, names: Sequence[str]) -> tuple[np.ndarray, ...]:
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


def _distinct(frame: pd.DataFrame, weights: np.ndarray) -> _Patterns:
    """Distinct rows of ``frame`` and the summed ``weights`` of each (one int64 key per row)."""
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
    return _Patterns(
        columns={c: v[codes_of[c]] for c, v in zip(frame.columns, uniques)},
        weights=counts,
        levels={c: (v, codes_of[c]) for c, v in zip(frame.columns, uniques)},
    )


# ---------------------------------------------------------------------------------------------------
# maximum likelihood


def numerical_hessian(f: Callable[[np.ndarray], float], x: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``x`` (steps per coordinate), from function values."""
    k = len(x)
    hess = np.empty((k, k))
    f0 = f(x)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = steps[i]
        hess[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / steps[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = steps[j]
            hess[i, j] = hess[j, i] = (
                f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
            ) / (4 * steps[i] * steps[j])
    return hess


class _Objective:
    """Mean negative log-likelihood of a model in log-parameters theta, its gradient and Hessian.

    The gradient is analytic where the model has one (BG/NBD), else a finite difference (forward while
    BFGS searches, central for the Newton steps); the Hessian is a central difference of the analytic
    gradient, or of function values.
    """

    def __init__(self, spec: _Model, data: _Patterns) -> None:
        self.spec, self.data = spec, data
        self.design = data.design(spec.columns)
        self.total = float(data.weights.sum())

    def log_likelihood(self, params: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            if self.spec.weighted is not None:
                return self.spec.weighted(params, self.data)[0]
            return _dot(self.data.weights, self.spec.loglik(params, *self.design))

    def value(self, theta: np.ndarray) -> float:
        value = -self.log_likelihood(np.exp(theta)) / self.total
        return value if np.isfinite(value) else 1e300

    def value_and_gradient(self, theta: np.ndarray, central: bool = True) -> tuple[float, np.ndarray]:
        """Objective and gradient: analytic, or central (forward with ``central=False``) differences."""
        params = np.exp(theta)
        if self.spec.weighted is not None:
            with np.errstate(all="ignore"):
                total, grad = self.spec.weighted(params, self.data)
            if grad is not None:
                value = -total / self.total
                return (value if np.isfinite(value) else 1e300), -grad * params / self.total
        value = self.value(theta)
        grad = np.empty_like(theta)
        for i in range(len(theta)):
            step = np.zeros_like(theta)
            if central:
                step[i] = 1e-6
                grad[i] = (self.value(theta + step) - self.value(theta - step)) / 2e-6
            else:
                step[i] = 1e-8
                grad[i] = (self.value(theta + step) - value) / 1e-8
        return value, grad

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        if not self.spec.analytic_gradient:
            return numerical_hessian(self.value, theta, np.full(len(theta), 1e-3))
        h = 1e-5
        columns = []
        for i in range(len(theta)):
            step = np.zeros_like(theta)
            step[i] = h
            upper, lower = self.value_and_gradient(theta + step)[1], self.value_and_gradient(theta - step)[1]
            columns.append((upper - lower) / (2 * h))
        hess = np.column_stack(columns)
        return (hess + hess.T) / 2

    def natural_hessian(self, theta: np.ndarray, hess: np.ndarray | None = None) -> np.ndarray:
        """Hessian of the total log-likelihood in the natural parameters p = exp(theta).

        d2 l / dp_i dp_j = (d2 l / dtheta_i dtheta_j - [i = j] dl / dtheta_i) / (p_i p_j).
        """
        hess = self.hessian(theta) if hess is None else hess
        grad = self.value_and_gradient(theta)[1]
        params = np.exp(theta)
        return -self.total * (hess - np.diag(grad)) / np.outer(params, params)


def _maximise(objective: _Objective, initial: Sequence[float] | None) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood log-parameters and the Hessian (in theta) of the mean negative log-likelihood.

    BFGS from ``initial`` (default: every parameter 1), then Newton steps with the numerical Hessian.
    """
    spec = objective.spec
    theta = np.zeros(len(spec.params)) if initial is None else np.log(np.asarray(initial, dtype=float))
    # a forward-difference gradient is only good to ~1e-8: stop BFGS at 1e-6 and let Newton finish
    gtol = 1e-8 if spec.analytic_gradient else 1e-6
    result = optimize.minimize(
        lambda t: objective.value_and_gradient(t, central=False), theta, jac=True, method="BFGS",
        options={"gtol": gtol, "maxiter": 1000},
    )
    start = theta = result.x
    hess = objective.hessian(theta)
    for _ in range(5):  # Newton steps with this Hessian: the BFGS point is already close
        try:
            step = np.linalg.solve(hess, objective.value_and_gradient(theta)[1])
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or np.max(np.abs(step)) > 0.5:
            break
        theta = theta - step
        if np.max(np.abs(step)) < 1e-10:
            break
    if np.max(np.abs(theta - start)) > 1e-4:
        hess = objective.hessian(theta)
    grad_norm = float(np.max(np.abs(objective.value_and_gradient(theta)[1])))
    eigen = np.linalg.eigvalsh(hess)
    if not (np.all(np.isfinite(theta)) and objective.value(theta) < 1e300 and grad_norm < 1e-6 and eigen.min() > 0):
        raise ConvergenceError(
            f"the {spec.label} fit did not converge (largest gradient {grad_norm:.2g}, estimates "
            f"{dict(zip(spec.params, np.round(np.exp(theta), 4)))}). Try: initial_params= near plausible "
            "values (e.g. the BG/NBD estimates for Pareto/NBD r and alpha), measuring time in larger units "
            "(freq_multiplier=7 for weeks), or a simpler model; a parameter running to 0 or infinity means "
            "the data cannot identify it (e.g. too few repeat buyers)."
        )
    return theta, hess


def fit(
    summary: pd.DataFrame | Sequence[float] | Mapping[str, Sequence[float]],
    model: str = "bgnbd",
    *,
    initial_params: Sequence[float] | None = None,
) -> lt.BaseFitter:
    """Fit a BTYD model, Gamma-Gamma or the contractual sBG model by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame, or survivor counts for ``model="sbg"``
        For the non-contractual models, a summary from :func:`rfm_summary` / :func:`calibration_holdout`
        (``_cal`` columns are used when the plain ones are absent; BG/BB wants ``frequency``,
        ``recency``, ``n_periods`` or ``periods``; a ``weights`` column counts customers per row).
        For ``"sbg"``, the customers still active at the start of periods 0..n, the first entry being
        the cohort size (list, array or Series); several cohorts fitted together (one gamma, delta)
        as a DataFrame with one column per cohort or a dict of lists of any lengths.
    model : str
        ``"bgnbd"``, ``"pareto_nbd"``, ``"mbgnbd"``, ``"gamma_gamma"``, ``"bgbb"`` or ``"sbg"``.
    initial_params : sequence of float, optional
        Starting values in the model's parameter order (default: all 1).

    Returns
    -------
    fitted model
        A lifetimes fitter (an :class:`~crmlab.clv.contractual.ShiftedBetaGeometricModel` for sBG)
        with ``params_``, ``standard_errors_``, ``variance_matrix_``, ``confidence_intervals_``,
        ``hessian_``, ``log_likelihood_``, ``n_customers_`` and ``model_name_``.

    Notes
    -----
    The fit runs on the distinct data patterns with their counts as weights, which maximises the same
    likelihood as a fit on every customer, without a penalizer.

    Examples
    --------
    >>> sbg = fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")  # FH (2007), regular
    >>> sbg.params_.round(3).tolist()
    [0.704, 1.182]
    """
    if model not in MODELS:
        raise ParameterError(f"unknown model {model!r}; choose one of {sorted(MODELS)}")
    spec = MODELS[model]
    if initial_params is not None and len(initial_params) != len(spec.params):
        raise ParameterError(f"initial_params needs {len(spec.params)} values, for {list(spec.params)}")
    survivors = None
    if spec.name == "sbg":
        survivors = survivor_table(summary)
        patterns = churn_patterns(survivors)
        data = _distinct(patterns[list(spec.columns)], patterns["weights"].to_numpy())
    else:
        data = _prepare(summary, spec)
    objective = _Objective(spec, data)
    theta, hess = _maximise(objective, initial_params)

    fitter = spec.fitter()
    fitter.params_ = pd.Series(np.exp(theta), index=list(spec.params))
    fitter.data = pd.DataFrame({**data.columns, "weights": data.weights})
    fitter.model_name_ = spec.name
    fitter.log_likelihood_ = objective.log_likelihood(fitter.params_.to_numpy())
    fitter.n_customers_ = int(round(objective.total))
    fitter._negative_log_likelihood_ = -fitter.log_likelihood_ / objective.total
    fitter._hessian_ = hess
    fitter._scale = 1.0
    _attach_standard_errors(fitter, objective.natural_hessian(theta, hess))
    if spec.name in ("bgnbd", "pareto_nbd", "mbgnbd"):
        fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time
    if survivors is not None:
        fitter.survivors_ = survivors
    return fitter


def _attach_standard_errors(fitter: lt.BaseFitter, hess: np.ndarray) -> None:
    """Covariance = inverse of minus the Hessian of the total log-likelihood; Wald 95% intervals."""
    names = fitter.params_.index
    try:
        cov = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        cov = np.full_like(hess, np.nan)
    fitter.hessian_ = pd.DataFrame(hess, index=names, columns=names)
    fitter.variance_matrix_ = pd.DataFrame(cov, index=names, columns=names)
    fitter.standard_errors_ = pd.Series(np.sqrt(np.diag(cov)), index=names)
    fitter.confidence_intervals_ = pd.DataFrame(
        {
            "lower 95% bound": fitter.params_ - 1.96 * fitter.standard_errors_,
            "upper 95% bound": fitter.params_ + 1.96 * fitter.standard_errors_,
        }
    )


def _objective_of(model: lt.BaseFitter, spec: _Model) -> _Objective:
    """The objective of a fitted model on the data it was fitted to (``weights`` count customers)."""
    data = model.data
    weights = data["weights"].to_numpy(dtype=float) if "weights" in data else np.ones(len(data))
    columns = {c: data[c] if c in data else data["n_periods"] for c in spec.columns}
    return _Objective(spec, _distinct(pd.DataFrame(columns), weights))


def log_likelihood(model: lt.BaseFitter) -> float:
    """Log-likelihood of a fitted model on the data it was fitted to (weights count customers)."""
    spec = _model_of(model)
    if hasattr(model, "log_likelihood_"):
        return float(model.log_likelihood_)
    return _objective_of(model, spec).log_likelihood(model.params_[list(spec.params)].to_numpy())


def log_likelihood_rows(model: lt.BaseFitter, *columns: ArrayLike) -> np.ndarray:
    """Log-likelihood of each data row under a fitted model, columns in the model's order
    (BG/BB: x, t_x, n; Pareto/NBD, MBG/NBD, BG/NBD: x, t_x, T; Gamma-Gamma: x, mbar)."""
    spec = _model_of(model)
    if len(columns) != len(spec.columns):
        raise ParameterError(f"the {spec.label} likelihood takes the columns {list(spec.columns)}")
    params = model.params_[list(spec.params)].to_numpy(dtype=float)
    arrays = [np.atleast_1d(np.asarray(c, dtype=float)) for c in columns]
    with np.errstate(all="ignore"):
        if spec.name == "bgnbd":
            x, t_x, T = np.broadcast_arrays(*arrays)
            r, alpha, a, b = params
            a1_a2 = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x)
                     - gammaln(b) - gammaln(a + b + x))
            a3 = -(r + x) * np.log(alpha + T)
            a4 = np.where(x > 0, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
            return a1_a2 + np.logaddexp(a3, a4)
        return spec.loglik(params, *np.broadcast_arrays(*arrays))


def parameter_table(model: lt.BaseFitter) -> pd.DataFrame:
    """``estimate``, ``std_error``, ``ci_lower``, ``ci_upper`` (95%, Wald) for every parameter.

    Standard errors are the square roots of the diagonal of the inverse of minus the numerical
    (central-difference) Hessian of the weighted log-likelihood at the estimates, so Pareto/NBD gets
    them too (lifetimes' Pareto/NBD has none). Works for lifetimes fitters fitted elsewhere.
    """
    spec = _model_of(model)
    est = model.params_[list(spec.params)]
    if hasattr(model, "hessian_"):
        se = model.standard_errors_[list(spec.params)]
    else:  # fitted elsewhere: compute, without changing the model
        hess = _objective_of(model, spec).natural_hessian(np.log(est.to_numpy()))
        se = pd.Series(np.sqrt(np.diag(np.linalg.inv(-hess))), index=est.index)
    return pd.DataFrame(
        {"estimate": est, "std_error": se, "ci_lower": est - 1.96 * se, "ci_upper": est + 1.96 * se}
    ).rename_axis("parameter")


# ---------------------------------------------------------------------------------------------------
# predictions


def _as_arrays(*values: ArrayLike) -> tuple[list[np.ndarray], pd.Index | None]:
    index = next((v.index for v in values if isinstance(v, pd.Series)), None)
    arrays = [np.asarray(v, dtype=float) for v in values]
    return arrays, index


def _output(values: np.ndarray, index: pd.Index | None, name: str, *inputs: np.ndarray) -> pd.Series | np.ndarray | float:
    """A Series on the inputs' index, an array shaped like the broadcast inputs, or a float for scalars."""
    shape = np.broadcast(*inputs).shape if inputs else np.shape(values)
    values = np.broadcast_to(np.asarray(values, dtype=float).reshape(()) if np.size(values) == 1 else values, shape)
    if index is not None:
        return pd.Series(np.array(values), index=index, name=name)
    return float(values) if values.ndim == 0 else np.array(values)


def expected_purchases(
    model: lt.BaseFitter, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, t: ArrayLike
) -> pd.Series | np.ndarray | float:
    """E[X(T, T+t) | x, t_x, T]: expected purchases in the next ``t`` time units (BG/NBD: FHL eq. 10).

    For BG/BB, ``T`` is the number of past opportunities and ``t`` the number of future ones.
    Returns a Series when any input is a Series (its index kept), an array for arrays, a float for
    scalars.
    """
    spec = _model_of(model)
    (x, t_x, age, horizon), index = _as_arrays(frequency, recency, T, t)
    if np.any(horizon < 0):
        raise ParameterError("t (the forecast horizon) must be >= 0")
    if spec.name == "gamma_gamma":
        raise ParameterError("the Gamma-Gamma model predicts spend, not purchases; pass a BTYD model")
    _require(spec, BTYD_MODELS, "expected_purchases")
    with np.errstate(all="ignore"):  # BG/BB reads (t, x, t_x, T) as (future, x, t_x, past) opportunities
        out = model.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, age)
    return _output(np.where(horizon == 0, 0.0, out), index, "expected_purchases", x, t_x, age, horizon)


def probability_alive(
    model: lt.BaseFitter, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, at: str = "next"
) -> pd.Series | np.ndarray | float:
    """P(alive | x, t_x, T): the probability that a customer with this history has not dropped out.

    Parameters
    ----------
    model : fitted BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model
    frequency, recency, T : array-like
        x, t_x and T (for BG/BB: repeat transactions, the opportunity of the last one, and the number
        n of opportunities observed).
    at : {"next", "last"}
        BG/BB only. ``"next"`` (default): P(alive at opportunity n + 1), the customer is still there to
        act at the next opportunity, which is what Fader, Hardie & Shang (2010) tabulate:
        B(alpha + x, beta + n - x) B(gamma, delta + n + 1) / (B(alpha, beta) B(gamma, delta) L).
        ``"last"``: P(alive at opportunity n), the last one observed; it is 1 for anyone who
        transacted at n (t_x = n), since death happens only between opportunities. For the
        continuous-time models both mean P(alive at T) (BG/NBD: Fader, Hardie & Lee 2008, note 021;
        Pareto/NBD: eq. 36 of Fader & Hardie's note 009).

    Returns
    -------
    Series, array or float
        As the inputs (a Series keeps their index).
    """
    spec = _model_of(model)
    if at not in ("next", "last"):
        raise ParameterError(f'at={at!r}: use "next" (the next opportunity) or "last" (the last one observed)')
    if spec.name == "gamma_gamma":
        raise ParameterError("the Gamma-Gamma model has no P(alive); pass a BTYD model")
    _require(spec, BTYD_MODELS, "probability_alive")
    (x, t_x, age), index = _as_arrays(frequency, recency, T)
    with np.errstate(all="ignore"):
        if spec.name == "bgbb":
            params = model.params_[list(spec.params)].to_numpy(dtype=float)
            alpha, beta, gamma, delta = params
            xs, ts, ns = (v.ravel() for v in np.broadcast_arrays(np.atleast_1d(x), np.atleast_1d(t_x), np.atleast_1d(age)))
            ahead = 1.0 if at == "next" else 0.0
            log_alive = (betaln(alpha + xs, beta + ns - xs) - betaln(alpha, beta)
                         + betaln(gamma, delta + ns + ahead) - betaln(gamma, delta))
            out = np.exp(log_alive - _bgbb_loglik(params, xs, ts, ns)).reshape(np.broadcast(x, t_x, age).shape)
        else:
            out = model.conditional_probability_alive(x, t_x, age)
    return _output(out, index, "p_alive", x, t_x, age)


def expected_repeat_purchases(model: lt.BaseFitter, t: ArrayLike) -> pd.Series | np.ndarray:
    """E[X(t)]: expected repeat purchases of a just-acquired customer within ``t`` time units.

    BG/NBD: FHL (2005a) eq. (9); Pareto/NBD and MBG/NBD: their analogues (lifetimes). BG/BB: ``t`` is a
    whole number n of transaction opportunities and, Fader, Hardie & Shang (2010),
    E[X(n)] = alpha/(alpha + beta) * delta/(gamma - 1) * [1 - G(gamma + delta) G(1 + delta + n) /
    (G(gamma + delta + n) G(1 + delta))], G the gamma function.
    """
    spec = _model_of(model)
    _require(spec, BTYD_MODELS, "expected_repeat_purchases")
    (horizon,), index = _as_arrays(t)
    if np.any(horizon < 0):
        raise ParameterError("t must be >= 0")
    if spec.name == "bgbb":
        if np.any(horizon % 1 != 0):
            raise ParameterError("for BG/BB, t counts transaction opportunities: whole numbers only")
        alpha, beta, gamma, delta = model.params_[list(spec.params)]
        ratio = np.exp(gammaln(gamma + delta) + gammaln(1 + delta + horizon) - gammaln(gamma + delta + horizon)
                       - gammaln(1 + delta))
        # (1 - ratio) / (gamma - 1) is continuous at gamma = 1; keep the closed form away from it
        out = alpha / (alpha + beta) * delta * (1 - ratio) / (gamma - 1)
        return _output(out, index, "expected_repeat_purchases", horizon)
    out = np.where(horizon > 0, model.expected_number_of_purchases_up_to_time(np.maximum(horizon, 1e-12)), 0.0)
    return _output(out, index, "expected_repeat_purchases", horizon)


def expected_spend(
    model: lt.BaseFitter, frequency: ArrayLike, monetary_value: ArrayLike
) -> pd.Series | np.ndarray | float:
    """E[Z | x, mbar]: a customer's expected spend per transaction under the Gamma-Gamma model.

    E[Z | p, q, v, x, mbar] = (q - 1)/(p x + q - 1) * v p/(q - 1) + p x/(p x + q - 1) * mbar
    = p (v + x mbar) / (p x + q - 1), a weighted mean of the population mean v p/(q - 1) and the
    customer's own mean spend mbar over x transactions (Fader, Hardie & Lee 2005b, "RFM and CLV",
    eq. 5; Fader & Hardie's note 025). Customers with x = 0 get the population mean.

    Parameters
    ----------
    model : a fitted Gamma-Gamma model (``fit(summary, "gamma_gamma")``), q > 1
    frequency : array-like
        x, the number of transactions the mean is over (repeat transactions in the summaries).
    monetary_value : array-like
        mbar, the customer's mean spend per transaction (ignored where x = 0).

    Returns
    -------
    Series, array or float
        As the inputs (a Series keeps their index).

    Examples
    --------
    With p = 6.25, q = 3.74, v = 15.44 (CDNOW), a customer with x = 2 and mbar = 23.72 expects
    6.25 (15.44 + 2 x 23.72) / (12.5 + 2.74) = 25.78 per transaction.
    """
    spec = _model_of(model)
    if spec.name != "gamma_gamma":
        raise ParameterError(f"expected_spend needs a Gamma-Gamma model, not {spec.label}: fit(summary, 'gamma_gamma')")
    p, q, v = (float(model.params_[k]) for k in ("p", "q", "v"))
    if q <= 1:
        raise ParameterError(f"the Gamma-Gamma mean spend needs q > 1 (fitted q = {q:.3g}): the population mean is infinite")
    (x, m), index = _as_arrays(frequency, monetary_value)
    if np.any(x < 0) or np.any(~np.isfinite(x)):
        raise ParameterError("frequency must be finite and >= 0")
    if np.any((x > 0) & ~(m >= 0)):
        raise ParameterError("monetary_value must be a finite number >= 0 where frequency > 0")
    repeat = x > 0
    out = p * (v + np.where(repeat, x * np.where(repeat, m, 0.0), 0.0)) / (p * x + q - 1)
    return _output(out, index, "expected_spend", x, m)


def customer_lifetime_value(
    model: lt.BaseFitter,
    spend_model: lt.BaseFitter,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    horizon: int = 12,
    period_length: float = 1.0,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> pd.Series | np.ndarray:
    """Discounted expected margin over ``horizon`` periods of ``period_length`` model time units.

    CLV = margin * E[Z | x, mbar] * sum_{k=1..H} (E[X(k L)] - E[X((k-1) L)]) / (1 + d)^k, with
    E[X(t)] the BTYD model's conditional expectation and E[Z | x, mbar] the Gamma-Gamma expected spend
    per transaction (:func:`expected_spend`, FHL 2005b, eq. 5). E.g. a model in weeks with ``period_length=52/12`` and
    ``discount_rate=0.01`` discounts monthly at 1% over ``horizon=12`` months.
    """
    if _model_of(spend_model).name != "gamma_gamma":
        raise ParameterError("spend_model must be a Gamma-Gamma model: crmlab.clv.fit(summary, 'gamma_gamma')")
    if not (isinstance(horizon, (int, np.integer)) and horizon >= 1):
        raise ParameterError(f"horizon={horizon!r} must be a whole number of periods >= 1")
    if period_length <= 0 or discount_rate <= -1 or not 0 < margin <= 1:
        raise ParameterError(
            "need period_length > 0, discount_rate > -1 (per period, e.g. 0.01 = 1%) and 0 < margin <= 1"
        )
    (x, t_x, age, m), index = _as_arrays(frequency, recency, T, monetary_value)
    spend = np.asarray(expected_spend(spend_model, x, m), dtype=float)
    cumulative = np.column_stack(
        [np.zeros(len(np.atleast_1d(x)))]
        + [np.atleast_1d(expected_purchases(model, x, t_x, age, k * period_length)) for k in range(1, horizon + 1)]
    )
    discount = (1.0 + discount_rate) ** -np.arange(1, horizon + 1)
    value = margin * spend * (np.diff(cumulative, axis=1) @ discount)
    return _output(value, index, "clv", x, t_x, age, m)


# ---------------------------------------------------------------------------------------------------
# validation on a holdout


def _require_cal_holdout(cal_holdout: pd.DataFrame) -> None:
    required = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    missing = [c for c in required if c not in getattr(cal_holdout, "columns", ())]
    if missing:
        raise DataValidationError(
            f"cal_holdout needs the columns {missing}", column=missing[0],
            fix="build it with crmlab.clv.calibration_holdout(transactions, calibration_end, observation_end)",
        )


def holdout_by_frequency(
    model: lt.BaseFitter, cal_holdout: pd.DataFrame, max_frequency: int = 7
) -> pd.DataFrame:
    """Mean holdout purchases, actual and predicted, by calibration frequency (FHL 2005a, Figure 4).

    Customers with ``frequency_cal >= max_frequency`` are pooled in the last bin (``"7+"``).
    """
    _require_cal_holdout(cal_holdout)
    if not (isinstance(max_frequency, (int, np.integer)) and max_frequency >= 1):
        raise ParameterError(f"max_frequency={max_frequency!r} must be a whole number >= 1")
    predicted = np.asarray(
        expected_purchases(model, cal_holdout["frequency_cal"], cal_holdout["recency_cal"],
                           cal_holdout["T_cal"], cal_holdout["duration_holdout"]), dtype=float,
    )
    x = cal_holdout["frequency_cal"].to_numpy()
    bins = np.minimum(x, max_frequency).astype(int)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    frame = pd.DataFrame({"bin": bins, "actual": cal_holdout["frequency_holdout"].to_numpy(dtype=float),
                          "predicted": predicted})
    table = frame.groupby("bin").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                     predicted=("predicted", "mean"))
    table = table.reindex(range(max_frequency + 1))
    table.index = pd.Index(labels, name="frequency_cal")
    table["customers"] = table["customers"].fillna(0).astype("int64")
    return table


def likelihood_ratio_test(restricted: lt.BaseFitter, full: lt.BaseFitter) -> dict[str, float]:
    """LR = 2 (LL_full - LL_restricted) ~ chi2(k_full - k_restricted) for nested models on the same data."""
    df = len(full.params_) - len(restricted.params_)
    if df <= 0:
        raise ParameterError("the full model must have more parameters than the restricted one")
    stat = 2.0 * (log_likelihood(full) - log_likelihood(restricted))
    return {"lr_statistic": stat, "df": df, "p_value": float(stats.chi2.sf(max(stat, 0.0), df))}


def compare_models(
    models: Mapping[str, lt.BaseFitter],
    cal_holdout: pd.DataFrame,
    nested: Sequence[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Log-likelihood, parameters, AIC, BIC and holdout errors per model (one row each).

    AIC = 2k - 2LL, BIC = k ln(N) - 2LL (N customers). Holdout errors compare each customer's
    predicted with actual ``frequency_holdout``: MAE, RMSE and bias (mean predicted - actual).
    ``nested`` lists (restricted, full) pairs of names for likelihood-ratio tests.
    """
    _require_cal_holdout(cal_holdout)
    actual = cal_holdout["frequency_holdout"].to_numpy(dtype=float)
    rows = {}
    for name, model in models.items():
        spec = _model_of(model)
        ll = log_likelihood(model)
        k = len(model.params_)
        n = int(round(model.data["weights"].sum())) if "weights" in model.data else len(model.data)
        predicted = np.asarray(expected_purchases(
            model, cal_holdout["frequency_cal"], cal_holdout["recency_cal"], cal_holdout["T_cal"],
            cal_holdout["duration_holdout"]), dtype=float)
        error = predicted - actual
        rows[name] = {
            "model": spec.label,
            "parameters": ", ".join(f"{p}={v:.4g}" for p, v in model.params_.items()),
            "n_params": k,
            "log_likelihood": ll,
            "AIC": 2 * k - 2 * ll,
            "BIC": k * np.log(n) - 2 * ll,
            "holdout_MAE": float(np.mean(np.abs(error))),
            "holdout_RMSE": float(np.sqrt(np.mean(error ** 2))),
            "holdout_bias": float(np.mean(error)),
        }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("name")
    for restricted, full in nested:
        if restricted not in models or full not in models:
            raise ParameterError(f"nested pair {(restricted, full)} names a model not in `models`")
        test = likelihood_ratio_test(models[restricted], models[full])
        table.loc[full, f"LR vs {restricted}"] = test["lr_statistic"]
        table.loc[full, f"p vs {restricted}"] = test["p_value"]
    return table


def tracking(
    model: lt.BaseFitter,
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp | None = None,
    observation_end: str | pd.Timestamp | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    freq: str = "D",
    freq_multiplier: float = 7,
    *,
    periods: int | None = None,
    actual: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Actual vs expected repeat transactions per model time unit, incremental and cumulative.

    Continuous-time models: the cohort is every customer whose first purchase is on or before
    ``calibration_end``; time 0 is the start of the cohort's first purchase period, customer i enters
    at b_i and the expected cumulative count at time t is sum_i E[X(t - b_i)] (FHL 2005a, Figures
    2-3). Actual repeat transactions are purchase periods (of ``freq``) after each customer's first,
    as in the summary.

    BG/BB: ``transactions`` is the calibration summary (``frequency``, ``recency``, ``n_periods`` or
    ``periods``, optional ``weights``); a customer with n opportunities entered max(n) - n
    opportunities after the first ones, and the expected count up to opportunity k is
    sum_i E[X(k - b_i)] (Fader, Hardie & Shang 2010, Figure 4). Give ``periods`` (opportunities to
    track) and, to compare, ``actual`` (repeat transactions at each opportunity).
    """
    if _model_of(model).name == "bgbb":
        return _bgbb_tracking(model, transactions, periods, actual)
    if calibration_end is None:
        raise ParameterError("calibration_end is required: the date that ends the calibration period")
    check_freq(freq, freq_multiplier)
    customers, dates, _, _ = validate_log(transactions, customer_col, date_col)
    cal_end = to_timestamp(calibration_end, "calibration_end")
    obs_end = pd.Timestamp(dates.max()) if observation_end is None else to_timestamp(observation_end, "observation_end")
    cal_period, end_period = holdout_periods(cal_end, obs_end, freq)
    codes = period_codes(dates, freq)
    keep = codes <= end_period
    leave_out_after_end(int(len(keep) - np.count_nonzero(keep)), len(keep), obs_end, date_col)
    cust, _ = pd.factorize(customers[keep], sort=True)
    codes = codes[keep]
    order = np.lexsort((codes, cust))
    cust, codes = cust[order], codes[order]
    distinct = np.r_[True, (cust[1:] != cust[:-1]) | (codes[1:] != codes[:-1])]
    cust, codes = cust[distinct], codes[distinct]
    first_row = np.r_[True, cust[1:] != cust[:-1]]
    birth = np.repeat(codes[first_row], np.diff(np.r_[np.flatnonzero(first_row), len(cust)]))
    in_cohort = birth <= cal_period
    origin = int(birth[in_cohort].min())
    n_units = int(np.ceil((end_period + 1 - origin) / freq_multiplier))
    repeat = in_cohort & ~first_row
    unit = ((codes[repeat] - origin) // freq_multiplier).astype(int)
    actual = np.bincount(unit, minlength=n_units)[:n_units].astype(float)

    births, counts = np.unique((codes[first_row & in_cohort] - origin) / freq_multiplier, return_counts=True)
    ends = np.arange(1, n_units + 1, dtype=float)
    ages = np.clip(ends[:, None] - births[None, :], 0.0, None)
    expected_cum = np.asarray(expected_repeat_purchases(model, ages.ravel()), dtype=float).reshape(ages.shape) @ counts
    out = pd.DataFrame(
        {
            "actual": actual,
            "expected": np.diff(np.r_[0.0, expected_cum]),
            "actual_cumulative": np.cumsum(actual),
            "expected_cumulative": expected_cum,
        },
        index=pd.Index(np.arange(1, n_units + 1), name="period"),
    )
    out.attrs.update(
        calibration_periods=(cal_period + 1 - origin) / freq_multiplier,
        customers=int(counts.sum()),
        time_unit=f"{freq_multiplier:g} x {freq}",
    )
    return out


def _bgbb_tracking(
    model: lt.BaseFitter, summary: pd.DataFrame, periods: int | None, actual: Sequence[float] | None
) -> pd.DataFrame:
    """Expected (and actual, when given) repeat transactions per opportunity of a BG/BB cohort."""
    if not (isinstance(periods, (int, np.integer)) and periods >= 1):
        raise ParameterError(
            f"periods={periods!r}: for BG/BB give the number of transaction opportunities to track, "
            "e.g. periods=11 for the donations cohort's years 1996-2006"
        )
    names = _columns_for(summary, MODELS["bgbb"])
    n = pd.to_numeric(summary[names["n_periods"]], errors="raise").to_numpy(dtype=float)
    weights = summary["weights"].to_numpy(dtype=float) if "weights" in summary.columns else np.ones(len(n))
    birth = n.max() - n
    k = np.arange(1, periods + 1, dtype=float)
    ages = np.clip(k[:, None] - birth[None, :], 0.0, None)
    expected_cum = np.asarray(expected_repeat_purchases(model, ages.ravel()), dtype=float).reshape(ages.shape) @ weights
    out = pd.DataFrame({"expected": np.diff(np.r_[0.0, expected_cum]), "expected_cumulative": expected_cum},
                       index=pd.Index(np.arange(1, periods + 1), name="period"))
    if actual is not None:
        counts = np.asarray(actual, dtype=float)
        if counts.shape != (periods,) or np.any(~np.isfinite(counts)) or np.any(counts < 0):
            raise ParameterError(
                f"actual must be {periods} counts >= 0 (one per opportunity), got {np.size(counts)} values")
        out.insert(0, "actual", counts)
        out.insert(2, "actual_cumulative", np.cumsum(counts))
    out.attrs.update(calibration_periods=float(n.max()), customers=int(round(weights.sum())), time_unit="opportunity")
    return out


def alive_path(
    model: lt.BaseFitter,
    transactions: pd.DataFrame,
    customer: object,
    observation_end: str | pd.Timestamp | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    freq: str = "D",
    freq_multiplier: float = 7,
) -> pd.DataFrame:
    """One customer's P(alive) at every ``freq`` period from the first purchase to ``observation_end``.

    At each period the history (x, t_x, T) is what the firm knew then; P(alive) jumps to its maximum
    at every repeat purchase and decays while the customer is silent. Columns: ``time`` (model units
    since the first purchase), ``frequency``, ``p_alive``, ``purchase`` (a repeat purchase that period).
    """
    check_freq(freq, freq_multiplier)
    customers, dates, _, _ = validate_log(transactions, customer_col, date_col)
    mine = (customers == customer).to_numpy()
    if not mine.any():
        raise DataValidationError(
            f"no transaction of customer {customer!r}", column=customer_col,
            fix=f"pick an id from the {customer_col!r} column (ids are compared as they are stored, e.g. '1' not 1)",
        )
    end = pd.Timestamp(dates.max()) if observation_end is None else to_timestamp(observation_end, "observation_end")
    periods = period_codes(dates[mine], freq)
    end_period = int(period_codes(np.array([end.asm8]), freq)[0])
    leave_out_after_end(int(np.count_nonzero(periods > end_period)), len(periods), end, date_col)
    periods = np.unique(periods[periods <= end_period])
    grid = np.arange(periods[0], end_period + 1)
    x = np.searchsorted(periods, grid, side="right") - 1
    t_x = (periods[x] - periods[0]) / freq_multiplier
    age = (grid - periods[0]) / freq_multiplier
    return pd.DataFrame(
        {
            "time": age,
            "frequency": x,
            "p_alive": np.asarray(probability_alive(model, x, t_x, age), dtype=float),
            "purchase": np.r_[False, np.diff(x) > 0],
        }
    )


#: What a CRM team would do with each group of :func:`customer_groups`.
GROUP_ACTIONS = {
    "large": "key accounts: one-to-one care, a named contact, early access; protect this value first",
    "small/medium": "one-to-many programmes by region or segment: newsletters, bundles, loyalty points",
    "scattered": "low-cost automated contact only; do not spend scarce service time here",
    "new": "onboarding: make the second purchase easy (welcome offer within the first weeks)",
    "old": "retain and reward: recognition, service quality, cross-selling",
    "lapsing": "win-back: proven buyers gone quiet; a targeted reactivation offer before they are lost",
}


def customer_groups(
    summary: pd.DataFrame,
    model: lt.BaseFitter,
    value: pd.Series,
    *,
    p_alive_threshold: float = 0.5,
    value_shares: tuple[float, float] = (0.5, 0.9),
) -> pd.DataFrame:
    """Group customers by predicted value and by relationship state, for CRM actions.

    ``value_group``: ranked by ``value`` (e.g. CLV), the customers who together hold the first
    ``value_shares[0]`` of total predicted value are "large", those up to ``value_shares[1]``
    "small/medium", the rest "scattered". ``relationship``: "new" (no repeat purchase yet, x = 0),
    "old" (repeat buyer with P(alive) >= ``p_alive_threshold``), "lapsing" (repeat buyer whose
    P(alive) fell below it: worth a win-back). See :data:`GROUP_ACTIONS`. ("Potential customers", in
    the source papers' sense, are prospects who have not bought yet; they are not in a summary of
    buyers, see :func:`crmlab.value.tenure_groups`.)
    """
    if not 0 < p_alive_threshold < 1:
        raise ParameterError("p_alive_threshold must be between 0 and 1")
    low, high = value_shares
    if not 0 < low < high < 1:
        raise ParameterError("value_shares must be two increasing shares between 0 and 1, e.g. (0.5, 0.9)")
    if not value.index.equals(summary.index):
        raise DataValidationError(
            "value and summary must have the same index (one value per customer, same order)",
            fix="compute value from the same summary, e.g. customer_lifetime_value(model, gg, summary['frequency'], ...)",
        )
    p_alive = np.asarray(probability_alive(model, summary["frequency"], summary["recency"], summary["T"]), dtype=float)
    order = np.argsort(-value.to_numpy(), kind="stable")
    ranked = value.to_numpy()[order]
    share_before = (np.cumsum(ranked) - ranked) / ranked.sum()
    group = np.empty(len(order), dtype=object)
    group[order] = np.where(share_before < low, "large", np.where(share_before < high, "small/medium", "scattered"))
    repeat = summary["frequency"].to_numpy() > 0
    relationship = np.where(~repeat, "new", np.where(p_alive >= p_alive_threshold, "old", "lapsing"))
    return pd.DataFrame(
        {"p_alive": p_alive, "value": value.to_numpy(), "value_group": group, "relationship": relationship},
        index=summary.index,
    )
