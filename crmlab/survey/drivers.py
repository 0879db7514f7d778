"""Drivers of satisfaction and loyalty, and importance-performance analysis (IPA).

* :func:`driver_regression` — OLS with heteroskedasticity-robust (HC3) standard errors (statsmodels
  formula API; MacKinnon & White 1985) and standardised coefficients.
* :func:`relative_weights` — Johnson's (2000) relative weights: regress y on the orthogonal
  approximation Z = X (X'X)^(-1/2) of the drivers; eps_j = sum_k lambda_jk^2 beta_k^2 sums to R^2.
* :func:`shapley_r2` — Shapley value (LMG) decomposition of R^2 (Lindeman, Merenda & Gold 1980;
  Grömping 2007): the average gain in R^2 from adding a driver over all orders of entry.
* :func:`ordinal_logit` — proportional-odds model of an ordered answer (statsmodels ``OrderedModel``;
  McCullagh 1980): P(y <= k | x) = F(tau_k - x'beta).
* :func:`importance_performance` and :func:`plot_ipa` — the IPA grid of Martilla & James (1977) with
  derived importance (Ringle & Sarstedt 2016 for PLS total effects).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab.errors import DataValidationError, ParameterError, check_rows, require_columns
from crmlab.survey.checks import numeric_answers, require_variance


def _complete(data: pd.DataFrame, columns: Sequence[str], *, measure: str = "the regression") -> pd.DataFrame:
    """Numeric, complete, finite, varying columns with more rows than columns (each problem named)."""
    cols = list(columns)
    if len(set(cols)) < len(cols):
        raise DataValidationError(f"columns listed twice: {sorted({c for c in cols if cols.count(c) > 1})}",
                                  fix="list the outcome once and each driver once")
    sub = numeric_answers(data, cols)
    if len(sub) <= len(columns):
        raise DataValidationError(f"{len(sub)} rows for {len(columns) - 1} drivers: too few to estimate",
                                  fix="use fewer drivers or more respondents")
    require_variance(sub, measure=measure)
    return sub


def _require_not_collinear(corr: np.ndarray, drivers: Sequence[str]) -> None:
    vals, vecs = np.linalg.eigh(corr)
    if vals.min() <= 1e-10:
        involved = [d for d, v in zip(drivers, vecs[:, 0], strict=True) if abs(v) > 1e-6]
        raise DataValidationError(f"the drivers {involved} are perfectly collinear (one is a linear combination "
                                  "of the others)", column=involved[0] if involved else None,
                                  fix="drop a redundant driver")


def driver_regression(data: pd.DataFrame, outcome: str, drivers: Sequence[str], *, cov_type: str = "HC3",
                      level: float = 0.95) -> pd.DataFrame:
    """OLS of ``outcome`` on ``drivers`` with robust SEs: estimate, se, t, p, CI and standardised beta.

    ``attrs`` holds ``r_squared``, ``adj_r_squared``, ``n`` and ``cov_type``. The standardised beta
    of driver j is b_j s_j / s_y (sample standard deviations).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    outcome : str
        The dependent variable (e.g. overall satisfaction).
    drivers : sequence of str
        The explanatory variables; none constant, none a linear combination of the others.
    cov_type : str, default "HC3"
        The statsmodels covariance type of the standard errors ("nonrobust" for the classical ones).
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``term`` (``Intercept`` first): ``estimate``, ``se``, ``t``, ``p``, ``ci_low``,
        ``ci_high`` and ``std_beta`` (missing for the intercept).

    Examples
    --------
    Sum of dx dy = 6 and of dx² = 10, so b = 0.6, a = 4 - 0.6 · 3 = 2.2, R² = 6² / (10 · 6) = 0.6 and
    the standardised beta is sqrt(R²) = 0.7746 for a single driver:

    >>> data = pd.DataFrame({"x": [1, 2, 3, 4, 5], "y": [2, 4, 5, 4, 5]})
    >>> table = driver_regression(data, "y", ["x"])
    >>> table[["estimate", "std_beta"]].round(4)
               estimate  std_beta
    term
    Intercept       2.2       NaN
    x               0.6    0.7746
    >>> round(table.attrs["r_squared"], 4), table.attrs["n"]
    (0.6, 5)
    """
    import statsmodels.formula.api as smf

    sub = _complete(data, [outcome, *drivers], measure="the driver regression")
    _require_not_collinear(sub[list(drivers)].corr().to_numpy(), drivers)
    safe = {c: f"x{i}" for i, c in enumerate(drivers)} | {outcome: "y"}
    frame = sub.rename(columns=safe)
    fit = smf.ols("y ~ " + " + ".join(safe[d] for d in drivers), data=frame).fit(cov_type=cov_type)
    ci = fit.conf_int(alpha=1 - level)
    names = ["Intercept", *drivers]
    keys = ["Intercept", *(safe[d] for d in drivers)]
    sd = sub.std(ddof=1)
    out = pd.DataFrame({
        "estimate": fit.params[keys].to_numpy(),
        "se": fit.bse[keys].to_numpy(),
        "t": fit.tvalues[keys].to_numpy(),
        "p": fit.pvalues[keys].to_numpy(),
        "ci_low": ci.loc[keys, 0].to_numpy(),
        "ci_high": ci.loc[keys, 1].to_numpy(),
    }, index=pd.Index(names, name="term"))
    out["std_beta"] = [np.nan] + [fit.params[safe[d]] * sd[d] / sd[outcome] for d in drivers]
    out.attrs.update(r_squared=float(fit.rsquared), adj_r_squared=float(fit.rsquared_adj), n=int(fit.nobs),
                     cov_type=cov_type)
    return out


def _r2(corr: np.ndarray, subset: Sequence[int], y: int) -> float:
    if not subset:
        return 0.0
    idx = list(subset)
    rxy = corr[idx, y]
    return float(rxy @ np.linalg.solve(corr[np.ix_(idx, idx)], rxy))


def relative_weights(data: pd.DataFrame, outcome: str, drivers: Sequence[str]) -> pd.DataFrame:
    """Johnson's (2000) relative weights: ``raw`` (sums to R^2) and ``share`` (sums to 1).

    With Lambda = R_xx^(1/2) (so that Z = X (X'X)^(-1/2) has Z'X = Lambda) and beta = Lambda^(-1) r_xy,
    eps_j = sum_k lambda_jk^2 beta_k^2.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    outcome : str
        The dependent variable.
    drivers : sequence of str
        The explanatory variables; none a linear combination of the others.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``driver``: ``raw`` and ``share``.

    Examples
    --------
    Uncorrelated drivers: each weight is the driver's squared correlation with y, here 16/20 and 4/20
    (y = 1.5 + x1 + 0.5 x2, so R² = 1):

    >>> data = pd.DataFrame({"x1": [1, -1, 1, -1], "x2": [1, 1, -1, -1], "y": [3, 1, 2, 0]})
    >>> relative_weights(data, "y", ["x1", "x2"]).round(3)
            raw  share
    driver
    x1      0.8    0.8
    x2      0.2    0.2
    """
    sub = _complete(data, [outcome, *drivers], measure="relative weights")
    r = sub.corr().to_numpy()
    rxx, rxy = r[1:, 1:], r[1:, 0]
    _require_not_collinear(rxx, drivers)
    vals, vecs = np.linalg.eigh(rxx)
    lam = vecs @ np.diag(np.sqrt(vals)) @ vecs.T
    beta = np.linalg.solve(lam, rxy)
    raw = (lam**2) @ (beta**2)
    return pd.DataFrame({"raw": raw, "share": raw / raw.sum()}, index=pd.Index(list(drivers), name="driver"))


def shapley_r2(data: pd.DataFrame, outcome: str, drivers: Sequence[str]) -> pd.DataFrame:
    """Shapley/LMG decomposition of R^2: ``raw`` (sums to R^2) and ``share``; up to 15 drivers.

    raw_j = sum over subsets S of the other drivers of |S|! (p - |S| - 1)! / p! (R²(S + j) - R²(S)),
    each R² from the correlation matrix.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    outcome : str
        The dependent variable.
    drivers : sequence of str
        The explanatory variables (at most 15: 2^p subsets), none a linear combination of the others.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``driver``: ``raw`` and ``share``.

    Examples
    --------
    With two drivers, raw_1 = (r_1² + R² - r_2²) / 2 = (0.8857² + 0.9810 - 0.4857²) / 2 = 0.7648:

    >>> data = pd.DataFrame({"x1": [1, 2, 3, 4, 5, 6], "x2": [2, 1, 4, 3, 6, 5], "y": [1, 3, 2, 5, 4, 6]})
    >>> shapley_r2(data, "y", ["x1", "x2"]).round(4)
               raw   share
    driver
    x1      0.7648  0.7796
    x2      0.2162  0.2204
    """
    p = len(drivers)
    if p > 15:
        raise ParameterError(f"{p} drivers need 2^{p} regressions; use relative_weights() for more than 15")
    sub = _complete(data, [*drivers, outcome], measure="the Shapley decomposition")
    r = sub.corr().to_numpy()
    _require_not_collinear(r[:p, :p], drivers)
    y = p
    cache: dict[tuple[int, ...], float] = {}

    def r2(s: tuple[int, ...]) -> float:
        if s not in cache:
            cache[s] = _r2(r, s, y)
        return cache[s]

    raw = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for size in range(p):
            w = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
            for s in itertools.combinations(others, size):
                raw[j] += w * (r2(tuple(sorted((*s, j)))) - r2(s))
    return pd.DataFrame({"raw": raw, "share": raw / raw.sum()}, index=pd.Index(list(drivers), name="driver"))


def ordinal_logit(data: pd.DataFrame, outcome: str, predictors: Sequence[str], *, distr: str = "logit",
                  level: float = 0.95) -> pd.DataFrame:
    """Proportional-odds (ordered logit/probit) model; ``outcome`` ordered categorical or integer codes.

    Returns one row per slope (``kind="slope"``, with ``odds_ratio`` for the logit) and per cut point
    (``kind="threshold"``: tau_k, the boundary between category k and the next, on the latent scale).
    ``attrs`` holds ``categories``, ``n``, ``llf``, ``converged`` and ``n_slopes``.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows.
    outcome : str
        The ordered answer: an ordered categorical or integer codes, at least 3 categories.
    predictors : sequence of str
        Numeric, complete explanatory variables.
    distr : {"logit", "probit"}, default "logit"
        The link F.
    level : float, default 0.95
        Confidence level of the slopes' intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``term``: ``kind``, ``estimate``, ``se``, ``z``, ``p``, ``ci_low``, ``ci_high`` (slopes
        only) and, for the logit, ``odds_ratio`` = exp(estimate) of each slope: the factor by which one
        more unit of the predictor multiplies the odds of answering above any given category.

    Examples
    --------
    >>> data = pd.DataFrame({"y": [1, 1, 2, 1, 2, 3, 2, 3, 3, 1, 2, 3], "x": [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 1, 6]})
    >>> ordinal_logit(data, "y", ["x"])[["kind", "estimate", "odds_ratio"]].round(3)
               kind  estimate  odds_ratio
    term
    x         slope     0.659       1.934
    1|2   threshold     1.176         NaN
    2|3   threshold     2.867         NaN
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    if distr not in ("logit", "probit"):
        raise ParameterError(f"distr={distr!r} must be 'logit' or 'probit'")
    require_columns(data, [outcome, *predictors], what="the survey data")
    y = data[outcome]
    if isinstance(y.dtype, pd.CategoricalDtype):
        if not y.cat.ordered:
            raise DataValidationError("the outcome is an unordered categorical", column=outcome,
                                      fix="make it ordered: y.cat.as_ordered() or pd.Categorical(..., ordered=True)")
        y = y.cat.remove_unused_categories()
    else:
        codes = pd.to_numeric(y, errors="coerce")
        y = pd.Series(pd.Categorical(codes, categories=sorted(codes.dropna().unique()), ordered=True),
                      index=data.index)
    x = _complete(data, list(predictors), measure="the ordinal model")
    check_rows(y.isna(), column=outcome, problem="missing or non-numeric outcome",
               fix="drop or recode those respondents", data=data)
    counts = y.value_counts()
    if len(counts) < 3:
        raise DataValidationError(f"the outcome has {len(counts)} categories; an ordinal model needs at least 3",
                                  column=outcome, fix="use a binary logit (statsmodels Logit) instead")
    fit = OrderedModel(y, x, distr=distr).fit(method="bfgs", disp=False, maxiter=2000)
    ci = fit.conf_int(alpha=1 - level)
    cats = list(y.cat.categories)
    k = len(predictors)
    thresholds = fit.model.transform_threshold_params(fit.params.to_numpy())[1:-1]
    rows = []
    for i, name in enumerate(predictors):
        rows.append({"term": name, "kind": "slope", "estimate": fit.params.iloc[i], "se": fit.bse.iloc[i],
                     "z": fit.tvalues.iloc[i], "p": fit.pvalues.iloc[i],
                     "ci_low": ci.iloc[i, 0], "ci_high": ci.iloc[i, 1]})
    for j, tau in enumerate(thresholds):
        rows.append({"term": f"{cats[j]}|{cats[j + 1]}", "kind": "threshold", "estimate": tau,
                     "se": np.nan, "z": np.nan, "p": np.nan, "ci_low": np.nan, "ci_high": np.nan})
    out = pd.DataFrame(rows).set_index("term")
    if distr == "logit":
        out["odds_ratio"] = np.where(out["kind"] == "slope", np.exp(out["estimate"]), np.nan)
    out.attrs.update(categories=cats, n=int(fit.nobs), llf=float(fit.llf),
                     converged=bool(fit.mle_retvals.get("converged", True)), n_slopes=k)
    return out


