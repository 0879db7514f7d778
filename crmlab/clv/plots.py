"""Figures of customer-base analysis; every function takes ``ax=`` (a new one when ``None``) and returns it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmlab.clv.models import expected_purchases, probability_alive
from crmlab.errors import ParameterError
from crmlab.plotting import axes


def plot_tracking(track: pd.DataFrame, *, cumulative: bool = True, unit: str = "week", ax: Axes | None = None) -> Axes:
    """Actual vs model-expected repeat transactions per period (FHL 2005a, Figures 2 and 3)."""
    ax = axes(ax)
    actual, expected = ("actual_cumulative", "expected_cumulative") if cumulative else ("actual", "expected")
    ax.plot(track.index, track[actual], color="black", label="actual")
    ax.plot(track.index, track[expected], color="tab:blue", linestyle="--", label="model")
    if "calibration_periods" in track.attrs:
        # discrete opportunities are drawn at their numbers: the calibration ends half-way to the next one
        end = track.attrs["calibration_periods"] + (0.5 if track.attrs.get("time_unit") == "opportunity" else 0.0)
        ax.axvline(end, color="grey", linestyle=":", label="end of calibration")
    kind = "Cumulative" if cumulative else {"week": "Weekly", "month": "Monthly", "year": "Yearly"}.get(unit, "Per-period")
    ax.set(title=f"{kind} repeat transactions: actual vs model", xlabel=f"time since cohort start ({unit}s)",
           ylabel="repeat transactions (count)")
    ax.legend()
    return ax


def plot_holdout_by_frequency(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Mean holdout purchases by calibration frequency, actual vs predicted (FHL 2005a, Figure 4)."""
    ax = axes(ax)
    pos = np.arange(len(table))
    ax.plot(pos, table["actual"], marker="o", color="black", label="actual")
    ax.plot(pos, table["predicted"], marker="s", linestyle="--", color="tab:blue", label="model")
    ax.set_xticks(pos, table.index)
    ax.set(title="Holdout purchases by calibration-period frequency", xlabel="repeat purchases in calibration (x)",
           ylabel="mean purchases in holdout (per customer)")
    ax.legend()
    return ax


def plot_frequency_recency(
    model: object,
    *,
    kind: str = "p_alive",
    T: float,
    t: float = 1.0,
    max_frequency: int = 20,
    unit: str = "week",
    ax: Axes | None = None,
) -> Axes:
    """Heatmap over (recency, frequency) for customers of age ``T``: P(alive) or purchases in the next ``t``."""
    if kind not in ("p_alive", "expected"):
        raise ParameterError(f'kind={kind!r}: use "p_alive" or "expected"')
    ax = axes(ax)
    x, t_x = np.meshgrid(np.arange(max_frequency + 1), np.linspace(0, T, 60))
    t_x = np.where(x == 0, 0.0, t_x)
    if kind == "p_alive":
        z = probability_alive(model, x.ravel(), t_x.ravel(), np.full(x.size, T))
        label, title = "P(alive)", f"Probability alive by frequency and recency (age {T:g} {unit}s)"
    else:
        z = expected_purchases(model, x.ravel(), t_x.ravel(), np.full(x.size, T), t)
        label, title = f"expected purchases in next {t:g} {unit}s", f"Expected purchases by frequency and recency (age {T:g} {unit}s)"
    image = ax.pcolormesh(np.arange(max_frequency + 1), np.linspace(0, T, 60), np.asarray(z).reshape(x.shape),
                          shading="nearest", cmap="viridis")
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set(title=title, xlabel="repeat purchases (frequency x)", ylabel=f"recency t_x ({unit}s since first purchase)")
    ax.grid(False)
    return ax


def plot_alive_path(path: pd.DataFrame, *, customer: str = "", unit: str = "week", ax: Axes | None = None) -> Axes:
    """One customer's P(alive) over time, with the repeat purchases marked."""
    ax = axes(ax)
    ax.plot(path["time"], path["p_alive"], color="tab:blue")
    buys = path[path["purchase"]]
    for when in buys["time"]:
        ax.axvline(when, color="grey", linestyle=":", linewidth=1)
    ax.set(title=f"P(alive) history of customer {customer}".strip(), xlabel=f"time since first purchase ({unit}s)",
           ylabel="P(alive)", ylim=(0, 1.05))
    return ax


def plot_clv_distribution(value: pd.Series, *, currency: str = "US$", ax: Axes | None = None) -> Axes:
    """Histogram of predicted customer value (log-spaced bins from the 0.5% quantile: CLV is very skewed)."""
    ax = axes(ax)
    positive = value[value > 0]
    bins = np.geomspace(positive.quantile(0.005), positive.max(), 40)
    ax.hist(positive, bins=bins, color="tab:blue", edgecolor="white")
    ax.set_xscale("log")
    ax.set(title="Distribution of predicted customer lifetime value", xlabel=f"CLV ({currency}, log scale)",
           ylabel="customers (count)")
    return ax


