"""Consumption values (Sheth, Newman & Gross 1991).

Part of :mod:`crmlab.value`; see the course notebook ``01_customer_value_theory``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import (
    ParameterError,
    SpecificationError,
    check_rows,
    require_columns,
    require_rows,
)
from crmlab.validation import is_number, numeric_column


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

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy ratings: offering, consumption value, score.
    offering_col, value_col, score_col : str
        Column names.
    weights : mapping, optional
        Importance of each consumption value (default: equal).
    scale : tuple of float, default (1.0, 7.0)
        The rating scale.

    Returns
    -------
    pandas.DataFrame
        One row per offering.

    Examples
    --------
    >>> scores = pd.DataFrame({"offering": ["shop"] * 5, "value": list(CONSUMPTION_VALUES), "score": [7, 5, 6, 4, 3]})
    >>> consumption_value_profile(scores).round(3).iloc[0].tolist()
    [7.0, 5.0, 6.0, 4.0, 3.0, 5.0]
    """
    what = "the consumption-value scores"
    require_rows(scores, what=what, fix="give one row per offering, value and rating")
    require_columns(scores, [offering_col, value_col, score_col], what=what)
    df = scores.reset_index(drop=True)
    check_rows(df[offering_col].isna(), column=offering_col, problem="missing offering name", fix="name the offering on every row", data=df)
    value = df[value_col].astype("string").str.strip().str.lower()
    check_rows(~value.isin(CONSUMPTION_VALUES), column=value_col, problem="not one of Sheth, Newman & Gross's five values", fix=f"use {list(CONSUMPTION_VALUES)}", data=df)
    low, high = scale
    score = numeric_column(df, score_col, "score")
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
                 if not (is_number(w) and w >= 0)]
    if not problems and sum(weights.values()) <= 0:
        problems.append("the weights sum to 0")
    if problems:
        raise SpecificationError("consumption-value weights", problems,
                                 fix=f"give one importance >= 0 for each of {list(CONSUMPTION_VALUES)}")
    w = np.array([float(weights[v]) for v in CONSUMPTION_VALUES])
    return w / w.sum()


def plot_consumption_values(profile: pd.DataFrame, ax: Any = None, *,
                            scale: tuple[float, float] = (1.0, 7.0)) -> Any:
    """Radar chart of :func:`consumption_value_profile`, one polygon per offering (``ax`` must be polar).

    Parameters
    ----------
    profile : pandas.DataFrame
        From :func:`consumption_value_profile`.
    ax : polar matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> scores = pd.DataFrame({"offering": ["shop"] * 5, "value": list(CONSUMPTION_VALUES), "score": [7, 5, 6, 4, 3]})
    >>> ax = plt.figure().add_subplot(projection="polar")
    >>> plot_consumption_values(consumption_value_profile(scores), ax=ax).name
    'polar'
    """
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
