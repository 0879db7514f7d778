"""Porter's value chain as data: validated specifications, where CRM changes it, as-is vs to-be.

A firm's chain is a :class:`ValueChain` read from a small YAML specification
(:func:`read_value_chain`; the bundled case is :func:`crmlab.datasets.load_valuechain_case`, the blank
form :func:`crmlab.datasets.load_valuechain_template`). It holds the nine value activities of Porter
(1985, ch. 2) with their costs, the customer touchpoints with importance and performance scores, the
CRM initiatives with the activities they change, and the linkages between activities. Beyond the firm,
a :class:`ValueSystem` (:func:`read_value_system`) places the chain between its suppliers', channels'
and buyers' chains with the CRM links between them, and :func:`bullwhip_ratio` prices a shared demand
signal (Chen et al. 2000).

Modules:

* :mod:`crmlab.datasets.schema.valuechain` (data layer) — the specification: activity keys,
  :class:`ValueChain`, :class:`ValueSystem` and their readers and validators;
* :mod:`~crmlab.valuechain.analysis` — margin, costs, value added, touchpoints, initiatives, to-be,
  break-even and the effect-scale sensitivity;
* :mod:`~crmlab.valuechain.system` — CRM links of a value system and the bullwhip effect;
* :mod:`~crmlab.valuechain.plots` — the diagram and the figures (each takes ``ax=`` and returns it).

Every public name is importable from ``crmlab.valuechain``.
"""

from crmlab.datasets.schema.valuechain import (
    ACTIVITIES,
    CRM_LINK_KINDS,
    PRIMARY_ACTIVITIES,
    SHARE_TOLERANCE,
    SUPPORT_ACTIVITIES,
    VALUE_SYSTEM_ROLES,
    ValueChain,
    ValueSystem,
    activity_labels,
    read_value_chain,
    read_value_system,
)
from crmlab.valuechain.analysis import (
    METRICS,
    activity_metric,
    break_even_effect_scale,
    compare_costs,
    compare_margin,
    compare_touchpoints,
    cost_structure,
    crm_framing_matrix,
    effect_scale_sensitivity,
    impact_matrix,
    initiative_summary,
    linkage_summary,
    margin_summary,
    paying_initiatives,
    process_map,
    to_be,
    touchpoint_gaps,
    touchpoint_index,
    value_added,
)
from crmlab.valuechain.plots import (
    curve_clear_of,
    plot_impact_matrix,
    plot_journey,
    plot_linkages,
    plot_margin_bridge,
    plot_value_added,
    plot_value_chain,
    plot_value_system,
)
from crmlab.valuechain.system import bullwhip_ratio, crm_links, link_matrix, value_system_bullwhip

# helpers this module's namespace has always offered (kept importable from here)
from crmlab import datasets  # noqa: E402,F401
from crmlab.errors import CrmlabWarning, ParameterError, SpecificationError  # noqa: E402,I001
from crmlab.files import MAX_YAML_BYTES, describe_value, load_yaml  # noqa: E402
from crmlab.plotting import axes  # noqa: E402

__all__ = [
    "ACTIVITIES", "CRM_LINK_KINDS", "METRICS", "PRIMARY_ACTIVITIES", "SHARE_TOLERANCE", "SUPPORT_ACTIVITIES",
    "VALUE_SYSTEM_ROLES", "ValueChain", "ValueSystem",
    "activity_labels", "activity_metric", "break_even_effect_scale", "bullwhip_ratio", "compare_costs",
    "compare_margin", "compare_touchpoints", "cost_structure", "crm_framing_matrix", "crm_links",
    "curve_clear_of", "effect_scale_sensitivity", "impact_matrix", "initiative_summary", "link_matrix",
    "linkage_summary", "margin_summary", "paying_initiatives", "plot_impact_matrix", "plot_journey",
    "plot_linkages", "plot_margin_bridge", "plot_value_added", "plot_value_chain", "plot_value_system",
    "process_map", "read_value_chain", "read_value_system", "to_be", "touchpoint_gaps", "touchpoint_index",
    "value_added", "value_system_bullwhip",
]
