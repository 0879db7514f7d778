"""Customer equity of current and future cohorts (Gupta, Lehmann & Stuart 2004) and its drivers
(Rust, Lemon & Zeithaml 2004).

Part of :mod:`crmlab.value`; see the course notebook ``01_customer_value_theory``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import (
    ParameterError,
    require_columns,
)
from crmlab.plotting import axes
from crmlab.validation import is_count, is_number
from crmlab.value.lifetime import check_clv_inputs, clv_closed_form


def _check_equity(current_customers: float, new_customers: float, acquisition_cost: float,
                  acquisition_growth: float, discount: float, acquisition_periods: int | None) -> None:
    problems = []
    for name, x in (("current_customers", current_customers), ("new_customers", new_customers),
                    ("acquisition_cost", acquisition_cost)):
        if not (is_number(x) and x >= 0):
            problems.append(f"{name} = {x!r} must be a finite number >= 0")
    if not (is_number(acquisition_growth) and acquisition_growth > -1):
        problems.append(f"acquisition_growth = {acquisition_growth!r} must be above -1")
    if acquisition_periods is not None and not is_count(acquisition_periods):
        problems.append(f"acquisition_periods = {acquisition_periods!r} must be a whole number >= 1, or None")
    if not problems and acquisition_periods is None and new_customers > 0 and 1 + acquisition_growth >= 1 + discount:
        problems.append(f"future cohorts grow at {acquisition_growth:g} per period, not below the discount rate "
                        f"{discount:g}: their value diverges; give acquisition_periods or a lower growth")
    if problems:
        raise ParameterError("; ".join(problems))


def _value_at_acquisition(margin: float, retention: float, discount: float, acquisition_cost: float) -> float:
    """A new customer's value when acquired: first margin m, then the CLV of a retained customer, less cost c."""
    return margin + clv_closed_form(margin, retention, discount) - acquisition_cost


def customer_equity(
    margin: float,
    retention: float,
    discount: float,
    *,
    current_customers: float,
    new_customers: float = 0.0,
    acquisition_cost: float = 0.0,
    acquisition_growth: float = 0.0,
    acquisition_periods: int | None = None,
) -> pd.Series:
    """Customer equity: the value of the current customers plus all future cohorts (Gupta, Lehmann & Stuart 2004).

    Current customers N_0 are each worth CLV = m r / (1 + i - r) (:func:`clv_closed_form`). In period
    k = 1, 2, ..., K a cohort of n (1 + h)^(k-1) customers is acquired at cost c each; as in Gupta,
    Lehmann & Stuart, a new customer yields margin m in the acquisition period and is then retained like
    the others, so it is worth m + CLV - c at time k. Discounting cohorts to today,

        CE = N_0 CLV + n (m + CLV - c) A,   A = sum_{k=1}^{K} (1 + h)^(k-1) / (1 + i)^k
           = 1 / (i - h) when K is infinite (needs h < i).

    Returns ``current_customers``, ``future_margins`` (n (m + CLV) A), ``acquisition_costs`` (-n c A)
    and their sum ``customer_equity``.

    Parameters
    ----------
    margin, retention, discount : float
        m, r and i per period.
    current_customers : float
    new_customers : float, default 0
        n, the first future cohort.
    acquisition_cost : float, default 0
    acquisition_growth : float, default 0
        h per period.
    acquisition_periods : int, optional
        K (default: no end).

    Returns
    -------
    pandas.Series

    Examples
    --------
    >>> customer_equity(100, 0.8, 0.1, current_customers=1000, new_customers=100, acquisition_cost=50).round(2).tolist()
    [266666.67, 366666.67, -50000.0, 583333.33]
    """
    check_clv_inputs(margin, retention, discount, 0.0, None)
    _check_equity(current_customers, new_customers, acquisition_cost, acquisition_growth, discount,
                  acquisition_periods)
    clv = clv_closed_form(margin, retention, discount)
    rho = (1 + acquisition_growth) / (1 + discount)
    if new_customers == 0:
        annuity = 0.0
    elif acquisition_periods is None:
        annuity = 1.0 / (discount - acquisition_growth)
    elif math.isclose(rho, 1.0, rel_tol=0, abs_tol=1e-12):
        annuity = acquisition_periods / (1 + discount)
    else:
        annuity = (1 - rho**acquisition_periods) / (1 - rho) / (1 + discount)
    out = pd.Series(
        {
            "current_customers": current_customers * clv,
            "future_margins": new_customers * (margin + clv) * annuity,
            "acquisition_costs": -new_customers * acquisition_cost * annuity,
        },
        name="value",
    )
    out["customer_equity"] = out.sum()
    return out


