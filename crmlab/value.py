"""Customer value theory: perceived and delivered value, consumption values, CLV, customer equity,
RFM scoring and customer tiers.

Every function takes plain numbers or DataFrames and returns numbers or tidy DataFrames; plots take
``ax=`` and return it. The sections follow the course notebook ``01_customer_value_theory``:

1. Perceived value (Zeithaml 1988) and customer delivered value (Kotler).
2. Consumption values (Sheth, Newman & Gross 1991).
3. Customer lifetime value in closed form (Gupta & Lehmann 2003), its explicit sum, a Monte Carlo
   check and sensitivity analysis.
4. Customer equity of current and future cohorts (Gupta, Lehmann & Stuart 2004) and its drivers
   (Rust, Lemon & Zeithaml 2004).
5. RFM quintile scoring (Hughes) with a calibration/holdout validation.
6. Customer tiers: concentration (Lorenz, Gini), the customer pyramid (Zeithaml, Rust & Lemon 2001),
   grouping by volume and by tenure.
"""

from __future__ import annotations

import itertools
import math
import numbers
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
    require_rows,
)
from crmlab.clv.data import rfm_summary
from crmlab.transactions import leave_out_after_end, parse_dates, period_codes, to_timestamp, validate_log

Values = pd.Series | Sequence[float] | np.ndarray

# ---------------------------------------------------------------------------------------------------
# 1. Perceived value and customer delivered value

#: Kotler's four sources of total customer value and four kinds of total customer cost.
KOTLER_VALUE_DIMENSIONS = ("product", "services", "personnel", "image")
KOTLER_COST_DIMENSIONS = ("monetary", "time", "energy", "psychic")
SIDES = ("value", "cost")


def _value_components(
    table: pd.DataFrame,
    *,
    offering_col: str,
    side_col: str,
    dimension_col: str | None,
    amount_col: str,
    weight_col: str | None,
) -> pd.DataFrame:
    """Validate a tidy offerings x components table; return offering, side, dimension, weighted amount."""
    what = "the value table"
    require_rows(table, what=what, fix="give one row per offering and component")
    require_columns(table, [c for c in (offering_col, side_col, dimension_col, amount_col, weight_col) if c], what=what)
    df = table.reset_index(drop=True)
    check_rows(df[offering_col].isna(), column=offering_col, problem="missing offering name", fix="name the offering on every row", data=df)
    side = df[side_col].astype("string").str.strip().str.lower()
    check_rows(~side.isin(SIDES), column=side_col, problem="side must be 'value' (received) or 'cost' (given)", fix="write 'value' for what the customer receives and 'cost' for what the customer gives", data=df)
    amount = _numeric(df, amount_col, "amount")
    check_rows((amount < 0) & (side == "cost"), column=amount_col, problem="negative cost", fix="costs are what the customer gives up and cannot be negative; enter a benefit as a 'value' row", data=df)
    check_rows((amount < 0) & (side == "value"), column=amount_col, problem="negative value", fix="a drawback is something the customer gives up: enter it as a positive 'cost' row", data=df)
    if weight_col is None:
        weight = pd.Series(1.0, index=df.index)
    else:
        weight = _numeric(df, weight_col, "weight")
        check_rows(weight < 0, column=weight_col, problem="negative weight", fix="weights are importances and must be >= 0", data=df)
    out = pd.DataFrame(
        {"offering": df[offering_col], "side": side.astype(str), "weighted": amount * weight}
    )
    if dimension_col is not None:
        dimension = df[dimension_col].astype("string").str.strip().str.lower().fillna("")
        allowed = {"value": KOTLER_VALUE_DIMENSIONS, "cost": KOTLER_COST_DIMENSIONS}
        ok = pd.Series([d in allowed.get(s, ()) for s, d in zip(side, dimension, strict=True)], index=df.index)
        check_rows(~ok, column=dimension_col, problem="not one of Kotler's dimensions for its side", fix=f"value rows use {list(KOTLER_VALUE_DIMENSIONS)}, cost rows use {list(KOTLER_COST_DIMENSIONS)}", data=df)
        out["dimension"] = dimension.astype(str)
    return out