QUADRANTS = {
    (True, False): "Concentrate here",
    (True, True): "Keep up the good work",
    (False, False): "Low priority",
    (False, True): "Possible overkill",
}


def construct_performance(data: pd.DataFrame, blocks: dict[str, Sequence[str]], weights: pd.DataFrame,
                          scale: tuple[int, int]) -> pd.Series:
    """Performance index (0-100) of each construct: mean of its rescaled, weighted items.

    Item x on ``scale`` (low, high) is rescaled to 100 (x - low)/(high - low); the construct score is
    the weighted mean with the unstandardised outer weights w_i / s_i normalised to sum 1 (Fornell et
    al. 1996, the ACSI index; Ringle & Sarstedt 2016). ``weights`` is ``PLSResult.outer_weights``.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows; numeric, complete answers.
    blocks : dict of str to sequence of str
        Construct -> its items.
    weights : pandas.DataFrame
        Standardised outer weights in tidy form (columns ``item`` and ``weight``).
    scale : tuple of int
        The items' scale (low, high), e.g. (1, 10).

    Returns
    -------
    pandas.Series
        The index of each construct, from 0 to 100, named ``performance``.

    Examples
    --------
    Equal weights and equal standard deviations: the mean of the rescaled means 75 and 50:

    >>> data = pd.DataFrame({"s1": [5, 3, 4, 4], "s2": [4, 2, 3, 3]})
    >>> weights = pd.DataFrame({"item": ["s1", "s2"], "weight": [0.5, 0.5]})
    >>> construct_performance(data, {"Satisfaction": ["s1", "s2"]}, weights, (1, 5)).to_dict()
    {'Satisfaction': 62.5}
    """
    low, high = scale
    if not low < high:
        raise ParameterError(f"scale={scale} must be (low, high) with low < high")
    w = weights.set_index("item")["weight"]
    absent = [i for items in blocks.values() for i in items if i not in w.index]
    if absent:
        raise DataValidationError(f"no outer weight for the items {absent}", column=absent[0],
                                  fix="pass PLSResult.outer_weights of a model with these blocks")
    out = {}
    for lv, items in blocks.items():
        sub = _complete(data, list(items), measure=f"the performance index of {lv!r} (weights / sd)")
        unstd = w[list(items)] / sub.std(ddof=1)
        unstd = unstd / unstd.sum()
        out[lv] = float((100 * (sub - low) / (high - low)).mean() @ unstd)
    return pd.Series(out, name="performance")


