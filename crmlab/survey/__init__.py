"""Satisfaction surveys: Likert data, reliability, the ECSI PLS path model, drivers, IPA, NPS, SERVQUAL.

Modules: :mod:`~crmlab.survey.likert` (questionnaire, validation, reverse coding, diverging bars),
:mod:`~crmlab.survey.reliability` (alpha, omega, rho_C, AVE, Fornell-Larcker, HTMT),
:mod:`~crmlab.survey.pls` (PLS path modelling, bootstrap, path diagram),
:mod:`~crmlab.survey.drivers` (robust OLS, relative weights, Shapley R^2, ordinal logit, IPA),
:mod:`~crmlab.survey.nps` (Net Promoter Score), :mod:`~crmlab.survey.servqual` (gap analysis),
:mod:`~crmlab.survey.actions` (the CRM action list) and :mod:`~crmlab.survey.study` (a survey study from
notebook parameters, with its scale-dependent defaults).
The instruments themselves — the ECSI blocks, item wording, scale and paths, and SERVQUAL's dimensions,
item labels and scale — are described once, in :mod:`crmlab.datasets.schema.survey` (data layer).
Everything public is importable from ``crmlab.survey``.
"""

from crmlab.survey.actions import action_priorities
from crmlab.survey.drivers import (
    construct_performance,
    driver_regression,
    importance_performance,
    ordinal_logit,
    plot_ipa,
    relative_weights,
    shapley_r2,
)
from crmlab.survey.likert import (
    Item,
    Questionnaire,
    as_ordered,
    check_responses,
    clean_responses,
    item_distribution,
    missing_summary,
    mobi_questionnaire,
    plot_likert,
    reverse_code,
)
from crmlab.survey.nps import NPS_GROUPS, net_promoter_score, nps_by_segment, nps_groups, plot_nps
from crmlab.survey.pls import (
    ECSI_POSITIONS,
    SCHEMES,
    PathModel,
    PLSResult,
    ecsi_model,
    plot_path_diagram,
    pls_path_model,
)
from crmlab.survey.reliability import (
    average_variance_extracted,
    composite_reliability,
    cronbach_alpha,
    fornell_larcker,
    htmt,
    item_analysis,
    mcdonald_omega,
    reliability_table,
)
from crmlab.survey.servqual import (
    SERVQUAL_DIMENSIONS,
    SERVQUAL_ITEM_LABELS,
    dimension_gaps,
    dimension_scores,
    gap_scores,
    plot_gaps,
    servqual_columns,
)
from crmlab.survey.study import SurveyStudy, loyalty_level_edges, survey_study

__all__ = [
    "ECSI_POSITIONS", "NPS_GROUPS", "SCHEMES", "SERVQUAL_DIMENSIONS", "SERVQUAL_ITEM_LABELS",
    "Item", "PLSResult", "PathModel", "Questionnaire", "SurveyStudy",
    "action_priorities", "as_ordered", "average_variance_extracted", "check_responses", "clean_responses",
    "composite_reliability",
    "construct_performance", "cronbach_alpha", "dimension_gaps", "dimension_scores", "driver_regression",
    "ecsi_model", "fornell_larcker", "gap_scores", "htmt", "importance_performance", "item_analysis",
    "item_distribution", "loyalty_level_edges", "mcdonald_omega", "missing_summary", "mobi_questionnaire",
    "net_promoter_score",
    "nps_by_segment", "nps_groups", "ordinal_logit", "plot_gaps", "plot_ipa", "plot_likert", "plot_nps",
    "plot_path_diagram", "pls_path_model", "relative_weights", "reliability_table", "reverse_code",
    "servqual_columns", "shapley_r2", "survey_study",
]
