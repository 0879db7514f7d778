"""Reliability and validity of multi-item scales.

* Cronbach's (1951) alpha  a = k/(k-1) (1 - sum s_i^2 / s_T^2), with Feldt's (1965) F-based confidence
  interval (computed by pingouin); ``standardized=True`` uses the item correlation matrix,
  a = k r / (1 + (k-1) r) with r the mean inter-item correlation (what SmartPLS and seminr report).
* Item analysis: corrected item-total correlation and alpha if the item is deleted.
* Composite reliability rho_C = (sum l)^2 / ((sum l)^2 + sum (1 - l^2)) and average variance extracted
  AVE = mean(l^2) from standardised loadings l (Fornell & Larcker 1981).
* McDonald's (1999) omega from a one-factor CFA (semopy, ML): omega = (sum l)^2 / ((sum l)^2 + sum theta).
* Discriminant validity: the Fornell-Larcker criterion (sqrt(AVE) above every correlation of the LV)
  and the heterotrait-monotrait ratio HTMT (Henseler, Ringle & Sarstedt 2015; below 0.85/0.90).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab.errors import ConvergenceError, DataValidationError, ParameterError, require_columns
from crmlab.survey.checks import numeric_answers, require_correlated, require_total_variance, require_variance

#: How far a standardised loading may exceed 1 in absolute value before it counts as a Heywood case.
LOADING_TOLERANCE = 1e-6


def _items(data: pd.DataFrame, items: Sequence[str] | None, *, minimum: int = 2,
           measure: str = "the reliability") -> pd.DataFrame:
    """The items as floats: enough of them, numeric, complete, finite, none constant."""
    cols = list(items) if items is not None else list(data.columns)
    require_columns(data, cols, what="the survey data")
    if len(cols) < minimum:
        raise DataValidationError(f"a scale needs at least {minimum} items, got {cols}",
                                  fix="reliability of a single item cannot be estimated from one survey")
    if len(set(cols)) < len(cols):
        raise DataValidationError(f"items listed twice: {sorted({c for c in cols if cols.count(c) > 1})}",
                                  fix="list each item of the block once")
    sub = numeric_answers(data, cols)
    require_variance(sub, measure=measure)
    return sub


def _check_loadings(loadings: Sequence[float] | pd.Series, what: str) -> np.ndarray:
    lam = np.asarray(loadings, dtype=float)
    names = list(loadings.index) if isinstance(loadings, pd.Series) else list(range(len(lam)))
    if lam.size == 0:
        raise ParameterError(f"{what} needs at least one loading, got none")
    bad = [names[i] for i in np.flatnonzero(~np.isfinite(lam) | (np.abs(lam) > 1 + LOADING_TOLERANCE))]
    if bad:
        raise ParameterError(f"{what} needs standardised loadings between -1 and 1; these are not: "
                             f"{ {n: float(lam[names.index(n)]) for n in bad[:5]} } (a Heywood case or raw "
                             "loadings); use standardised loadings, or drop or re-specify the item")
    return lam


def cronbach_alpha(data: pd.DataFrame, items: Sequence[str] | None = None, *, level: float = 0.95,
                   standardized: bool = False) -> pd.Series:
    """Cronbach's alpha with Feldt's confidence interval: ``alpha``, ``ci_low``, ``ci_high``, ``k``, ``n``.

    alpha = k/(k-1) (1 - sum s_i^2 / s_T^2) (Cronbach 1951), the interval from the F distribution
    (Feldt 1965) as pingouin computes it; ``standardized=True`` computes it on z-scored items, which
    equals k r / (1 + (k-1) r) with r the mean inter-item correlation.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers (clean them with ``clean_responses`` first).
    items : sequence of str, optional
        The items of the scale, at least 2 (default: every column).
    level : float, default 0.95
        Confidence level of the interval.
    standardized : bool, default False
        Alpha of the standardised items.

    Returns
    -------
    pandas.Series
        ``alpha``, ``ci_low``, ``ci_high``, ``k`` (items) and ``n`` (respondents).

    Raises
    ------
    DataValidationError
        For missing or non-numeric answers, a constant item, or a block with zero total variance.

    Examples
    --------
    Item variances 2.5, 2.5 and 1; the totals 4, 7, 8, 13, 13 have variance 15.5, so
    alpha = 3/2 (1 - 6/15.5) = 0.9194:

    >>> data = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [1, 3, 2, 5, 4], "q3": [2, 2, 3, 4, 4]})
    >>> cronbach_alpha(data).round(4).to_dict()
    {'alpha': 0.9194, 'ci_low': 0.593, 'ci_high': 0.991, 'k': 3.0, 'n': 5.0}

    The mean inter-item correlation is (0.8 + 0.9487 + 0.7906) / 3 = 0.8464, so the standardised
    alpha is 3 · 0.8464 / (1 + 2 · 0.8464):

    >>> round(float(cronbach_alpha(data, standardized=True)["alpha"]), 3)
    0.943
    """
    import pingouin as pg

    if not 0 < level < 1:
        raise ParameterError(f"level={level} must be between 0 and 1")
    sub = _items(data, items, measure="Cronbach's alpha")
    if standardized:
        sub = (sub - sub.mean()) / sub.std(ddof=1)
    require_total_variance(sub, measure="Cronbach's alpha")
    alpha, ci = pg.cronbach_alpha(sub, ci=level)
    if not (np.isfinite(alpha) and alpha <= 1 + 1e-12 and np.all(np.isfinite(ci))):
        raise DataValidationError(f"Cronbach's alpha of {list(sub.columns)} is not finite ({alpha}, CI {ci})",
                                  fix="check the items for near-constant answers")
    return pd.Series({"alpha": float(alpha), "ci_low": float(ci[0]), "ci_high": float(ci[1]),
                      "k": sub.shape[1], "n": sub.shape[0]})


def item_analysis(data: pd.DataFrame, items: Sequence[str] | None = None) -> pd.DataFrame:
    """Per item: mean, sd, corrected item-total correlation (item vs sum of the others), alpha if deleted.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    items : sequence of str, optional
        The items of the scale, at least 3 (default: every column).

    Returns
    -------
    pandas.DataFrame
        Indexed by item: ``mean``, ``sd`` (ddof = 1), ``item_total_r`` and ``alpha_if_deleted``.

    Examples
    --------
    Without q1 the rest q2 + q3 = 3, 5, 5, 9, 8 has variance 6, so alpha = 2 (1 - 3.5/6) = 0.833:

    >>> data = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [1, 3, 2, 5, 4], "q3": [2, 2, 3, 4, 4]})
    >>> item_analysis(data).round(3)
          mean     sd  item_total_r  alpha_if_deleted
    item
    q1     3.0  1.581         0.904             0.833
    q2     3.0  1.581         0.806             0.923
    q3     3.0  1.000         0.917             0.889
    """
    import pingouin as pg

    sub = _items(data, items, minimum=3, measure="the item analysis")
    require_total_variance(sub, measure="the item analysis")
    rows = []
    for item in sub.columns:
        rest = sub.drop(columns=item)
        require_total_variance(rest, measure=f"alpha if {item!r} is deleted (and its item-total correlation)")
        rows.append({
            "item": item,
            "mean": sub[item].mean(),
            "sd": sub[item].std(ddof=1),
            "item_total_r": float(np.corrcoef(sub[item], rest.sum(axis=1))[0, 1]),
            "alpha_if_deleted": float(pg.cronbach_alpha(rest)[0]),
        })
    return pd.DataFrame(rows).set_index("item")


def composite_reliability(loadings: Sequence[float] | pd.Series) -> float:
    """rho_C = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) from standardised loadings (Werts et al. 1974).

    Loadings must be finite and between -1 and 1 (a :class:`~crmlab.errors.ParameterError` names the others).

    Parameters
    ----------
    loadings : sequence of float or pandas.Series
        The standardised loadings of one block's items.

    Returns
    -------
    float
        rho_C, from 0 to 1.

    Examples
    --------
    (0.8 + 0.7 + 0.6)² = 4.41 and 0.36 + 0.51 + 0.64 = 1.51, so rho_C = 4.41 / 5.92:

    >>> round(composite_reliability([0.8, 0.7, 0.6]), 4)
    0.7449
    """
    lam = _check_loadings(loadings, "composite reliability")
    if lam.sum() ** 2 + (1 - lam**2).sum() == 0:  # only when every |loading| is 1 and they cancel out
        raise ParameterError(f"composite reliability is 0/0 for the loadings {lam.tolist()}; check the loadings passed")
    return float(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()))


def average_variance_extracted(loadings: Sequence[float] | pd.Series) -> float:
    """AVE = mean of squared standardised loadings (Fornell & Larcker 1981); loadings in [-1, 1].

    Parameters
    ----------
    loadings : sequence of float or pandas.Series
        The standardised loadings of one block's items.

    Returns
    -------
    float
        The AVE, from 0 to 1 (0.5 or more is the usual threshold of convergent validity).

    Examples
    --------
    >>> round(average_variance_extracted([0.8, 0.7, 0.6]), 4)  # (0.64 + 0.49 + 0.36) / 3
    0.4967
    """
    lam = _check_loadings(loadings, "average variance extracted")
    return float((lam**2).mean())


def mcdonald_omega(data: pd.DataFrame, items: Sequence[str] | None = None) -> pd.Series:
    """McDonald's omega from a one-factor CFA fitted by ML with semopy on standardised items.

    omega = (sum l)^2 / ((sum l)^2 + sum theta) with theta = 1 - l^2 the error variances of the
    standardised items (McDonald 1999).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    items : sequence of str, optional
        The items of the scale, at least 3 (default: every column).

    Returns
    -------
    pandas.Series
        ``omega`` and the standardised ``loading_<item>`` of the factor.

    Raises
    ------
    ConvergenceError
        When the one-factor model has no admissible solution (a loading above 1: a Heywood case).

    Examples
    --------
    The satisfaction block of the ECSI mobile-phone data (250 respondents):

    >>> from crmlab.datasets import load_ecsi_mobi
    >>> mcdonald_omega(load_ecsi_mobi(), ["CUSA1", "CUSA2", "CUSA3"]).round(3).to_dict()
    {'omega': 0.782, 'loading_CUSA1': 0.667, 'loading_CUSA2': 0.808, 'loading_CUSA3': 0.734}
    """
    import semopy

    sub = _items(data, items, minimum=3, measure="McDonald's omega")
    z = (sub - sub.mean()) / sub.std(ddof=1)
    z.columns = [f"v{i}" for i in range(z.shape[1])]
    model = semopy.Model("F =~ " + " + ".join(z.columns))
    model.fit(z)
    est = model.inspect(std_est=True)
    lam = est[(est["op"] == "~") & (est["rval"] == "F")].set_index("lval")["Est. Std"].reindex(z.columns)
    if not np.all(np.isfinite(lam)) or np.any(np.abs(lam) > 1 + LOADING_TOLERANCE):
        shown = {name: round(float(v), 4) for name, v in zip(sub.columns, lam, strict=True)}
        raise ConvergenceError(
            f"the one-factor model of {list(sub.columns)} has no admissible solution (standardised loadings "
            f"{shown}; a loading above 1 in absolute value is a Heywood case), so omega is undefined; check "
            "the items for near-duplicates or items unrelated to the rest, or report alpha instead")
    theta = 1 - lam**2
    omega = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())
    if not 0 <= omega <= 1 + 1e-12:
        raise ConvergenceError(f"omega of {list(sub.columns)} came out as {omega}; the one-factor model is not "
                               "admissible for these items; report alpha instead")
    out = {"omega": float(omega)}
    out.update({f"loading_{name}": float(v) for name, v in zip(sub.columns, lam, strict=True)})
    return pd.Series(out)


def reliability_table(data: pd.DataFrame, blocks: Mapping[str, Sequence[str]],
                      loadings: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per multi-item block: k, alpha with Feldt CI, standardised alpha, rho_C, AVE (and omega for k >= 3).

    ``loadings`` (tidy ``latent``/``item``/``loading``, e.g. ``PLSResult.outer_loadings``) gives rho_C
    and AVE from PLS loadings; without it they come from the one-factor CFA loadings, so they are
    missing for a two-item block and rho_C equals omega for the others.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    blocks : mapping of str to sequence of str
        Block -> its items; single-item blocks are left out.
    loadings : pandas.DataFrame, optional
        Standardised loadings in tidy form (columns ``item`` and ``loading``).

    Returns
    -------
    pandas.DataFrame
        Indexed by block: ``k``, ``alpha``, ``ci_low``, ``ci_high``, ``alpha_std``, ``rho_c``, ``ave``,
        ``omega``.

    Examples
    --------
    >>> from crmlab.datasets import load_ecsi_mobi
    >>> blocks = {"Satisfaction": ["CUSA1", "CUSA2", "CUSA3"], "Value": ["PERV1", "PERV2"]}
    >>> reliability_table(load_ecsi_mobi(), blocks).round(3)
                  k  alpha  ci_low  ci_high  alpha_std  rho_c    ave  omega
    block
    Satisfaction  3  0.770   0.716    0.815      0.779  0.782  0.545  0.782
    Value         2  0.817   0.765    0.857      0.824    NaN    NaN    NaN
    """
    rows = []
    for block, items in blocks.items():
        if len(items) < 2:
            continue
        a = cronbach_alpha(data, items)
        row = {"block": block, "k": len(items), "alpha": a["alpha"], "ci_low": a["ci_low"], "ci_high": a["ci_high"],
               "alpha_std": cronbach_alpha(data, items, standardized=True)["alpha"]}
        omega = mcdonald_omega(data, items) if len(items) >= 3 else None
        if loadings is not None:
            lam = loadings.set_index("item").loc[list(items), "loading"]
        elif omega is not None:
            lam = omega.filter(like="loading_")
        else:
            lam = None
        row["rho_c"] = composite_reliability(lam) if lam is not None else np.nan
        row["ave"] = average_variance_extracted(lam) if lam is not None else np.nan
        row["omega"] = omega["omega"] if omega is not None else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("block")


