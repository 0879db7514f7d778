"""CRM adoption by firm size: published statistics, firm-level models and case scorecards.

Five parts, each a set of pure functions on DataFrames (plots take ``ax=`` and return it):

* **Published statistics** (:func:`crmlab.datasets.load_adoption_statistics`): validation and charts —
  the EU level, country bars (with the 2023 break in Eurostat's CRM series) and size-class gaps, each
  figure drawn by its provenance (primary, derived, second-hand, unsourced).
* **The CRM market**: the supply-chain source paper's market figures as unsourced claims beside later
  analyst estimates, forecasts set against outcomes of the same measure, compound growth rates.
* **Firm-level adoption**: rates by size class with Wilson intervals, the design-weighted share, the
  chi-squared test of independence with Cramér's V, and a logit of adoption on log(employees), sector
  and goods/services with average marginal effects and a predicted adoption curve with a confidence band.
* **Barriers and success factors**: barrier shares by size class, a test of whether the (multi-select)
  barrier profiles differ by size, and a logit of "met expectations" on the success factors with odds
  ratios.
* **Readiness scorecards**: a practice-level instrument built on Gartner's eight building blocks of CRM
  and the source documents' success factors; each practice is scored twice, for *intention* and for
  *reality*, as in QCi's Customer Management Assessment Tool (CMAT); gap tables, radar charts and the
  recommended CRM tier with first steps; the source papers' success factors and conditions mapped onto
  the instrument, and the failure diagnostic after 刘莹莹 (Liu Yingying): each cause of failure, its
  symptom, the practice that detects it and the countermeasure.

Modules: :mod:`crmlab.datasets.schema.adoption` (data layer: the constants and the validators of the
statistics table, the instrument and scorecards), :mod:`~crmlab.adoption.statistics` (published
figures and the market), :mod:`~crmlab.adoption.firms` (size classes, tiers, rates, logit),
:mod:`~crmlab.adoption.barriers` (barriers and success factors), :mod:`~crmlab.adoption.readiness`
(scorecards and the failure diagnostic), :mod:`~crmlab.adoption.style` (shared figure styling).
Generic statistics (Wilson interval, chi-squared test, logit fit, marginal effects) are in
:mod:`crmlab.stats`. Every public name is importable from ``crmlab.adoption``.
"""

from crmlab.adoption.barriers import (
    barrier_profile_test,
    barriers_by_size,
    fit_success_logit,
    odds_ratios,
    plot_barriers,
    plot_odds_ratios,
)
from crmlab.adoption.firms import (
    ADOPTION_FORMULA,
    adoption_by_size,
    adoption_curve,
    crm_tier,
    eurostat_size_class,
    fit_adoption_logit,
    plot_adoption_curve,
    proportion_table,
    weighted_share,
)
from crmlab.adoption.readiness import (
    FACTOR_SOURCES,
    FAILURE_MODES,
    SOURCE_PAPERS,
    failure_diagnostic,
    failure_modes,
    gap_table,
    plot_failure_diagnostic,
    plot_radar,
    recommend,
    success_factor_map,
)
from crmlab.adoption.statistics import (
    MARKET_UNIT,
    forecast_vs_outcome,
    growth_rate,
    market_figures,
    plot_country_bars,
    plot_eu_crm_level,
    plot_market_figures,
    plot_size_gaps,
    series_growth,
    size_class_gaps,
)
from crmlab.datasets.schema.adoption import (
    BARRIERS,
    BUILDING_BLOCKS,
    FORECAST_KINDS,
    INSTRUMENT_COLUMNS,
    PROVENANCE,
    SCORE_RANGE,
    SCORECARD_COLUMNS,
    SIZE_CLASSES,
    SIZE_LABELS,
    STATISTICS_COLUMNS,
    SUCCESS_FACTORS,
    TIERS,
    validate_instrument,
    validate_scorecard,
    validate_statistics,
)
from crmlab.errors import (  # helpers this module's namespace has always offered
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    ParameterError,
    SpecificationError,
    offending_rows,
    require_columns,
    require_rows,
)
from crmlab.stats import average_marginal_effects, chi2_independence, fit_logit, wilson_interval

__all__ = [
    "ADOPTION_FORMULA", "BARRIERS", "BUILDING_BLOCKS", "FACTOR_SOURCES", "FAILURE_MODES", "FORECAST_KINDS",
    "INSTRUMENT_COLUMNS", "MARKET_UNIT", "PROVENANCE", "SCORECARD_COLUMNS", "SCORE_RANGE", "SIZE_CLASSES",
    "SIZE_LABELS", "SOURCE_PAPERS", "STATISTICS_COLUMNS", "SUCCESS_FACTORS", "TIERS",
    "adoption_by_size", "adoption_curve", "average_marginal_effects", "barrier_profile_test",
    "barriers_by_size", "chi2_independence", "crm_tier", "eurostat_size_class", "failure_diagnostic",
    "failure_modes", "fit_adoption_logit", "fit_logit", "fit_success_logit", "forecast_vs_outcome",
    "gap_table", "growth_rate", "market_figures", "odds_ratios", "plot_adoption_curve", "plot_barriers",
    "plot_country_bars", "plot_eu_crm_level", "plot_failure_diagnostic", "plot_market_figures",
    "plot_odds_ratios", "plot_radar", "plot_size_gaps", "proportion_table", "recommend", "series_growth",
    "size_class_gaps", "success_factor_map", "validate_instrument", "validate_scorecard",
    "validate_statistics", "weighted_share", "wilson_interval",
]
