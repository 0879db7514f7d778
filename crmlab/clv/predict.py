"""What a fitted model says about the future, customer by customer.

* E[X(T, T+t) | x, t_x, T] (:func:`expected_purchases`), P(alive) (:func:`probability_alive`), E[X(t)]
  (:func:`expected_repeat_purchases`), the Gamma-Gamma expected spend (:func:`expected_spend`) and CLV
  over a horizon (:func:`customer_lifetime_value`); one customer's P(alive) history (:func:`alive_path`);
* discounted expected residual transactions (:func:`dert`) and the distribution of purchase counts
  P(X(t) = x) (:func:`purchase_count_pmf`);
* predictions for millions of customers, chunk by chunk, into Parquet (:func:`predict_to_parquet`).

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

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import betainc, betaln, exp1, gammaincc, gammaln, hyp2f1, roots_jacobi, roots_legendre
from scipy.special import gamma as gamma_function

from crmlab.clv import fitters as lt
from crmlab.clv.engines.common import require_module
from crmlab.clv.likelihoods import ArrayLike, bgbb_loglik
from crmlab.clv.models import BTYD_MODELS, model_name, model_spec, require_model
from crmlab.errors import DataFileError, DataValidationError, EmptyDataError, MissingColumnError, ParameterError
from crmlab.transactions import check_freq, leave_out_after_end, period_codes, to_timestamp, validate_log

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

    Parameters
    ----------
    model : fitted BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model
    frequency, recency, T : array-like
        x, t_x and T.
    t : array-like
        The horizon, >= 0.

    Returns
    -------
    Series, array or float

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> round(expected_purchases(bgnbd, 2, 30.43, 38.86, 39), 3)  # Hardie's spreadsheet: 1.226
    1.226
    """
    spec = model_spec(model)
    (x, t_x, age, horizon), index = _as_arrays(frequency, recency, T, t)
    if np.any(horizon < 0):
        raise ParameterError("t (the forecast horizon) must be >= 0")
    if spec.name == "gamma_gamma":
        raise ParameterError("the Gamma-Gamma model predicts spend, not purchases; pass a BTYD model")
    require_model(spec, BTYD_MODELS, "expected_purchases")
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

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> round(probability_alive(bgnbd, 2, 30.43, 38.86), 3)
    0.727
    """
    spec = model_spec(model)
    if at not in ("next", "last"):
        raise ParameterError(f'at={at!r}: use "next" (the next opportunity) or "last" (the last one observed)')
    if spec.name == "gamma_gamma":
        raise ParameterError("the Gamma-Gamma model has no P(alive); pass a BTYD model")
    require_model(spec, BTYD_MODELS, "probability_alive")
    (x, t_x, age), index = _as_arrays(frequency, recency, T)
    with np.errstate(all="ignore"):
        if spec.name == "bgbb":
            params = model.params_[list(spec.params)].to_numpy(dtype=float)
            alpha, beta, gamma, delta = params
            xs, ts, ns = (v.ravel() for v in np.broadcast_arrays(np.atleast_1d(x), np.atleast_1d(t_x), np.atleast_1d(age)))
            ahead = 1.0 if at == "next" else 0.0
            log_alive = (betaln(alpha + xs, beta + ns - xs) - betaln(alpha, beta)
                         + betaln(gamma, delta + ns + ahead) - betaln(gamma, delta))
            out = np.exp(log_alive - bgbb_loglik(params, xs, ts, ns)).reshape(np.broadcast(x, t_x, age).shape)
        else:
            out = model.conditional_probability_alive(x, t_x, age)
    return _output(out, index, "p_alive", x, t_x, age)


def expected_repeat_purchases(model: lt.BaseFitter, t: ArrayLike) -> pd.Series | np.ndarray:
    """E[X(t)]: expected repeat purchases of a just-acquired customer within ``t`` time units.

    BG/NBD: FHL (2005a) eq. (9); Pareto/NBD and MBG/NBD: their analogues (lifetimes). BG/BB: ``t`` is a
    whole number n of transaction opportunities and, Fader, Hardie & Shang (2010),
    E[X(n)] = alpha/(alpha + beta) * delta/(gamma - 1) * [1 - G(gamma + delta) G(1 + delta + n) /
    (G(gamma + delta + n) G(1 + delta))], G the gamma function.

    Parameters
    ----------
    model : fitted BTYD model
    t : array-like
        Time since acquisition (BG/BB: opportunities).

    Returns
    -------
    Series, array or float

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> round(expected_repeat_purchases(bgnbd, 78), 4)
    1.8605
    """
    spec = model_spec(model)
    require_model(spec, BTYD_MODELS, "expected_repeat_purchases")
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
    (p v + p x mbar) / (p x + q - 1) = 6.25 (15.44 + 2 x 23.72) / (12.5 + 2.74) = 25.79 per transaction:

    >>> spend_model = lt.GammaGammaFitter()
    >>> spend_model.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    >>> round(float(expected_spend(spend_model, 2, 23.72)), 2)
    25.79
    """
    spec = model_spec(model)
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

    Parameters
    ----------
    model : fitted BTYD model
    spend_model : fitted Gamma-Gamma model
    frequency, recency, T, monetary_value : array-like
    horizon : int, default 12
        Periods.
    period_length : float, default 1.0
        Model time units per period.
    discount_rate : float, default 0.01
        Per period.
    margin : float, default 1.0
        In (0, 1].

    Returns
    -------
    Series, array or float
        Named ``clv``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> from crmlab.clv.fitters import GammaGammaFitter
    >>> gg = GammaGammaFitter()
    >>> gg.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    >>> round(customer_lifetime_value(bgnbd, gg, 2, 30.43, 38.86, 23.72, horizon=1, period_length=39,
    ...                               discount_rate=0.0), 2)  # E[X] 1.226 x E[Z] 25.78
    31.62
    """
    if model_spec(spend_model).name != "gamma_gamma":
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

    Parameters
    ----------
    model : fitted BTYD model
    transactions : pandas.DataFrame
    customer : object
        An id of the customer column.
    observation_end : date, optional
    customer_col, date_col : str
    freq, freq_multiplier
        The period and periods per model time unit.

    Returns
    -------
    pandas.DataFrame
        ``time``, ``frequency``, ``p_alive``, ``purchase``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> log = pd.DataFrame({"customer_id": ["a", "a"], "date": ["2024-01-01", "2024-01-15"]})
    >>> path = alive_path(bgnbd, log, "a", "2024-01-29")
    >>> path.loc[path["purchase"], "time"].tolist(), round(float(path["p_alive"].iloc[-1]), 3)
    ([2.0], 0.686)
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


# ---------------------------------------------------------------------------------------------------
# residual value and purchase counts

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

    Parameters
    ----------
    a, z : numpy.ndarray
        Shape a > 0 and z > 0, broadcast together.

    Returns
    -------
    numpy.ndarray
        Between 0 and 1.

    Examples
    --------
    >>> gamma_tail_ratio(np.array([1.0]), np.array([2.0])).round(6).tolist()  # z e^z E1(z)
    [0.722657]
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

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> round(dert(bgnbd, 2, 30.43, 38.86, 1.15 ** (1 / 52) - 1), 2)
    5.17
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
    log_l = bgbb_loglik(_params(model, ("alpha", "beta", "gamma", "delta")), xu, tu, nu)
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

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> round(purchase_count_pmf(bgnbd, 0, 39), 3)
    0.574
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
# predictions for millions of customers, chunk by chunk


def _summary_chunks(summary: pd.DataFrame | str | os.PathLike[str], chunk_size: int) -> Iterator[pd.DataFrame]:
    """``chunk_size`` customers at a time, from a DataFrame or from a Parquet file of summaries."""
    if isinstance(summary, pd.DataFrame):
        for start in range(0, len(summary), chunk_size):
            yield summary.iloc[start:start + chunk_size]
        return
    pq = require_module("pyarrow.parquet", "reading a summary from Parquet")
    pa = require_module("pyarrow", "reading a summary from Parquet")
    if not isinstance(summary, (str, os.PathLike)) or not os.path.isfile(summary):
        raise DataFileError(
            f"expected a summary DataFrame or the path of a Parquet file of summaries, got {summary!r}"
        )
    try:
        handle = pq.ParquetFile(summary)
    except (OSError, pa.ArrowException) as exc:
        raise DataFileError(f"{os.path.basename(summary)} could not be read as Parquet: {exc}") from exc
    for batch in handle.iter_batches(batch_size=chunk_size):
        yield pa.Table.from_batches([batch], schema=handle.schema_arrow).to_pandas()


def _summary_names(chunk: pd.DataFrame, spend: bool) -> list[str]:
    """The summary's frequency, recency, T (and monetary value) columns, plain or ``_cal`` suffixed."""
    wanted = ["frequency", "recency", "T"] + (["monetary_value"] if spend else [])
    found = [next((c for c in (w, f"{w}_cal") if c in chunk.columns), None) for w in wanted]
    missing = [w for w, c in zip(wanted, found) if c is None]
    if missing:
        raise MissingColumnError(missing, list(chunk.columns), what="the summary")
    return found


