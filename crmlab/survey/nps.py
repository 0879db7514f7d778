"""Net Promoter Score (Reichheld 2003) with its sampling uncertainty.

On the 0-10 "how likely are you to recommend" item: promoters answer 9-10, passives 7-8, detractors
0-6; NPS = 100 (p_promoters - p_detractors), between -100 and 100. Treating the three groups as a
multinomial sample of size n, Var(p_P - p_D) = (p_P + p_D - (p_P - p_D)^2) / n, which gives the Wald
interval NPS +/- z 100 sqrt(Var) (Rocks 2016); the bootstrap percentile interval resamples
respondents. Two independent segments are compared with the Wald z test of the difference.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from crmlab.errors import DataValidationError, EmptyDataError, ParameterError, offending_rows, require_columns

NPS_GROUPS = ("detractor", "passive", "promoter")


def _scores(values: pd.Series | Sequence[float], name: str = "recommend") -> pd.Series:
    s = pd.Series(values, name=getattr(values, "name", None) or name)
    if len(s) == 0:
        raise EmptyDataError("no recommend scores", fix="pass the 0-10 answers of at least one respondent")
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() | (num % 1 != 0) | (num < 0) | (num > 10)
    if bad.any():
        raise DataValidationError(
            "recommend scores must be whole numbers from 0 to 10 (missing answers included)", column=str(s.name),
            rows=offending_rows(bad), data=s.to_frame(),
            fix="drop respondents without an answer (and say how many) and recode other scales to 0-10",
        )
    return num.astype("int64")


def nps_groups(values: pd.Series | Sequence[float]) -> pd.Series:
    """Ordered categorical detractor (0-6) / passive (7-8) / promoter (9-10) for each answer.

    Parameters
    ----------
    values : pandas.Series or sequence of float
        The 0-10 answers to the recommend item; whole numbers, none missing.

    Returns
    -------
    pandas.Series
        Ordered categorical with the categories of :data:`NPS_GROUPS`, named ``nps_group``.

    Raises
    ------
    DataValidationError
        Naming the answers that are missing, not whole numbers or outside 0-10.

    Examples
    --------
    >>> nps_groups([10, 7, 6, 9]).tolist()
    ['promoter', 'passive', 'detractor', 'promoter']
    """
    s = _scores(values)
    groups = pd.cut(s, bins=[-0.5, 6.5, 8.5, 10.5], labels=list(NPS_GROUPS), ordered=True)
    return groups.rename("nps_group")


def _shares(s: pd.Series) -> tuple[float, float, float]:
    n = len(s)
    return float((s >= 9).sum() / n), float(((s >= 7) & (s <= 8)).sum() / n), float((s <= 6).sum() / n)


def net_promoter_score(values: pd.Series | Sequence[float], *, level: float = 0.95, n_boot: int = 0,
                       seed: int | None = None) -> pd.Series:
    """NPS with its standard error and Wald CI (and a bootstrap percentile CI when ``n_boot`` > 0).

    Parameters
    ----------
    values : pandas.Series or sequence of float
        The 0-10 answers to the recommend item; whole numbers, none missing.
    level : float, default 0.95
        Confidence level of the intervals, between 0 and 1.
    n_boot : int, default 0
        Bootstrap resamples of the respondents: 0 for none, else at least 100.
    seed : int, optional
        Random state of the bootstrap.

    Returns
    -------
    pandas.Series
        ``n``, ``promoters``, ``passives``, ``detractors`` (shares), ``nps``, ``se`` (NPS points),
        ``ci_low``, ``ci_high`` (the Wald interval, clipped to -100 and 100) and, with ``n_boot``,
        ``boot_ci_low``, ``boot_ci_high``.

    Examples
    --------
    5 promoters, 2 passives and 3 detractors among 10: NPS = 100 (0.5 - 0.3) = 20 and
    se = 100 sqrt((0.5 + 0.3 - 0.2²) / 10) = 27.57, so the 95% interval is 20 ± 1.96 · 27.57:

    >>> result = net_promoter_score([10, 9, 9, 8, 7, 6, 5, 10, 3, 9])
    >>> result[["nps", "se", "ci_low", "ci_high"]].round(2).to_dict()
    {'nps': 20.0, 'se': 27.57, 'ci_low': -34.03, 'ci_high': 74.03}
    """
    if not 0 < level < 1:
        raise ParameterError(f"level={level} must be between 0 and 1")
    if n_boot < 0 or 0 < n_boot < 100:
        raise ParameterError(f"n_boot={n_boot}: use 0 (no bootstrap) or at least 100 resamples")
    s = _scores(values)
    n = len(s)
    p_pro, p_pas, p_det = _shares(s)
    nps = 100 * (p_pro - p_det)
    se = 100 * np.sqrt(max(p_pro + p_det - (p_pro - p_det) ** 2, 0.0) / n)
    z = stats.norm.ppf(0.5 + level / 2)
    out = {"n": n, "promoters": p_pro, "passives": p_pas, "detractors": p_det, "nps": nps, "se": se,
           "ci_low": max(nps - z * se, -100.0), "ci_high": min(nps + z * se, 100.0)}
    if n_boot:
        rng = np.random.default_rng(seed)
        code = np.where(s.to_numpy() >= 9, 1, np.where(s.to_numpy() <= 6, -1, 0))
        draws = 100 * code[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
        out["boot_ci_low"], out["boot_ci_high"] = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return pd.Series(out, name="nps")


def nps_by_segment(data: pd.DataFrame, score: str, segment: str, *, level: float = 0.95,
                   reference: str | None = None) -> pd.DataFrame:
    """NPS with Wald CI per segment, and the z test of each segment against ``reference`` (first by default).

    Columns: n, promoters, passives, detractors, nps, se, ci_low, ci_high, diff (vs reference),
    diff_se, z, p. ``attrs["chi2"]``, ``attrs["chi2_p"]``: chi-square test that the
    detractor/passive/promoter mix is the same in every segment.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows.
    score : str
        The column of 0-10 recommend answers.
    segment : str
        The column of segments (no missing value; at least two segments). Categorical columns keep
        their order of categories, others are sorted.
    level : float, default 0.95
        Confidence level of the intervals.
    reference : str, optional
        The segment the others are compared with (default: the first).

    Returns
    -------
    pandas.DataFrame
        One row per segment with the columns above; ``diff``, ``diff_se``, ``z`` and ``p`` are missing
        for the reference.

    Examples
    --------
    New customers: 1 promoter, 1 passive, 2 detractors, NPS -25; repeat buyers: 3 promoters and a
    passive, NPS 75. The difference of 100 has se sqrt(41.46² + 21.65²) = 46.77, z = 2.14:

    >>> data = pd.DataFrame({"recommend": [10, 6, 8, 3, 10, 9, 9, 7], "segment": ["new"] * 4 + ["repeat"] * 4})
    >>> table = nps_by_segment(data, "recommend", "segment")
    >>> table[["n", "nps", "se", "diff", "z", "p"]].round(3)
             n   nps      se   diff      z      p
    segment
    new      4 -25.0  41.458    NaN    NaN    NaN
    repeat   4  75.0  21.651  100.0  2.138  0.033
    """
    require_columns(data, [score, segment], what="the survey data")
    seg = data[segment]
    if seg.isna().any():
        raise DataValidationError("missing segment", column=segment, rows=offending_rows(seg.isna()),
                                  fix="label those respondents (e.g. 'unknown') or drop them explicitly")
    levels = list(seg.cat.categories) if isinstance(seg.dtype, pd.CategoricalDtype) else sorted(seg.unique())
    levels = [lv for lv in levels if (seg == lv).any()]
    if len(levels) < 2:
        raise DataValidationError(f"only one segment ({levels}) in {segment!r}", column=segment,
                                  fix="pass a column with at least two groups")
    reference = levels[0] if reference is None else reference
    if reference not in levels:
        raise ParameterError(f"reference={reference!r} is not a segment; the segments are {levels}")
    rows = {lv: net_promoter_score(data.loc[seg == lv, score], level=level) for lv in levels}
    out = pd.DataFrame(rows).T
    out["n"] = out["n"].astype("int64")
    ref = out.loc[reference]
    out["diff"] = out["nps"] - ref["nps"]
    out["diff_se"] = np.sqrt(out["se"] ** 2 + ref["se"] ** 2)
    out["z"] = out["diff"] / out["diff_se"]
    out["p"] = 2 * stats.norm.sf(out["z"].abs())
    out.loc[reference, ["diff", "diff_se", "z", "p"]] = np.nan
    table = pd.crosstab(seg, nps_groups(data[score]))
    chi2, p, dof, _ = stats.chi2_contingency(table)
    out.attrs.update(chi2=float(chi2), chi2_p=float(p), chi2_dof=int(dof), reference=reference)
    return out.rename_axis(segment)


def plot_nps(table: pd.DataFrame, *, ax: plt.Axes | None = None, title: str = "Net Promoter Score by segment") -> plt.Axes:
    """NPS per segment with its Wald confidence interval (a :func:`nps_by_segment` table).

    Parameters
    ----------
    table : pandas.DataFrame
        A result of :func:`nps_by_segment` (or any table with ``nps``, ``ci_low`` and ``ci_high``).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure).
    title : str, default "Net Promoter Score by segment"
        The title.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, one point and interval per segment, a line at NPS 0.

    Examples
    --------
    >>> data = pd.DataFrame({"recommend": [10, 6, 8, 3, 10, 9, 9, 7], "segment": ["new"] * 4 + ["repeat"] * 4})
    >>> ax = plot_nps(nps_by_segment(data, "recommend", "segment"))
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_ylabel()
    (['new', 'repeat'], 'segment')
    >>> plt.close(ax.figure)
    """
    if ax is None:
        _, ax = plt.subplots()
    y = np.arange(len(table))
    ax.errorbar(table["nps"], y, xerr=[table["nps"] - table["ci_low"], table["ci_high"] - table["nps"]],
                fmt="o", color="tab:blue", capsize=4)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.set_xlabel("NPS (promoters % - detractors %), with confidence interval")
    ax.set_ylabel(table.index.name or "segment")
    ax.set_title(title)
    return ax