def customer_equity_by_cohort(
    margin: float,
    retention: float,
    discount: float,
    *,
    current_customers: float,
    new_customers: float = 0.0,
    acquisition_cost: float = 0.0,
    acquisition_growth: float = 0.0,
    acquisition_periods: int,
) -> pd.DataFrame:
    """Customer equity cohort by cohort (cohort 0 = today's customers); the sum equals :func:`customer_equity`.

    Columns: ``customers``, ``value_per_customer`` at acquisition (CLV for cohort 0, m + CLV - c after),
    ``discount_factor`` (1 + i)^-k, ``present_value`` and ``cumulative_equity``; indexed by ``cohort`` k.

    Parameters
    ----------
    margin, retention, discount : float
    current_customers, new_customers, acquisition_cost, acquisition_growth : float
    acquisition_periods : int

    Returns
    -------
    pandas.DataFrame
        Indexed by ``cohort``.

    Examples
    --------
    >>> customer_equity_by_cohort(100, 0.8, 0.1, current_customers=1000, new_customers=100,
    ...                           acquisition_periods=2)["present_value"].round(1).tolist()
    [266666.7, 33333.3, 30303.0]
    """
    if acquisition_periods is None:
        raise ParameterError("customer_equity_by_cohort needs a finite number of acquisition_periods")
    check_clv_inputs(margin, retention, discount, 0.0, None)
    _check_equity(current_customers, new_customers, acquisition_cost, acquisition_growth, discount,
                  acquisition_periods)
    k = np.arange(0, acquisition_periods + 1)
    customers = np.where(k == 0, float(current_customers),
                         new_customers * (1.0 + acquisition_growth) ** np.maximum(k - 1, 0))
    per_customer = np.where(k == 0, clv_closed_form(margin, retention, discount),
                            _value_at_acquisition(margin, retention, discount, acquisition_cost))
    out = pd.DataFrame(
        {"customers": customers, "value_per_customer": per_customer,
         "discount_factor": (1.0 + discount) ** -k.astype(float)},
        index=pd.Index(k, name="cohort"),
    )
    out["present_value"] = out["customers"] * out["value_per_customer"] * out["discount_factor"]
    out["cumulative_equity"] = out["present_value"].cumsum()
    return out


def plot_customer_equity(by_cohort: pd.DataFrame, ax: Any = None, *, unit: str = "currency units") -> Any:
    """Bars of each cohort's present value with the cumulative customer equity (:func:`customer_equity_by_cohort`).

    Parameters
    ----------
    by_cohort : pandas.DataFrame
        From :func:`customer_equity_by_cohort`.
    ax : matplotlib Axes, optional
    unit : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> cohorts = customer_equity_by_cohort(100, 0.8, 0.1, current_customers=10, new_customers=1, acquisition_periods=3)
    >>> plot_customer_equity(cohorts, ax=ax).get_xlabel()
    'cohort k (0 = current customers; k = acquired in period k)'
    """
    require_columns(by_cohort, ["present_value", "cumulative_equity"], what="the cohort table")
    ax = axes(ax)
    k = by_cohort.index.to_numpy()
    colours = ["#2166ac"] + ["#92c5de"] * (len(k) - 1)
    ax.bar(k, by_cohort["present_value"], color=colours, label="present value of the cohort")
    ax.plot(k, by_cohort["cumulative_equity"], color="black", marker="o", markersize=3,
            label="cumulative customer equity")
    ax.set_xlabel("cohort k (0 = current customers; k = acquired in period k)")
    ax.set_ylabel(f"present value ({unit})")
    ax.set_title("Customer equity: current customers plus discounted future cohorts")
    ax.legend(fontsize=8)
    return ax


_EQUITY_DRIVERS = pd.DataFrame(
    [
        ("value equity",
         "the customer's objective assessment of the utility of the brand: what is given up for what is received",
         "quality; price; convenience",
         "differentiated or complex products, business-to-business purchases, innovations"),
        ("brand equity",
         "the customer's subjective and intangible assessment of the brand, beyond its objective value",
         "brand awareness; attitude toward the brand; perception of the firm's ethics",
         "low-involvement purchases, visible consumption, quality hard to judge before use"),
        ("relationship equity",
         "the customer's tendency to stick with the brand, beyond its objective and subjective value",
         "loyalty programmes; special recognition and treatment; affinity programmes; "
         "community-building; knowledge-building",
         "loyalty benefits worth more than they cost, communities around the product, learning costs"),
    ],
    columns=["driver", "definition", "sub_drivers", "matters_most_when"],
).set_index("driver")


def equity_drivers() -> pd.DataFrame:
    """The three drivers of customer equity and their sub-drivers (Rust, Lemon & Zeithaml 2004).

    ``matters_most_when`` summarises Lemon, Rust & Zeithaml (2001), "What drives customer equity",
    *Marketing Management* 10(1).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``driver``: ``definition``, ``sub_drivers``, ``matters_most_when``.

    Examples
    --------
    >>> equity_drivers().index.tolist()
    ['value equity', 'brand equity', 'relationship equity']
    """
    return _EQUITY_DRIVERS.copy()