def predict_to_parquet(
    summary: pd.DataFrame | str | os.PathLike[str],
    model: Any,
    path: str | os.PathLike[str],
    *,
    t: float,
    spend_model: Any = None,
    horizon: int = 12,
    period_length: float = 1.0,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    chunk_size: int = 250_000,
) -> Path:
    """Predictions for every customer, computed ``chunk_size`` customers at a time, written to Parquet.

    Columns: ``expected_purchases`` (E[X(T, T+t) | x, t_x, T], :func:`crmlab.clv.expected_purchases`),
    ``p_alive`` (:func:`crmlab.clv.probability_alive`) and, with a Gamma-Gamma ``spend_model``, ``clv``
    (:func:`crmlab.clv.customer_lifetime_value` with ``horizon``, ``period_length``, ``discount_rate``,
    ``margin``); the customer index is kept. ``summary`` is a DataFrame or a Parquet file of one (read
    in batches); each chunk is one Parquet row group, so memory is bounded by ``chunk_size`` whatever
    the number of customers, and the file equals the predictions on the whole table.

    Parameters
    ----------
    summary : pandas.DataFrame or path
        ``frequency``, ``recency``, ``T`` (or ``_cal``), and ``monetary_value`` with a spend model.
    model : fitted BTYD model
    path : path
        The Parquet file written.
    t : float
        The horizon of the expected purchases.
    spend_model : fitted Gamma-Gamma model, optional
    horizon, period_length, discount_rate, margin
        As in :func:`customer_lifetime_value`.
    chunk_size : int, default 250000

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> import tempfile, pathlib
    >>> summary = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86]}, index=["a", "b"])
    >>> out = predict_to_parquet(summary, bgnbd, pathlib.Path(tempfile.mkdtemp()) / "p.parquet", t=39, chunk_size=1)
    >>> pd.read_parquet(out)["expected_purchases"].round(3).tolist()
    [1.226, 0.195]
    """
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ParameterError(f"chunk_size={chunk_size!r} must be a whole number of customers >= 1")
    pa = require_module("pyarrow", "writing predictions to Parquet")
    pq = require_module("pyarrow.parquet", "writing predictions to Parquet")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for chunk in _summary_chunks(summary, int(chunk_size)):
            names = _summary_names(chunk, spend_model is not None)
            x, t_x, age = (chunk[c] for c in names[:3])
            frame = pd.DataFrame({
                "expected_purchases": expected_purchases(model, x, t_x, age, t),
                "p_alive": probability_alive(model, x, t_x, age),
            }, index=chunk.index)
            if spend_model is not None:
                frame["clv"] = customer_lifetime_value(
                    model, spend_model, x, t_x, age, chunk[names[3]], horizon=horizon,
                    period_length=period_length, discount_rate=discount_rate, margin=margin,
                )
            table = pa.Table.from_pandas(frame, preserve_index=True, schema=None if writer is None else writer.schema)
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise EmptyDataError("the summary has no rows", fix="check the transaction log and the dates")
    return target
