"""CRM adoption by firm size: published statistics, firm-level models and case scorecards.

Five parts, each a set of pure functions on DataFrames (plots take ``ax=`` and return it):

* **Published statistics** (``datasets/crm_adoption_statistics.csv``): validation and charts — the EU
  level, country bars (with the 2023 break in Eurostat's CRM series) and size-class gaps, each figure
  drawn by its provenance (primary, derived, second-hand, unsourced).
* **The CRM market**: the supply-chain source paper's market figures as unsourced claims beside later
  analyst estimates, forecasts set against outcomes of the same measure, compound growth rates.
* **Firm-level adoption**: rates by size class with Wilson intervals, the chi-squared test of
  independence with Cramér's V, and a logit of adoption on log(employees), sector and goods/services
  with average marginal effects and a predicted adoption curve with a confidence band.
* **Barriers and success factors**: barrier shares by size class, a test of whether the (multi-select)
  barrier profiles differ by size, and a logit of "met expectations" on the success factors with odds
  ratios.
* **Readiness scorecards**: a practice-level instrument built on Gartner's eight building blocks of CRM
  and the source documents' success factors; each practice is scored twice, for *intention* and for
  *reality*, as in QCi's Customer Management Assessment Tool (CMAT); gap tables, radar charts and the
  recommended CRM tier with first steps; the source papers' success factors and conditions mapped onto
  the instrument, and the failure diagnostic after 刘莹莹 (Liu Yingying): each cause of failure, its
  symptom, the practice that detects it and the countermeasure.
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
from crmlab.stats import chi2_independence, wilson_interval  # noqa: F401  (part of this module's API)

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
    "break_in_series", "verified", "provenance", "source", "url_or_citation", "note",
)

#: How a figure reached the file. ``verified`` is true exactly for the first two.
PROVENANCE = {
    "primary": "primary source seen",
    "derived": "derived from a primary source",
    "secondary": "reported second-hand (primary not seen)",
    "unsourced": "no source given",
}

#: Kinds of row that are forecasts rather than measurements (:func:`forecast_vs_outcome`).
FORECAST_KINDS = ("industry forecast", "source-document forecast")

#: The course's source papers used in this module, to cite by title (author as published; no year is
#: printed on the e-commerce and supply-chain papers).
SOURCE_PAPERS = {
    "ecommerce": ('《电子商务环境下客户关系管理(CRM)成功的五大要素》 ("Five success factors of CRM in e-commerce"), '
                  "an e-commerce graduation paper, posted 2022-10-08"),
    "firm_size": ('刘莹莹 (Liu Yingying), 渤海大学管理学院, 《我国企业客户关系管理现状及对策》 ("Customer '
                  'relationship management in Chinese enterprises: current state and countermeasures"), '
                  "bachelor's thesis"),
    "supply_chain": ('《浅析供应链环境下的客户关系管理》 ("A brief analysis of CRM in the supply-chain environment"), '
                     "uploaded 2018-09-05"),
}

#: Which paper names each success factor or condition of the readiness instrument (``source_factor``):
#: the e-commerce paper's five success factors and the supply-chain paper's four conditions.
FACTOR_SOURCES = {
    "e-business vision": "ecommerce",
    "e-CRM assessment": "ecommerce",
    "touchpoint understanding": "ecommerce",
    "outside-in process re-engineering": "ecommerce",
    "change management": "ecommerce",
    "top-management support": "supply_chain",
    "capable team": "supply_chain",
    "staff training": "supply_chain",
    "suitable software and hardware": "supply_chain",
}

#: The problems of CRM in Chinese firms listed by 刘莹莹 (Liu Yingying; ``SOURCE_PAPERS["firm_size"]``),
#: each with a symptom to look for, the readiness practice that detects it and the countermeasure that
#: answers it. Problems and countermeasures follow the paper's list; the symptoms and the wording are
#: crmlab's.
FAILURE_MODES = (
    {"problem_id": "blind_adoption", "problem": "blind adoption",
     "symptom": "CRM bought because competitors have it or a vendor pressed; no stated need, costed case or fitting tier",
     "practice_id": "S3",
     "countermeasure": "start from the customer strategy and a stated need; choose the tier that fits the firm; "
                       "build a costed case and implement in stages"},
    {"problem_id": "culture_mismatch", "problem": "culture at odds with the CRM strategy",
     "symptom": "departments guard their own customers and targets; staff see CRM as extra reporting",
     "practice_id": "O4",
     "countermeasure": "build a customer-centred culture: management's example, incentives on customer outcomes, "
                       "internal customers (staff) served first"},
    {"problem_id": "poor_data", "problem": "poor customer data",
     "symptom": "duplicate, outdated or incomplete records in private spreadsheets; nobody owns data quality",
     "practice_id": "I2",
     "countermeasure": "one shared customer record with an owner; data standards, cleaning and regular checks "
                       "before any analysis"},
    {"problem_id": "flawed_processes", "problem": "CRM laid over flawed processes",
     "symptom": "old departmental processes automated as they are; customers still passed between departments",
     "practice_id": "P1",
     "countermeasure": "re-engineer the customer processes outside-in before configuring the system"},
    {"problem_id": "single_method", "problem": "a single method",
     "symptom": "every customer managed one way (only discounts, or only sales visits) whatever their value or channel",
     "practice_id": "C3",
     "countermeasure": "combine methods by customer class: key accounts one-to-one, small and medium customers by "
                       "region, scattered customers through low-cost channels; mine the data to target"},
    {"problem_id": "ignoring_experience", "problem": "ignoring the customer's experience",
     "symptom": "CRM used for internal control and selling; satisfaction and complaints at the touchpoints not measured",
     "practice_id": "C4",
     "countermeasure": "measure the experience at every touchpoint, act on complaints, and judge CRM by customer "
                       "outcomes"},
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
    """Check the published-statistics table: every row has a value, a source and a URL or citation,
    and a ``provenance`` from :data:`PROVENANCE` that agrees with ``verified`` (true exactly for
    "primary" and "derived").

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
    unknown = ~out["provenance"].isin(list(PROVENANCE))
    if unknown.any():
        raise DataValidationError(f"provenance must be one of {list(PROVENANCE)}", column="provenance",
                                  rows=offending_rows(unknown), data=df,
                                  fix="primary: the figure is printed in a source you have seen; derived: computed "
                                      "from such figures; secondary: seen only as reported by others; unsourced: "
                                      "no source given")
    clash = out["verified"] != out["provenance"].isin(["primary", "derived"])
    if clash.any():
        raise DataValidationError("verified disagrees with provenance", column="verified",
                                  rows=offending_rows(clash), data=df,
                                  fix="verified is True exactly when provenance is 'primary' or 'derived'")
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
    bars = ax.bar(x, rows["value"], color=[_PROVENANCE_STYLE[p][0] for p in rows["provenance"]],
                  edgecolor="black", linewidth=0.5)
    for bar, provenance, value in zip(bars, rows["provenance"], rows["value"], strict=True):
        bar.set_hatch(_PROVENANCE_STYLE[provenance][1])
        bar.set_gid(provenance)
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
    _verified_legend(ax, provenances=rows["provenance"].tolist())
    return ax


