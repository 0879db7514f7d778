"""CRM adoption by firm size: published statistics, firm-level models and case scorecards.

Four parts, each a set of pure functions on DataFrames (plots take ``ax=`` and return it):

* **Published statistics** (``datasets/crm_adoption_statistics.csv``): validation and charts — the EU
  level, country bars (with the 2023 break in Eurostat's CRM series) and size-class gaps.
* **Firm-level adoption**: rates by size class with Wilson intervals, the chi-squared test of
  independence with Cramér's V, and a logit of adoption on log(employees), sector and goods/services
  with average marginal effects and a predicted adoption curve with a confidence band.
* **Barriers and success factors**: barrier shares by size class, a test of whether the (multi-select)
  barrier profiles differ by size, and a logit of "met expectations" on the success factors with odds
  ratios.
* **Readiness scorecards**: a practice-level instrument built on Gartner's eight building blocks of CRM
  and the source documents' success factors; each practice is scored twice, for *intention* and for
  *reality*, as in QCi's Customer Management Assessment Tool (CMAT); gap tables, radar charts and the
  recommended CRM tier with first steps.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from matplotlib.axes import Axes
from scipy import stats

from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    ParameterError,
    SpecificationError,
    offending_rows,
    require_columns,
    require_rows,
)

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper

#: Eurostat enterprise size classes (persons employed); the ICT survey covers 10+.
SIZE_CLASSES = ("10-49", "50-249", "250+")
SIZE_LABELS = {"0-9": "micro (0-9)", "10-49": "small (10-49)", "50-249": "medium (50-249)",
               "250+": "large (250+)", "10+": "all (10+)"}

#: CRM product tiers in the source documents, smallest first.
TIERS = ("SME CRM", "mid-market CRM", "enterprise CRM")

#: Multi-select barriers and their labels (shares among adopters and considerers in the source documents:
#: 37%, 24%, 8%, 5%).
BARRIERS = {
    "barrier_cost": "CRM costs too much",
    "barrier_consulting": "no professional consulting support",
    "barrier_skills": "low staff skills or awareness",
    "barrier_long_implementation": "long implementation, slow results",
}

#: The source documents' five success factors and four conditions, scored 1-5 by adopters.
SUCCESS_FACTORS = {
    "sf_vision": "e-business vision",
    "sf_assessment": "e-CRM assessment (as-is vs to-be)",
    "sf_touchpoints": "understanding touchpoints",
    "sf_outside_in": "outside-in process re-engineering",
    "sf_change_management": "change management",
    "cond_top_management": "top-management support",
    "cond_team": "capable team",
    "cond_training": "staff training",
    "cond_software": "suitable software and hardware",
}

#: Gartner's eight building blocks of CRM, in their usual order.
BUILDING_BLOCKS = (
    "vision", "strategy", "valued customer experience", "organisational collaboration",
    "processes", "information", "technology", "metrics",
)

#: Default logit of adoption (statsmodels formula).
ADOPTION_FORMULA = "adopted ~ np.log(employees) + C(sector) + C(offering)"

STATISTICS_COLUMNS = (
    "geography", "year", "size_class", "indicator", "value", "value_high", "unit", "kind",
    "break_in_series", "verified", "source", "url_or_citation", "note",
)
INSTRUMENT_COLUMNS = ("practice_id", "building_block", "source_factor", "practice")
SCORECARD_COLUMNS = ("firm", "practice_id", "intention", "reality")
SCORE_RANGE = (0, 5)

_VERIFIED_COLOUR, _UNVERIFIED_COLOUR, _HIGHLIGHT = "#1f77b4", "#9ecae1", "#d62728"


# ---------------------------------------------------------------------------------------------------
# Size classes and tiers


def eurostat_size_class(employees: int | float) -> str:
    """Eurostat size class of a firm: "0-9", "10-49", "50-249" or "250+" persons employed."""
    if not np.isfinite(employees) or employees < 0:
        raise ParameterError(f"employees must be a non-negative number, got {employees!r}")
    if employees < 10:
        return "0-9"
    if employees < 50:
        return "10-49"
    return "50-249" if employees < 250 else "250+"


def crm_tier(employees: int | float, regions_served: int) -> str:
    """The CRM product tier the source documents assign to a firm.

    SME CRM under 200 employees; mid-market CRM for 200+ employees; enterprise CRM for large firms
    operating widely, taken here as 1,000+ employees serving 5+ regions (the source gives the 200
    threshold; the enterprise cut-off is this package's assumption).
    """
    if not np.isfinite(employees) or employees < 1:
        raise ParameterError(f"employees must be a positive number, got {employees!r}")
    if regions_served < 1:
        raise ParameterError(f"regions_served must be at least 1, got {regions_served!r}")
    if employees >= 1000 and regions_served >= 5:
        return "enterprise CRM"
    return "mid-market CRM" if employees >= 200 else "SME CRM"


# ---------------------------------------------------------------------------------------------------
# Published statistics


def validate_statistics(df: pd.DataFrame) -> pd.DataFrame:
    """Check the published-statistics table: every row has a value, a source and a URL or citation.

    Returns a typed copy (``year`` as nullable Int64, ``verified`` and ``break_in_series`` as bool).
    """
    require_columns(df, STATISTICS_COLUMNS, what="the adoption statistics table")
    require_rows(df, what="the adoption statistics table")
    out = df.loc[:, list(STATISTICS_COLUMNS)].copy()
    for col in ("source", "url_or_citation"):
        blank = out[col].isna() | (out[col].astype(str).str.strip() == "")
        if blank.any():
            raise DataValidationError(
                "no source given", column=col, rows=offending_rows(blank), data=df,
                fix="every figure needs its source and a URL or full citation; remove figures you cannot source",
            )
    value = pd.to_numeric(out["value"], errors="coerce")
    if value.isna().any():
        raise DataValidationError("value missing or not a number", column="value",
                                  rows=offending_rows(value.isna()), data=df,
                                  fix="type the figure as a number (e.g. 33, not '33%')")
    for col in ("verified", "break_in_series"):
        flags = out[col].map({True: True, False: False, "True": True, "False": False,
                              "true": True, "false": False})
        if flags.isna().any():
            raise DataValidationError(f"{col} must be True or False", column=col,
                                      rows=offending_rows(flags.isna()), data=df,
                                      fix="write True only when the primary source text was seen")
        out[col] = flags.astype(bool)
    out["value"] = value.astype("float64")
    out["value_high"] = pd.to_numeric(out["value_high"], errors="coerce").astype("float64")
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    return out


def _new_ax(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots()
    return ax


def plot_eu_crm_level(stats_table: pd.DataFrame, geography: str = "EU27_2020", ax: Axes | None = None) -> Axes:
    """EU share of enterprises using CRM by year, with the 2023 break in the series marked."""
    ax = _new_ax(ax)
    rows = stats_table[(stats_table["geography"] == geography) & (stats_table["size_class"] == "10+")
                       & stats_table["indicator"].isin(["crm_use", "crm_use_2023q"])].sort_values("year")
    if rows.empty:
        raise DataValidationError(f"no EU-level CRM figures for {geography!r}", column="geography",
                                  fix="pass the geography code used in the statistics file, e.g. 'EU27_2020'")
    x = np.arange(len(rows))
    colours = [_VERIFIED_COLOUR if v else _UNVERIFIED_COLOUR for v in rows["verified"]]
    hatches = ["" if v else "//" for v in rows["verified"]]
    bars = ax.bar(x, rows["value"], color=colours, edgecolor="black", linewidth=0.5)
    for bar, hatch, value in zip(bars, hatches, rows["value"], strict=True):
        bar.set_hatch(hatch)
        ax.annotate(f"{value:g}%", (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom")
    ax.set_xticks(x, [str(y) for y in rows["year"]])
    breaks = np.flatnonzero(rows["break_in_series"].to_numpy())
    if breaks.size:
        b = breaks[0] - 0.5
        ax.axvline(b, color=_HIGHLIGHT, linestyle="--")
        ax.annotate("break in series:\nnew CRM question from 2023", (b, rows["value"].max() * 1.05),
                    ha="center", color=_HIGHLIGHT, fontsize=9)
    ax.set_ylim(0, rows["value"].max() * 1.3)
    ax.set(title=f"Enterprises using CRM software, {geography} (10+ persons employed)",
           xlabel="survey year", ylabel="% of enterprises")
    _verified_legend(ax)
    return ax


def _verified_legend(ax: Axes, loc: str = "upper left") -> None:
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=_VERIFIED_COLOUR, label="primary source seen"),
                       Patch(facecolor=_UNVERIFIED_COLOUR, hatch="//", label="not verified")],
              loc=loc, fontsize=8)


def plot_country_bars(
    stats_table: pd.DataFrame, indicator: str = "crm_use_2023q", year: int = 2023, ax: Axes | None = None
) -> Axes:
    """Sorted bars of one indicator by country in one year; EU aggregate in red, unverified hatched."""
    rows = stats_table[(stats_table["indicator"] == indicator) & (stats_table["year"] == year)
                       & (stats_table["size_class"] == "10+")].sort_values("value")
    if rows.empty:
        raise DataValidationError(f"no rows with indicator {indicator!r} in {year}", column="indicator",
                                  fix=f"the indicators present are {sorted(stats_table['indicator'].unique())}")
    ax = _new_ax(ax)
    y = np.arange(len(rows))
    is_eu = rows["geography"].str.startswith("EU").to_numpy()
    colours = [_HIGHLIGHT if eu else (_VERIFIED_COLOUR if v else _UNVERIFIED_COLOUR)
               for eu, v in zip(is_eu, rows["verified"], strict=True)]
    bars = ax.barh(y, rows["value"], color=colours, edgecolor="black", linewidth=0.5)
    for bar, verified in zip(bars, rows["verified"], strict=True):
        bar.set_hatch("" if verified else "//")
    ax.set_yticks(y, rows["geography"])
    for yi, value in zip(y, rows["value"], strict=True):
        ax.annotate(f"{value:g}", (value, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    title = f"Enterprises using CRM software by country, {year}"
    if rows["break_in_series"].any():
        title += "\n(new question from 2023: not comparable with 2019 and earlier)"
    ax.set(title=title, xlabel="% of enterprises (10+ persons employed)", ylabel="country")
    _verified_legend(ax, loc="lower right")
    return ax


def size_class_gaps(stats_table: pd.DataFrame) -> pd.DataFrame:
    """Small (10-49) vs large (250+) figures side by side, for every geography/year/indicator that has both."""
    pairs = stats_table[stats_table["size_class"].isin(["10-49", "250+"])]
    wide = pairs.pivot_table(index=["geography", "year", "indicator"], columns="size_class",
                             values="value", aggfunc="first").dropna()
    wide = wide.rename(columns={"10-49": "small", "250+": "large"}).reset_index()
    wide.columns.name = None
    wide["gap_pp"] = wide["large"] - wide["small"]
    wide["ratio"] = wide["large"] / wide["small"]
    return wide


def plot_size_gaps(gaps: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Dumbbell chart of small vs large enterprises for each indicator (from :func:`size_class_gaps`)."""
    ax = _new_ax(ax)
    labels = [f"{r.indicator} {r.geography} {r.year}" for r in gaps.itertuples()]
    y = np.arange(len(gaps))
    ax.hlines(y, gaps["small"], gaps["large"], color="grey")
    ax.scatter(gaps["small"], y, color=_UNVERIFIED_COLOUR, edgecolor="black", zorder=3, label="small (10-49)")
    ax.scatter(gaps["large"], y, color=_VERIFIED_COLOUR, edgecolor="black", zorder=3, label="large (250+)")
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
# Proportions, intervals and tests


def wilson_interval(
    successes: int | np.ndarray, n: int | np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval for a binomial proportion.

    (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n), with p = successes/n and z the normal quantile.
    Wilson, E. B. (1927), JASA 22(158), 209-212. Unlike the Wald interval it stays inside [0, 1].
    """
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1, got {confidence!r}")
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    if np.any(m <= 0) or np.any(x < 0) or np.any(x > m):
        raise ParameterError(f"need 0 <= successes <= n and n > 0, got successes={successes!r}, n={n!r}")
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = x / m
    centre = (p + z**2 / (2 * m)) / (1 + z**2 / m)
    half = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / (1 + z**2 / m)
    return centre - half, centre + half


def proportion_table(df: pd.DataFrame, outcome: str, by: str, confidence: float = 0.95) -> pd.DataFrame:
    """Share of rows with ``outcome`` == 1 in each ``by`` group, with Wilson intervals.

    Rows where ``outcome`` is missing (e.g. a question not asked) are left out of ``n``.
    """
    require_columns(df, [outcome, by], what="the survey")
    asked = df[df[outcome].notna()]
    require_rows(asked, what=f"the rows with {outcome!r} answered")
    values = pd.to_numeric(asked[outcome], errors="coerce")
    bad = ~values.isin([0, 1])
    if bad.any():
        raise DataValidationError("must be 0 or 1", column=outcome, rows=offending_rows(bad), data=df,
                                  fix="code the outcome as 1 (yes) / 0 (no), missing when not asked")
    table = values.groupby(asked[by], sort=False).agg(n="size", count="sum")
    order = [c for c in SIZE_CLASSES if c in table.index] + [c for c in table.index if c not in SIZE_CLASSES]
    table = table.loc[order].astype("int64")
    table["share"] = table["count"] / table["n"]
    table["ci_low"], table["ci_high"] = wilson_interval(table["count"].to_numpy(), table["n"].to_numpy(), confidence)
    table.index.name = by
    return table


def adoption_by_size(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Adoption rate by Eurostat size class with Wilson intervals (columns n, count, share, ci_low, ci_high)."""
    return proportion_table(df, "adopted", "size_class", confidence)


def chi2_independence(df: pd.DataFrame, row: str, col: str) -> pd.Series:
    """Pearson's chi-squared test of independence of two categorical columns, with Cramér's V.

    X² = Σ (O − E)² / E with E = row total × column total / n (no continuity correction);
    V = √(X² / (n (min(r, c) − 1))) (Cramér 1946). ``min_expected`` flags sparse tables (< 5).
    """
    require_columns(df, [row, col], what="the survey")
    table = pd.crosstab(df[row], df[col])
    if min(table.shape) < 2:
        raise DataValidationError(f"the table of {row!r} by {col!r} has only one level in a margin",
                                  column=row if table.shape[0] < 2 else col,
                                  fix="a test of independence needs at least two levels of each variable")
    chi2, p, dof, expected = stats.chi2_contingency(table.to_numpy(), correction=False)
    n = int(table.to_numpy().sum())
    v = np.sqrt(chi2 / (n * (min(table.shape) - 1)))
    return pd.Series({"chi2": chi2, "dof": dof, "p_value": p, "cramers_v": v, "n": n,
                      "min_expected": float(expected.min())})


# ---------------------------------------------------------------------------------------------------
# Logit models


def fit_logit(df: pd.DataFrame, formula: str) -> BinaryResultsWrapper:
    """Fit a logit with the statsmodels formula API; warn about dropped rows, raise if it fails.

    Rows with a missing value in a model variable are dropped (statsmodels' default) and a
    :class:`CrmlabWarning` says how many.
    """
    from patsy import PatsyError
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    require_rows(df, what="the data for the logit")
    try:
        with warnings.catch_warnings(), np.errstate(over="ignore"):
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)  # checked below, with a clearer message
            model = smf.logit(formula, data=df)
            result = model.fit(disp=0, maxiter=100)
    except PatsyError as exc:
        raise SpecificationError(f"the formula {formula!r}", [str(exc).splitlines()[0]],
                                 fix=f"use column names of the data: {list(df.columns)}") from exc
    except (PerfectSeparationError, PerfectSeparationWarning) as exc:
        raise ConvergenceError(
            f"perfect separation in {formula!r}: a predictor (or combination) predicts the outcome exactly; "
            "merge sparse categories or drop the predictor"
        ) from exc
    if not result.mle_retvals.get("converged", False):
        raise ConvergenceError(f"the logit {formula!r} did not converge in 100 iterations; "
                               "check for near-separation or rescale the predictors")
    dropped = len(df) - int(result.nobs)
    if dropped:
        warnings.warn(f"{dropped} row(s) with missing values in the model variables were left out of "
                      f"the logit {formula!r}", CrmlabWarning, stacklevel=2)
    return result


def fit_adoption_logit(df: pd.DataFrame, formula: str = ADOPTION_FORMULA) -> BinaryResultsWrapper:
    """Logit of CRM adoption (default: on ln(employees), sector and goods/services)."""
    require_columns(df, ["adopted", "employees"], what="the survey")
    bad = pd.to_numeric(df["employees"], errors="coerce") <= 0
    if bad.any():
        raise DataValidationError("employees must be positive (the model uses its logarithm)",
                                  column="employees", rows=offending_rows(bad), data=df,
                                  fix="correct or remove firms with 0 or negative employees")
    return fit_logit(df, formula)


def average_marginal_effects(result: BinaryResultsWrapper, confidence: float = 0.95) -> pd.DataFrame:
    """Average marginal effects (AME) of a fitted logit: mean over firms of ∂P/∂x (discrete change for dummies).

    For x = ln(employees) the AME is the change in adoption probability per unit of ln(employees),
    i.e. per e-fold (×2.72) increase in employees. Uses statsmodels ``get_margeff(at="overall", dummy=True)``.
    """
    frame = result.get_margeff(at="overall", dummy=True).summary_frame(alpha=1 - confidence)
    frame.columns = ["ame", "se", "z", "p_value", "ci_low", "ci_high"]
    return frame


def adoption_curve(
    result: BinaryResultsWrapper,
    data: pd.DataFrame,
    employees: Sequence[float] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Predicted adoption probability against firm size, averaged over the sample's other covariates.

    For each value e the model predicts every firm's probability with employees set to e and averages
    them (an average adjusted prediction); the band is the delta-method interval of that average
    (statsmodels ``get_prediction(average=True)``).
    """
    grid = np.geomspace(10, 5000, 40) if employees is None else np.asarray(employees, dtype=float)
    if np.any(grid <= 0):
        raise ParameterError("employees values must be positive")
    rows = []
    for e in grid:
        frame = result.get_prediction(exog=data.assign(employees=e), average=True).summary_frame(alpha=1 - confidence)
        rows.append((e, *frame.iloc[0][["predicted", "ci_lower", "ci_upper"]].to_numpy()))
    out = pd.DataFrame(rows, columns=["employees", "p", "ci_low", "ci_high"])
    out[["ci_low", "ci_high"]] = out[["ci_low", "ci_high"]].clip(0, 1)
    return out


def plot_adoption_curve(curve: pd.DataFrame, by_size: pd.DataFrame | None = None,
                        survey: pd.DataFrame | None = None, ax: Axes | None = None) -> Axes:
    """The predicted adoption curve with its band; optionally the observed class rates (at class median size)."""
    ax = _new_ax(ax)
    ax.plot(curve["employees"], curve["p"], color=_VERIFIED_COLOUR, label="logit prediction")
    ax.fill_between(curve["employees"], curve["ci_low"], curve["ci_high"], color=_VERIFIED_COLOUR,
                    alpha=0.25, label="95% band")
    if by_size is not None and survey is not None:
        x = survey.groupby("size_class")["employees"].median().loc[by_size.index]
        ax.errorbar(x, by_size["share"], yerr=[by_size["share"] - by_size["ci_low"], by_size["ci_high"] - by_size["share"]],
                    fmt="o", color="black", capsize=3, label="observed by size class (Wilson 95%)")
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set(title="Predicted CRM adoption by firm size", xlabel="employees (log scale)",
           ylabel="probability of using CRM")
    ax.legend(loc="upper left", fontsize=8)
    return ax


# ---------------------------------------------------------------------------------------------------
# Barriers


def barriers_by_size(df: pd.DataFrame, group: str = "size_class", confidence: float = 0.95) -> pd.DataFrame:
    """Share of firms citing each barrier by group and overall ("all"), with Wilson intervals.

    Only firms that were asked (non-missing answer: adopters and considerers) count in ``n``.
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
        "chi2": observed, "dof": dof, "p_value": p, "p_bonferroni": np.minimum(1.0, p * len(cols)),
        "cramers_v": np.sqrt(observed / len(asked)),
    }, index=pd.Index(list(BARRIERS.values()), name="barrier"))
    table.loc["all barriers (sum, permutation test)"] = [joint, dof * len(cols), p_joint, p_joint, np.nan]
    table["dof"] = table["dof"].astype("int64")
    return table