def fornell_larcker(scores: pd.DataFrame, ave: Mapping[str, float] | pd.Series) -> pd.DataFrame:
    """LV correlation matrix with sqrt(AVE) on the diagonal; ``attrs["violations"]`` lists failing pairs.

    Every column of ``scores`` needs an ``ave`` between 0 and 1 and must vary across respondents.
    A pair violates the criterion when |r| is at least the smaller of the two sqrt(AVE) (Fornell &
    Larcker 1981).

    Parameters
    ----------
    scores : pandas.DataFrame
        Latent variable scores, respondents in rows (e.g. ``PLSResult.scores``).
    ave : mapping or pandas.Series
        The AVE of every latent variable.

    Returns
    -------
    pandas.DataFrame
        The correlation matrix with sqrt(AVE) on the diagonal; ``attrs["violations"]`` the failing pairs.

    Examples
    --------
    The scores correlate at r = 4/5 = 0.8, above sqrt(0.49) = 0.7:

    >>> scores = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 3.0, 2.0, 4.0]})
    >>> table = fornell_larcker(scores, {"a": 0.81, "b": 0.49})
    >>> table.round(3)
         a    b
    a  0.9  0.8
    b  0.8  0.7
    >>> table.attrs["violations"]
    [('a', 'b')]
    """
    numeric = numeric_answers(scores, list(scores.columns), what="the latent variable scores",
                              fix="pass the scores of a fitted model (PLSResult.scores)")
    require_variance(numeric, measure="the Fornell-Larcker criterion")
    ave = pd.Series(ave, dtype="float64") if not isinstance(ave, pd.Series) else ave.astype("float64")
    absent = [str(c) for c in scores.columns if c not in ave.index]
    if absent:
        raise DataValidationError(f"no AVE for {absent}", column=absent[0],
                                  fix="pass an AVE for every latent variable (e.g. reliability_table()['ave'])")
    bad = {str(c): float(ave[c]) for c in scores.columns if not 0 <= ave[c] <= 1}
    if bad:
        raise ParameterError(f"AVE must be between 0 and 1, got {bad}; pass average_variance_extracted() values")
    corr = numeric.corr()
    out = corr.copy()
    for lv in corr.columns:
        out.loc[lv, lv] = np.sqrt(ave[lv])
    violations = [(a, b) for i, a in enumerate(corr.columns) for b in corr.columns[i + 1:]
                  if abs(corr.loc[a, b]) >= min(out.loc[a, a], out.loc[b, b])]
    out.attrs["violations"] = violations
    return out