#: Face colour and hatch of a bar by provenance: solid for a printed primary figure, dotted for one
#: derived from primary figures, hatched for the rest (not verified).
_PROVENANCE_STYLE = {"primary": (_VERIFIED_COLOUR, ""), "derived": ("#6baed6", ".."),
                     "secondary": (_UNVERIFIED_COLOUR, "//"), "unsourced": (_UNVERIFIED_COLOUR, "//")}


def _verified_legend(ax: Axes, loc: str = "upper left", provenances: Sequence[str] = ()) -> None:
    """Legend of the provenance styles; 'derived' appears only when such a figure is drawn."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=_VERIFIED_COLOUR, label=PROVENANCE["primary"])]
    if "derived" in set(provenances):
        handles.append(Patch(facecolor=_PROVENANCE_STYLE["derived"][0], hatch="..", label=PROVENANCE["derived"]))
    handles.append(Patch(facecolor=_UNVERIFIED_COLOUR, hatch="//", label="not verified"))
    ax.legend(handles=handles, loc=loc, fontsize=8)


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
    colours = [_HIGHLIGHT if eu else _PROVENANCE_STYLE[p][0] for eu, p in zip(is_eu, rows["provenance"], strict=True)]
    bars = ax.barh(y, rows["value"], color=colours, edgecolor="black", linewidth=0.5)
    for bar, provenance in zip(bars, rows["provenance"], strict=True):
        bar.set_hatch(_PROVENANCE_STYLE[provenance][1])
        bar.set_gid(provenance)
    ax.set_yticks(y, rows["geography"])
    for yi, value in zip(y, rows["value"], strict=True):
        ax.annotate(f"{value:g}", (value, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    title = f"Enterprises using CRM software by country, {year}"
    if rows["break_in_series"].any():
        title += "\n(new question from 2023: not comparable with 2019 and earlier)"
    ax.set(title=title, xlabel="% of enterprises (10+ persons employed)", ylabel="country")
    _verified_legend(ax, loc="lower right", provenances=rows["provenance"].tolist())
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
    _plain_log_axis(ax, "x", float(ordered["ci_low"].min()), float(ordered["ci_high"].max()))
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


def _plain_log_axis(ax: Axes, axis: str, low: float, high: float) -> None:
    """Log scale with plain tick labels (0.5, 1, 2, 5 …), not 10⁰ and 2×10⁰."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator, StrMethodFormatter

    candidates = np.array([m * 10.0**e for e in range(-3, 5) for m in (1, 2, 5)])
    ticks = candidates[(candidates >= low / 1.5) & (candidates <= high * 1.5)]
    if len(ticks) < 3:  # a narrow range: add quarter steps
        finer = np.array([m * 10.0**e for e in range(-3, 5) for m in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8)])
        ticks = finer[(finer >= low / 1.2) & (finer <= high * 1.2)]
    scale = ax.set_xscale if axis == "x" else ax.set_yscale
    scale("log")
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(StrMethodFormatter("{x:g}"))
    target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())


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
    """
    rows = stats_table[stats_table["unit"] == MARKET_UNIT].copy()
    if rows.empty:
        raise DataValidationError(f"no rows with unit {MARKET_UNIT!r}", column="unit",
                                  fix="the market figures are in datasets/crm_adoption_statistics.csv")
    rows["forecast"] = rows["kind"].isin(FORECAST_KINDS)
    rows["provenance_label"] = rows["provenance"].map(PROVENANCE)
    cols = ["indicator", "year", "value", "kind", "forecast", "provenance", "provenance_label", "source", "note"]
    return rows.sort_values(["indicator", "year", "forecast"])[cols].reset_index(drop=True)


def growth_rate(start: float, end: float, years: float) -> float:
    """Compound annual growth rate :math:`(v_1 / v_0)^{1/n} - 1` between two values ``years`` apart.

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
    markers for measurements, hollow ones for forecasts, the source paper's figures as red diamonds."""
    ax = _new_ax(ax)
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
    _plain_log_axis(ax, "y", float(rows["value"].min()), float(rows["value"].max()))
    ax.set(title="Size of the CRM market: the supply-chain paper's figures, forecasts and later estimates",
           xlabel="year", ylabel=f"{MARKET_UNIT} (log scale)")
    ax.legend(fontsize=7.5, loc="lower right")
    return ax


