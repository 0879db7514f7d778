"""Figures of customer-base analysis; every function takes ``ax=`` (a new one when ``None``) and returns it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmlab.clv.contractual import retention_rate, survival
from crmlab.clv.predict import expected_purchases, probability_alive
from crmlab.clv.segments import lorenz_curve, top_share
from crmlab.errors import ParameterError
from crmlab.plotting import axes


def plot_tracking(track: pd.DataFrame, *, cumulative: bool = True, unit: str = "week", ax: Axes | None = None) -> Axes:
    """Actual vs model-expected repeat transactions per period (FHL 2005a, Figures 2 and 3).

    Parameters
    ----------
    track : pandas.DataFrame
        From :func:`crmlab.clv.tracking`.
    cumulative : bool, default True
    unit : str, default "week"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> track = pd.DataFrame({"actual": [1.0, 2.0], "expected": [1.5, 1.5], "actual_cumulative": [1.0, 3.0],
    ...                       "expected_cumulative": [1.5, 3.0]}, index=pd.Index([1, 2], name="period"))
    >>> plot_tracking(track, ax=ax).get_title()
    'Cumulative repeat transactions: actual vs model'
    """
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
    """Mean holdout purchases by calibration frequency, actual vs predicted (FHL 2005a, Figure 4).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`crmlab.clv.holdout_by_frequency`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> table = pd.DataFrame({"actual": [0.2, 1.1], "predicted": [0.25, 1.0]}, index=["0", "1+"])
    >>> plot_holdout_by_frequency(table, ax=ax).get_xlabel()
    'repeat purchases in calibration (x)'
    """
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
    """Heatmap over (recency, frequency) for customers of age ``T``: P(alive) or purchases in the next ``t``.

    Parameters
    ----------
    model : fitted BTYD model
    kind : {"p_alive", "expected"}
    T : float
        Customers' age.
    t : float, default 1.0
        Horizon of the expected purchases.
    max_frequency : int, default 20
    unit : str, default "week"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_frequency_recency(bgnbd, T=39, max_frequency=5, ax=ax).get_ylabel()
    'recency t_x (weeks since first purchase)'
    """
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
    """One customer's P(alive) over time, with the repeat purchases marked.

    Parameters
    ----------
    path : pandas.DataFrame
        From :func:`crmlab.clv.alive_path`.
    customer : str, optional
    unit : str, default "week"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> path = pd.DataFrame({"time": [0.0, 1.0, 2.0], "p_alive": [1.0, 1.0, 0.8], "purchase": [False, True, False]})
    >>> plot_alive_path(path, customer="1", ax=ax).get_title()
    'P(alive) history of customer 1'
    """
    ax = axes(ax)
    ax.plot(path["time"], path["p_alive"], color="tab:blue")
    buys = path[path["purchase"]]
    for when in buys["time"]:
        ax.axvline(when, color="grey", linestyle=":", linewidth=1)
    ax.set(title=f"P(alive) history of customer {customer}".strip(), xlabel=f"time since first purchase ({unit}s)",
           ylabel="P(alive)", ylim=(0, 1.05))
    return ax


def plot_clv_distribution(value: pd.Series, *, currency: str = "US$", ax: Axes | None = None) -> Axes:
    """Histogram of predicted customer value (log-spaced bins from the 0.5% quantile: CLV is very skewed).

    Parameters
    ----------
    value : pandas.Series
        Predicted CLV per customer.
    currency : str, default "US$"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_clv_distribution(pd.Series([1.0, 5.0, 20.0, 80.0]), ax=ax).get_xscale()
    'log'
    """
    ax = axes(ax)
    positive = value[value > 0]
    bins = np.geomspace(positive.quantile(0.005), positive.max(), 40)
    ax.hist(positive, bins=bins, color="tab:blue", edgecolor="white")
    ax.set_xscale("log")
    ax.set(title="Distribution of predicted customer lifetime value", xlabel=f"CLV ({currency}, log scale)",
           ylabel="customers (count)")
    return ax


def plot_clv_concentration(value: pd.Series, *, ax: Axes | None = None) -> Axes:
    """Concentration (Lorenz) curve: share of total predicted value held by the top share of customers.

    Parameters
    ----------
    value : pandas.Series
        Predicted CLV per customer (>= 0).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_clv_concentration(pd.Series([50.0, 20.0, 10.0, 10.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0]), ax=ax)
    >>> ax.texts[0].get_text()
    'top 20% hold 70%'
    """
    ax = axes(ax)
    curve = lorenz_curve(value)  # ranked from the top: the share of the top p is 1 - L(1 - p)
    ax.plot(100 * (1 - curve["customer_share"][::-1]), 100 * (1 - curve["value_share"][::-1]), color="tab:blue",
            label="customers ranked by CLV")
    ax.plot([0, 100], [0, 100], color="grey", linestyle=":", label="equal value")
    n = len(curve) - 1
    top = int(np.ceil(0.2 * n))
    held = top_share(value, top / n)
    ax.annotate(f"top 20% hold {held:.0%}", (100 * top / n, held * 100), xytext=(35, 45),
                arrowprops={"arrowstyle": "->"})
    ax.set(title="Concentration of predicted customer value", xlabel="customers, ranked by CLV (cumulative %)",
           ylabel="share of total predicted value (%)")
    ax.legend(loc="lower right")
    return ax


def plot_frequency_fit(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Customers by number of repeat purchases in the calibration period, actual vs model (FHL 2005a,
    Figure 1); ``table`` from :func:`crmlab.clv.frequency_fit`. The chi-square statistic, when present in
    ``table.attrs``, is shown in the legend title.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`crmlab.clv.frequency_fit`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> table = pd.DataFrame({"actual": [10.0, 5.0], "expected": [9.0, 6.0]}, index=["0", "1+"])
    >>> plot_frequency_fit(table, ax=ax).get_ylabel()
    'customers (count)'
    """
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

    Parameters
    ----------
    model : ShiftedBetaGeometricModel
    survivors : array-like, optional
        Actual survivors from period 0.
    periods : int, default 12
    fitted_periods : int, optional
    kind : {"survival", "retention"}
    unit, label, color : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> model = fit([1000, 631, 468, 382], model="sbg")
    >>> plot_retention(model, [1000, 631, 468, 382], periods=5, ax=ax).get_title()
    'Survival: sBG projection vs actual'
    """
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