def htmt(data: pd.DataFrame, blocks: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations (Henseler, Ringle & Sarstedt 2015).

    HTMT_ij = mean |r| between items of i and j / sqrt(mean |r| within i x mean |r| within j);
    single-item blocks have a within-block mean of 1.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    blocks : mapping of str to sequence of str
        Block -> its items.

    Returns
    -------
    pandas.DataFrame
        Blocks by blocks, the HTMT below the diagonal (missing on and above it).

    Examples
    --------
    >>> from crmlab.datasets import load_ecsi_mobi
    >>> blocks = {"Satisfaction": ["CUSA1", "CUSA2", "CUSA3"], "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}
    >>> round(float(htmt(load_ecsi_mobi(), blocks).loc["Loyalty", "Satisfaction"]), 3)
    0.957
    """
    items = [i for its in blocks.values() for i in its]
    sub = _items(data, items, minimum=1, measure="HTMT")
    for block, its in blocks.items():
        require_correlated(sub[list(its)], block=str(block), measure="HTMT (a monotrait mean of 0)")
    r = sub.corr().abs()

    def mono(its: Sequence[str]) -> float:
        k = len(its)
        if k == 1:
            return 1.0
        sub = r.loc[list(its), list(its)].to_numpy()
        return float((sub.sum() - k) / (k * (k - 1)))

    names = list(blocks)
    out = pd.DataFrame(np.nan, index=names, columns=names)
    for i, a in enumerate(names):
        for b in names[:i]:
            hetero = float(r.loc[list(blocks[a]), list(blocks[b])].to_numpy().mean())
            out.loc[a, b] = hetero / np.sqrt(mono(blocks[a]) * mono(blocks[b]))
    return out
