"""The value system around a firm's chain: CRM links between chains, and the bullwhip effect.

Porter (1985, ch. 2) places the firm's chain between its suppliers', channels' and buyers' chains; a
:class:`~crmlab.valuechain.ValueSystem` (:func:`~crmlab.valuechain.read_value_system`, in
:mod:`crmlab.datasets.schema.valuechain`) lists them with the CRM links between them, and
:func:`bullwhip_ratio` prices a shared demand signal (Chen et al. 2000). Part of :mod:`crmlab.valuechain`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlab.datasets.schema.valuechain import CRM_LINK_KINDS, ValueSystem, activity_labels
from crmlab.errors import ParameterError


def crm_links(system: ValueSystem) -> pd.DataFrame:
    """The CRM links of a value system in words.

    Parameters
    ----------
    system : ValueSystem
        From :func:`read_value_system`.

    Returns
    -------
    pandas.DataFrame
        One row per link: ``from`` and ``to`` ("chain name: Activity"), the ``kind`` label, the
        ``direction`` (upstream: against the flow of goods, towards the suppliers; downstream: with it)
        and the ``description``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuesystem_case
    >>> links = crm_links(load_valuesystem_case())
    >>> links.loc[0, ["from", "direction"]].tolist()
    ['Households (buyers)', 'upstream']
    """
    labels = activity_labels()
    position = {c: i for i, c in enumerate(system.chains.index)}
    names = system.chains["name"]

    def end(chain: str, activity: str) -> str:
        return f"{names[chain]}: {labels[activity]}" if activity else str(names[chain])

    links = system.links
    return pd.DataFrame({
        "from": [end(c, a) for c, a in zip(links["source_chain"], links["source_activity"], strict=True)],
        "to": [end(c, a) for c, a in zip(links["target_chain"], links["target_activity"], strict=True)],
        "kind": links["kind"].map(CRM_LINK_KINDS),
        "direction": ["upstream" if position[t] < position[s] else "downstream"
                      for s, t in zip(links["source_chain"], links["target_chain"], strict=True)],
        "description": links["description"],
    })


def link_matrix(system: ValueSystem) -> pd.DataFrame:
    """How many CRM links of each kind join each pair of chains.

    Parameters
    ----------
    system : ValueSystem
        From :func:`read_value_system`.

    Returns
    -------
    pandas.DataFrame
        Rows ``"source -> target"`` (ordered by the source's, then the target's position upstream to
        downstream), one integer column per kind of :data:`CRM_LINK_KINDS` and a ``total``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuesystem_case
    >>> link_matrix(load_valuesystem_case())["total"].to_dict()
    {'retailer -> makers': 3, 'retailer -> households': 1, 'marketplace -> retailer': 3, 'households -> marketplace': 2}
    """
    links = system.links
    pair = links["source_chain"] + " -> " + links["target_chain"]
    table = pd.crosstab(pair, links["kind"]).reindex(columns=list(CRM_LINK_KINDS), fill_value=0)
    order = {c: i for i, c in enumerate(system.chains.index)}
    keys = sorted(table.index, key=lambda p: tuple(order[c] for c in p.split(" -> ")))
    table = table.loc[keys].astype("int64")
    table["total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "chains", "kind"
    return table


def bullwhip_ratio(lead_times: Sequence[float], window: int, shared_demand: bool = False) -> pd.DataFrame:
    """Variance amplification of orders up a supply chain (the bullwhip effect), stage by stage.

    Stage 1 faces the final customer, stage 2 supplies stage 1, and so on; stage :math:`k` has
    replenishment lead time :math:`L_k` and forecasts demand with a moving average over ``window``
    :math:`p` periods. With an order-up-to level :math:`y_t = L\\,\\hat\\mu_t` (safety stock held fixed)
    and i.i.d. customer demand, a stage that sees demand :math:`D` orders
    :math:`q_t = D_{t-1} + (L/p)(D_{t-1} - D_{t-1-p})`, so
    :math:`\\operatorname{Var}(q)/\\operatorname{Var}(D) = 1 + 2L/p + 2L^2/p^2` (Chen, Drezner, Ryan &
    Simchi-Levi 2000, *Management Science* 46(3), 436-443, with :math:`\\rho = 0`).

    * ``shared_demand=False`` (each stage forecasts from the orders of the stage below): the orders of
      stage :math:`k` are :math:`D` filtered by :math:`\\prod_{i \\le k} B[(1 + a_i) - a_i B^p]`,
      :math:`a_i = L_i/p`; ``ratio`` is the exact variance ratio, the sum of the squared coefficients
      of that polynomial, and ``lower_bound`` Chen et al.'s :math:`\\prod_i (1 + 2a_i + 2a_i^2)`.
    * ``shared_demand=True`` (the customer demand is shared with every stage, which plans on its echelon
      lead time :math:`\\Lambda_k = \\sum_{i \\le k} L_i`):
      :math:`1 + 2\\Lambda_k/p + 2\\Lambda_k^2/p^2`, exact and equal to the bound.

    Parameters
    ----------
    lead_times : sequence of float
        Lead times :math:`L_k` (>= 0), stage 1 (facing the customer) first.
    window : int
        Moving-average window :math:`p` in periods (>= 1).
    shared_demand : bool, default False
        Whether every stage sees the customer demand.

    Returns
    -------
    pandas.DataFrame
        One row per stage: ``lead_time``, ``echelon_lead_time``, ``ratio``, ``lower_bound``.

    Examples
    --------
    >>> bullwhip_ratio([2], window=4)["ratio"].round(3).tolist()
    [2.5]
    """
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ParameterError(f"window must be a whole number of periods >= 1, got {window!r}")
    leads = np.asarray(list(lead_times), dtype=float)
    if leads.size == 0 or not np.all(np.isfinite(leads)) or np.any(leads < 0):
        raise ParameterError(f"lead_times must be one or more non-negative numbers, got {list(lead_times)!r}")
    p = int(window)
    a = leads / p
    echelon = np.cumsum(leads)
    rows = []
    coefficients = np.array([1.0])
    for k, ak in enumerate(a):
        stage = np.zeros(p + 2)
        stage[1], stage[p + 1] = 1.0 + ak, -ak
        coefficients = np.convolve(coefficients, stage)
        if shared_demand:
            e = echelon[k] / p
            ratio = bound = 1.0 + 2.0 * e + 2.0 * e**2
        else:
            ratio = float(np.sum(coefficients**2))
            bound = float(np.prod(1.0 + 2.0 * a[: k + 1] + 2.0 * a[: k + 1] ** 2))
        rows.append({"stage": k + 1, "lead_time": leads[k], "echelon_lead_time": echelon[k],
                     "ratio": ratio, "lower_bound": bound})
    return pd.DataFrame(rows).set_index("stage")


def value_system_bullwhip(system: ValueSystem, lead_times: Mapping[str, float] | None = None,
                          window: int | None = None) -> pd.DataFrame:
    """Variance of each stocking chain's orders relative to the buyers' demand, without and with the
    buyers' demand shared up the chain (:func:`bullwhip_ratio` on the chains' lead times, from the chain
    next to the buyer upwards).

    Parameters
    ----------
    system : ValueSystem
        From :func:`read_value_system`.
    lead_times : Mapping of str to float, optional
        New lead times for some stocking chains (by key), for what-if questions.
    window : int, optional
        Forecast window in periods (default: the system's ``forecast_window``).

    Returns
    -------
    pandas.DataFrame
        Indexed by chain, buyer-side first: ``name``, ``role``, ``lead_time``, ``ratio_not_shared``
        (exact), ``lower_bound_not_shared`` (Chen et al.), ``ratio_shared`` and ``reduction``
        = 1 − shared / not shared.

    Examples
    --------
    >>> from crmlab.datasets import load_valuesystem_case
    >>> table = value_system_bullwhip(load_valuesystem_case())
    >>> table[["ratio_not_shared", "ratio_shared"]].round(3).loc["makers"].tolist()
    [30.656, 10.625]
    """
    chains = system.chains[system.chains["role"] != "buyer"].iloc[::-1]
    leads = chains["lead_time"].copy()
    for key, value in (lead_times or {}).items():
        if key not in leads.index:
            raise ParameterError(f"no stocking chain {key!r}; the chains with a lead time are {list(leads.index)}")
        leads[key] = value
    p = system.forecast_window if window is None else window
    apart = bullwhip_ratio(leads.to_numpy(), p, shared_demand=False)
    shared = bullwhip_ratio(leads.to_numpy(), p, shared_demand=True)
    out = pd.DataFrame({"name": chains["name"].to_numpy(), "role": chains["role"].to_numpy(),
                        "lead_time": leads.to_numpy(), "ratio_not_shared": apart["ratio"].to_numpy(),
                        "lower_bound_not_shared": apart["lower_bound"].to_numpy(),
                        "ratio_shared": shared["ratio"].to_numpy()}, index=pd.Index(chains.index, name="chain"))
    out["reduction"] = 1.0 - out["ratio_shared"] / out["ratio_not_shared"]
    return out