def importance_performance(importance: pd.Series, performance: pd.Series, *,
                           importance_split: float | None = None,
                           performance_split: float | None = None) -> pd.DataFrame:
    """The IPA table: importance, performance and quadrant (Martilla & James 1977).

    Splits default to the means of importance and performance across the attributes. An attribute at
    or above both splits is "Keep up the good work"; important but below the performance split,
    "Concentrate here"; neither, "Low priority"; performing but not important, "Possible overkill".

    Parameters
    ----------
    importance : pandas.Series
        The importance of each attribute (e.g. total effects on satisfaction).
    performance : pandas.Series
        The performance of each attribute (e.g. :func:`construct_performance`), on the same index.
    importance_split, performance_split : float, optional
        Where the quadrants divide (default: the means).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``attribute``: ``importance``, ``performance`` and ``quadrant``; ``attrs`` holds the
        two splits.

    Examples
    --------
    The splits are the means 0.25 and 60:

    >>> importance = pd.Series({"price": 0.4, "network": 0.3, "service": 0.1, "image": 0.2})
    >>> performance = pd.Series({"price": 50.0, "network": 80.0, "service": 70.0, "image": 40.0})
    >>> importance_performance(importance, performance)["quadrant"].to_dict()
    {'price': 'Concentrate here', 'network': 'Keep up the good work', 'service': 'Possible overkill', 'image': 'Low priority'}
    """
    joined = pd.concat({"importance": importance, "performance": performance}, axis=1, join="inner")
    missing = sorted(set(importance.index) ^ set(performance.index))
    if missing:
        raise DataValidationError(f"attributes without both importance and performance: {missing}",
                                  fix="pass two Series indexed by the same attributes")
    for column in ("importance", "performance"):
        values = pd.to_numeric(joined[column], errors="coerce").astype("float64")
        check_rows(~np.isfinite(values), column=column, problem="missing, non-numeric or infinite value",
                   fix="give every attribute a finite importance and performance (a quadrant needs both)",
                   data=joined)
        joined[column] = values
    i_split = joined["importance"].mean() if importance_split is None else importance_split
    p_split = joined["performance"].mean() if performance_split is None else performance_split
    joined["quadrant"] = [QUADRANTS[(i >= i_split, p >= p_split)]
                          for i, p in zip(joined["importance"], joined["performance"], strict=True)]
    joined.attrs.update(importance_split=float(i_split), performance_split=float(p_split))
    return joined.rename_axis("attribute")