def perceived_value(
    table: pd.DataFrame,
    *,
    offering_col: str = "offering",
    side_col: str = "side",
    amount_col: str = "amount",
    weight_col: str | None = None,
) -> pd.DataFrame:
    """Perceived value per offering: what is received against what is given (Zeithaml 1988).

    ``table`` has one row per offering and component, ``side`` is ``"value"`` (received) or ``"cost"``
    (given), ``amount`` >= 0 in money-equivalent units, and an optional importance ``weight`` (>= 0).
    Returns ``received`` = sum(w * amount | value), ``given`` = sum(w * amount | cost),
    ``net_value`` = received - given and ``value_ratio`` = received / given (inf when nothing is given,
    NaN when both are 0), one row per offering in order of first appearance.
    """
    parts = _value_components(table, offering_col=offering_col, side_col=side_col, dimension_col=None,
                              amount_col=amount_col, weight_col=weight_col)
    totals = parts.pivot_table(index="offering", columns="side", values="weighted", aggfunc="sum",
                               fill_value=0.0, sort=False)
    out = totals.reindex(columns=list(SIDES), fill_value=0.0).rename(columns={"value": "received", "cost": "given"})
    out["net_value"] = out["received"] - out["given"]
    out["value_ratio"] = _ratio(out["received"], out["given"])
    out.columns.name = None
    return out


def delivered_value(
    table: pd.DataFrame,
    *,
    offering_col: str = "offering",
    side_col: str = "side",
    dimension_col: str = "dimension",
    amount_col: str = "amount",
    weight_col: str | None = None,
) -> pd.DataFrame:
    """Kotler's customer delivered value per offering (Kotler & Keller, *Marketing Management*).

    Delivered value = total customer value (product + services + personnel + image)
    - total customer cost (monetary + time + energy + psychic); the value/cost ratio is
    total customer value / total customer cost. ``dimension`` must be one of Kotler's four dimensions of
    its ``side``; several rows (items) may share a dimension and are summed after weighting. Returns one
    row per offering with the eight dimension totals, ``total_customer_value``, ``total_customer_cost``,
    ``delivered_value`` and ``value_cost_ratio`` (inf when the total cost is 0).
    """
    parts = _value_components(table, offering_col=offering_col, side_col=side_col, dimension_col=dimension_col,
                              amount_col=amount_col, weight_col=weight_col)
    dims = parts.pivot_table(index="offering", columns="dimension", values="weighted", aggfunc="sum",
                             fill_value=0.0, sort=False)
    dims = dims.reindex(columns=list(KOTLER_VALUE_DIMENSIONS + KOTLER_COST_DIMENSIONS), fill_value=0.0)
    out = dims[list(KOTLER_VALUE_DIMENSIONS)].copy()
    out["total_customer_value"] = out.sum(axis=1)
    for dim in KOTLER_COST_DIMENSIONS:
        out[dim] = dims[dim]
    out["total_customer_cost"] = dims[list(KOTLER_COST_DIMENSIONS)].sum(axis=1)
    out["delivered_value"] = out["total_customer_value"] - out["total_customer_cost"]
    out["value_cost_ratio"] = _ratio(out["total_customer_value"], out["total_customer_cost"])
    out.columns.name = None
    return out


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(np.divide(numerator.to_numpy(float), denominator.to_numpy(float)), index=numerator.index)


def plot_delivered_value(result: pd.DataFrame, ax: Any = None, *, unit: str = "money-equivalent units") -> Any:
    """Stacked bars per offering: value dimensions above zero, cost dimensions below, delivered value marked.

    ``result`` is the output of :func:`delivered_value`.
    """
    require_columns(result, list(KOTLER_VALUE_DIMENSIONS + KOTLER_COST_DIMENSIONS) + ["delivered_value"],
                    what="the delivered-value table")
    ax = _axes(ax)
    x = np.arange(len(result))
    value_colours = ["#1b7837", "#5aae61", "#a6dba0", "#d9f0d3"]
    cost_colours = ["#762a83", "#9970ab", "#c2a5cf", "#e7d4e8"]
    bottom = np.zeros(len(result))
    for dim, colour in zip(KOTLER_VALUE_DIMENSIONS, value_colours, strict=True):
        ax.bar(x, result[dim], bottom=bottom, color=colour, width=0.55, label=f"value: {dim}")
        bottom += result[dim].to_numpy(float)
    bottom = np.zeros(len(result))
    for dim, colour in zip(KOTLER_COST_DIMENSIONS, cost_colours, strict=True):
        ax.bar(x, -result[dim], bottom=bottom, color=colour, width=0.55, label=f"cost: {dim}")
        bottom -= result[dim].to_numpy(float)
    ax.scatter(x, result["delivered_value"], marker="D", s=60, color="black", zorder=3, label="delivered value")
    for xi, dv in zip(x, result["delivered_value"], strict=True):
        ax.annotate(f"{dv:,.0f}", (xi, dv), xytext=(12, 0), textcoords="offset points", va="center")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, [str(o) for o in result.index])
    ax.set_xlabel("offering")
    ax.set_ylabel(f"value (+) and cost (-), {unit}")
    ax.set_title("Customer delivered value = total customer value - total customer cost")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    return ax


