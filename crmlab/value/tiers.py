"""Customer tiers: concentration (Lorenz, Gini), the customer pyramid (Zeithaml, Rust & Lemon 2001),
grouping by volume and by tenure.

Part of :mod:`crmlab.value`; see the course notebook ``01_customer_value_theory``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    ParameterError,
    SpecificationError,
    check_rows,
    offending_rows,
    require_columns,
)
from crmlab.plotting import axes
from crmlab.transactions import leave_out_after_end, period_codes, to_timestamp
from crmlab.validation import is_count, is_number
from crmlab.value.rfm import checked_transactions, rank_groups


#: Customer values: a Series (indexed by customer), a list or an array.
Values = pd.Series | Sequence[float] | np.ndarray


def _values(values: Values, what: str = "the customer values") -> pd.Series:
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    if len(series) == 0:
        raise EmptyDataError(f"{what} are empty", fix="pass one value per customer")
    numeric = pd.to_numeric(series, errors="coerce")
    bad = numeric.isna() | ~np.isfinite(numeric.astype(float))
    if bad.any():
        raise DataValidationError(f"{what}: missing or not a finite number", rows=offending_rows(bad),
                                  fix="fill in or remove these customers")
    if (numeric < 0).any():
        raise DataValidationError(
            f"{what}: negative value", rows=offending_rows(numeric < 0),
            fix="concentration measures need values >= 0 (revenue, spend); treat loss-making customers apart",
        )
    if numeric.sum() <= 0:
        raise DataValidationError(f"{what} sum to 0", fix="concentration is undefined when nobody has any value")
    return numeric.astype("float64")


def lorenz_curve(values: Values) -> pd.DataFrame:
    """Lorenz curve: cumulative share of value held by the poorest share of customers, from (0, 0) to (1, 1)."""
    x = np.sort(_values(values).to_numpy())
    n = len(x)
    return pd.DataFrame({"customer_share": np.arange(n + 1) / n,
                         "value_share": np.concatenate([[0.0], np.cumsum(x) / x.sum()])})


def gini(values: Values) -> float:
    """Gini coefficient G = sum_i (2i - n - 1) x_(i) / (n sum x) with x sorted ascending.

    0 when every customer has the same value; (n - 1)/n when one customer has everything.
    """
    x = np.sort(_values(values).to_numpy())
    n = len(x)
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def top_share(values: Values, share: float = 0.2) -> float:
    """Share of total value held by the top ``share`` of customers: 1 - L(1 - share), L interpolated linearly."""
    if not (is_number(share) and 0 < share <= 1):
        raise ParameterError(f"share = {share!r} must be in (0, 1], e.g. 0.2 for the top 20%")
    curve = lorenz_curve(values)
    return float(1.0 - np.interp(1.0 - share, curve["customer_share"], curve["value_share"]))


def value_concentration(values: Values, top: float = 0.2) -> pd.Series:
    """Customers, total value, Gini coefficient and the top-``top`` share in one Series."""
    v = _values(values)
    return pd.Series({"customers": float(len(v)), "total_value": float(v.sum()), "gini": gini(v),
                      f"top_{round(100 * top)}pct_share": top_share(v, top)}, name="concentration")


def plot_lorenz(values: Values, ax: Any = None, *, top: float = 0.2, label: str = "customers") -> Any:
    """Lorenz curve with the line of equality, the Gini coefficient and the top-``top`` share."""
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
    """
    v = _values(values)
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


#: Grouping by volume: key accounts, small and medium customers, scattered customers.
VOLUME_GROUPS = ("large", "small_medium", "scattered")


def volume_groups(values: Values, cutoffs: tuple[float, float] = (0.5, 0.9)) -> pd.Series:
    """Group customers by volume into large, small-medium and scattered customers (ABC-style).

    Customers are sorted by value, largest first. A customer is *large* if the customers with a strictly
    larger value hold less than ``cutoffs[0]`` of total value, *small_medium* if they hold less than
    ``cutoffs[1]``, and *scattered* otherwise; so the large customers are the few who together make up
    about half of the value (default) and the scattered ones the many who make up the last 10%. Tied
    customers share a group. Returns an ordered categorical (scattered < small_medium < large).
    """
    v = _values(values)
    if len(cutoffs) != 2 or not all(is_number(c) for c in cutoffs) or not 0 < cutoffs[0] < cutoffs[1] < 1:
        raise ParameterError(f"cutoffs = {cutoffs!r} must be two numbers 0 < first < second < 1, e.g. (0.5, 0.9)")
    low, high = cutoffs
    total = v.sum()
    # value held by customers with a strictly larger value: sum over customers ranked above any tie block
    order = v.sort_values(ascending=False, kind="stable")
    cumulative = order.cumsum() - order
    above = cumulative.groupby(order).transform("min") / total
    labels = np.where(above < low, "large", np.where(above < high, "small_medium", "scattered"))
    ordered = list(reversed(VOLUME_GROUPS))
    return pd.Series(pd.Categorical(labels, categories=ordered, ordered=True), index=order.index,
                     name="volume_group").reindex(v.index)


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
    """
    v = _values(values)
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


_TIER_PLAYBOOK = pd.DataFrame(
    [
        ("pyramid", "platinum", "reward and protect: named contact, priority service, early access",
         "keep and deepen the most profitable relationships", "Zeithaml, Rust & Lemon (2001)"),
        ("pyramid", "gold", "grow: cross- and up-selling, loyalty-programme incentives to move up",
         "turn gold into platinum", "Zeithaml, Rust & Lemon (2001)"),
        ("pyramid", "iron", "serve efficiently: standard service, digital channels, targeted offers",
         "keep the volume at a lower cost to serve", "Zeithaml, Rust & Lemon (2001)"),
        ("pyramid", "lead", "change the economics: self-service, fees or prices that cover cost, less paid contact",
         "make unprofitable customers break even, or let them go", "Zeithaml, Rust & Lemon (2001)"),
        ("volume", "large", "one-to-one: key-account management, personal contact, tailored offers",
         "protect the few customers who carry most of the value", "Chinese e-commerce CRM literature"),
        ("volume", "small_medium", "one-to-many: programmes and campaigns by segment or region",
         "serve many customers well at a moderate cost", "Chinese e-commerce CRM literature"),
        ("volume", "scattered", "low-touch: automated, self-service channels; watch for customers who grow",
         "serve at minimal cost without neglecting them", "Chinese e-commerce CRM literature"),
        ("tenure", "new", "onboarding: welcome contact, help with first use, second-purchase incentive",
         "turn first-time buyers into repeat buyers", "Chinese e-commerce CRM literature"),
        ("tenure", "old", "retention and development: loyalty benefits, satisfaction tracking, win-back",
         "keep established customers and grow their value", "Chinese e-commerce CRM literature"),
        ("tenure", "potential", "acquisition: targeted prospecting, word of mouth, referral offers",
         "acquire customers whose expected CLV exceeds the acquisition cost", "Chinese e-commerce CRM literature"),
    ],
    columns=["grouping", "tier", "treatment", "goal", "source"],
).set_index(["grouping", "tier"])


def tier_playbook() -> pd.DataFrame:
    """What a CRM team does with each tier of the pyramid, each volume group and each tenure group."""
    return _TIER_PLAYBOOK.copy()