def plot_clv_concentration(value: pd.Series, *, ax: Axes | None = None) -> Axes:
    """Concentration (Lorenz) curve: share of total predicted value held by the top share of customers."""
    ax = axes(ax)
    ranked = np.sort(value.to_numpy())[::-1]
    customers = np.arange(1, len(ranked) + 1) / len(ranked)
    share = np.cumsum(ranked) / ranked.sum()
    ax.plot(np.r_[0, customers] * 100, np.r_[0, share] * 100, color="tab:blue", label="customers ranked by CLV")
    ax.plot([0, 100], [0, 100], color="grey", linestyle=":", label="equal value")
    top = int(np.ceil(0.2 * len(ranked)))
    ax.annotate(f"top 20% hold {share[top - 1]:.0%}", (20, share[top - 1] * 100), xytext=(35, 45),
                arrowprops={"arrowstyle": "->"})
    ax.set(title="Concentration of predicted customer value", xlabel="customers, ranked by CLV (cumulative %)",
           ylabel="share of total predicted value (%)")
    ax.legend(loc="lower right")
    return ax


def plot_frequency_fit(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Customers by number of repeat purchases in the calibration period, actual vs model (FHL 2005a,
    Figure 1); ``table`` from :func:`crmlab.clv.frequency_fit`. The chi-square statistic, when present in
    ``table.attrs``, is shown in the legend title."""
    ax = axes(ax)
    pos = np.arange(len(table))
    width = 0.4
    ax.bar(pos - width / 2, table["actual"], width, color="0.3", label="actual")
    ax.bar(pos + width / 2, table["expected"], width, color="tab:blue", label="model")
    ax.set_xticks(pos, table.index)
    ax.set(title="Calibration-period fit: customers by repeat purchases",
           xlabel="repeat purchases in the calibration period (x)", ylabel="customers (count)")
    title = None
    if "chi_square" in table.attrs:
        title = f"chi-square {table.attrs['chi_square']:.1f}, df {table.attrs['df']}"
    ax.legend(title=title)
    return ax


def plot_retention(
    model: object,
    survivors: pd.Series | np.ndarray | list | None = None,
    *,
    periods: int = 12,
    fitted_periods: int | None = None,
    kind: str = "survival",
    unit: str = "year",
    label: str = "",
    color: str = "tab:blue",
    ax: Axes | None = None,
) -> Axes:
    """An sBG model's projection against the actual survivors (Fader & Hardie 2007, Figures 2-4).

    ``kind="survival"`` plots the share of the cohort still active, ``"retention"`` the retention rate
    r_t = S(t)/S(t-1). ``survivors`` (counts from period 0) are drawn as points; ``fitted_periods`` marks
    the end of the data the model was fitted to. ``label`` names the cohort in the legend and ``color``
    draws it, so that several cohorts can share one ``ax``.
    """
    from crmlab.clv.contractual import retention_rate, survival

    if kind not in ("survival", "retention"):
        raise ParameterError(f'kind={kind!r}: use "survival" or "retention"')
    ax = axes(ax)
    suffix = f", {label}" if label else ""
    if kind == "survival":
        t = np.arange(periods + 1)
        ax.plot(t, 100 * np.asarray(survival(model, t)), color=color, label=f"sBG model{suffix}")
        ylabel, title = "customers still active (% of cohort)", "Survival: sBG projection vs actual"
    else:
        t = np.arange(1, periods + 1)
        ax.plot(t, 100 * np.asarray(retention_rate(model, t)), color=color, label=f"sBG model{suffix}")
        ylabel, title = "retention rate (%)", "Retention rate: sBG projection vs actual"
    if survivors is not None:
        counts = np.asarray(survivors, dtype=float)
        observed = np.arange(len(counts))
        style = {"linestyle": "none", "marker": "o", "markerfacecolor": color, "markeredgecolor": "black",
                 "label": f"actual{suffix}"}
        if kind == "survival":
            ax.plot(observed, 100 * counts / counts[0], **style)
        else:
            ax.plot(observed[1:], 100 * counts[1:] / counts[:-1], **style)
    if fitted_periods is not None and not any(line.get_label() == "end of fitting data" for line in ax.lines):
        ax.axvline(fitted_periods, color="grey", linestyle=":", label="end of fitting data")
    ax.set(title=title, xlabel=f"{unit}s since acquisition", ylabel=ylabel)
    ax.legend()
    return ax