def plot_value_waterfall(result: pd.DataFrame, offering: str, ax: Any = None, *,
                         unit: str = "money-equivalent units") -> Any:
    """Waterfall for one offering: value dimensions add up, cost dimensions take away, delivered value remains."""
    if offering not in result.index:
        raise ParameterError(f"no offering {offering!r}; the offerings are {list(result.index)}")
    row = result.loc[offering]
    steps = [(d, float(row[d])) for d in KOTLER_VALUE_DIMENSIONS] + [("total value", None)]
    steps += [(d, -float(row[d])) for d in KOTLER_COST_DIMENSIONS] + [("delivered value", None)]
    ax = _axes(ax)
    level, levels = 0.0, [0.0]
    for k, (label, change) in enumerate(steps):
        if change is None:
            colour = "#2166ac" if level >= 0 else "#b2182b"
            ax.bar(k, level, color=colour, width=0.6)
            ax.annotate(f"{level:,.0f}", (k, level), xytext=(0, 3 if level >= 0 else -12),
                        textcoords="offset points", ha="center")
        else:
            ax.bar(k, change, bottom=level, color="#5aae61" if change >= 0 else "#9970ab", width=0.6)
            level += change
            levels.append(level)
    ax.axhline(0, color="black", linewidth=0.8)
    pad = 0.1 * (max(levels) - min(levels) or 1.0)
    ax.set_ylim(min(levels) - (pad if min(levels) < 0 else 0.0), max(levels) + pad)
    ax.set_xticks(range(len(steps)), [s[0] for s in steps], rotation=35, ha="right")
    ax.set_xlabel("component (Kotler's dimensions)")
    ax.set_ylabel(unit)
    ax.set_title(f"Delivered value of '{offering}': value built up, costs taken away")
    return ax


# ---------------------------------------------------------------------------------------------------
# 2. Consumption values

#: Sheth, Newman & Gross (1991): the five consumption values behind market choice.
CONSUMPTION_VALUES = ("functional", "social", "emotional", "epistemic", "conditional")


def consumption_value_profile(
    scores: pd.DataFrame,
    *,
    offering_col: str = "offering",
    value_col: str = "value",
    score_col: str = "score",
    weights: Mapping[str, float] | None = None,
    scale: tuple[float, float] = (1.0, 7.0),
) -> pd.DataFrame:
    """Consumption-value profile per offering (Sheth, Newman & Gross 1991).

    ``scores`` is tidy: one row per offering, consumption value (functional, social, emotional,
    epistemic, conditional) and rating on ``scale``; several rows (respondents) per pair are averaged.
    Returns offerings x the five values (mean scores) and ``overall`` = sum(w_k * score_k) / sum(w_k)
    with importance weights ``weights`` (equal when omitted).
    """
    what = "the consumption-value scores"
    require_rows(scores, what=what, fix="give one row per offering, value and rating")
    require_columns(scores, [offering_col, value_col, score_col], what=what)
    df = scores.reset_index(drop=True)
    check_rows(df[offering_col].isna(), column=offering_col, problem="missing offering name", fix="name the offering on every row", data=df)
    value = df[value_col].astype("string").str.strip().str.lower()
    check_rows(~value.isin(CONSUMPTION_VALUES), column=value_col, problem="not one of Sheth, Newman & Gross's five values", fix=f"use {list(CONSUMPTION_VALUES)}", data=df)
    low, high = scale
    score = _numeric(df, score_col, "score")
    check_rows((score < low) | (score > high), column=score_col, problem=f"score outside the scale {low:g}-{high:g}", fix="rescale the ratings or pass scale=(min, max)", data=df)
    profile = pd.DataFrame({"offering": df[offering_col], "value": value.astype(str), "score": score}).pivot_table(
        index="offering", columns="value", values="score", aggfunc="mean", sort=False
    ).reindex(columns=list(CONSUMPTION_VALUES))
    missing = [f"{o!r} has no {v!r} score" for o in profile.index for v in CONSUMPTION_VALUES
               if pd.isna(profile.loc[o, v])]
    if missing:
        raise SpecificationError("consumption-value profile", missing,
                                 fix="rate every offering on all five consumption values")
    w = _consumption_weights(weights)
    profile["overall"] = profile[list(CONSUMPTION_VALUES)].to_numpy() @ w
    profile.columns.name = None
    return profile