def plot_barriers(table: pd.DataFrame, group: str = "size_class", ax: Axes | None = None) -> Axes:
    """Grouped bars of barrier shares by group with Wilson error bars (from :func:`barriers_by_size`)."""
    ax = _new_ax(ax)
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


# ---------------------------------------------------------------------------------------------------
# Success factors


def fit_success_logit(
    df: pd.DataFrame, factors: Sequence[str] = tuple(SUCCESS_FACTORS), outcome: str = "met_expectations"
) -> BinaryResultsWrapper:
    """Logit of ``outcome`` (CRM met expectations) on the success-factor scores, adopters only.

    Firms with no outcome (non-adopters) are left out by design; a firm with an outcome but a missing
    score is reported by a warning.
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
    """Forest plot of odds ratios with intervals on a log scale (from :func:`odds_ratios`)."""
    ax = _new_ax(ax)
    ordered = table.sort_values("odds_ratio")
    y = np.arange(len(ordered))
    significant = (ordered["ci_low"] > 1) | (ordered["ci_high"] < 1)
    ax.errorbar(ordered["odds_ratio"], y, xerr=[ordered["odds_ratio"] - ordered["ci_low"],
                                                ordered["ci_high"] - ordered["odds_ratio"]],
                fmt="none", ecolor="grey", capsize=3)
    ax.scatter(ordered["odds_ratio"], y, c=np.where(significant, _HIGHLIGHT, _UNVERIFIED_COLOUR),
               edgecolor="black", zorder=3)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(y, ordered["factor"])
    ax.set(title="What makes CRM meet expectations? (odds ratio per scale point, 95% CI)",
           xlabel="odds ratio (log scale); red: interval excludes 1", ylabel="success factor (score 1-5)")
    return ax


# ---------------------------------------------------------------------------------------------------
# Readiness scorecards (intention vs reality)


def validate_instrument(instrument: pd.DataFrame) -> pd.DataFrame:
    """Check the readiness instrument: unique practice ids, every block one of Gartner's eight."""
    require_columns(instrument, INSTRUMENT_COLUMNS, what="the readiness instrument")
    require_rows(instrument, what="the readiness instrument")
    problems = []
    dup = instrument["practice_id"].duplicated(keep=False)
    if dup.any():
        problems.append(f"duplicate practice_id at rows {offending_rows(dup)}")
    unknown = ~instrument["building_block"].isin(BUILDING_BLOCKS)
    if unknown.any():
        problems.append(f"building_block not one of Gartner's eight at rows {offending_rows(unknown)}: "
                        f"{sorted(instrument.loc[unknown, 'building_block'].astype(str).unique())}")
    missing = [b for b in BUILDING_BLOCKS if b not in set(instrument["building_block"])]
    if missing:
        problems.append(f"no practice for building block(s) {missing}")
    if problems:
        raise SpecificationError("the readiness instrument", problems,
                                 fix=f"use the building blocks {list(BUILDING_BLOCKS)} and unique practice ids")
    return instrument.loc[:, list(INSTRUMENT_COLUMNS)].fillna({"source_factor": ""}).reset_index(drop=True)