# ---------------------------------------------------------------------------------------------------
# Success factors and conditions on the instrument; the failure diagnostic


def success_factor_map(instrument: pd.DataFrame, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The e-commerce paper's five success factors and the supply-chain paper's four conditions, each
    with the readiness practice that measures it (:data:`FACTOR_SOURCES`, :data:`SOURCE_PAPERS`).

    Parameters
    ----------
    instrument : pandas.DataFrame
        The readiness instrument; its ``source_factor`` column tags one practice per factor.
    scores : pandas.DataFrame, optional
        Intention/reality scores (:func:`validate_scorecard`); adds one column of reality scores (0-5)
        per firm.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``paper`` and ``factor`` (the five factors, then the four conditions):
        ``practice_id``, ``building_block``, ``practice`` and, with scores, the firms' reality.
    """
    instrument = validate_instrument(instrument)
    tagged = instrument[instrument["source_factor"].isin(list(FACTOR_SOURCES))]
    missing = sorted(set(FACTOR_SOURCES) - set(tagged["source_factor"]))
    if missing:
        raise SpecificationError("the readiness instrument", [f"no practice measures {m!r}" for m in missing],
                                 fix="tag one practice per factor in the source_factor column")
    table = pd.DataFrame({
        "paper": tagged["source_factor"].map(lambda f: "five success factors (e-commerce paper)"
                                             if FACTOR_SOURCES[f] == "ecommerce"
                                             else "four conditions (supply-chain paper)"),
        "factor": tagged["source_factor"], "practice_id": tagged["practice_id"],
        "building_block": tagged["building_block"], "practice": tagged["practice"],
    })
    table["_order"] = table["factor"].map({f: i for i, f in enumerate(FACTOR_SOURCES)})
    table = table.sort_values("_order").drop(columns="_order").set_index(["paper", "factor"])
    if scores is not None:
        scored = validate_scorecard(scores, instrument)
        wide = scored.pivot(index="practice_id", columns="firm", values="reality")
        wide = wide[list(dict.fromkeys(scored["firm"]))]
        table = table.join(wide, on="practice_id")
    return table


def failure_modes() -> pd.DataFrame:
    """:data:`FAILURE_MODES` as a table indexed by ``problem_id``."""
    return pd.DataFrame(list(FAILURE_MODES)).set_index("problem_id")


def failure_diagnostic(scores: pd.DataFrame, instrument: pd.DataFrame, threshold: int = 2) -> pd.DataFrame:
    """Which of the failure problems each firm is exposed to, read off the readiness practice that detects it.

    The problems are those of 刘莹莹 (Liu Yingying, :data:`SOURCE_PAPERS` ``"firm_size"``):
    :data:`FAILURE_MODES`. A firm is ``exposed`` to a problem when the reality score of its detecting
    practice is at most ``threshold``.

    Parameters
    ----------
    scores : pandas.DataFrame
        Intention/reality scores of one or more firms on every practice of ``instrument``.
    instrument : pandas.DataFrame
        The readiness instrument; it must hold every detecting practice (S3, O4, I2, P1, C3, C4).
    threshold : int, default 2
        Whole score from 0 to 5; 2 means "partly in place at best".

    Returns
    -------
    pandas.DataFrame
        Indexed by ``firm`` and ``problem_id``: ``problem``, ``practice_id``, ``intention``,
        ``reality``, ``exposed``, ``symptom``, ``countermeasure``.
    """
    low, high = SCORE_RANGE
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or not low <= threshold <= high:
        raise ParameterError(f"threshold must be a whole score from {low} to {high}, got {threshold!r}")
    instrument = validate_instrument(instrument)
    modes = failure_modes()
    missing = sorted(set(modes["practice_id"]) - set(instrument["practice_id"]))
    if missing:
        raise SpecificationError("the readiness instrument", [
            f"practice {pid!r} (detects {modes.index[modes['practice_id'] == pid][0]!r}) is missing" for pid in missing],
            fix="use the instrument shipped in datasets/crm_readiness_instrument.csv, which has every detecting practice")
    scored = validate_scorecard(scores, instrument).set_index(["firm", "practice_id"])
    rows = []
    for firm in dict.fromkeys(scored.index.get_level_values("firm")):
        for pid, mode in modes.iterrows():
            s = scored.loc[(firm, mode["practice_id"])]
            rows.append({"firm": firm, "problem_id": pid, "problem": mode["problem"],
                         "practice_id": mode["practice_id"], "intention": int(s["intention"]),
                         "reality": int(s["reality"]), "exposed": bool(s["reality"] <= threshold),
                         "symptom": mode["symptom"], "countermeasure": mode["countermeasure"]})
    return pd.DataFrame(rows).set_index(["firm", "problem_id"])


def plot_failure_diagnostic(diagnostic: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of the detecting practices' reality scores, problems by firms; exposed cells are outlined
    in red (from :func:`failure_diagnostic`)."""
    ax = _new_ax(ax)
    reality = diagnostic["reality"].unstack("firm")
    problems = list(dict.fromkeys(diagnostic.index.get_level_values("problem_id")))
    firms = list(dict.fromkeys(diagnostic.index.get_level_values("firm")))
    reality = reality.loc[problems, firms]
    image = ax.imshow(reality.to_numpy(dtype=float), cmap="RdYlGn", vmin=SCORE_RANGE[0], vmax=SCORE_RANGE[1],
                      aspect="auto")
    names = diagnostic.reset_index().drop_duplicates("problem_id").set_index("problem_id")
    for (i, problem), (j, firm) in ((a, b) for a in enumerate(problems) for b in enumerate(firms)):
        row = diagnostic.loc[(firm, problem)]
        ax.text(j, i, f"{row['practice_id']}: {row['reality']}", ha="center", va="center", fontsize=8)
        if row["exposed"]:
            ax.add_patch(plt.Rectangle((j - 0.48, i - 0.48), 0.96, 0.96, fill=False, edgecolor=_HIGHLIGHT,
                                       linewidth=2.2, gid=f"{firm}|{problem}"))
    ax.set_xticks(range(len(firms)), firms, fontsize=8)
    ax.set_yticks(range(len(problems)), [textwrap.fill(names.loc[p, "problem"], 26) for p in problems], fontsize=8)
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, label="reality score of the detecting practice (0-5)")
    ax.set(title="Failure diagnostic: where each firm is exposed (red frame: reality at or below the threshold)",
           xlabel="case firm", ylabel="problem (Liu Yingying)")
    return ax