def _consumption_weights(weights: Mapping[str, float] | None) -> np.ndarray:
    if weights is None:
        return np.full(len(CONSUMPTION_VALUES), 1.0 / len(CONSUMPTION_VALUES))
    problems = [f"unknown value {k!r}" for k in weights if k not in CONSUMPTION_VALUES]
    problems += [f"no weight for {v!r}" for v in CONSUMPTION_VALUES if v not in weights]
    problems += [f"weight of {k!r} is {w!r}; weights must be finite and >= 0" for k, w in weights.items()
                 if not (_is_number(w) and w >= 0)]
    if not problems and sum(weights.values()) <= 0:
        problems.append("the weights sum to 0")
    if problems:
        raise SpecificationError("consumption-value weights", problems,
                                 fix=f"give one importance >= 0 for each of {list(CONSUMPTION_VALUES)}")
    w = np.array([float(weights[v]) for v in CONSUMPTION_VALUES])
    return w / w.sum()


def plot_consumption_values(profile: pd.DataFrame, ax: Any = None, *,
                            scale: tuple[float, float] = (1.0, 7.0)) -> Any:
    """Radar chart of :func:`consumption_value_profile`, one polygon per offering (``ax`` must be polar)."""
    require_columns(profile, list(CONSUMPTION_VALUES), what="the consumption-value profile")
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=(6.0, 6.0)).add_subplot(projection="polar")
    elif getattr(ax, "name", "") != "polar":
        raise ParameterError("a radar chart needs polar axes: create them with fig.add_subplot(projection='polar')")
    angles = np.linspace(0.0, 2 * np.pi, len(CONSUMPTION_VALUES), endpoint=False)
    closed = np.append(angles, angles[0])
    for offering, row in profile[list(CONSUMPTION_VALUES)].iterrows():
        r = np.append(row.to_numpy(float), row.iloc[0])
        ax.plot(closed, r, linewidth=1.8, label=str(offering))
        ax.fill(closed, r, alpha=0.12)
    ax.set_xticks(angles, [v.capitalize() for v in CONSUMPTION_VALUES])
    ax.set_ylim(scale[0], scale[1])
    ax.set_rlabel_position(180 / len(CONSUMPTION_VALUES))
    ax.set_ylabel(f"mean score ({scale[0]:g}-{scale[1]:g})", labelpad=28)
    ax.set_title("Consumption values (Sheth, Newman & Gross 1991)", pad=24)
    ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.1), fontsize=8)
    return ax


# ---------------------------------------------------------------------------------------------------
# 3. Customer lifetime value in closed form

