"""Customer tiers: concentration (Lorenz, Gini), the customer pyramid (Zeithaml, Rust & Lemon 2001),
grouping by volume and by tenure.

Part of :mod:`crmlab.value`; see the course notebook ``01_customer_value_theory``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    ParameterError,
    SpecificationError,
    check_rows,
    require_columns,
)
from crmlab.clv.segments import (
    VALUE_GROUPS,
    Values,
    check_values,
    lorenz_curve,
    playbook,
    top_share,
    value_groups,
)
from crmlab.plotting import axes
from crmlab.transactions import leave_out_after_end, period_codes, to_timestamp
from crmlab.validation import is_count, is_number
from crmlab.value.rfm import checked_transactions, rank_groups


def gini(values: Values) -> float:
    """Gini coefficient G = sum_i (2i - n - 1) x_(i) / (n sum x) with x sorted ascending.

    0 when every customer has the same value; (n - 1)/n when one customer has everything.

    Parameters
    ----------
    values : Series, list or array

    Returns
    -------
    float

    Examples
    --------
    >>> gini([0, 0, 0, 10])
    0.75
    """
    x = np.sort(check_values(values).to_numpy())
    n = len(x)
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def value_concentration(values: Values, top: float = 0.2) -> pd.Series:
    """Customers, total value, Gini coefficient and the top-``top`` share in one Series.

    Parameters
    ----------
    values : Series, list or array
    top : float, default 0.2

    Returns
    -------
    pandas.Series

    Examples
    --------
    >>> value_concentration([1, 1, 1, 7], top=0.25).round(3).tolist()
    [4.0, 10.0, 0.45, 0.7]
    """
    v = check_values(values)
    return pd.Series({"customers": float(len(v)), "total_value": float(v.sum()), "gini": gini(v),
                      f"top_{round(100 * top)}pct_share": top_share(v, top)}, name="concentration")


def plot_lorenz(values: Values, ax: Any = None, *, top: float = 0.2, label: str = "customers") -> Any:
    """Lorenz curve with the line of equality, the Gini coefficient and the top-``top`` share.

    Parameters
    ----------
    values : Series, list or array
    ax : matplotlib Axes, optional
    top : float, default 0.2
    label : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_lorenz([1, 1, 1, 7], ax=ax).get_title()
    'Value concentration: Lorenz curve'
    """
    curve = lorenz_curve(values)
    g, s = gini(values), top_share(values, top)
    ax = axes(ax)
    ax.plot(100 * curve["customer_share"], 100 * curve["value_share"], color="#2166ac",
            label=f"{label}: Gini = {g:.2f}")
    ax.plot([0, 100], [0, 100], color="grey", linestyle="--", linewidth=1, label="perfect equality")
    ax.axvline(100 * (1 - top), color="#b2182b", linewidth=0.8)
    ax.annotate(f"top {top:.0%} hold {s:.0%}", (100 * (1 - top), 100 * (1 - s)), xytext=(-110, 20),
                textcoords="offset points", arrowprops={"arrowstyle": "->"})
    ax.set_xlabel("customers, ranked from lowest to highest value (cumulative %)")
    ax.set_ylabel("value (cumulative %)")
    ax.set_title("Value concentration: Lorenz curve")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left")
    return ax


#: The customer pyramid of Zeithaml, Rust & Lemon (2001), top tier first.
PYRAMID_TIERS = ("platinum", "gold", "iron", "lead")
#: Default share of customers per tier (a teaching convention; the pyramid itself fixes no cut-offs).
PYRAMID_SHARES = {"platinum": 0.1, "gold": 0.2, "iron": 0.3, "lead": 0.4}


def customer_pyramid(values: Values, shares: Mapping[str, float] | None = None) -> pd.Series:
    """Assign each customer to platinum, gold, iron or lead by its rank in value (Zeithaml, Rust & Lemon 2001).

    ``shares`` gives the share of customers in each tier (default ``PYRAMID_SHARES``: 10/20/30/40%).
    Customers are ranked ascending and cut at the cumulative shares from lead upwards; tied customers
    share a tier, the lower one when they straddle a cut. Returns an ordered categorical Series
    (lead < iron < gold < platinum) on the index of ``values``.

    Parameters
    ----------
    values : Series, list or array
    shares : mapping, optional
        Share of customers per tier (default :data:`PYRAMID_SHARES`).

    Returns
    -------
    pandas.Series
        Ordered categorical ``tier``.

    Examples
    --------
    >>> customer_pyramid(list(range(10))).astype(str).tolist()
    ['lead', 'lead', 'lead', 'lead', 'iron', 'iron', 'iron', 'gold', 'gold', 'platinum']
    """
    v = check_values(values)
    shares = dict(PYRAMID_SHARES if shares is None else shares)
    problems = [f"unknown tier {k!r}" for k in shares if k not in PYRAMID_TIERS]
    problems += [f"no share for {t!r}" for t in PYRAMID_TIERS if t not in shares]
    problems += [f"share of {k!r} is {s!r}; shares must be > 0" for k, s in shares.items()
                 if not (is_number(s) and s > 0)]
    if not problems and not math.isclose(sum(shares.values()), 1.0, abs_tol=1e-9):
        problems.append(f"the shares sum to {sum(shares.values()):g}, not 1")
    if problems:
        raise SpecificationError("customer pyramid", problems,
                                 fix=f"give a share > 0 for each of {list(PYRAMID_TIERS)}, summing to 1")
    ascending = list(reversed(PYRAMID_TIERS))
    groups = rank_groups(v, [shares[t] for t in ascending])
    return pd.Series(pd.Categorical([ascending[g] for g in groups], categories=ascending, ordered=True),
                     index=v.index, name="tier")


#: Grouping by volume: key accounts, small and medium customers, scattered customers (大客户 / 中小客户 /
#: 零散客户); the labels of :data:`crmlab.clv.segments.VALUE_GROUPS`.
VOLUME_GROUPS = VALUE_GROUPS


def volume_groups(values: Values, cutoffs: tuple[float, float] = (0.5, 0.9)) -> pd.Series:
    """Group customers by volume into large, small-medium and scattered customers (ABC-style).

    A view of the one value-share grouping, :func:`crmlab.clv.segments.value_groups` (which
    :func:`crmlab.clv.customer_groups` uses too): customers are sorted by value, largest first; a
    customer is *large* if the customers with a strictly larger value hold less than ``cutoffs[0]`` of
    total value, *small_medium* if they hold less than ``cutoffs[1]``, and *scattered* otherwise; so the
    large customers are the few who together make up about half of the value (default) and the
    scattered ones the many who make up the last 10%. Tied customers share a group.

    Parameters
    ----------
    values : Series, list or array
        One value >= 0 per customer (spend, revenue).
    cutoffs : tuple of two floats, default (0.5, 0.9)
        0 < first < second < 1.

    Returns
    -------
    pandas.Series
        An ordered categorical (scattered < small_medium < large) named ``volume_group``.

    Examples
    --------
    >>> volume_groups([50, 30, 10, 5, 5]).astype(str).tolist()
    ['large', 'small_medium', 'small_medium', 'scattered', 'scattered']
    """
    return value_groups(values, cutoffs).rename("volume_group")


#: Grouping by tenure: new, old (established) and potential customers.
TENURE_GROUPS = ("potential", "new", "old")


def tenure_groups(
    transactions: pd.DataFrame,
    observation_end: str | pd.Timestamp,
    *,
    new_within_days: int = 90,
    prospects: Iterable[Any] = (),
    customer_col: str = "customer_id",
    date_col: str = "date",
) -> pd.Series:
    """Group customers by tenure: *new*, *old* and *potential* customers.

    *new*: first purchase in the last ``new_within_days`` days, i.e. after
    ``observation_end - new_within_days`` and up to ``observation_end``; *old*: an earlier first purchase;
    *potential*: ``prospects`` (ids from a prospect list) who have not bought yet.

    Prospect ids that already appear in the log are classified by their purchases (counted in a
    ``CrmlabWarning``). Returns an ordered categorical indexed by customer id (buyers sorted, then prospects).

    Parameters
    ----------
    transactions : pandas.DataFrame
    observation_end : date
    new_within_days : int, default 90
    prospects : iterable
        Ids of prospects.
    customer_col, date_col : str

    Returns
    -------
    pandas.Series
        Ordered categorical ``tenure_group``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b"], "date": ["2023-01-05", "2024-01-20"]})
    >>> tenure_groups(log, "2024-01-31", prospects=["p"]).astype(str).tolist()
    ['old', 'new', 'potential']
    """
    if not is_count(new_within_days):
        raise ParameterError(f"new_within_days = {new_within_days!r} must be a whole number of days >= 1")
    df = checked_transactions(transactions, customer_col, date_col, None)
    end = to_timestamp(observation_end, "observation_end")
    after = period_codes(df[date_col].to_numpy(), "D") > period_codes(np.array([end.asm8]), "D")[0]
    leave_out_after_end(int(after.sum()), len(df), end, date_col)
    df = df.loc[~after]
    first = df.groupby(customer_col, sort=True)[date_col].min()
    labels = pd.Series(np.where(first > end - pd.Timedelta(days=new_within_days), "new", "old"), index=first.index)
    prospect_ids = list(dict.fromkeys(prospects))
    buyers = [p for p in prospect_ids if p in labels.index]
    if buyers:
        warnings.warn(f"{len(buyers)} prospect(s) already bought and are grouped by their purchases "
                      f"(first: {buyers[:5]})", CrmlabWarning, stacklevel=2)
    potential = pd.Series("potential", index=pd.Index([p for p in prospect_ids if p not in labels.index]))
    out = pd.concat([labels, potential])
    out.index.name = customer_col
    return pd.Series(pd.Categorical(out, categories=list(TENURE_GROUPS), ordered=True), index=out.index,
                     name="tenure_group")


def tier_summary(values: Values, tiers: pd.Series) -> pd.DataFrame:
    """Customers and value per tier: ``customers``, ``customer_share``, ``value``, ``value_share``, ``mean_value``.

    ``tiers`` is aligned with ``values`` on the index (any grouping: pyramid, volume, RFM segment); the
    shares add up to 1. Tiers are listed top first when ``tiers`` is an ordered categorical.

    Parameters
    ----------
    values : Series, list or array
    tiers : pandas.Series
        A tier per customer, on the index of ``values``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> spend = pd.Series([50.0, 30.0, 10.0, 5.0, 5.0])
    >>> tier_summary(spend, volume_groups(spend))["value_share"].tolist()
    [0.5, 0.4, 0.1]
    """
    v = check_values(values)
    if not tiers.index.equals(v.index):
        missing = v.index.difference(tiers.index)
        if len(missing) or len(tiers.index.difference(v.index)):
            raise DataValidationError("values and tiers are not on the same customers", rows=list(missing),
                                      fix="pass values and tiers indexed by the same customer ids")
        tiers = tiers.reindex(v.index)
    check_rows(tiers.isna(), column=tiers.name or "tier", problem="customer without a tier", fix="give every customer a tier", data=tiers.to_frame())
    out = v.groupby(tiers, observed=False, sort=True).agg(["size", "sum"])
    out.columns = ["customers", "value"]
    if isinstance(tiers.dtype, pd.CategoricalDtype) and tiers.cat.ordered:
        out = out.iloc[::-1]
    out["customers"] = out["customers"].astype("int64")
    out["customer_share"] = out["customers"] / len(v)
    out["value_share"] = out["value"] / v.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean_value"] = out["value"] / out["customers"]
    out.index.name = tiers.name or "tier"
    return out[["customers", "customer_share", "value", "value_share", "mean_value"]]


def plot_customer_pyramid(summary: pd.DataFrame, ax: Any = None) -> Any:
    """The customer pyramid drawn as stacked trapezoids, top tier on top, with customer and value shares.

    ``summary`` is :func:`tier_summary` of a :func:`customer_pyramid` (top tier first).

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`tier_summary` of a :func:`customer_pyramid`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> spend = pd.Series(range(1, 11), dtype=float)
    >>> plot_customer_pyramid(tier_summary(spend, customer_pyramid(spend)), ax=ax).get_title()
    'The customer pyramid (Zeithaml, Rust & Lemon 2001)'
    """
    require_columns(summary, ["customer_share", "value_share"], what="the tier summary")
    ax = axes(ax)
    n = len(summary)
    colours = {"platinum": "#b0b7c3", "gold": "#e6c34d", "iron": "#8c8c8c", "lead": "#4d5360"}
    for level, (tier, row) in enumerate(summary.iloc[::-1].iterrows()):
        bottom_half, top_half = 1 - level / n, 1 - (level + 1) / n
        ax.fill([-bottom_half, bottom_half, top_half, -top_half], [level, level, level + 1, level + 1],
                color=colours.get(str(tier), "#92c5de"), edgecolor="white")
        ax.text(0, level + 0.5, f"{tier}\n{row['customer_share']:.0%} of customers, {row['value_share']:.0%} of value",
                ha="center", va="center", fontsize=9, color="white" if str(tier) in ("lead", "iron") else "black")
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(0, n)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("tiers by customer value (width: position in the pyramid, not to scale)")
    ax.set_ylabel("tier (top = most valuable)")
    ax.set_title("The customer pyramid (Zeithaml, Rust & Lemon 2001)")
    return ax


def tier_playbook() -> pd.DataFrame:
    """What a CRM team does with each tier of the pyramid, each volume group and each tenure group.

    A view of the one playbook, :data:`crmlab.clv.segments.PLAYBOOK` (whose ``relationship`` rows
    :data:`crmlab.clv.GROUP_ACTIONS` shows).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``grouping``, ``tier``) for the groupings ``pyramid``, ``volume`` and ``tenure``;
        columns ``treatment``, ``goal`` and ``source``.

    Examples
    --------
    >>> tier_playbook().loc[("volume", "large"), "goal"]
    'protect the few customers who carry most of the value'
    """
    return playbook(["pyramid", "volume", "tenure"])
