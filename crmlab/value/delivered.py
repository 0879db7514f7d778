"""Perceived value (Zeithaml 1988) and customer delivered value (Kotler).

Part of :mod:`crmlab.value`; see the course notebook ``01_customer_value_theory``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import (
    ParameterError,
    require_columns,
    require_rows,
)
from crmlab.datasets.schema.value import KOTLER_COST_DIMENSIONS, KOTLER_VALUE_DIMENSIONS, SIDES, value_components
from crmlab.plotting import axes
from crmlab.validation import numeric_column


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

    Parameters
    ----------
    table : pandas.DataFrame
        One row per offering and component.
    offering_col, side_col, amount_col : str
    weight_col : str, optional

    Returns
    -------
    pandas.DataFrame
        ``received``, ``given``, ``net_value``, ``value_ratio`` per offering.

    Examples
    --------
    >>> table = pd.DataFrame({"offering": ["web", "web", "web"], "side": ["value", "cost", "cost"],
    ...                       "dimension": ["product", "monetary", "time"], "amount": [100.0, 60.0, 10.0]})
    >>> perceived_value(table).iloc[0].tolist()
    [100.0, 70.0, 30.0, 1.4285714285714286]
    """
    parts = value_components(table, offering_col=offering_col, side_col=side_col, dimension_col=None,
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

    Parameters
    ----------
    table : pandas.DataFrame
        One row per offering and component.
    offering_col, side_col, dimension_col, amount_col : str
        Column names.
    weight_col : str, optional
        Importance weights (>= 0) multiplying the amounts.

    Returns
    -------
    pandas.DataFrame
        One row per offering.

    Examples
    --------
    >>> table = pd.DataFrame({"offering": ["web", "web", "web"], "side": ["value", "cost", "cost"],
    ...                       "dimension": ["product", "monetary", "time"], "amount": [100.0, 60.0, 10.0]})
    >>> delivered_value(table)["delivered_value"].tolist()
    [30.0]
    """
    parts = value_components(table, offering_col=offering_col, side_col=side_col, dimension_col=dimension_col,
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

    Parameters
    ----------
    result : pandas.DataFrame
        From :func:`delivered_value`.
    ax : matplotlib Axes, optional
    unit : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"offering": ["web", "web", "web"], "side": ["value", "cost", "cost"],
    ...                       "dimension": ["product", "monetary", "time"], "amount": [100.0, 60.0, 10.0]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_delivered_value(delivered_value(table), ax=ax).get_title()
    'Customer delivered value = total customer value - total customer cost'
    """
    require_columns(result, list(KOTLER_VALUE_DIMENSIONS + KOTLER_COST_DIMENSIONS) + ["delivered_value"],
                    what="the delivered-value table")
    ax = axes(ax)
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
    """Waterfall for one offering: value dimensions add up, cost dimensions take away, delivered value remains.

    Parameters
    ----------
    result : pandas.DataFrame
        From :func:`delivered_value`.
    offering : str
    ax : matplotlib Axes, optional
    unit : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"offering": ["web", "web", "web"], "side": ["value", "cost", "cost"],
    ...                       "dimension": ["product", "monetary", "time"], "amount": [100.0, 60.0, 10.0]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_value_waterfall(delivered_value(table), "web", ax=ax).get_ylabel()
    'money-equivalent units'
    """
    if offering not in result.index:
        raise ParameterError(f"no offering {offering!r}; the offerings are {list(result.index)}")
    row = result.loc[offering]
    steps = [(d, float(row[d])) for d in KOTLER_VALUE_DIMENSIONS] + [("total value", None)]
    steps += [(d, -float(row[d])) for d in KOTLER_COST_DIMENSIONS] + [("delivered value", None)]
    ax = axes(ax)
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


def channel_split(
    table: pd.DataFrame,
    offering: str,
    *,
    offering_col: str = "offering",
    channel_col: str = "channel_part",
    side_col: str = "side",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Where one offering's value and cost arise: its amounts summed by channel part and side, with each
    channel part's share of the value received.

    Kotler's delivered value counts what the customer receives (``value``) and gives (``cost``); an
    online purchase is delivered partly offline (the product in hand, delivery, returns), which is why
    logistics belongs in e-commerce CRM. The table is the tidy value table of :func:`delivered_value`
    with a column naming the channel part of every component.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per offering and component.
    offering : str
        The offering to split.
    offering_col, channel_col, side_col, amount_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Indexed by channel part; one column per side (``cost``, ``value``) with the summed amounts and
        ``share_of_value`` = value of the channel part / total value of the offering.

    Examples
    --------
    >>> table = pd.DataFrame({"offering": ["web"] * 3, "channel_part": ["online", "offline", "online"],
    ...                       "side": ["value", "value", "cost"], "amount": [30.0, 90.0, 10.0]})
    >>> channel_split(table, "web")
    side          cost  value  share_of_value
    channel_part
    offline        NaN   90.0            0.75
    online        10.0   30.0            0.25
    """
    require_rows(table, what="the value table", fix="give one row per offering and component")
    require_columns(table, [offering_col, channel_col, side_col, amount_col], what="the value table")
    rows = table[table[offering_col] == offering]
    if rows.empty:
        raise ParameterError(
            f"no rows for offering {offering!r}; the table has {sorted(map(str, table[offering_col].dropna().unique()))}"
        )
    numeric_column(rows, amount_col, "amount")
    split = rows.pivot_table(index=channel_col, columns=side_col, values=amount_col, aggfunc="sum")
    if "value" not in split.columns:
        raise ParameterError(f"offering {offering!r} has no 'value' rows: nothing to take shares of")
    split["share_of_value"] = split["value"] / split["value"].sum()
    return split