def _check_clv(margin: float, retention: float, discount: float, growth: float, horizon: int | None) -> None:
    problems = []
    for name, x in (("margin", margin), ("retention", retention), ("discount", discount), ("growth", growth)):
        if not _is_number(x):
            problems.append(f"{name} must be a finite number, got {x!r}")
    if problems:
        raise ParameterError("; ".join(problems))
    if not 0 <= retention <= 1:
        problems.append(f"retention r = {retention!r} must be a probability, 0 <= r <= 1")
    if discount <= -1:
        problems.append(f"discount rate i = {discount!r} must be above -1 (usually 0 <= i < 1, e.g. 0.1 for 10%)")
    if growth <= -1:
        problems.append(f"margin growth g = {growth!r} must be above -1")
    if horizon is not None and not _is_count(horizon):
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
    """
    _check_clv(margin, retention, discount, growth, horizon)
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
    """
    if horizon is None:
        raise ParameterError("clv_schedule needs a finite horizon (a whole number of periods >= 1)")
    _check_clv(margin, retention, discount, growth, horizon)
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
    """The discounted sum of :func:`clv_schedule`, term by term (``math.fsum``): the check on the closed form."""
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
    """
    _check_clv(margin, retention, discount, growth, horizon)
    if horizon is None and retention == 1:
        raise ParameterError("with retention r = 1 nobody ever leaves: give a finite horizon to simulate")
    if not _is_count(n_customers):
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
    bad = [x for x in grid if not _is_number(x)]
    if bad:
        raise ParameterError(f"{name}: {bad[:5]!r} are not finite numbers")
    return [float(x) for x in grid]


def clv_elasticities(margin: float, retention: float, discount: float, growth: float = 0.0) -> pd.Series:
    """Elasticities of the infinite-horizon CLV: % change in CLV per 1% change in m, r and i.

    With D = 1 + i - r(1+g): margin 1, retention (1 + i)/D, discount -i/D; needs a non-zero margin.
    Retention is the strongest lever: Gupta, Lehmann & Stuart (2004) found that a 1% improvement in
    retention, margin or acquisition cost raised firm value by about 5%, 1% and 0.1%.
    """
    _check_clv(margin, retention, discount, growth, None)
    if margin == 0:
        raise ParameterError("elasticities are undefined for a zero margin (CLV = 0)")
    d = 1 + discount - retention * (1 + growth)
    return pd.Series({"margin": 1.0, "retention": (1 + discount) / d, "discount": -discount / d},
                     name="elasticity")


def plot_clv_sensitivity(table: pd.DataFrame, x: str = "retention", hue: str = "discount", ax: Any = None, *,
                         unit: str = "currency units") -> Any:
    """Lines of CLV against ``x``, one per value of ``hue``, from :func:`clv_sensitivity` output."""
    params = ["margin", "retention", "discount", "growth"]
    require_columns(table, params + ["clv"], what="the sensitivity table")
    problems = [f"{p!r} is not a CLV parameter ({params})" for p in (x, hue) if p not in params]
    problems += [f"{p!r} takes several values but is neither x nor hue" for p in params
                 if p not in (x, hue) and table[p].nunique() > 1]
    if problems:
        raise SpecificationError("CLV sensitivity plot", problems,
                                 fix="fix every other parameter to one value, or filter the table first")
    ax = _axes(ax)
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


# ---------------------------------------------------------------------------------------------------
# 4. Customer equity

def _check_equity(current_customers: float, new_customers: float, acquisition_cost: float,
                  acquisition_growth: float, discount: float, acquisition_periods: int | None) -> None:
    problems = []
    for name, x in (("current_customers", current_customers), ("new_customers", new_customers),
                    ("acquisition_cost", acquisition_cost)):
        if not (_is_number(x) and x >= 0):
            problems.append(f"{name} = {x!r} must be a finite number >= 0")
    if not (_is_number(acquisition_growth) and acquisition_growth > -1):
        problems.append(f"acquisition_growth = {acquisition_growth!r} must be above -1")
    if acquisition_periods is not None and not _is_count(acquisition_periods):
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
    """
    _check_clv(margin, retention, discount, 0.0, None)
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
    """
    if acquisition_periods is None:
        raise ParameterError("customer_equity_by_cohort needs a finite number of acquisition_periods")
    _check_clv(margin, retention, discount, 0.0, None)
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
    """Bars of each cohort's present value with the cumulative customer equity (:func:`customer_equity_by_cohort`)."""
    require_columns(by_cohort, ["present_value", "cumulative_equity"], what="the cohort table")
    ax = _axes(ax)
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
    """
    return _EQUITY_DRIVERS.copy()


# ---------------------------------------------------------------------------------------------------
# 5. RFM

def _transactions(transactions: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None) -> pd.DataFrame:
    """The log checked by the transaction-log contract (:func:`crmlab.transactions.validate_log`), with
    its dates as naive UTC ``datetime64[ns]`` and amounts as floats."""
    log = validate_log(transactions, customer_col, date_col, amount_col)
    df = transactions.reset_index(drop=True).copy()
    df[date_col] = log.dates
    if amount_col is not None:
        df[amount_col] = log.amounts
    return df


def rfm_table(
    transactions: pd.DataFrame,
    observation_end: str | pd.Timestamp | None = None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer from a transaction log (Hughes's RFM).

    ``recency`` = days from the last purchase day to the day of ``observation_end`` (default: the last
    date in the log), ``frequency`` = number of purchase occasions (distinct purchase days),
    ``monetary`` = total spend. A view of the one summary kernel, :func:`crmlab.clv.rfm_summary` with
    daily periods and ``include_first=True``: recency = T - t_x, frequency = x + 1. The log is checked
    by the transaction-log contract; rows after the day of ``observation_end`` are left out with a
    warning that counts them. Indexed by customer, sorted by customer id.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 7.0],
    ...                     "date": ["2024-01-01", "2024-01-05", "2024-01-03"]})
    >>> rfm_table(log, "2024-01-10")
                 recency  frequency  monetary
    customer_id
    a                  5          2      15.0
    b                  7          1       7.0
    """
    summary = rfm_summary(transactions, customer_col, date_col, amount_col, freq="D",
                          observation_end=observation_end, include_first=True)
    out = pd.DataFrame(
        {
            "recency": (summary["T"] - summary["recency"]).round().astype("int64"),
            "frequency": summary["frequency"].astype("int64"),
            "monetary": summary["total_spend"].astype("float64"),
        },
        index=summary.index,
    )
    out.index.name = customer_col
    return out


