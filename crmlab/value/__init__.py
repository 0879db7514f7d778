"""Customer value theory: perceived and delivered value, consumption values, CLV, customer equity,
RFM scoring and customer tiers.

Every function takes plain numbers or DataFrames and returns numbers or tidy DataFrames; plots take
``ax=`` and return it. The sections follow the course notebook ``01_customer_value_theory``:

1. Perceived value (Zeithaml 1988) and customer delivered value (Kotler).
2. Consumption values (Sheth, Newman & Gross 1991).
3. Customer lifetime value in closed form (Gupta & Lehmann 2003), its explicit sum, a Monte Carlo
   check and sensitivity analysis.
4. Customer equity of current and future cohorts (Gupta, Lehmann & Stuart 2004) and its drivers
   (Rust, Lemon & Zeithaml 2004).
5. RFM quintile scoring (Hughes) with a calibration/holdout validation.
6. Customer tiers: concentration (Lorenz, Gini), the customer pyramid (Zeithaml, Rust & Lemon 2001),
   grouping by volume and by tenure.

One module per section (:mod:`crmlab.value.delivered`, ``consumption``, ``lifetime``, ``equity``, ``rfm``,
``tiers``); every public name is importable from ``crmlab.value`` itself.
"""
from crmlab.value.delivered import (
    KOTLER_COST_DIMENSIONS,
    KOTLER_VALUE_DIMENSIONS,
    SIDES,
    channel_split,
    delivered_value,
    perceived_value,
    plot_delivered_value,
    plot_value_waterfall,
)
from crmlab.value.consumption import (
    CONSUMPTION_VALUES,
    consumption_value_profile,
    plot_consumption_values,
)
from crmlab.value.lifetime import (
    check_clv_inputs,
    clv_closed_form,
    clv_elasticities,
    clv_explicit_sum,
    clv_schedule,
    clv_sensitivity,
    naive_clv,
    plot_clv_sensitivity,
    simulate_retention_clv,
)
from crmlab.value.equity import (
    customer_equity,
    customer_equity_by_cohort,
    equity_drivers,
    plot_customer_equity,
)
from crmlab.value.rfm import (
    RFM_SEGMENT_RULES,
    calibration_holdout_split,
    checked_transactions,
    holdout_response,
    plot_holdout_response,
    plot_rfm_heatmap,
    rank_groups,
    rfm_holdout_validation,
    rfm_scores,
    rfm_segments,
    rfm_table,
)
from crmlab.value.tiers import (
    PYRAMID_SHARES,
    PYRAMID_TIERS,
    TENURE_GROUPS,
    VOLUME_GROUPS,
    Values,
    customer_pyramid,
    gini,
    lorenz_curve,
    plot_customer_pyramid,
    plot_lorenz,
    tenure_groups,
    tier_playbook,
    tier_summary,
    top_share,
    value_concentration,
    volume_groups,
)

__all__ = [
    "CONSUMPTION_VALUES",
    "KOTLER_COST_DIMENSIONS",
    "KOTLER_VALUE_DIMENSIONS",
    "PYRAMID_SHARES",
    "PYRAMID_TIERS",
    "RFM_SEGMENT_RULES",
    "SIDES",
    "TENURE_GROUPS",
    "VOLUME_GROUPS",
    "Values",
    "calibration_holdout_split",
    "channel_split",
    "check_clv_inputs",
    "checked_transactions",
    "clv_closed_form",
    "clv_elasticities",
    "clv_explicit_sum",
    "clv_schedule",
    "clv_sensitivity",
    "consumption_value_profile",
    "customer_equity",
    "customer_equity_by_cohort",
    "customer_pyramid",
    "delivered_value",
    "equity_drivers",
    "gini",
    "holdout_response",
    "lorenz_curve",
    "naive_clv",
    "perceived_value",
    "plot_clv_sensitivity",
    "plot_consumption_values",
    "plot_customer_equity",
    "plot_customer_pyramid",
    "plot_delivered_value",
    "plot_holdout_response",
    "plot_lorenz",
    "plot_rfm_heatmap",
    "plot_value_waterfall",
    "rank_groups",
    "rfm_holdout_validation",
    "rfm_scores",
    "rfm_segments",
    "rfm_table",
    "simulate_retention_clv",
    "tenure_groups",
    "tier_playbook",
    "tier_summary",
    "top_share",
    "value_concentration",
    "volume_groups",
]