def plot_ipa(ipa: pd.DataFrame, *, ax: plt.Axes | None = None, title: str = "Importance-performance map",
             importance_label: str = "derived importance (total effect)",
             performance_label: str = "performance (index 0-100)") -> plt.Axes:
    """Scatter of the IPA table with the quadrant lines and names.

    Parameters
    ----------
    ipa : pandas.DataFrame
        A result of :func:`importance_performance` (its ``attrs`` give the splits).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure).
    title, importance_label, performance_label : str
        The title and the axis labels (with their units).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``: one labelled point per attribute, dashed lines at the splits, the quadrants named in
        the corners.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> importance = pd.Series({"price": 0.4, "network": 0.3, "service": 0.1, "image": 0.2})
    >>> performance = pd.Series({"price": 50.0, "network": 80.0, "service": 70.0, "image": 40.0})
    >>> ax = plot_ipa(importance_performance(importance, performance))
    >>> [t.get_text() for t in ax.texts][:4]
    ['price', 'network', 'service', 'image']
    >>> plt.close(ax.figure)
    """
    if ax is None:
        _, ax = plt.subplots()
    ax.scatter(ipa["importance"], ipa["performance"], s=45, color="tab:blue", zorder=3)
    for name, row in ipa.iterrows():
        ax.annotate(str(name), (row["importance"], row["performance"]), xytext=(5, 4),
                    textcoords="offset points", fontsize=9)
    xs, ys = ipa.attrs["importance_split"], ipa.attrs["performance_split"]
    ax.axvline(xs, color="grey", linestyle="--", linewidth=1)
    ax.axhline(ys, color="grey", linestyle="--", linewidth=1)
    pad_x = 0.15 * (ipa["importance"].max() - ipa["importance"].min() or 1)
    pad_y = 0.15 * (ipa["performance"].max() - ipa["performance"].min() or 1)
    ax.set_xlim(ipa["importance"].min() - pad_x, ipa["importance"].max() + pad_x)
    ax.set_ylim(ipa["performance"].min() - pad_y, ipa["performance"].max() + pad_y)
    corners = {"Concentrate here": (0.98, 0.02, "right", "bottom"), "Keep up the good work": (0.98, 0.98, "right", "top"),
               "Low priority": (0.02, 0.02, "left", "bottom"), "Possible overkill": (0.02, 0.98, "left", "top")}
    for label, (x, y, ha, va) in corners.items():
        ax.text(x, y, label, transform=ax.transAxes, ha=ha, va=va, fontsize=8, color="dimgrey", style="italic")
    ax.set_xlabel(importance_label)
    ax.set_ylabel(performance_label)
    ax.set_title(title)
    return ax
