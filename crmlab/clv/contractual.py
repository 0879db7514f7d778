"""Contractual retention: the shifted-beta-geometric (sBG) model of Fader & Hardie.

Story (Fader & Hardie 2007, "How to project customer retention", *J. Interactive Marketing* 21(1)):
at the end of every period a customer renews with a probability 1 - theta that stays the same for
that customer, and churns with probability theta; theta varies across customers as Beta(gamma, delta).
Every single customer has a constant retention rate, yet the cohort's retention rate rises over time,
because the customers with a high theta leave first.

With T the period in which a customer churns (T = 1 for a customer who does not renew once):

* P(T = t) = B(gamma + 1, delta + t - 1) / B(gamma, delta), t = 1, 2, ...
* S(t) = P(T > t) = B(gamma, delta + t) / B(gamma, delta), S(0) = 1
* r_t = S(t) / S(t - 1) = (delta + t - 1) / (gamma + delta + t - 1)

Value with a margin of 1 paid at the start of every period and a discount rate d per period
(Fader & Hardie 2010, "Customer-base valuation in a contractual setting: the perils of ignoring
heterogeneity", *Marketing Science* 29(1)):

* DEL = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, delta; gamma + delta; 1 / (1 + d))
* DERL(n renewals) = sum_{k>=0} P(T > n + 1 + k | T > n) / (1 + d)^k
  = (delta + n) / (gamma + delta + n) * 2F1(1, delta + n + 1; gamma + delta + n + 1; 1 / (1 + d)),
  the value, at the moment of the next renewal, of a customer who has renewed n times (paid n + 1
  periods) and whose renewal is not yet known. DEL = 1 + DERL(0) / (1 + d).

The model is fitted with :func:`crmlab.clv.fit` (``model="sbg"``), which gives standard errors like
every other model; this module holds the model's formulas and its data preparation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.special import betaln, hyp2f1

from crmlab.errors import DataValidationError, EmptyDataError, ParameterError

ArrayLike = pd.Series | np.ndarray | Sequence[float] | float


class ShiftedBetaGeometricModel:
    """A fitted sBG model: ``params_`` (``gamma``, ``delta``) and the fit statistics that
    :func:`crmlab.clv.fit` attaches (``standard_errors_``, ``log_likelihood_``, ``n_customers_``, ...).

    ``survivors_`` holds the data it was fitted to: one column per cohort, one row per period.

    Parameters
    ----------
    None
        Built by :func:`crmlab.clv.fit` with ``model="sbg"``.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> model = fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")  # FH (2007), regular
    >>> model.params_.round(3).tolist()
    [0.704, 1.182]
    """

    model_name_ = "sbg"

    def __init__(self) -> None:
        self.params_: pd.Series | None = None
        self.survivors_: pd.DataFrame | None = None

    def __repr__(self) -> str:
        if self.params_ is None:
            return "<sBG model, not fitted>"
        values = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"<sBG model: {values}, {self.n_customers_} customers>"


def survivor_table(survivors: ArrayLike | pd.DataFrame | Mapping[str, ArrayLike]) -> pd.DataFrame:
    """Survivors as a table: one column per cohort, rows = periods 0..n (NaN after a cohort's last period).

    Accepts one cohort (a list, array or Series: the first entry is the cohort size), several cohorts as a
    DataFrame (one column each) or as a mapping ``{name: survivors}`` of possibly different lengths.
    Refuses negative, non-whole or increasing counts and cohorts with fewer than two periods.

    Parameters
    ----------
    survivors : list, array, Series, DataFrame or mapping
        Customers still active at the start of each period, the first entry the cohort size.

    Returns
    -------
    pandas.DataFrame
        One column per cohort (float), rows = periods 0..n.

    Examples
    --------
    >>> survivor_table({"a": [100, 60], "b": [50, 40, 30]})
                a     b
    period             
    0       100.0  50.0
    1        60.0  40.0
    2         NaN  30.0
    """
    if isinstance(survivors, pd.DataFrame):
        table = survivors.copy()
    elif isinstance(survivors, Mapping):
        table = pd.DataFrame({str(k): pd.Series(np.asarray(v, dtype=float)) for k, v in survivors.items()})
    else:
        values = survivors.to_numpy() if isinstance(survivors, pd.Series) else survivors
        try:
            values = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataValidationError(
                "survivors must be numbers: the customers still active at the start of each period",
                fix="pass e.g. [1000, 631, 468, 382] (the first entry is the cohort size)",
            ) from exc
        if values.ndim != 1:
            raise DataValidationError(
                f"survivors must be one-dimensional for one cohort, got shape {values.shape}",
                fix="pass a DataFrame with one column per cohort to fit several cohorts together",
            )
        name = survivors.name if isinstance(survivors, pd.Series) and survivors.name is not None else "cohort"
        table = pd.DataFrame({str(name): values})
    if table.shape[1] == 0 or len(table) == 0:
        raise EmptyDataError("no survivor counts given", fix="pass e.g. [1000, 631, 468, 382]")
    table = table.apply(pd.to_numeric, errors="coerce").reset_index(drop=True)
    table.index.name = "period"
    for column in table.columns:
        counts = table[column]
        observed = counts.notna()
        last = int(np.flatnonzero(observed)[-1]) if observed.any() else -1
        gap = ~observed & (counts.index < last)
        checks = [
            (gap, "a missing count before the cohort's last period", "give every period up to the last one"),
            (counts < 0, "a negative number of customers", "survivor counts are customers still active"),
            (counts % 1 > 0, "a count that is not a whole number", "give numbers of customers, not shares"),
            (counts.diff() > 0, "more survivors than in the period before",
             "survivors can only fall: check the order (period 0 first) and the counts"),
        ]
        for mask, problem, fix in checks:
            if mask.fillna(False).any():
                raise DataValidationError(problem, column=str(column), rows=list(table.index[mask.fillna(False)]),
                                          fix=fix, data=table)
        if last < 1:
            raise DataValidationError(
                "a cohort needs its size and at least one later count", column=str(column),
                fix="pass the customers active at the start of periods 0, 1, ... (at least two numbers)",
            )
        if counts.iloc[0] <= 0:
            raise DataValidationError("the cohort size (period 0) must be positive", column=str(column),
                                      rows=[0], fix="the first entry is the number of customers acquired",
                                      data=table)
    return table


def churn_patterns(table: pd.DataFrame) -> pd.DataFrame:
    """The sBG likelihood's data: ``period`` (churn period t, or the last observed period n for
    customers still active), ``alive`` (1 for those still active) and ``weights`` (customers).

    Customers lost between periods t-1 and t churned in period t: P(T = t); the survivors of a cohort
    observed to period n contribute S(n).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`survivor_table`.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``alive`` (1 for the survivors at the last period) and ``weights`` (customers).

    Examples
    --------
    >>> churn_patterns(survivor_table([100, 60, 45]))[["period", "alive", "weights"]].to_dict("list")
    {'period': [1.0, 2.0, 2.0], 'alive': [0.0, 0.0, 1.0], 'weights': [40.0, 15.0, 45.0]}
    """
    rows = []
    for column in table.columns:
        counts = table[column].dropna().to_numpy(dtype=float)
        n = len(counts) - 1
        lost = counts[:-1] - counts[1:]
        rows += [(t, 0, w) for t, w in zip(range(1, n + 1), lost) if w > 0]
        if counts[-1] > 0:
            rows.append((n, 1, counts[-1]))
    frame = pd.DataFrame(rows, columns=["period", "alive", "weights"]).astype(float)
    return frame.groupby(["period", "alive"], as_index=False)["weights"].sum()


def sbg_loglik(params: np.ndarray, period: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """log P(T = t) for churners, log S(n) for survivors (Fader & Hardie 2007).

    Parameters
    ----------
    params : numpy.ndarray
        (gamma, delta).
    period, alive : numpy.ndarray
        Churn period t (or last observed period n) and whether the customer is still active.

    Returns
    -------
    numpy.ndarray
        One log-likelihood per row.

    Examples
    --------
    >>> sbg_loglik(np.array([1.0, 1.0]), np.array([1, 2]), np.array([0, 1])).round(4).tolist()
    [-0.6931, -1.0986]
    """
    gamma, delta = params
    base = betaln(gamma, delta)
    churned = betaln(gamma + 1, delta + period - 1) - base
    survived = betaln(gamma, delta + period) - base
    return np.where(alive > 0, survived, churned)


def _params(model: object) -> tuple[float, float]:
    if getattr(model, "model_name_", None) != "sbg" or getattr(model, "params_", None) is None:
        raise ParameterError(
            f"expected an sBG model, got {type(model).__name__}; fit one with "
            "crmlab.clv.fit(survivors, model='sbg')"
        )
    return float(model.params_["gamma"]), float(model.params_["delta"])


def _periods(t: ArrayLike, name: str, minimum: int) -> tuple[np.ndarray, pd.Index | None]:
    index = t.index if isinstance(t, pd.Series) else None
    values = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(values)) or np.any(values % 1 != 0) or np.any(values < minimum):
        raise ParameterError(f"{name} must be whole numbers of periods >= {minimum}, got {t!r}")
    return values, index


def _out(values: np.ndarray, index: pd.Index | None, name: str) -> pd.Series | np.ndarray | float:
    if index is not None:
        return pd.Series(values, index=index, name=name)
    return float(values) if np.ndim(values) == 0 else values


def survival(model: ShiftedBetaGeometricModel, t: ArrayLike) -> pd.Series | np.ndarray | float:
    """S(t) = B(gamma, delta + t) / B(gamma, delta): the share of a cohort still active at the start of
    period ``t`` (t = 0, 1, ...), Fader & Hardie (2007).

    Parameters
    ----------
    model : ShiftedBetaGeometricModel
        From ``crmlab.clv.fit(survivors, model="sbg")``.
    t : int or array-like of int
        Periods since acquisition, >= 0.

    Returns
    -------
    float, array or Series
        S(t), shaped like ``t`` (a Series keeps its index).

    Examples
    --------
    A cohort with gamma = 0.704, delta = 1.182 keeps S(1) = delta / (gamma + delta) = 62.7%:

    >>> from crmlab.clv import fit
    >>> model = fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")  # FH (2007), regular
    >>> round(float(survival(model, 1)), 3)
    0.627
    """
    gamma, delta = _params(model)
    values, index = _periods(t, "t", 0)
    return _out(np.exp(betaln(gamma, delta + values) - betaln(gamma, delta)), index, "survival")


def retention_rate(model: ShiftedBetaGeometricModel, t: ArrayLike) -> pd.Series | np.ndarray | float:
    """r_t = S(t) / S(t - 1) = (delta + t - 1) / (gamma + delta + t - 1), t = 1, 2, ...

    It rises with t although every customer's own retention rate is constant: the cohort loses its
    high-churn customers first (Fader & Hardie 2007).

    Parameters
    ----------
    model : ShiftedBetaGeometricModel
    t : int or array-like of int
        Periods, >= 1 (r_1 is the share of the cohort that renews once).

    Returns
    -------
    float, array or Series
        r_t, shaped like ``t``.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> model = fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")  # FH (2007), regular
    >>> round(retention_rate(model, 1), 3)
    0.627
    """
    gamma, delta = _params(model)
    values, index = _periods(t, "t", 1)
    return _out((delta + values - 1) / (gamma + delta + values - 1), index, "retention_rate")


def _check_rate(discount_rate: float) -> float:
    if not isinstance(discount_rate, (int, float, np.integer, np.floating)) or not discount_rate > 0:
        raise ParameterError(
            f"discount_rate={discount_rate!r} must be a number > 0 per period (e.g. 0.1 for 10% a year "
            "with yearly renewals): the sums over an unlimited lifetime need discounting"
        )
    return float(discount_rate)


def discounted_expected_lifetime(model: ShiftedBetaGeometricModel, discount_rate: float) -> float:
    """DEL = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, delta; gamma + delta; 1/(1+d)), payments at the start of
    each period (Fader & Hardie 2010): a just-acquired customer's expected discounted number of
    payments. Multiply by the margin per period for the expected CLV.

    Parameters
    ----------
    model : ShiftedBetaGeometricModel
    discount_rate : float
        d > 0 per period (e.g. 0.10 a year for yearly renewals).

    Returns
    -------
    float
        DEL, in payments of 1.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> model = fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")  # FH (2007), regular
    >>> round(discounted_expected_lifetime(model, 0.10), 3)
    3.695
    """
    gamma, delta = _params(model)
    d = _check_rate(discount_rate)
    return float(hyp2f1(1.0, delta, gamma + delta, 1.0 / (1.0 + d)))


def discounted_expected_residual_lifetime(
    model: ShiftedBetaGeometricModel, renewals: ArrayLike, discount_rate: float
) -> pd.Series | np.ndarray | float:
    """DERL for a customer who has made ``renewals`` = n renewals (Fader & Hardie 2010, whose Table 3
    it reproduces; the paper counts such a customer as having made n - 1 renewals with n = 1, 2, ...).

    DERL = (delta + n)/(gamma + delta + n) * 2F1(1, delta + n + 1; gamma + delta + n + 1; 1/(1+d)): the
    expected discounted number of future payments, valued at the next renewal date (its payment is not
    discounted, the one after it by 1/(1+d), ...). The customer's churn probability is updated by the
    n renewals seen: theta | n ~ Beta(gamma, delta + n), so long-standing customers are worth more.

    Parameters
    ----------
    model : ShiftedBetaGeometricModel
    renewals : int or array-like of int
        n >= 0, the renewals the customer has made.
    discount_rate : float
        d > 0 per period.

    Returns
    -------
    float, array or Series
        DERL, in payments of 1, shaped like ``renewals``.

    Examples
    --------
    Fader & Hardie (2010), Table 3, case 1 (gamma = 3.80, delta = 15.20, d = 10%): DERL = 3.31 after 0
    renewals, 3.84 after 4:

    >>> model = ShiftedBetaGeometricModel()
    >>> model.params_ = pd.Series({"gamma": 3.80, "delta": 15.20})
    >>> discounted_expected_residual_lifetime(model, [0, 4], 0.10).round(2).tolist()
    [3.31, 3.84]
    """
    gamma, delta = _params(model)
    d = _check_rate(discount_rate)
    n, index = _periods(renewals, "renewals", 0)
    value = (delta + n) / (gamma + delta + n) * hyp2f1(1.0, delta + n + 1, gamma + delta + n + 1, 1.0 / (1.0 + d))
    return _out(value, index, "derl")


def projection(model: ShiftedBetaGeometricModel, periods: int, cohort_size: float = 1.0) -> pd.DataFrame:
    """Expected survivors and retention rates for periods 0..``periods`` of a cohort of ``cohort_size``.

    Parameters
    ----------
    model : ShiftedBetaGeometricModel
    periods : int
        The last period to project, >= 1.
    cohort_size : float
        Customers acquired in period 0 (1 gives shares).

    Returns
    -------
    DataFrame
        Index ``period``; columns ``survivors`` (cohort_size x S(t)) and ``retention_rate`` (NaN at t = 0).

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> model = fit([1000, 631, 468, 382, 326, 289, 262, 241], model="sbg")  # FH (2007), regular
    >>> projection(model, 2, cohort_size=1000)["survivors"].round(1).tolist()
    [1000.0, 626.7, 473.8]
    """
    if not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ParameterError(f"periods={periods!r} must be a whole number >= 1")
    t = np.arange(periods + 1)
    table = pd.DataFrame({"survivors": cohort_size * survival(model, t),
                          "retention_rate": np.r_[np.nan, retention_rate(model, t[1:])]},
                         index=pd.Index(t, name="period"))
    return table