def validate_scorecard(scores: pd.DataFrame, instrument: pd.DataFrame) -> pd.DataFrame:
    """Check intention/reality scores against the instrument and return them typed.

    Scores must be whole numbers from 0 (absent) to 5 (fully in place). Every firm must score every
    practice of the instrument exactly once, and only those practices. Bad values raise
    :class:`DataValidationError` (naming the column and rows); structural problems raise one
    :class:`SpecificationError` listing them all.
    """
    require_columns(scores, SCORECARD_COLUMNS, what="the scorecard")
    require_rows(scores, what="the scorecard", fix="fill in the template, one row per firm and practice")
    instrument = validate_instrument(instrument)
    out = scores.loc[:, list(SCORECARD_COLUMNS)].copy()
    blank_firm = out["firm"].isna() | (out["firm"].astype(str).str.strip() == "")
    if blank_firm.any():
        raise DataValidationError("firm name missing", column="firm", rows=offending_rows(blank_firm),
                                  data=scores, fix="write the firm's name on every row")
    low, high = SCORE_RANGE
    for col in ("intention", "reality"):
        value = pd.to_numeric(out[col], errors="coerce")
        bad = value.isna() | (value < low) | (value > high) | (value != value.round())
        if bad.any():
            raise DataValidationError(
                f"score missing or not a whole number from {low} to {high}", column=col,
                rows=offending_rows(bad), data=scores,
                fix=f"score each practice {low} (absent) to {high} (fully in place), once for intention "
                    "(what the firm plans) and once for reality (what is done today)",
            )
        out[col] = value.astype("int64")
    problems = []
    known = set(instrument["practice_id"])
    unknown = ~out["practice_id"].isin(known)
    if unknown.any():
        problems.append(f"practice_id not in the instrument at rows {offending_rows(unknown)}: "
                        f"{sorted(out.loc[unknown, 'practice_id'].astype(str).unique())}")
    dup = out.duplicated(["firm", "practice_id"], keep=False)
    if dup.any():
        problems.append(f"practice scored more than once for the same firm at rows {offending_rows(dup)}")
    for firm, part in out.groupby("firm", sort=False):
        missing = sorted(known - set(part["practice_id"]))
        if missing:
            problems.append(f"firm {firm!r} has no score for practice(s) {missing}")
    if problems:
        raise SpecificationError("the scorecard", problems,
                                 fix="score every practice of the instrument once per firm (see the template)")
    return out


