"""Customer-base analysis: transactions -> RFM summary -> BTYD models -> holdout checks -> CLV.

One module per role, each importing only the ones listed before it:

* :mod:`~crmlab.clv.kernel` the summary kernel: periods split, per-customer pieces, the summaries assembled;
* :mod:`~crmlab.clv.engines` pandas/numpy, DuckDB (files) and Dask (clusters) behind one dispatch;
* :mod:`~crmlab.clv.summary` :func:`rfm_summary` and :func:`calibration_holdout` for every engine;
* :mod:`~crmlab.clv.fitters` lifetimes' fitter classes, imported once with its global side effects undone;
* :mod:`~crmlab.clv.contractual` the shifted-beta-geometric (sBG) retention model;
* :mod:`~crmlab.clv.likelihoods` every model's log-likelihood, once; :mod:`~crmlab.clv.models` the registry;
* :mod:`~crmlab.clv.fit` maximum likelihood with standard errors (:func:`fit`, :func:`parameter_table`);
* :mod:`~crmlab.clv.predict` purchases, P(alive), spend, CLV, DERT, purchase counts, :func:`predict_to_parquet`;
* :mod:`~crmlab.clv.diagnostics` calibration fit, holdout, tracking, model comparison;
* :mod:`~crmlab.clv.segments` concentration, value groups, relationship groups and the playbook;
* :mod:`~crmlab.clv.plots` figures that take ``ax=``; :mod:`~crmlab.clv.report` the ``crmlab clv`` report;
* :mod:`~crmlab.clv.published` small published series; :mod:`~crmlab.clv.scale` the engines by name.
"""

from crmlab.clv.contractual import (
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    projection,
    retention_rate,
    survival,
)
from crmlab.clv.diagnostics import compare_models, frequency_fit, holdout_by_frequency, likelihood_ratio_test, tracking
from crmlab.clv.fit import fit, log_likelihood, log_likelihood_rows, parameter_table
from crmlab.clv.models import BTYD_MODELS, MODELS, model_name
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
from crmlab.clv.predict import (
    alive_path,
    customer_lifetime_value,
    dert,
    expected_purchases,
    expected_repeat_purchases,
    expected_spend,
    predict_to_parquet,
    probability_alive,
    purchase_count_pmf,
)
from crmlab.clv.published import annual_donations, retention_cohorts
from crmlab.clv.segments import (
    GROUP_ACTIONS,
    PLAYBOOK,
    VALUE_GROUPS,
    customer_groups,
    group_overview,
    lorenz_curve,
    playbook,
    share_above,
    top_share,
    value_groups,
)
from crmlab.clv.summary import calibration_holdout, rfm_summary
from crmlab.clv.kernel import summary_columns
from crmlab.transactions import PERIOD_UNITS, period_codes, period_sql

__all__ = [
    "BTYD_MODELS",
    "GROUP_ACTIONS",
    "MODELS",
    "PLAYBOOK",
    "VALUE_GROUPS",
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
    "group_overview",
    "holdout_by_frequency",
    "likelihood_ratio_test",
    "log_likelihood",
    "log_likelihood_rows",
    "lorenz_curve",
    "model_name",
    "parameter_table",
    "period_codes",
    "period_sql",
    "predict_to_parquet",
    "playbook",
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
    "share_above",
    "summary_columns",
    "survival",
    "top_share",
    "tracking",
    "value_groups",
]
