"""SERVQUAL gap analysis (Parasuraman, Zeithaml & Berry 1988, 1991).

22 paired items: expectation E_i ("an excellent retailer would ...") and perception P_i ("this retailer
does ..."), both on a 1-7 agreement scale, in five dimensions — tangibles (items 1-4), reliability
(5-9), responsiveness (10-13), assurance (14-17), empathy (18-22). The gap G_i = P_i - E_i is negative
when the service falls short. Per item and per dimension: mean gap, t confidence interval and the
paired t test of H0: mean(P - E) = 0, with Holm's (1979) adjustment over the tests. Dimension
weights come from a 100-point allocation (PZB 1991); the weighted SERVQUAL score is
sum_d w_d G_d / 100 per respondent.

The instrument (dimensions, item labels, scale, the bundled survey's columns) is described once, in
:mod:`crmlab.datasets.schema.survey`; this module re-exports :data:`SERVQUAL_DIMENSIONS` and
:data:`SERVQUAL_ITEM_LABELS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from crmlab.datasets.schema.survey import SERVQUAL_DIMENSIONS, SERVQUAL_ITEM_LABELS  # noqa: F401  (re-exported)
from crmlab.errors import DataValidationError, ParameterError, SpecificationError, offending_rows, require_columns
from crmlab.stats import adjust_pvalues

def servqual_columns(expectation: str = "E{:02d}", perception: str = "P{:02d}",
                     dimensions: Mapping[str, Sequence[int]] = SERVQUAL_DIMENSIONS) -> pd.DataFrame:
    """The item map: one row per item number with its dimension and E/P column names.

    Parameters
    ----------
    expectation, perception : str
        Format strings of the E and P column names (``"E{:02d}"`` -> ``E01``).
    dimensions : mapping of str to sequence of int
        Item numbers per dimension (default: the instrument, :data:`SERVQUAL_DIMENSIONS`).

    Returns
    -------
    pandas.DataFrame
        Index ``item``: ``dimension``, ``expectation``, ``perception``.

    Examples
    --------
    >>> servqual_columns().loc[5].tolist()
    ['reliability', 'E05', 'P05']
    """
    rows = [(i, d, expectation.format(i), perception.format(i)) for d, items in dimensions.items() for i in items]
    numbers = [r[0] for r in rows]
    if len(set(numbers)) != len(numbers):
        raise SpecificationError("SERVQUAL dimensions", ["an item number appears in two dimensions"])
    return pd.DataFrame(rows, columns=["item", "dimension", "expectation", "perception"]).set_index("item")


def _paired(data: pd.DataFrame, cols: pd.DataFrame) -> None:
    needed = list(cols["expectation"]) + list(cols["perception"])
    require_columns(data, needed, what="the SERVQUAL data")
    sub = data[needed].apply(pd.to_numeric, errors="coerce")
    bad = sub.isna().any(axis=1)
    if bad.any():
        col = str(sub.columns[sub.isna().any()][0])
        raise DataValidationError("missing or non-numeric answers: gaps need both E and P", column=col,
                                  rows=offending_rows(bad), data=data[needed],
                                  fix="clean with crmlab.survey.clean_responses(..., missing=...) first")


def _gap_row(p: pd.Series, e: pd.Series, level: float) -> dict[str, float]:
    gap = (p - e).to_numpy(dtype=float)
    n = gap.size
    mean, se = gap.mean(), gap.std(ddof=1) / np.sqrt(n)
    t_crit = stats.t.ppf(0.5 + level / 2, n - 1)
    test = stats.ttest_rel(p.to_numpy(dtype=float), e.to_numpy(dtype=float))
    return {"expectation": float(e.mean()), "perception": float(p.mean()), "gap": float(mean), "se": float(se),
            "ci_low": float(mean - t_crit * se), "ci_high": float(mean + t_crit * se),
            "t": float(test.statistic), "p": float(test.pvalue)}


def gap_scores(data: pd.DataFrame, *, level: float = 0.95, expectation: str = "E{:02d}",
               perception: str = "P{:02d}", dimensions: Mapping[str, Sequence[int]] = SERVQUAL_DIMENSIONS) -> pd.DataFrame:
    """Per item: mean E, mean P, gap P - E with its t CI, paired t test and Holm-adjusted p.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent with every E and P column (numbers, no missing answers).
    level : float, default 0.95
        Level of the t intervals.
    expectation, perception : str
        Format strings of the E and P column names (``"E{:02d}"`` -> ``E01``).
    dimensions : mapping of str to sequence of int
        Item numbers per dimension (default: the instrument, :data:`SERVQUAL_DIMENSIONS`).

    Returns
    -------
    pandas.DataFrame
        Index ``item``: ``dimension``, ``expectation``, ``perception``, ``gap``, ``se``, ``ci_low``,
        ``ci_high``, ``t``, ``p`` and ``p_holm`` (:func:`crmlab.stats.adjust_pvalues`, Holm 1979).

    Examples
    --------
    >>> from crmlab.datasets import load_servqual_survey
    >>> data = load_servqual_survey()
    >>> gap_scores(data).loc[8, "gap"].round(4)  # "delivers at the promised time"
    np.float64(-0.5925)
    """
    if not 0 < level < 1:
        raise ParameterError(f"level={level} must be between 0 and 1")
    cols = servqual_columns(expectation, perception, dimensions)
    _paired(data, cols)
    rows = {i: {"dimension": r.dimension, **_gap_row(data[r.perception], data[r.expectation], level)}
            for i, r in cols.iterrows()}
    out = pd.DataFrame(rows).T.rename_axis("item")
    out[out.columns[1:]] = out[out.columns[1:]].astype(float)
    out["p_holm"] = adjust_pvalues(out["p"], "holm")
    return out


def dimension_scores(data: pd.DataFrame, *, expectation: str = "E{:02d}", perception: str = "P{:02d}",
                     dimensions: Mapping[str, Sequence[int]] = SERVQUAL_DIMENSIONS) -> pd.DataFrame:
    """Per respondent and dimension: mean expectation, mean perception (wide, MultiIndex columns).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent with every E and P column.
    expectation, perception : str
        Format strings of the E and P column names (``"E{:02d}"`` -> ``E01``).
    dimensions : mapping of str to sequence of int
        Item numbers per dimension (default: the instrument, :data:`SERVQUAL_DIMENSIONS`).

    Returns
    -------
    pandas.DataFrame
        Columns (``"E"`` or ``"P"``, dimension), one row per respondent.

    Examples
    --------
    >>> from crmlab.datasets import load_servqual_survey
    >>> data = load_servqual_survey()
    >>> dimension_scores(data).shape
    (400, 10)
    """
    cols = servqual_columns(expectation, perception, dimensions)
    _paired(data, cols)
    parts = {}
    for dim, grp in cols.groupby("dimension", sort=False):
        parts[("E", dim)] = data[list(grp["expectation"])].mean(axis=1)
        parts[("P", dim)] = data[list(grp["perception"])].mean(axis=1)
    return pd.DataFrame(parts)


def dimension_gaps(data: pd.DataFrame, *, level: float = 0.95, weights: Mapping[str, str] | None = None,
                   expectation: str = "E{:02d}", perception: str = "P{:02d}",
                   dimensions: Mapping[str, Sequence[int]] = SERVQUAL_DIMENSIONS) -> pd.DataFrame:
    """Per dimension: mean E and P, gap with t CI, paired t test, Holm p, and the mean importance weight.

    ``weights`` maps each dimension to the column holding the respondent's points (of 100) for it;
    ``attrs["weighted_gap"]`` is then the mean weighted SERVQUAL score with its t CI.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent with every E and P column (and the weight columns).
    level : float, default 0.95
        Level of the t intervals.
    weights : mapping of str to str, optional
        Dimension -> column of its importance points (summing to 100 per respondent).
    expectation, perception : str
        Format strings of the E and P column names (``"E{:02d}"`` -> ``E01``).
    dimensions : mapping of str to sequence of int
        Item numbers per dimension (default: the instrument, :data:`SERVQUAL_DIMENSIONS`).

    Returns
    -------
    pandas.DataFrame
        Index ``dimension``: ``expectation``, ``perception``, ``gap``, ``se``, ``ci_low``, ``ci_high``,
        ``t``, ``p``, ``p_holm`` and, with weights, ``weight`` (mean points).

    Examples
    --------
    >>> from crmlab.datasets import load_servqual_survey
    >>> data = load_servqual_survey()
    >>> gaps = dimension_gaps(data, weights={d: f"W_{d}" for d in SERVQUAL_DIMENSIONS})
    >>> gaps["gap"].round(3).to_dict()
    {'tangibles': 0.079, 'reliability': -0.676, 'responsiveness': -0.368, 'assurance': -0.058, 'empathy': -0.253}
    >>> round(gaps.attrs["weighted_gap"]["mean"], 3)
    -0.347
    """
    scores = dimension_scores(data, expectation=expectation, perception=perception, dimensions=dimensions)
    dims = list(dict.fromkeys(scores.columns.get_level_values(1)))
    out = pd.DataFrame({d: _gap_row(scores[("P", d)], scores[("E", d)], level) for d in dims}).T.rename_axis("dimension")
    out["p_holm"] = adjust_pvalues(out["p"], "holm")
    if weights is not None:
        w = _weights(data, weights, dims)
        out["weight"] = w.mean()
        gaps = pd.DataFrame({d: scores[("P", d)] - scores[("E", d)] for d in dims})
        weighted = (gaps * w).sum(axis=1) / 100
        n = len(weighted)
        se = weighted.std(ddof=1) / np.sqrt(n)
        t_crit = stats.t.ppf(0.5 + level / 2, n - 1)
        out.attrs["weighted_gap"] = {"mean": float(weighted.mean()), "se": float(se),
                                     "ci_low": float(weighted.mean() - t_crit * se),
                                     "ci_high": float(weighted.mean() + t_crit * se)}
    return out


def _weights(data: pd.DataFrame, weights: Mapping[str, str], dims: Sequence[str]) -> pd.DataFrame:
    missing = [d for d in dims if d not in weights]
    if missing:
        raise SpecificationError("SERVQUAL weights", [f"no weight column for dimensions {missing}"],
                                 fix="map every dimension to its points column, e.g. {'tangibles': 'W_tangibles', ...}")
    require_columns(data, [weights[d] for d in dims], what="the SERVQUAL data")
    w = pd.DataFrame({d: pd.to_numeric(data[weights[d]], errors="coerce") for d in dims})
    total = w.sum(axis=1, min_count=len(dims))
    bad = w.isna().any(axis=1) | (w < 0).any(axis=1) | ((total - 100).abs() > 0.5)
    if bad.any():
        raise DataValidationError("importance points must be non-negative and sum to 100 per respondent",
                                  column=weights[dims[0]], rows=offending_rows(bad), data=w,
                                  fix="rescale each respondent's points to 100 (or drop incomplete allocations)")
    return w


def plot_gaps(gaps: pd.DataFrame, *, ax: plt.Axes | None = None, title: str = "SERVQUAL gaps (perception - expectation)",
              label: str = "dimension", names: Mapping[object, str] | None = None) -> plt.Axes:
    """Horizontal gap bars with confidence intervals (a :func:`gap_scores` or :func:`dimension_gaps` table).

    ``names`` labels the bars by name instead of by index (e.g. :data:`SERVQUAL_ITEM_LABELS` for the
    item table, read "5 does what it promises by then"); bars whose interval lies entirely below 0 are
    red, entirely above 0 green.

    Parameters
    ----------
    gaps : pandas.DataFrame
        From :func:`gap_scores` or :func:`dimension_gaps`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).
    title, label : str
        Title and y-axis label.
    names : mapping, optional
        Bar labels by index value.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_servqual_survey
    >>> data = load_servqual_survey()
    >>> plot_gaps(dimension_gaps(data)).get_ylabel()
    'dimension'
    >>> plt.close("all")
    """
    if ax is None:
        _, ax = plt.subplots()
    y = np.arange(len(gaps))
    colours = np.where(gaps["ci_high"] < 0, "tab:red", np.where(gaps["ci_low"] > 0, "tab:green", "tab:grey"))
    ax.barh(y, gaps["gap"], color=colours, alpha=0.8)
    ax.errorbar(gaps["gap"], y, xerr=[gaps["gap"] - gaps["ci_low"], gaps["ci_high"] - gaps["gap"]],
                fmt="none", color="black", capsize=3, linewidth=1)
    ax.axvline(0, color="black", linewidth=0.8)
    ticks = [f"{i} {names[i]}" if names is not None and i in names else str(i) for i in gaps.index]
    ax.set_yticks(y, ticks)
    ax.invert_yaxis()
    ax.set_xlabel("mean gap P − E (scale points); red: CI entirely below 0")
    ax.set_ylabel(label)
    ax.set_title(title)
    return ax