def gap_table(scores: pd.DataFrame, instrument: pd.DataFrame, by: str = "building_block") -> pd.DataFrame:
    """Mean intention, reality and gap (intention − reality) per firm and ``by`` (a block or practice).

    ``by="building_block"`` gives Gartner's eight blocks in order; ``by="practice_id"`` one row per
    practice with its text.
    """
    if by not in ("building_block", "practice_id", "source_factor"):
        raise ParameterError(f"by must be 'building_block', 'practice_id' or 'source_factor', got {by!r}")
    scores = validate_scorecard(scores, instrument)
    merged = scores.merge(validate_instrument(instrument), on="practice_id", how="left")
    if by == "source_factor":
        merged = merged[merged["source_factor"] != ""]
    table = merged.groupby(["firm", by], sort=False)[["intention", "reality"]].mean()
    table["gap"] = table["intention"] - table["reality"]
    if by == "building_block":
        firms = list(dict.fromkeys(scores["firm"]))
        table = table.reindex(pd.MultiIndex.from_product([firms, BUILDING_BLOCKS], names=["firm", by]))
    elif by == "practice_id":
        table = table.join(instrument.set_index("practice_id")[["building_block", "practice"]], on=by)
    return table


def plot_radar(gaps: pd.DataFrame, firm: str, ax: Axes | None = None, scale_max: int = SCORE_RANGE[1]) -> Axes:
    """Radar (spider) chart of intention vs reality over Gartner's eight blocks for one firm.

    ``gaps`` is :func:`gap_table` by building block; ``ax`` must be a polar axis (created if None).
    """
    if ax is None:
        _, ax = plt.subplots(subplot_kw={"projection": "polar"})
    if ax.name != "polar":
        raise ParameterError("plot_radar needs a polar axis: plt.subplots(subplot_kw={'projection': 'polar'})")
    firms = gaps.index.get_level_values("firm")
    if firm not in set(firms):
        raise ParameterError(f"no firm {firm!r} in the gap table; the firms are {list(dict.fromkeys(firms))}")
    part = gaps.xs(firm, level="firm").loc[list(BUILDING_BLOCKS)]
    angles = np.linspace(0, 2 * np.pi, len(BUILDING_BLOCKS), endpoint=False)
    closed = np.append(angles, angles[0])
    for col, colour in (("intention", _VERIFIED_COLOUR), ("reality", _HIGHLIGHT)):
        values = np.append(part[col].to_numpy(), part[col].iloc[0])
        ax.plot(closed, values, color=colour, label=col)
        ax.fill(closed, values, color=colour, alpha=0.15)
    ax.set_xticks(angles, [b.replace(" ", "\n", 1) for b in BUILDING_BLOCKS], fontsize=8)
    ax.set_ylim(0, scale_max)
    ax.set_yticks(range(1, scale_max + 1))
    ax.set_rlabel_position(180 / len(BUILDING_BLOCKS))
    ax.set_title(f"{firm}: intention vs reality (score 0-{scale_max})", pad=18)
    ax.legend(loc="upper right", bbox_to_anchor=(1.3, 1.1), fontsize=8)
    return ax


