"""Customer lifetime value in closed form (Gupta & Lehmann 2003), its explicit sum, a Monte Carlo
check and sensitivity analysis.

Part of :mod:`crmlab.value`; see the course notebook ``01_customer_value_theory``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import (
    ParameterError,
    SpecificationError,
    require_columns,
)
from crmlab.plotting import axes
from crmlab.validation import is_count, is_number


def check_clv_inputs(margin: float, retention: float, discount: float, growth: float, horizon: int | None) -> None:
    """Refuse CLV inputs outside the closed forms' domain, listing every problem: finite numbers, a
    retention probability 0 <= r <= 1, discount and margin growth above -1, a horizon of whole periods
    >= 1 (or ``None``), and without a horizon a convergent sum, r(1 + g) < 1 + i.

    Parameters
    ----------
    margin, retention, discount, growth : float
    horizon : int or None

    Returns
    -------
    None

    Examples
    --------
    >>> check_clv_inputs(100, 0.8, 0.1, 0.0, None)
    >>> check_clv_inputs(100, 1.2, 0.1, 0.0, None)
    Traceback (most recent call last):
    ...
    crmlab.errors.ParameterError: retention r = 1.2 must be a probability, 0 <= r <= 1
    """
    problems = []
    for name, x in (("margin", margin), ("retention", retention), ("discount", discount), ("growth", growth)):
        if not is_number(x):
            problems.append(f"{name} must be a finite number, got {x!r}")
    if problems:
        raise ParameterError("; ".join(problems))
    if not 0 <= retention <= 1:
        problems.append(f"retention r = {retention!r} must be a probability, 0 <= r <= 1")
    if discount <= -1:
        problems.append(f"discount rate i = {discount!r} must be above -1 (usually 0 <= i < 1, e.g. 0.1 for 10%)")
    if growth <= -1:
        problems.append(f"margin growth g = {growth!r} must be above -1")
    if horizon is not None and not is_count(horizon):
        problems.append(f"horizon = {horizon!r} must be a whole number of periods >= 1, or None for no end")
    if not problems and horizon is None and retention * (1 + growth) >= 1 + discount:
        problems.append(
            f"the infinite sum diverges: r(1 + g) = {retention * (1 + growth):.6g} must be below "
            f"1 + i = {1 + discount:.6g}; lower the retention or margin growth, raise the discount rate, "
            "or give a finite horizon"
        )
    if problems:
        raise ParameterError("; ".join(problems))


def clv_closed_form(margin: float, retention: float, discount: float, growth: float = 0.0,
                    horizon: int | None = None) -> float:
    """Customer lifetime value in closed form (Gupta & Lehmann 2003).

    Timing convention: the customer is counted at t = 0; in each period t = 1, 2, ... the customer is
    still there with probability r^t and then yields margin m(1 + g)^(t-1), discounted by (1 + i)^t.
    So the first margin is discounted once and retained once, and

        CLV = sum_{t=1}^{T} m (1+g)^(t-1) r^t / (1+i)^t
            = m r / (1 + i - r(1 + g))                           for T = infinity,
            = m r/(1+i) * (1 - c^T) / (1 - c), c = r(1+g)/(1+i)  for a finite horizon T.

    With g = 0 the infinite-horizon value is Gupta & Lehmann's m r / (1 + i - r). Requires
    0 <= r <= 1, i > -1, g > -1 and, without a horizon, r(1 + g) < 1 + i.

    Parameters
    ----------
    margin, retention, discount : float
        m, r and i per period.
    growth : float, default 0
        g per period.
    horizon : int, optional
        T periods (default: no end).

    Returns
    -------
    float

    Examples
    --------
    >>> round(clv_closed_form(100, 0.8, 0.1), 4)  # 100 x 0.8 / 0.3
    266.6667
    """
    check_clv_inputs(margin, retention, discount, growth, horizon)
    if horizon is None:
        return margin * retention / (1 + discount - retention * (1 + growth))
    first = retention / (1 + discount)
    c = retention * (1 + growth) / (1 + discount)
    if math.isclose(c, 1.0, rel_tol=0, abs_tol=1e-12):
        return margin * first * horizon
    return margin * first * (1 - c**horizon) / (1 - c)


def clv_schedule(margin: float, retention: float, discount: float, growth: float = 0.0, *,
                 horizon: int) -> pd.DataFrame:
    """Period-by-period CLV cash flows with the timing of :func:`clv_closed_form`.

    Columns: ``survival`` r^t, ``margin`` m(1+g)^(t-1), ``discount_factor`` (1+i)^-t,
    ``expected_margin`` (survival x margin), ``present_value`` (x discount factor) and ``cumulative_clv``;
    indexed by ``period`` t = 1..horizon.

    Parameters
    ----------
    margin, retention, discount, growth : float
    horizon : int

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period``.

    Examples
    --------
    >>> clv_schedule(100, 0.8, 0.1, horizon=2)["present_value"].round(4).tolist()
    [72.7273, 52.8926]
    """
    if horizon is None:
        raise ParameterError("clv_schedule needs a finite horizon (a whole number of periods >= 1)")
    check_clv_inputs(margin, retention, discount, growth, horizon)
    t = np.arange(1, horizon + 1)
    out = pd.DataFrame(
        {
            "survival": float(retention) ** t,
            "margin": margin * (1.0 + growth) ** (t - 1),
            "discount_factor": (1.0 + discount) ** -t.astype(float),
        },
        index=pd.Index(t, name="period"),
    )
    out["expected_margin"] = out["survival"] * out["margin"]
    out["present_value"] = out["expected_margin"] * out["discount_factor"]
    out["cumulative_clv"] = out["present_value"].cumsum()
    return out


def clv_explicit_sum(margin: float, retention: float, discount: float, growth: float = 0.0, *,
                     horizon: int) -> float:
    """The discounted sum of :func:`clv_schedule`, term by term (``math.fsum``): the check on the closed form.

    Parameters
    ----------
    margin, retention, discount, growth : float
    horizon : int

    Returns
    -------
    float

    Examples
    --------
    >>> round(clv_explicit_sum(100, 0.8, 0.1, horizon=2000), 4)
    266.6667
    """
    return math.fsum(clv_schedule(margin, retention, discount, growth, horizon=horizon)["present_value"])


def simulate_retention_clv(
    margin: float,
    retention: float,
    discount: float,
    growth: float = 0.0,
    horizon: int | None = None,
    *,
    n_customers: int = 10_000,
    rng: np.random.Generator | int | None = None,
) -> np.ndarray:
    """Realised discounted margins of ``n_customers`` simulated customers under the retention process.

    Each period t = 1, 2, ... an active customer stays with probability r (independently), so the number
    of periods L a customer stays is geometric with P(L >= t) = r^t; a customer staying L periods yields
    sum_{t=1}^{min(L, T)} m(1+g)^(t-1) / (1+i)^t. The mean of the draws estimates
    :func:`clv_closed_form` (same timing).

    Parameters
    ----------
    margin, retention, discount, growth : float
    horizon : int, optional
    n_customers : int, default 10000
    rng : numpy Generator or seed, optional

    Returns
    -------
    numpy.ndarray
        One realised discounted margin per customer.

    Examples
    --------
    >>> draws = simulate_retention_clv(100, 0.8, 0.1, n_customers=20_000, rng=0)
    >>> bool(abs(draws.mean() - clv_closed_form(100, 0.8, 0.1)) < 5)
    True
    """
    check_clv_inputs(margin, retention, discount, growth, horizon)
    if horizon is None and retention == 1:
        raise ParameterError("with retention r = 1 nobody ever leaves: give a finite horizon to simulate")
    if not is_count(n_customers):
        raise ParameterError(f"n_customers = {n_customers!r} must be a whole number >= 1")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    if retention == 1:
        stays = np.full(n_customers, horizon)
    else:
        stays = gen.geometric(1.0 - retention, size=n_customers) - 1  # periods retained before churning
    if horizon is not None:
        stays = np.minimum(stays, horizon)
    longest = int(stays.max())
    t = np.arange(1, longest + 1)
    cumulative = np.concatenate([[0.0], np.cumsum(margin * (1.0 + growth) ** (t - 1) / (1.0 + discount) ** t)])
    return cumulative[stays]


def clv_sensitivity(
    margin: float | Sequence[float],
    retention: float | Sequence[float],
    discount: float | Sequence[float],
    growth: float | Sequence[float] = 0.0,
    horizon: int | None = None,
) -> pd.DataFrame:
    """CLV over every combination of the given parameter values (any of them a scalar or a sequence).

    Returns a tidy table with columns ``margin``, ``retention``, ``discount``, ``growth`` and ``clv``
    (:func:`clv_closed_form` with the one ``horizon`` given, None = no end); pivot it for a two-way
    table, or plot it with :func:`plot_clv_sensitivity`.

    Parameters
    ----------
    margin, retention, discount, growth : float or sequence of float
    horizon : int, optional

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> clv_sensitivity(100, [0.7, 0.8], 0.1)["clv"].round(2).tolist()
    [175.0, 266.67]
    """
    grids = {name: _as_grid(name, v) for name, v in
             (("margin", margin), ("retention", retention), ("discount", discount), ("growth", growth))}
    rows = [dict(zip(grids, combo, strict=True)) for combo in itertools.product(*grids.values())]
    out = pd.DataFrame(rows, columns=list(grids))
    out["clv"] = [clv_closed_form(**row, horizon=horizon) for row in rows]
    return out


def _as_grid(name: str, value: float | Sequence[float]) -> list[float]:
    grid = [value] if np.ndim(value) == 0 else list(value)  # type: ignore[arg-type]
    if not grid:
        raise ParameterError(f"{name}: the sequence of values is empty")
    bad = [x for x in grid if not is_number(x)]
    if bad:
        raise ParameterError(f"{name}: {bad[:5]!r} are not finite numbers")
    return [float(x) for x in grid]


def clv_elasticities(margin: float, retention: float, discount: float, growth: float = 0.0) -> pd.Series:
    """Elasticities of the infinite-horizon CLV: % change in CLV per 1% change in m, r and i.

    With D = 1 + i - r(1+g): margin 1, retention (1 + i)/D, discount -i/D; needs a non-zero margin.
    Retention is the strongest lever: Gupta, Lehmann & Stuart (2004) found that a 1% improvement in
    retention, margin or acquisition cost raised firm value by about 5%, 1% and 0.1%.

    Parameters
    ----------
    margin, retention, discount, growth : float

    Returns
    -------
    pandas.Series
        ``margin``, ``retention``, ``discount``.

    Examples
    --------
    >>> clv_elasticities(100, 0.8, 0.1).round(3).tolist()
    [1.0, 3.667, -0.333]
    """
    check_clv_inputs(margin, retention, discount, growth, None)
    if margin == 0:
        raise ParameterError("elasticities are undefined for a zero margin (CLV = 0)")
    d = 1 + discount - retention * (1 + growth)
    return pd.Series({"margin": 1.0, "retention": (1 + discount) / d, "discount": -discount / d},
                     name="elasticity")


def plot_clv_sensitivity(table: pd.DataFrame, x: str = "retention", hue: str = "discount", ax: Any = None, *,
                         unit: str = "currency units") -> Any:
    """Lines of CLV against ``x``, one per value of ``hue``, from :func:`clv_sensitivity` output.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`clv_sensitivity`.
    x, hue : str
        Parameters on the x axis and as lines.
    ax : matplotlib Axes, optional
    unit : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> grid = clv_sensitivity(100, [0.6, 0.8], [0.05, 0.1])
    >>> len(plot_clv_sensitivity(grid, ax=ax).get_lines())
    2
    """
    params = ["margin", "retention", "discount", "growth"]
    require_columns(table, params + ["clv"], what="the sensitivity table")
    problems = [f"{p!r} is not a CLV parameter ({params})" for p in (x, hue) if p not in params]
    problems += [f"{p!r} takes several values but is neither x nor hue" for p in params
                 if p not in (x, hue) and table[p].nunique() > 1]
    if problems:
        raise SpecificationError("CLV sensitivity plot", problems,
                                 fix="fix every other parameter to one value, or filter the table first")
    ax = axes(ax)
    labels = {"margin": f"margin m ({unit} per period)", "retention": "retention rate r (per period)",
              "discount": "discount rate i (per period)", "growth": "margin growth g (per period)"}
    for level, part in table.groupby(hue, sort=True):
        part = part.sort_values(x)
        ax.plot(part[x], part["clv"], marker="o", markersize=3, label=f"{hue} = {level:g}")
    ax.set_xlabel(labels[x])
    ax.set_ylabel(f"CLV ({unit})")
    ax.set_title(f"CLV = m r / (1 + i - r(1 + g)) as {x} and {hue} vary")
    ax.legend(fontsize=8)
    return ax


def naive_clv(
    validation: pd.DataFrame,
    *,
    gross_margin: float = 0.30,
    period_years: float = 39 / 52,
    annual_discount: float = 0.10,
) -> pd.Series:
    """A first, naive CLV of a non-contractual customer base: the holdout as one retention period.

    Call a customer "retained" if they buy in the holdout period: r = share of customers active in the
    holdout; the margin per period m = ``gross_margin`` x the mean holdout spend of the active customers;
    the discount rate per period i = (1 + annual rate)^(period in years) - 1; and CLV = m r / (1 + i - r)
    (:func:`clv_closed_form`, Gupta & Lehmann 2003). It treats every customer who skips one period as
    lost for ever, which undervalues the base: the "buy till you die" models of :mod:`crmlab.clv`
    replace it.

    Parameters
    ----------
    validation : pandas.DataFrame
        One row per customer with ``holdout_active`` (bool) and ``holdout_amount`` (spend in the holdout),
        e.g. from :func:`crmlab.value.rfm_holdout_validation`.
    gross_margin : float, default 0.30
        Margin as a share of spend, in (0, 1].
    period_years : float, default 39/52
        The length of the holdout period in years.
    annual_discount : float, default 0.10
        The discount rate per year.

    Returns
    -------
    pandas.Series
        ``retention`` r, ``margin`` m, ``discount`` i (per period) and ``clv``.

    Examples
    --------
    >>> validation = pd.DataFrame({"holdout_active": [True, False, False, True],
    ...                            "holdout_amount": [100.0, 0.0, 0.0, 60.0]})
    >>> naive_clv(validation, gross_margin=0.5, period_years=1.0, annual_discount=0.1).round(4).to_dict()
    {'retention': 0.5, 'margin': 40.0, 'discount': 0.1, 'clv': 33.3333}
    """
    require_columns(validation, ["holdout_active", "holdout_amount"], what="the validation table")
    if len(validation) == 0:
        raise ParameterError("the validation table has no customers")
    problems = [f"{name} = {x!r} must be a finite number > 0" for name, x in
                (("period_years", period_years), ("annual_discount", annual_discount + 1))
                if not (is_number(x) and x > 0)]
    if not (is_number(gross_margin) and 0 < gross_margin <= 1):
        problems.append(f"gross_margin = {gross_margin!r} must be a share in (0, 1]")
    if problems:
        raise ParameterError("; ".join(problems))
    active = validation["holdout_active"].astype(bool)
    if not active.any():
        raise ParameterError("nobody bought in the holdout: the margin of an active customer is undefined")
    retention = active.mean()
    margin = gross_margin * validation.loc[active, "holdout_amount"].mean()
    discount = (1 + annual_discount) ** period_years - 1
    return pd.Series({"retention": retention, "margin": margin, "discount": discount,
                      "clv": clv_closed_form(margin, retention, discount)}, name="naive_clv")
