"""Published statistics on CRM adoption and the size of the CRM market: the EU level, country bars
(with the 2023 break in Eurostat's CRM series), size-class gaps, market claims, forecasts against
outcomes and compound growth. Part of :mod:`crmlab.adoption`; the table is validated by
:func:`crmlab.datasets.schema.adoption.validate_statistics`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmlab.adoption.style import (
    HIGHLIGHT,
    PROVENANCE_STYLE,
    UNVERIFIED_COLOUR,
    VERIFIED_COLOUR,
    new_axes,
    plain_log_axis,
    verified_legend,
)
from crmlab.datasets.schema.adoption import FORECAST_KINDS, PROVENANCE
from crmlab.errors import DataValidationError, ParameterError


def plot_eu_crm_level(stats_table: pd.DataFrame, geography: str = "EU27_2020", ax: Axes | None = None) -> Axes:
    """EU share of enterprises using CRM by year, with the 2023 break in the series marked.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        The validated statistics table.
    geography : str, default "EU27_2020"
        Geography code of the aggregate.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> plot_eu_crm_level(table).get_title()
    'Enterprises using CRM software, EU27_2020 (10+ persons employed)'
    >>> plt.close("all")
    """
    ax = new_axes(ax)
    rows = stats_table[(stats_table["geography"] == geography) & (stats_table["size_class"] == "10+")
                       & stats_table["indicator"].isin(["crm_use", "crm_use_2023q"])].sort_values("year")
    if rows.empty:
        raise DataValidationError(f"no EU-level CRM figures for {geography!r}", column="geography",
                                  fix="pass the geography code used in the statistics file, e.g. 'EU27_2020'")
    x = np.arange(len(rows))
    bars = ax.bar(x, rows["value"], color=[PROVENANCE_STYLE[p][0] for p in rows["provenance"]],
                  edgecolor="black", linewidth=0.5)
    for bar, provenance, value in zip(bars, rows["provenance"], rows["value"], strict=True):
        bar.set_hatch(PROVENANCE_STYLE[provenance][1])
        bar.set_gid(provenance)
        ax.annotate(f"{value:g}%", (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom")
    ax.set_xticks(x, [str(y) for y in rows["year"]])
    breaks = np.flatnonzero(rows["break_in_series"].to_numpy())
    if breaks.size:
        b = breaks[0] - 0.5
        ax.axvline(b, color=HIGHLIGHT, linestyle="--")
        ax.annotate("break in series:\nnew CRM question from 2023", (b, rows["value"].max() * 1.05),
                    ha="center", color=HIGHLIGHT, fontsize=9)
    ax.set_ylim(0, rows["value"].max() * 1.3)
    ax.set(title=f"Enterprises using CRM software, {geography} (10+ persons employed)",
           xlabel="survey year", ylabel="% of enterprises")
    verified_legend(ax, provenances=rows["provenance"].tolist())
    return ax


def plot_country_bars(
    stats_table: pd.DataFrame, indicator: str = "crm_use_2023q", year: int = 2023, ax: Axes | None = None
) -> Axes:
    """Sorted bars of one indicator by country in one year; EU aggregate in red, unverified hatched.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        The validated statistics table.
    indicator : str, default "crm_use_2023q"
        Indicator to draw.
    year : int, default 2023
        Survey year.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> plot_country_bars(table, 'crm_use', 2019).get_title()
    'Enterprises using CRM software by country, 2019'
    >>> plt.close("all")
    """
    rows = stats_table[(stats_table["indicator"] == indicator) & (stats_table["year"] == year)
                       & (stats_table["size_class"] == "10+")].sort_values("value")
    if rows.empty:
        raise DataValidationError(f"no rows with indicator {indicator!r} in {year}", column="indicator",
                                  fix=f"the indicators present are {sorted(stats_table['indicator'].unique())}")
    ax = new_axes(ax)
    y = np.arange(len(rows))
    is_eu = rows["geography"].str.startswith("EU").to_numpy()
    colours = [HIGHLIGHT if eu else PROVENANCE_STYLE[p][0] for eu, p in zip(is_eu, rows["provenance"], strict=True)]
    bars = ax.barh(y, rows["value"], color=colours, edgecolor="black", linewidth=0.5)
    for bar, provenance in zip(bars, rows["provenance"], strict=True):
        bar.set_hatch(PROVENANCE_STYLE[provenance][1])
        bar.set_gid(provenance)
    ax.set_yticks(y, rows["geography"])
    for yi, value in zip(y, rows["value"], strict=True):
        ax.annotate(f"{value:g}", (value, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    title = f"Enterprises using CRM software by country, {year}"
    if rows["break_in_series"].any():
        title += "\n(new question from 2023: not comparable with 2019 and earlier)"
    ax.set(title=title, xlabel="% of enterprises (10+ persons employed)", ylabel="country")
    verified_legend(ax, loc="lower right", provenances=rows["provenance"].tolist())
    return ax


def size_class_gaps(stats_table: pd.DataFrame) -> pd.DataFrame:
    """Small (10-49) vs large (250+) figures side by side, for every geography/year/indicator that has both.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        The validated statistics table.

    Returns
    -------
    pandas.DataFrame
        ``geography``, ``year``, ``indicator``, ``small``, ``large``, ``gap_pp`` (percentage points) and
        ``ratio`` (large / small).

    Examples
    --------
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> size_class_gaps(table)[["indicator", "small", "large", "gap_pp"]].iloc[0].to_dict()
    {'indicator': 'erp_use', 'small': 30.0, 'large': 80.0, 'gap_pp': 50.0}
    """
    pairs = stats_table[stats_table["size_class"].isin(["10-49", "250+"])]
    wide = pairs.pivot_table(index=["geography", "year", "indicator"], columns="size_class",
                             values="value", aggfunc="first").dropna()
    wide = wide.rename(columns={"10-49": "small", "250+": "large"}).reset_index()
    wide.columns.name = None
    wide["gap_pp"] = wide["large"] - wide["small"]
    wide["ratio"] = wide["large"] / wide["small"]
    return wide


def plot_size_gaps(gaps: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Dumbbell chart of small vs large enterprises for each indicator (from :func:`size_class_gaps`).

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`size_class_gaps`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> plot_size_gaps(size_class_gaps(table)).get_title()
    'Size-class gaps in e-business adoption (Eurostat)'
    >>> plt.close("all")
    """
    ax = new_axes(ax)
    labels = [f"{r.indicator} {r.geography} {r.year}" for r in gaps.itertuples()]
    y = np.arange(len(gaps))
    ax.hlines(y, gaps["small"], gaps["large"], color="grey")
    ax.scatter(gaps["small"], y, color=UNVERIFIED_COLOUR, edgecolor="black", zorder=3, label="small (10-49)")
    ax.scatter(gaps["large"], y, color=VERIFIED_COLOUR, edgecolor="black", zorder=3, label="large (250+)")
    for yi, r in zip(y, gaps.itertuples(), strict=True):
        ax.annotate(f"+{r.gap_pp:g} pp", ((r.small + r.large) / 2, yi), xytext=(0, 5),
                    textcoords="offset points", ha="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 100)
    ax.set(title="Size-class gaps in e-business adoption (Eurostat)", xlabel="% of enterprises",
           ylabel="indicator, geography, year")
    ax.legend(loc="lower right", fontsize=8)
    return ax


# ---------------------------------------------------------------------------------------------------
# The size of the CRM market: claims, forecasts and later estimates

MARKET_UNIT = "US$ billion"


def market_figures(stats_table: pd.DataFrame) -> pd.DataFrame:
    """The market-size rows of the statistics table (unit US$ billion), by measure and year.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        The validated statistics table (:func:`crmlab.datasets.load_adoption_statistics`).

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``year``, ``value``, ``kind``, ``forecast`` (the row is a forecast,
        :data:`FORECAST_KINDS`), ``provenance`` and its label, ``source``, ``note``; sorted by measure
        and year.

    Examples
    --------
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> market_figures(table).shape
    (17, 9)
    """
    rows = stats_table[stats_table["unit"] == MARKET_UNIT].copy()
    if rows.empty:
        raise DataValidationError(f"no rows with unit {MARKET_UNIT!r}", column="unit",
                                  fix="the market figures are in crmlab.datasets.load_adoption_statistics() "
                                      "(crmlab/datasets/data/crm_adoption_statistics.csv)")
    rows["forecast"] = rows["kind"].isin(FORECAST_KINDS)
    rows["provenance_label"] = rows["provenance"].map(PROVENANCE)
    cols = ["indicator", "year", "value", "kind", "forecast", "provenance", "provenance_label", "source", "note"]
    return rows.sort_values(["indicator", "year", "forecast"])[cols].reset_index(drop=True)


def growth_rate(start: float, end: float, years: float) -> float:
    """Compound annual growth rate :math:`(v_1 / v_0)^{1/n} - 1` between two values ``years`` apart.

    Parameters
    ----------
    start, end : float
        Two positive values.
    years : float
        Years between them (> 0).

    Returns
    -------
    float

    Examples
    --------
    >>> round(growth_rate(100, 121, 2), 6)
    0.1
    """
    if not (np.isfinite(start) and np.isfinite(end)) or start <= 0 or end <= 0:
        raise ParameterError(f"growth needs two positive values, got start={start!r}, end={end!r}")
    if not np.isfinite(years) or years <= 0:
        raise ParameterError(f"years must be positive, got {years!r}")
    return float((end / start) ** (1.0 / years) - 1.0)


def series_growth(stats_table: pd.DataFrame, indicator: str, start_year: int, end_year: int) -> float:
    """Compound annual growth of one measured (not forecast) market series between two years.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        The statistics table.
    indicator : str
        A market measure, e.g. ``"crm_software_revenue"``.
    start_year, end_year : int
        Two years with a measured figure of that measure.

    Returns
    -------
    float
        :func:`growth_rate` of the two figures over ``end_year - start_year`` years.

    Examples
    --------
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> round(series_growth(table, "crm_software_revenue", 2007, 2015), 4)
    0.1586
    """
    rows = market_figures(stats_table)
    rows = rows[(rows["indicator"] == indicator) & ~rows["forecast"]].set_index("year")["value"]
    missing = [y for y in (start_year, end_year) if y not in rows.index]
    if missing:
        raise DataValidationError(f"no measured {indicator!r} figure for {missing}", column="year",
                                  fix=f"the years with a figure are {sorted(int(y) for y in rows.index)}")
    return growth_rate(float(rows[start_year]), float(rows[end_year]), end_year - start_year)


def forecast_vs_outcome(stats_table: pd.DataFrame) -> pd.DataFrame:
    """Each market forecast next to the measured figure of the same measure and year, if there is one.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        The statistics table.

    Returns
    -------
    pandas.DataFrame
        One row per forecast: ``indicator``, ``year``, ``forecast``, ``outcome``, ``error`` =
        forecast / outcome − 1 (0.25: the forecast was 25% too high), ``nearest`` and ``forecaster``.
        A forecast with no outcome of its own measure gets NaN, and ``nearest`` lists the measured
        figures of *other* measures for that year — which are not its outcome, only what is known.

    Examples
    --------
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> len(forecast_vs_outcome(table))
    3
    """
    rows = market_figures(stats_table)
    measured = rows[~rows["forecast"]]
    out = []
    for r in rows[rows["forecast"]].itertuples():
        same = measured[(measured["indicator"] == r.indicator) & (measured["year"] == r.year)]
        others = measured[(measured["indicator"] != r.indicator) & (measured["year"] == r.year)]
        outcome = float(same["value"].iloc[0]) if len(same) else np.nan
        out.append({"indicator": r.indicator, "year": int(r.year), "forecast": float(r.value),
                    "outcome": outcome, "error": float(r.value) / outcome - 1.0 if len(same) else np.nan,
                    "nearest": "; ".join(f"{o.indicator} {o.value:g}" for o in others.itertuples()),
                    "forecaster": r.source})
    return pd.DataFrame(out)


_MARKET_LABELS = {
    "crm_market_revenue": "the paper's 'CRM revenue' (measure undefined)",
    "crm_software_new_licence_revenue": "CRM software, new licences (Gartner)",
    "crm_software_revenue": "CRM software, total (Gartner)",
    "crm_services_revenue": "CRM services (Gartner)",
    "crm_total_market": "CRM applications + infrastructure + services (Forrester)",
}


def plot_market_figures(stats_table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The CRM market size over time on a log scale with plain labels: one colour per measure, filled
    markers for measurements, hollow ones for forecasts, the source paper's figures as red diamonds.

    Parameters
    ----------
    stats_table : pandas.DataFrame
        The validated statistics table.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_adoption_statistics
    >>> table = load_adoption_statistics()
    >>> plot_market_figures(table).get_title()
    "Size of the CRM market: the supply-chain paper's figures, forecasts and later estimates"
    >>> plt.close("all")
    """
    ax = new_axes(ax)
    rows = market_figures(stats_table)
    colours = dict(zip(_MARKET_LABELS, ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"], strict=True))
    for indicator, part in rows.groupby("indicator", sort=False):
        colour = colours.get(str(indicator), "grey")
        label = _MARKET_LABELS.get(str(indicator), str(indicator))
        marker = "D" if indicator == "crm_market_revenue" else "o"
        done = part[~part["forecast"]]
        ax.plot(done["year"].astype(float), done["value"], marker=marker, color=colour, label=label, gid=str(indicator))
        ahead = part[part["forecast"]]
        if len(ahead):
            ax.scatter(ahead["year"].astype(float), ahead["value"], marker=marker, s=70, facecolors="none",
                       edgecolors=colour, linewidths=1.5, zorder=3, gid=f"{indicator} forecast")
            for r in ahead.itertuples():
                ax.annotate(f"forecast {r.value:g}", (float(r.year), r.value), xytext=(6, 0),
                            textcoords="offset points", va="center", fontsize=8, color=colour)
    ax.scatter([], [], marker="o", facecolors="none", edgecolors="black", label="hollow: forecast")
    plain_log_axis(ax, "y", float(rows["value"].min()), float(rows["value"].max()))
    ax.set(title="Size of the CRM market: the supply-chain paper's figures, forecasts and later estimates",
           xlabel="year", ylabel=f"{MARKET_UNIT} (log scale)")
    ax.legend(fontsize=7.5, loc="lower right")
    return ax
