"""Fit the models by maximum likelihood, with standard errors for every model.

Each model (:mod:`crmlab.clv.models`) is fitted on the distinct (x, t_x, T) patterns with ``weights`` =
number of customers per pattern, which gives the same estimates as a fit on every customer. BFGS finds
the maximum, Newton steps with a numerical Hessian polish it, and the standard errors come from a
central-difference Hessian of the weighted log-likelihood (every model, Pareto/NBD included).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize

from crmlab.clv import fitters as lt
from crmlab.clv.contractual import churn_patterns, survivor_table
from crmlab.clv.likelihoods import ArrayLike, Patterns, distinct_patterns, weighted_sum
from crmlab.clv.models import MODELS, ModelSpec, columns_for, model_spec
from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    EmptyDataError,
    ParameterError,
    check_rows,
    offending_rows,
)


def _prepare(summary: pd.DataFrame, spec: ModelSpec) -> Patterns:
    """Validated distinct data patterns of ``summary`` and their customer counts (``weights``)."""
    names = columns_for(summary, spec)
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
    return distinct_patterns(frame, weights)


# ---------------------------------------------------------------------------------------------------
# maximum likelihood


def numerical_hessian(f: Callable[[np.ndarray], float], x: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``x`` (steps per coordinate), from function values.

    Parameters
    ----------
    f : callable
        f(x) -> float.
    x : numpy.ndarray
    steps : numpy.ndarray
        One step per coordinate.

    Returns
    -------
    numpy.ndarray
        k x k.

    Examples
    --------
    >>> numerical_hessian(lambda v: v[0] ** 2 * v[1], np.array([1.0, 2.0]), np.array([1e-3, 1e-3])).round(6).tolist()
    [[4.0, 2.0], [2.0, 0.0]]
    """
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

    def __init__(self, spec: ModelSpec, data: Patterns) -> None:
        self.spec, self.data = spec, data
        self.design = data.design(spec.columns)
        self.total = float(data.weights.sum())

    def log_likelihood(self, params: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            if self.spec.weighted is not None:
                return self.spec.weighted(params, self.data)[0]
            return weighted_sum(self.data.weights, self.spec.loglik(params, *self.design))

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
        data = distinct_patterns(patterns[list(spec.columns)], patterns["weights"].to_numpy())
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


def _objective_of(model: lt.BaseFitter, spec: ModelSpec) -> _Objective:
    """The objective of a fitted model on the data it was fitted to (``weights`` count customers)."""
    data = model.data
    weights = data["weights"].to_numpy(dtype=float) if "weights" in data else np.ones(len(data))
    columns = {c: data[c] if c in data else data["n_periods"] for c in spec.columns}
    return _Objective(spec, distinct_patterns(pd.DataFrame(columns), weights))


def log_likelihood(model: lt.BaseFitter) -> float:
    """Log-likelihood of a fitted model on the data it was fitted to (weights count customers).

    Parameters
    ----------
    model : fitted model

    Returns
    -------
    float

    Examples
    --------
    >>> round(log_likelihood(fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")), 1)
    -1680.3
    """
    spec = model_spec(model)
    if hasattr(model, "log_likelihood_"):
        return float(model.log_likelihood_)
    return _objective_of(model, spec).log_likelihood(model.params_[list(spec.params)].to_numpy())


def log_likelihood_rows(model: lt.BaseFitter, *columns: ArrayLike) -> np.ndarray:
    """Log-likelihood of each data row under a fitted model: the model's one likelihood
    (:mod:`crmlab.clv.likelihoods`) at its estimates.

    Parameters
    ----------
    model : fitted model
    *columns : array-like
        The data columns in the model's order (BG/BB: x, t_x, n; Pareto/NBD, MBG/NBD, BG/NBD: x, t_x, T;
        Gamma-Gamma: x, mbar; sBG: period, alive), broadcast together.

    Returns
    -------
    numpy.ndarray
        One log-likelihood per row.

    Examples
    --------
    >>> model = fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")
    >>> log_likelihood_rows(model, [1, 7], [0, 1]).round(3).tolist()
    [-0.985, -1.431]
    """
    spec = model_spec(model)
    if len(columns) != len(spec.columns):
        raise ParameterError(f"the {spec.label} likelihood takes the columns {list(spec.columns)}")
    params = model.params_[list(spec.params)].to_numpy(dtype=float)
    arrays = [np.atleast_1d(np.asarray(c, dtype=float)) for c in columns]
    with np.errstate(all="ignore"):
        return spec.loglik(params, *np.broadcast_arrays(*arrays))


def parameter_table(model: lt.BaseFitter) -> pd.DataFrame:
    """``estimate``, ``std_error``, ``ci_lower``, ``ci_upper`` (95%, Wald) for every parameter.

    Standard errors are the square roots of the diagonal of the inverse of minus the numerical
    (central-difference) Hessian of the weighted log-likelihood at the estimates, so Pareto/NBD gets
    them too (lifetimes' Pareto/NBD has none). Works for lifetimes fitters fitted elsewhere.

    Parameters
    ----------
    model : fitted model

    Returns
    -------
    pandas.DataFrame
        Indexed by ``parameter``.

    Examples
    --------
    >>> parameter_table(fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg"))["estimate"].round(3).tolist()
    [0.704, 1.182]
    """
    spec = model_spec(model)
    est = model.params_[list(spec.params)]
    if hasattr(model, "hessian_"):
        se = model.standard_errors_[list(spec.params)]
    else:  # fitted elsewhere: compute, without changing the model
        hess = _objective_of(model, spec).natural_hessian(np.log(est.to_numpy()))
        se = pd.Series(np.sqrt(np.diag(np.linalg.inv(-hess))), index=est.index)
    return pd.DataFrame(
        {"estimate": est, "std_error": se, "ci_lower": est - 1.96 * se, "ci_upper": est + 1.96 * se}
    ).rename_axis("parameter")