def recommend(
    firms: pd.DataFrame, scores: pd.DataFrame, instrument: pd.DataFrame, n_steps: int = 3
) -> pd.DataFrame:
    """Recommended CRM tier and first steps for each firm.

    The tier follows :func:`crm_tier` (employees, regions served). The first steps are the ``n_steps``
    practices with the largest intention − reality gap (ties: the lower reality first, then instrument
    order) — close the gaps the firm itself says matter before buying more technology.
    Readiness is mean reality as a % of the maximum score.
    """
    require_columns(firms, ["firm", "employees", "regions_served"], what="the firm profiles")
    if n_steps < 1:
        raise ParameterError(f"n_steps must be at least 1, got {n_steps}")
    practices = gap_table(scores, instrument, by="practice_id").reset_index()
    order = {pid: i for i, pid in enumerate(instrument["practice_id"])}
    practices["_order"] = practices["practice_id"].map(order)
    missing = sorted(set(practices["firm"]) - set(firms["firm"]))
    if missing:
        raise DataValidationError(f"no profile for firm(s) {missing}", column="firm",
                                  fix="add a row per firm with employees and regions_served")
    unscored = [f for f in firms["firm"] if f not in set(practices["firm"])]
    if unscored:
        warnings.warn(f"{len(unscored)} firm profile(s) have no scores and get no recommendation: {unscored}",
                      CrmlabWarning, stacklevel=2)
    rows = []
    for profile in firms[~firms["firm"].isin(unscored)].itertuples(index=False):
        part = practices[practices["firm"] == profile.firm]
        top = part.sort_values(["gap", "reality", "_order"], ascending=[False, True, True]).head(n_steps)
        rows.append({
            "firm": profile.firm, "employees": profile.employees, "regions_served": profile.regions_served,
            "recommended_tier": crm_tier(profile.employees, profile.regions_served),
            "intention_pct": 100 * part["intention"].mean() / SCORE_RANGE[1],
            "readiness_pct": 100 * part["reality"].mean() / SCORE_RANGE[1],
            "first_steps": "; ".join(f"{r.practice} [{r.building_block}, gap {r.gap:g}]" for r in top.itertuples()),
        })
    return pd.DataFrame(rows).set_index("firm")
