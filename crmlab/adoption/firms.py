"""Firm-level adoption: size classes and CRM tiers, adoption rates by size class with Wilson intervals,
the design-weighted share, and the logit of adoption on firm size with average marginal effects and
the predicted adoption curve. Part of :mod:`crmlab.adoption`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmlab.adoption.style import VERIFIED_COLOUR, new_axes
from crmlab.datasets.schema.adoption import SIZE_CLASSES
from crmlab.errors import DataValidationError, ParameterError, offending_rows, require_columns, require_rows
from crmlab.stats import fit_logit, weighted_mean
from crmlab.stats import proportion_table as _proportion_table

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper

#: Default logit of adoption (statsmodels formula).
ADOPTION_FORMULA = "adopted ~ np.log(employees) + C(sector) + C(offering)"


def eurostat_size_class(employees: int | float) -> str:
    """Eurostat size class of a firm: "0-9", "10-49", "50-249" or "250+" persons employed.

    Parameters
    ----------
    employees : int or float
        Persons employed (>= 0).

    Returns
    -------
    str

    Examples
    --------
    >>> eurostat_size_class(9), eurostat_size_class(120), eurostat_size_class(250)
    ('0-9', '50-249', '250+')
    """
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

    Parameters
    ----------
    employees : int or float
        Persons employed (>= 1).
    regions_served : int
        Regions the firm serves (>= 1).

    Returns
    -------
    str
        One of :data:`TIERS`.

    Examples
    --------
    >>> crm_tier(25, 1), crm_tier(320, 4), crm_tier(3200, 12)
    ('SME CRM', 'mid-market CRM', 'enterprise CRM')
    """
    if not np.isfinite(employees) or employees < 1:
        raise ParameterError(f"employees must be a positive number, got {employees!r}")
    if regions_served < 1:
        raise ParameterError(f"regions_served must be at least 1, got {regions_served!r}")
    if employees >= 1000 and regions_served >= 5:
        return "enterprise CRM"
    return "mid-market CRM" if employees >= 200 else "SME CRM"


def proportion_table(df: pd.DataFrame, outcome: str, by: str, confidence: float = 0.95) -> pd.DataFrame:
    """Share of rows with ``outcome`` == 1 in each ``by`` group, with Wilson intervals, size classes first.

    :func:`crmlab.stats.proportion_table` with the Eurostat size classes (:data:`SIZE_CLASSES`) listed
    first, smallest to largest. Rows where ``outcome`` is missing (a question not asked) are left out
    of ``n``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per firm.
    outcome : str
        Column coded 1 / 0, missing when not asked.
    by : str
        Grouping column.
    confidence : float, default 0.95
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``n``, ``count``, ``share``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> df = pd.DataFrame({"adopted": [1, 0, 0, 1], "size_class": ["250+", "10-49", "10-49", "10-49"]})
    >>> proportion_table(df, "adopted", "size_class")["share"].round(3).to_dict()
    {'10-49': 0.333, '250+': 1.0}
    """
    return _proportion_table(df, outcome, by, confidence, order=SIZE_CLASSES)


