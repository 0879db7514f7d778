"""Barriers and success factors: barrier shares by size class, a test of whether the multi-select
barrier profiles differ by size, and a logit of "met expectations" on the success factors with odds
ratios. Part of :mod:`crmlab.adoption`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from crmlab.adoption.firms import proportion_table
from crmlab.adoption.style import HIGHLIGHT, UNVERIFIED_COLOUR, new_axes, plain_log_axis
from crmlab.datasets.schema.adoption import BARRIERS, SIZE_LABELS, SUCCESS_FACTORS
from crmlab.errors import DataValidationError, ParameterError, require_columns, require_rows
from crmlab.stats import adjust_pvalues, fit_logit

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper


def barriers_by_size(df: pd.DataFrame, group: str = "size_class", confidence: float = 0.95) -> pd.DataFrame:
    """Share of firms citing each barrier by group and overall ("all"), with Wilson intervals.

    Only firms that were asked (non-missing answer: adopters and considerers) count in ``n``.

    Parameters
    ----------
    df : pandas.DataFrame
        The firm survey with the four 0/1 barrier columns (:data:`BARRIERS`).
    group : str, default "size_class"
        Grouping column.
    confidence : float, default 0.95
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per barrier and group (and ``"all"``): ``barrier``, the group, ``n``, ``count``,
        ``share``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> table = barriers_by_size(survey)
    >>> table[table["size_class"] == "all"]["share"].round(2).tolist()  # the source documents' 37/24/8/5%
    [0.37, 0.24, 0.08, 0.05]
    """
    require_columns(df, [*BARRIERS, group], what="the survey")
    parts = []
    for col, label in BARRIERS.items():
        by = proportion_table(df, col, group, confidence)
        overall = proportion_table(df.assign(_all="all"), col, "_all", confidence)
        overall.index.name = group
        part = pd.concat([by, overall]).reset_index()
        part.insert(0, "barrier", label)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _chi2_rows(cited: np.ndarray, n_group: np.ndarray) -> np.ndarray:
    """Pearson X² of each 2 x k table (cited / not cited by group); ``cited`` is (..., k, items)."""
    total = n_group.sum()
    c = cited.sum(axis=-2, keepdims=True)
    expected_yes = n_group[:, None] * c / total
    expected_no = n_group[:, None] * (total - c) / total
    return (((cited - expected_yes) ** 2 / expected_yes).sum(axis=-2)
            + (((n_group[:, None] - cited) - expected_no) ** 2 / expected_no).sum(axis=-2))


def barrier_profile_test(
    df: pd.DataFrame, group: str = "size_class", n_permutations: int = 999, seed: int = 0
) -> pd.DataFrame:
    """Do barrier profiles differ by group? A chi-squared test per barrier and one joint test.

    Each barrier gets Pearson's X² of the 2 x k table (cited or not by group), with its asymptotic and
    Bonferroni-adjusted p-values. Barriers are multi-select, so the per-barrier tests are not
    independent; the joint test sums them (X²_S = Σ_j X²_j, the statistic of Bilder & Loughin 2004,
    Biometrics 60(1), 241-248, for simultaneous pairwise marginal independence) and gets its p-value by
    permuting the group labels, which keeps each firm's whole set of answers together.

    Parameters
    ----------
    df : pandas.DataFrame
        The firm survey.
    group : str, default "size_class"
        Grouping column (at least two levels among the firms asked).
    n_permutations : int, default 999
        Permutations of the joint test (>= 99).
    seed : int, default 0
        Seed of the permutations.

    Returns
    -------
    pandas.DataFrame
        Index ``barrier`` plus a last row for the joint test: ``chi2``, ``dof``, ``p_value``,
        ``p_bonferroni`` (statsmodels ``multipletests``), ``cramers_v``.

    Examples
    --------
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> test = barrier_profile_test(survey, n_permutations=99)
    >>> round(float(test.iloc[-1]["chi2"]), 3), float(test.iloc[-1]["p_value"])
    (64.946, 0.01)
    """
    require_columns(df, [*BARRIERS, group], what="the survey")
    if n_permutations < 99:
        raise ParameterError(f"n_permutations must be at least 99, got {n_permutations}")
    cols = list(BARRIERS)
    asked = df[df[cols].notna().all(axis=1)]
    require_rows(asked, what="the firms that answered the barrier question")
    x = asked[cols].to_numpy(dtype=float)
    codes, levels = pd.factorize(asked[group], sort=True)
    k = len(levels)
    if k < 2:
        raise DataValidationError(f"only one {group!r} level among the firms asked", column=group,
                                  fix="the test compares groups: it needs at least two")
    onehot = np.eye(k)[codes]
    n_group = onehot.sum(axis=0)
    observed = _chi2_rows(onehot.T @ x, n_group)
    rng = np.random.default_rng(seed)
    perms = np.array([rng.permutation(codes) for _ in range(n_permutations)])
    cited = np.einsum("bnk,nj->bkj", np.eye(k)[perms], x)
    permuted = _chi2_rows(cited, n_group).sum(axis=-1)
    joint = observed.sum()
    p_joint = (1 + np.sum(permuted >= joint)) / (n_permutations + 1)
    dof = k - 1
    p = stats.chi2.sf(observed, dof)
    table = pd.DataFrame({
        "chi2": observed, "dof": dof, "p_value": p, "p_bonferroni": adjust_pvalues(p, "bonferroni"),
        "cramers_v": np.sqrt(observed / len(asked)),
    }, index=pd.Index(list(BARRIERS.values()), name="barrier"))
    table.loc["all barriers (sum, permutation test)"] = [joint, dof * len(cols), p_joint, p_joint, np.nan]
    table["dof"] = table["dof"].astype("int64")
    return table


def plot_barriers(table: pd.DataFrame, group: str = "size_class", ax: Axes | None = None) -> Axes:
    """Grouped bars of barrier shares by group with Wilson error bars (from :func:`barriers_by_size`).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`barriers_by_size`.
    group : str, default "size_class"
        The grouping column of ``table``.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> plot_barriers(barriers_by_size(survey)).get_title()
    'Barriers to CRM cited by adopters and considerers'
    >>> plt.close("all")
    """
    ax = new_axes(ax)
    groups = [g for g in table[group].unique() if g != "all"]
    barriers = list(table["barrier"].unique())
    width = 0.8 / len(groups)
    x = np.arange(len(barriers))
    for i, g in enumerate(groups):
        part = table[table[group] == g].set_index("barrier").loc[barriers]
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, 100 * part["share"], width,
               yerr=[100 * (part["share"] - part["ci_low"]), 100 * (part["ci_high"] - part["share"])],
               capsize=2, label=SIZE_LABELS.get(g, g))
    overall = table[table[group] == "all"].set_index("barrier").loc[barriers]
    ax.scatter(x, 100 * overall["share"], marker="_", s=800, color="black", zorder=3, label="all firms asked")
    ax.set_xticks(x, [textwrap.fill(b, 18) for b in barriers], fontsize=8)
    ax.set(title="Barriers to CRM cited by adopters and considerers", xlabel="barrier (multi-select)",
           ylabel="% of firms asked")
    ax.legend(fontsize=8)
    return ax


def fit_success_logit(
    df: pd.DataFrame, factors: Sequence[str] = tuple(SUCCESS_FACTORS), outcome: str = "met_expectations"
) -> BinaryResultsWrapper:
    """Logit of ``outcome`` (CRM met expectations) on the success-factor scores, adopters only.

    Firms with no outcome (non-adopters) are left out by design; a firm with an outcome but a missing
    score is reported by a warning.

    Parameters
    ----------
    df : pandas.DataFrame
        The firm survey.
    factors : sequence of str
        Score columns (default: the nine of :data:`SUCCESS_FACTORS`).
    outcome : str, default "met_expectations"
        0/1 outcome, missing for firms not asked.

    Returns
    -------
    statsmodels BinaryResultsWrapper
        The fitted logit (:func:`crmlab.stats.fit_logit`).

    Examples
    --------
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> result = fit_success_logit(survey)
    >>> int(result.nobs)  # the adopters
    616
    """
    require_columns(df, [outcome, *factors], what="the survey")
    adopters = df[df[outcome].notna()].astype({outcome: "float64", **{f: "float64" for f in factors}})
    return fit_logit(adopters, f"{outcome} ~ " + " + ".join(factors))


def odds_ratios(
    result: BinaryResultsWrapper, confidence: float = 0.95, labels: Mapping[str, str] = SUCCESS_FACTORS
) -> pd.DataFrame:
    """Odds ratios exp(β) with their confidence intervals and p-values (intercept left out).

    An odds ratio of 1.5 for a factor scored 1-5 means one point more multiplies the odds of the
    outcome by 1.5, other factors held fixed.

    Parameters
    ----------
    result : statsmodels BinaryResultsWrapper
        A fitted logit (:func:`fit_success_logit`).
    confidence : float, default 0.95
        Level of the intervals.
    labels : mapping of str to str
        Readable names of the variables.

    Returns
    -------
    pandas.DataFrame
        Index ``variable``: ``factor``, ``coef``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``.

    Examples
    --------
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> table = odds_ratios(fit_success_logit(survey))
    >>> round(float(table.loc["sf_change_management", "odds_ratio"]), 3)
    1.452
    """
    ci = result.conf_int(alpha=1 - confidence)
    table = pd.DataFrame({
        "factor": [labels.get(name, name) for name in result.params.index],
        "coef": result.params, "odds_ratio": np.exp(result.params),
        "ci_low": np.exp(ci[0]), "ci_high": np.exp(ci[1]), "p_value": result.pvalues,
    }).drop(index="Intercept", errors="ignore")
    table.index.name = "variable"
    return table


def plot_odds_ratios(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Forest plot of odds ratios with intervals on a log scale (from :func:`odds_ratios`).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`odds_ratios`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> plot_odds_ratios(odds_ratios(fit_success_logit(survey))).get_title()
    'What makes CRM meet expectations? (odds ratio per scale point, 95% CI)'
    >>> plt.close("all")
    """
    ax = new_axes(ax)
    ordered = table.sort_values("odds_ratio")
    y = np.arange(len(ordered))
    significant = (ordered["ci_low"] > 1) | (ordered["ci_high"] < 1)
    ax.errorbar(ordered["odds_ratio"], y, xerr=[ordered["odds_ratio"] - ordered["ci_low"],
                                                ordered["ci_high"] - ordered["odds_ratio"]],
                fmt="none", ecolor="grey", capsize=3)
    ax.scatter(ordered["odds_ratio"], y, c=np.where(significant, HIGHLIGHT, UNVERIFIED_COLOUR),
               edgecolor="black", zorder=3)
    ax.axvline(1, color="black", linewidth=0.8)
    plain_log_axis(ax, "x", float(ordered["ci_low"].min()), float(ordered["ci_high"].max()))
    ax.set_yticks(y, ordered["factor"])
    ax.set(title="What makes CRM meet expectations? (odds ratio per scale point, 95% CI)",
           xlabel="odds ratio (log scale); red: interval excludes 1", ylabel="success factor (score 1-5)")
    return ax
