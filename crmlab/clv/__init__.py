"""Customer-base analysis: transactions -> RFM summary -> BTYD models -> holdout checks -> CLV.

Wraps the models of ``lifetimes`` (imported once, in :mod:`crmlab.clv._lifetimes`, with its global
side effects undone) and replaces the parts that are slow or broken on today's stack: the summary of
a transaction log (:func:`rfm_summary`, :func:`calibration_holdout`), the fit on distinct patterns
with standard errors for every model (:func:`fit`, :func:`parameter_table`), numerically stable
Pareto/NBD predictions, CLV on arrays, and plots that take ``ax=``.
"""

from crmlab.clv.data import PERIOD_UNITS, calibration_holdout, period_codes, period_sql, rfm_summary, summary_columns
from crmlab.clv.models import (
    GROUP_ACTIONS,
    MODELS,
    alive_path,
    compare_models,
    customer_groups,
    customer_lifetime_value,
    expected_purchases,
    expected_repeat_purchases,
    fit,
    holdout_by_frequency,
    likelihood_ratio_test,
    log_likelihood,
    parameter_table,
    probability_alive,
    tracking,
)
from crmlab.clv.scale import predict_to_parquet
from crmlab.clv.plots import (
    plot_alive_path,
    plot_clv_concentration,
    plot_clv_distribution,
    plot_frequency_recency,
    plot_holdout_by_frequency,
    plot_tracking,
)

__all__ = [
    "GROUP_ACTIONS",
    "MODELS",
    "alive_path",
    "PERIOD_UNITS",
    "calibration_holdout",
    "compare_models",
    "customer_groups",
    "customer_lifetime_value",
    "expected_purchases",
    "expected_repeat_purchases",
    "fit",
    "holdout_by_frequency",
    "likelihood_ratio_test",
    "log_likelihood",
    "parameter_table",
    "period_codes",
    "period_sql",
    "predict_to_parquet",
    "plot_alive_path",
    "plot_clv_concentration",
    "plot_clv_distribution",
    "plot_frequency_recency",
    "plot_holdout_by_frequency",
    "plot_tracking",
    "probability_alive",
    "rfm_summary",
    "summary_columns",
    "tracking",
]