def adoption_by_size(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Adoption rate by Eurostat size class with Wilson intervals (columns n, count, share, ci_low, ci_high).

    Parameters
    ----------
    df : pandas.DataFrame
        The firm survey (``adopted`` 0/1 and ``size_class``).
    confidence : float, default 0.95
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        Index ``size_class``, smallest first.

    Examples
    --------
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> adoption_by_size(survey)["share"].round(3).tolist()
    [0.312, 0.471, 0.616]
    """
    return proportion_table(df, "adopted", "size_class", confidence)


def fit_adoption_logit(df: pd.DataFrame, formula: str = ADOPTION_FORMULA) -> BinaryResultsWrapper:
    """Logit of CRM adoption (default: on ln(employees), sector and goods/services).

    Parameters
    ----------
    df : pandas.DataFrame
        The firm survey (``employees`` > 0).
    formula : str
        A statsmodels formula (default :data:`ADOPTION_FORMULA`).

    Returns
    -------
    statsmodels BinaryResultsWrapper
        The fitted logit (:func:`crmlab.stats.fit_logit`).

    Examples
    --------
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> round(float(fit_adoption_logit(survey).params["np.log(employees)"]), 3)
    0.393
    """
    require_columns(df, ["adopted", "employees"], what="the survey")
    bad = pd.to_numeric(df["employees"], errors="coerce") <= 0
    if bad.any():
        raise DataValidationError("employees must be positive (the model uses its logarithm)",
                                  column="employees", rows=offending_rows(bad), data=df,
                                  fix="correct or remove firms with 0 or negative employees")
    return fit_logit(df, formula)


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

    Parameters
    ----------
    result : statsmodels BinaryResultsWrapper
        From :func:`fit_adoption_logit`.
    data : pandas.DataFrame
        The firms whose covariates are averaged over.
    employees : sequence of float, optional
        Firm sizes (default: 40 values from 10 to 5,000, log-spaced).
    confidence : float, default 0.95
        Level of the band.

    Returns
    -------
    pandas.DataFrame
        ``employees``, ``p``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> from crmlab.datasets import load_firm_survey
    >>> survey = load_firm_survey()
    >>> curve = adoption_curve(fit_adoption_logit(survey), survey, employees=[10, 1000])
    >>> curve["p"].round(3).tolist()
    [0.249, 0.654]
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
    """The predicted adoption curve with its band; optionally the observed class rates (at class median size).

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`adoption_curve`.
    by_size : pandas.DataFrame, optional
        From :func:`adoption_by_size`, drawn with ``survey`` at each class's median size.
    survey : pandas.DataFrame, optional
        The firm survey.
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
    >>> plot_adoption_curve(adoption_curve(fit_adoption_logit(survey), survey, employees=[10, 100])).get_title()
    'Predicted CRM adoption by firm size'
    >>> plt.close("all")
    """
    ax = new_axes(ax)
    ax.plot(curve["employees"], curve["p"], color=VERIFIED_COLOUR, label="logit prediction")
    ax.fill_between(curve["employees"], curve["ci_low"], curve["ci_high"], color=VERIFIED_COLOUR,
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


def weighted_share(df: pd.DataFrame, outcome: str = "adopted", weight: str = "weight") -> pd.Series:
    """Design-weighted share of firms with ``outcome`` == 1, beside the unweighted sample share.

    A stratified sample over-represents some strata (the synthetic survey samples large firms far above
    their share of enterprises); weighting each firm by its design weight :math:`w_i` (enterprises it
    stands for) estimates the population share :math:`\\sum_i w_i y_i / \\sum_i w_i`
    (:func:`crmlab.stats.weighted_mean`, statsmodels ``DescrStatsW``).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per firm.
    outcome : str, default "adopted"
        Column coded 1 / 0 (no missing values).
    weight : str, default "weight"
        Column of design weights (>= 0).

    Returns
    -------
    pandas.Series
        ``weighted``, ``unweighted``, ``n`` and ``n_effective`` (Kish's effective sample size).

    Examples
    --------
    >>> df = pd.DataFrame({"adopted": [1, 1, 0, 0], "weight": [1.0, 1.0, 3.0, 3.0]})
    >>> weighted_share(df)[["weighted", "unweighted"]].tolist()
    [0.25, 0.5]
    """
    require_columns(df, [outcome, weight], what="the survey")
    require_rows(df, what="the survey")
    values = pd.to_numeric(df[outcome], errors="coerce")
    bad = ~values.isin([0, 1])
    if bad.any():
        raise DataValidationError("must be 0 or 1 (no missing values)", column=outcome, rows=offending_rows(bad),
                                  data=df, fix="code the outcome as 1 (yes) / 0 (no); filter out the firms not asked")
    w = pd.to_numeric(df[weight], errors="coerce")
    badw = w.isna() | (w < 0) | ~np.isfinite(w.fillna(0))
    if badw.any():
        raise DataValidationError("design weight missing, negative or not a number", column=weight,
                                  rows=offending_rows(badw), data=df,
                                  fix="give every firm its design weight (enterprises it represents, >= 0)")
    out = weighted_mean(values.to_numpy(dtype=float), w.to_numpy(dtype=float))
    return out.rename({"mean": "weighted"})
