"""Customer-base analysis: transactions -> RFM summary -> BTYD models -> holdout checks -> CLV.

Wraps the models of ``lifetimes`` (imported once, in :mod:`crmlab.clv._lifetimes`, with its global
side effects undone) and replaces the parts that are slow or broken on today's stack: the summary of
a transaction log (:func:`rfm_summary`, :func:`calibration_holdout`), the fit on distinct patterns
with standard errors for every model (:func:`fit`, :func:`parameter_table`), numerically stable
Pareto/NBD predictions, CLV on arrays, and plots that take ``ax=``. The contractual setting (the
shifted-beta-geometric retention model) is in :mod:`crmlab.clv.contractual`; discounted expected
residual transactions and purchase-count distributions in :mod:`crmlab.clv.predict`.
"""

from crmlab.clv.data import calibration_holdout, rfm_summary, summary_columns
from crmlab.transactions import PERIOD_UNITS, period_codes, period_sql
from crmlab.clv.contractual import (
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    projection,
    retention_rate,
    survival,
)
from crmlab.clv.models import (
    BTYD_MODELS,
    GROUP_ACTIONS,
    MODELS,
    alive_path,
    compare_models,
    customer_groups,
    customer_lifetime_value,
    expected_purchases,
    expected_repeat_purchases,
    expected_spend,
    fit,
    holdout_by_frequency,
    likelihood_ratio_test,
    log_likelihood,
    log_likelihood_rows,
    model_name,
    parameter_table,
    probability_alive,
    tracking,
)
from crmlab.clv.predict import dert, frequency_fit, purchase_count_pmf
from crmlab.clv.published import annual_donations, retention_cohorts
from crmlab.clv.scale import predict_to_parquet
from crmlab.clv.plots import (
    plot_alive_path,
    plot_clv_concentration,
    plot_clv_distribution,
    plot_frequency_fit,
    plot_frequency_recency,
    plot_holdout_by_frequency,
    plot_retention,
    plot_tracking,
)

__all__ = [
    "BTYD_MODELS",
    "GROUP_ACTIONS",
    "MODELS",
    "alive_path",
    "annual_donations",
    "PERIOD_UNITS",
    "calibration_holdout",
    "compare_models",
    "customer_groups",
    "customer_lifetime_value",
    "dert",
    "discounted_expected_lifetime",
    "discounted_expected_residual_lifetime",
    "expected_purchases",
    "expected_repeat_purchases",
    "expected_spend",
    "fit",
    "frequency_fit",
    "holdout_by_frequency",
    "likelihood_ratio_test",
    "log_likelihood",
    "log_likelihood_rows",
    "model_name",
    "parameter_table",
    "period_codes",
    "period_sql",
    "predict_to_parquet",
    "plot_alive_path",
    "plot_clv_concentration",
    "plot_clv_distribution",
    "plot_frequency_fit",
    "plot_frequency_recency",
    "plot_holdout_by_frequency",
    "plot_retention",
    "plot_tracking",
    "probability_alive",
    "projection",
    "purchase_count_pmf",
    "retention_cohorts",
    "retention_rate",
    "rfm_summary",
    "summary_columns",
    "survival",
    "tracking",
]