def _rank_groups(values: pd.Series, shares: Sequence[float]) -> np.ndarray:
    """0-based group of each value when sorted ascending and cut at the cumulative ``shares`` of customers.

    A customer's position is its ``rank(method="min") - 1``: tied customers share the position of the
    first of them, so a tie block that straddles a cut point goes entirely to the lower group.
    """
    positions = values.rank(method="min").to_numpy(float) - 1.0
    bounds = np.cumsum(shares)[:-1] * len(values)
    return np.searchsorted(bounds - 1e-9, positions, side="right")


def rfm_scores(rfm: pd.DataFrame, n_groups: int = 5) -> pd.DataFrame:
    """Hughes's RFM scores: quintile scores 1-5 (5 = best) for R, F and M and the cell 111-555.

    Each dimension is scored separately on the whole customer base (independent sort): customers are
    ranked (R: the fewer days since the last purchase the better; F and M: the more the better) and cut
    into ``n_groups`` groups of equal size. Ties are deterministic: tied customers always get the same score,
    the lower one when their block straddles a cut point (``rank(method="min")``), so scores never
    depend on row order; with many ties (e.g. one-time buyers) some scores stay empty.
    ``rfm_cell`` is the three digits R F M as a string ("111" to "555").
    """
    require_rows(rfm, what="the RFM table", fix="score a non-empty customer table (rfm_table)")
    require_columns(rfm, ["recency", "frequency", "monetary"], what="the RFM table")
    if not (_is_count(n_groups) and 2 <= n_groups <= 9):
        raise ParameterError(f"n_groups = {n_groups!r} must be a whole number from 2 to 9 (5 for quintiles)")
    for col in ("recency", "frequency", "monetary"):
        _numeric(rfm, col, col)
    shares = [1.0 / n_groups] * n_groups
    out = rfm.copy()
    out["R"] = _rank_groups(-rfm["recency"], shares) + 1
    out["F"] = _rank_groups(rfm["frequency"], shares) + 1
    out["M"] = _rank_groups(rfm["monetary"], shares) + 1
    out["rfm_cell"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


#: Segments on the R x F grid (quintile scores): each (R, F) pair belongs to exactly one segment.
RFM_SEGMENT_RULES = pd.DataFrame(
    [
        ("champions", 4, 5, 4, 5, "bought recently and often"),
        ("promising", 4, 5, 1, 3, "bought recently, not yet often"),
        ("loyal but cooling", 3, 3, 4, 5, "bought often, less recently"),
        ("needs attention", 3, 3, 1, 3, "middling recency, few purchases"),
        ("at risk", 1, 2, 4, 5, "bought often, but long ago"),
        ("hibernating", 1, 2, 1, 3, "few purchases, long ago"),
    ],
    columns=["segment", "r_min", "r_max", "f_min", "f_max", "description"],
)


def rfm_segments(scores: pd.DataFrame, rules: pd.DataFrame | None = None, n_groups: int = 5) -> pd.Series:
    """Segment label of each customer from its R and F scores and a rules table (default ``RFM_SEGMENT_RULES``).

    ``rules`` has columns ``segment``, ``r_min``, ``r_max``, ``f_min``, ``f_max`` (inclusive score ranges)
    and must cover every (R, F) pair of 1..``n_groups`` exactly once; the result is an ordered categorical
    in the order of the rules.
    """
    rules = RFM_SEGMENT_RULES if rules is None else rules
    require_columns(rules, ["segment", "r_min", "r_max", "f_min", "f_max"], what="the segment rules")
    require_columns(scores, ["R", "F"], what="the RFM scores")
    grid = {(r, f): [] for r in range(1, n_groups + 1) for f in range(1, n_groups + 1)}
    for rule in rules.itertuples(index=False):
        for r in range(int(rule.r_min), int(rule.r_max) + 1):
            for f in range(int(rule.f_min), int(rule.f_max) + 1):
                grid.setdefault((r, f), []).append(str(rule.segment))
    problems = [f"(R={r}, F={f}) is in no segment" for (r, f), segs in grid.items() if not segs]
    problems += [f"(R={r}, F={f}) is in several segments: {segs}" for (r, f), segs in grid.items() if len(segs) > 1]
    problems += [f"(R={r}, F={f}) is outside the scores 1..{n_groups}" for (r, f), segs in grid.items()
                 if segs and not (1 <= r <= n_groups and 1 <= f <= n_groups)]
    if problems:
        raise SpecificationError("RFM segment rules", problems,
                                 fix="make the R and F ranges of the rules tile the score grid exactly once")
    lookup = {key: segs[0] for key, segs in grid.items()}
    labels = [lookup[(int(r), int(f))] for r, f in zip(scores["R"], scores["F"], strict=True)]
    order = list(dict.fromkeys(rules["segment"].astype(str)))
    return pd.Series(pd.Categorical(labels, categories=order, ordered=True), index=scores.index, name="segment")


def calibration_holdout_split(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    date_col: str = "date",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a log into calibration (up to the day of ``calibration_end``) and holdout (the days after it,
    up to the day of ``holdout_end``).

    The observation-end rule of :mod:`crmlab.transactions`, in days: rows after the day of
    ``holdout_end`` belong to neither part and are counted in a ``CrmlabWarning``.
    """
    require_rows(transactions, what="the transaction log", fix="pass a log with at least one purchase")
    require_columns(transactions, [date_col], what="the transaction log")
    cal_end, hold_end = to_timestamp(calibration_end, "calibration_end"), to_timestamp(holdout_end, "holdout_end")
    days = period_codes(parse_dates(transactions[date_col], column=date_col, data=transactions).to_numpy(), "D")
    cal_day, hold_day = period_codes(np.array([cal_end.asm8, hold_end.asm8]), "D")
    if hold_day <= cal_day:
        raise ParameterError(f"holdout_end {hold_end.date()} must be after calibration_end {cal_end.date()} (a later day)")
    after = days > hold_day
    leave_out_after_end(int(after.sum()), len(days), hold_end, date_col)
    calibration = transactions.loc[days <= cal_day]
    holdout = transactions.loc[(days > cal_day) & ~after]
    if calibration.empty:
        raise EmptyDataError(f"no transaction on or before the calibration end {cal_end.date()}",
                             column=date_col, fix="choose a later calibration_end")
    return calibration, holdout


def rfm_holdout_validation(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    n_groups: int = 5,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """RFM scored on the calibration period next to each customer's behaviour in the holdout period.

    Returns, per customer with a calibration purchase, the :func:`rfm_scores` columns, ``segment``
    (:func:`rfm_segments`, for quintiles only) and
    ``holdout_purchases`` (distinct purchase days), ``holdout_amount`` and ``holdout_active`` (bought at
    least once). Customers whose first purchase falls in the holdout cannot be scored; their number is
    reported with a ``CrmlabWarning``.
    """
    df = _transactions(transactions, customer_col, date_col, amount_col)
    calibration, holdout = calibration_holdout_split(df, calibration_end, holdout_end, date_col=date_col)
    holdout = holdout.assign(**{date_col: holdout[date_col].dt.floor("D")})
    scores = rfm_scores(rfm_table(calibration, calibration_end, customer_col=customer_col, date_col=date_col,
                                  amount_col=amount_col), n_groups=n_groups)
    if n_groups == 5:
        scores["segment"] = rfm_segments(scores)
    unscored = set(holdout[customer_col]) - set(scores.index)
    if unscored:
        warnings.warn(f"{len(unscored)} customer(s) first bought in the holdout period and have no RFM score; "
                      "they are left out of the validation", CrmlabWarning, stacklevel=2)
    grouped = holdout.groupby(customer_col)
    scores["holdout_purchases"] = grouped[date_col].nunique().reindex(scores.index, fill_value=0).astype("int64")
    scores["holdout_amount"] = grouped[amount_col].sum().reindex(scores.index, fill_value=0.0).astype("float64")
    scores["holdout_active"] = scores["holdout_purchases"] > 0
    return scores


def holdout_response(validation: pd.DataFrame, by: str | list[str] = "R") -> pd.DataFrame:
    """Holdout behaviour by RFM score, cell or segment (from :func:`rfm_holdout_validation`).

    Columns: ``customers``, ``active_rate`` (share who bought in the holdout), ``mean_purchases``,
    ``mean_amount`` and ``lift`` = active_rate / overall active rate.
    """
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(validation, keys + ["holdout_active", "holdout_purchases", "holdout_amount"],
                    what="the validation table")
    require_rows(validation, what="the validation table")
    out = validation.groupby(keys, observed=True, sort=True).agg(
        customers=("holdout_active", "size"),
        active_rate=("holdout_active", "mean"),
        mean_purchases=("holdout_purchases", "mean"),
        mean_amount=("holdout_amount", "mean"),
    )
    out["customers"] = out["customers"].astype("int64")
    overall = validation["holdout_active"].mean()
    out["lift"] = out["active_rate"] / overall if overall > 0 else np.nan
    return out


def plot_holdout_response(response: pd.DataFrame, ax: Any = None, *, overall: float | None = None) -> Any:
    """Bars of the holdout purchase rate per group of :func:`holdout_response`, with customer counts."""
    require_columns(response, ["customers", "active_rate"], what="the holdout response table")
    ax = _axes(ax)
    labels = [str(i) for i in response.index]
    bars = ax.bar(labels, 100 * response["active_rate"], color="#4393c3")
    for bar, n in zip(bars, response["customers"], strict=True):
        ax.annotate(f"n={n}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", fontsize=8)
    if overall is not None:
        ax.axhline(100 * overall, color="black", linestyle="--", linewidth=1, label=f"all customers {overall:.1%}")
        ax.legend(fontsize=8)
    name = response.index.name or "group"
    ax.set_xlabel(f"{name} (scored on the calibration period)")
    ax.set_ylabel("customers buying in the holdout (%)")
    ax.set_title(f"Holdout purchase rate by {name}")
    return ax


def plot_rfm_heatmap(validation: pd.DataFrame, ax: Any = None, *, n_groups: int = 5) -> Any:
    """Heat map of the holdout purchase rate on the R x F grid (empty cells: no customer with that score)."""
    require_columns(validation, ["R", "F", "holdout_active"], what="the validation table")
    ax = _axes(ax)
    grid = validation.pivot_table(index="F", columns="R", values="holdout_active", aggfunc="mean", observed=True)
    scores = list(range(1, n_groups + 1))
    grid = grid.reindex(index=scores, columns=scores).astype(float)
    counts = validation.groupby(["F", "R"]).size()
    image = ax.imshow(100 * grid.to_numpy(), origin="lower", cmap="Blues", vmin=0, vmax=100, aspect="auto")
    ax.grid(False)
    for (f, r), n in counts.items():
        rate = grid.loc[f, r]
        ax.text(r - 1, f - 1, f"{rate:.0%}\nn={n}", ha="center", va="center", fontsize=7,
                color="white" if rate > 0.6 else "black")
    ax.set_xticks(range(n_groups), scores)
    ax.set_yticks(range(n_groups), scores)
    ax.set_xlabel("R score (5 = most recent)")
    ax.set_ylabel("F score (5 = most frequent)")
    ax.set_title("Share of customers buying in the holdout, by R and F score")
    ax.figure.colorbar(image, ax=ax, label="buying in the holdout (%)")
    return ax


# ---------------------------------------------------------------------------------------------------
# 6. Customer tiers

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
    if not (_is_number(share) and 0 < share <= 1):
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
    ax = _axes(ax)
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
                 if not (_is_number(s) and s > 0)]
    if not problems and not math.isclose(sum(shares.values()), 1.0, abs_tol=1e-9):
        problems.append(f"the shares sum to {sum(shares.values()):g}, not 1")
    if problems:
        raise SpecificationError("customer pyramid", problems,
                                 fix=f"give a share > 0 for each of {list(PYRAMID_TIERS)}, summing to 1")
    ascending = list(reversed(PYRAMID_TIERS))
    groups = _rank_groups(v, [shares[t] for t in ascending])
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
    if len(cutoffs) != 2 or not all(_is_number(c) for c in cutoffs) or not 0 < cutoffs[0] < cutoffs[1] < 1:
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
    if not _is_count(new_within_days):
        raise ParameterError(f"new_within_days = {new_within_days!r} must be a whole number of days >= 1")
    df = _transactions(transactions, customer_col, date_col, None)
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
    ax = _axes(ax)
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


# ---------------------------------------------------------------------------------------------------
# helpers

def _is_number(x: Any) -> bool:
    """A finite real number (not a bool)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def _is_count(x: Any) -> bool:
    """A whole number >= 1 (not a bool)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool) and x >= 1


def _axes(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _numeric(df: pd.DataFrame, column: str, what: str) -> pd.Series:
    values = pd.to_numeric(df[column], errors="coerce")
    check_rows(values.isna() & df[column].notna(), column=column, problem=f"{what} is not a number", fix="remove units, currency symbols and thousands separators", data=df)
    check_rows(df[column].isna(), column=column, problem=f"missing {what}", fix="fill in or remove these rows", data=df)
    check_rows(~np.isfinite(values.astype(float)), column=column, problem=f"{what} is infinite", fix="use finite numbers", data=df)
    return values.astype("float64")


