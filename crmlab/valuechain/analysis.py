"""Analyses of one firm's value chain: margin, costs, value added, touchpoints, CRM initiatives, to-be.

The arithmetic (Porter 1985: margin is total value minus the collective cost of the value activities):

* cost of activity :math:`a`: :math:`C_a = s_a \\cdot R(1-m)` for cost share :math:`s_a`, revenue
  :math:`R` and margin rate :math:`m`; margin :math:`M = R - \\sum_a C_a`;
* value added by activity :math:`a`: :math:`V_a - C_a` with :math:`V_a = v_a R` for the share of customer
  value :math:`v_a` attributed to it, so that :math:`\\sum_a (V_a - C_a) = M`;
* to-be chain after CRM initiatives :math:`i` with revenue effects :math:`g_i` and cost changes
  :math:`\\Delta_{ia}`: :math:`g = \\sum_i g_i`, :math:`R' = R(1+g)`,
  :math:`C'_a = C_a(1 + u_a g) + \\sum_i \\Delta_{ia}` with :math:`u_a` the variable share of the
  activity's cost, hence :math:`M' - M = \\sum_i [g_i (R - \\sum_a u_a C_a) - \\sum_a \\Delta_{ia}]`.

Part of :mod:`crmlab.valuechain`; the chain itself (:class:`~crmlab.valuechain.ValueChain`) is read and
validated by :mod:`crmlab.datasets.schema.valuechain`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from crmlab import datasets
from crmlab.datasets.schema.valuechain import ACTIVITIES, ValueChain
from crmlab.errors import CrmlabWarning, ParameterError, SpecificationError

#: Metrics :func:`activity_metric` (and the diagram's shading) know.
METRICS = ("cost_share", "crm_impact", "touchpoint_score", "value_per_cost")


def crm_framing_matrix() -> pd.DataFrame:
    """Activity x aspect table (1 = the aspect concerns the activity) of CRM's three levels
    (philosophy, management mechanism, technology) and its internal and external customers.

    Returns
    -------
    pandas.DataFrame
        Index ``activity`` (Porter's nine keys), one 0/1 column per aspect of
        :func:`crmlab.datasets.load_crm_framing`.

    Examples
    --------
    >>> crm_framing_matrix().loc["service"].tolist()
    [1, 1, 1, 0, 1]
    """
    framing = datasets.load_crm_framing().reset_index()
    out = pd.DataFrame(0, index=pd.Index(list(ACTIVITIES), name="activity"), columns=framing["aspect"].tolist())
    for aspect, listed in zip(framing["aspect"], framing["activities"], strict=True):
        out.loc[listed.split(", "), aspect] = 1
    out.columns.name = "aspect"
    return out.astype("int64")


def margin_summary(chain: ValueChain) -> pd.Series:
    """Revenue, total cost, margin :math:`M = R - \\sum_a C_a`, margin rate, variable cost
    :math:`\\sum_a u_a C_a` and contribution ratio :math:`1 - \\sum_a u_a C_a / R`.

    Parameters
    ----------
    chain : ValueChain
        A validated chain (:func:`~crmlab.valuechain.read_value_chain`).

    Returns
    -------
    pandas.Series
        ``revenue``, ``total_cost``, ``margin``, ``margin_rate``, ``variable_cost``,
        ``contribution_ratio``; named by the chain's state (``"as-is"``/``"to-be"``).

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> margin_summary(case)[["revenue", "total_cost", "margin", "margin_rate"]].tolist()
    [200.0, 190.0, 10.0, 0.05]
    """
    variable = float((chain.activities["cost"] * chain.activities["variable_share"]).sum())
    return pd.Series({
        "revenue": chain.revenue, "total_cost": chain.total_cost, "margin": chain.margin,
        "margin_rate": chain.margin_rate, "variable_cost": variable,
        "contribution_ratio": 1.0 - variable / chain.revenue,
    }, name=chain.state)


def cost_structure(chain: ValueChain) -> pd.DataFrame:
    """Per activity: ``cost`` :math:`C_a`, ``cost_share`` :math:`C_a/\\sum C` and ``cost_to_revenue`` :math:`C_a/R`.

    Parameters
    ----------
    chain : ValueChain
        A validated chain.

    Returns
    -------
    pandas.DataFrame
        Index ``activity`` in Porter's order: ``label``, ``kind``, ``cost``, ``cost_share``,
        ``cost_to_revenue``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> cost_structure(case).loc["service", ["cost", "cost_share"]].round(4).tolist()
    [7.6, 0.04]
    """
    out = chain.activities[["label", "kind", "cost"]].copy()
    out["cost_share"] = out["cost"] / chain.total_cost
    out["cost_to_revenue"] = out["cost"] / chain.revenue
    return out


def value_added(chain: ValueChain) -> pd.DataFrame:
    """Which links create value: per activity the value :math:`V_a = v_a R` customers attribute to it,
    its cost :math:`C_a`, value added :math:`V_a - C_a` (summing to the margin) and value per unit of
    cost :math:`V_a / C_a`, ranked from the best link down; ``creates_value`` is :math:`V_a > C_a`.

    Parameters
    ----------
    chain : ValueChain
        A validated chain with ``value_share`` given for the nine activities.

    Returns
    -------
    pandas.DataFrame
        Index ``activity``, best link first: ``label``, ``kind``, ``value_share``, ``value``, ``cost``,
        ``value_added``, ``value_per_cost``, ``creates_value``, ``rank``.

    Raises
    ------
    SpecificationError
        The chain has no value shares.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> table = value_added(case)
    >>> round(float(table["value_added"].sum()), 6), table.index[0]
    (10.0, 'technology_development')
    """
    acts = chain.activities
    if acts["value_share"].isna().any():
        raise SpecificationError(f"value chain of {chain.firm}", [
            "value_share is not given, so the value each activity creates is unknown"],
            fix="add value_share (the share of customer value attributed to each activity, summing to 1) "
                "to the nine activities")
    out = acts[["label", "kind", "value_share"]].copy()
    out["value"] = acts["value_share"] * chain.revenue
    out["cost"] = acts["cost"]
    out["value_added"] = out["value"] - out["cost"]
    out["value_per_cost"] = out["value"] / out["cost"].where(out["cost"] > 0)
    out["creates_value"] = out["value_added"] > 0
    out = out.sort_values("value_per_cost", ascending=False, kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def touchpoint_gaps(chain: ValueChain, weakest: int = 3) -> pd.DataFrame:
    """Touchpoints in journey order with the importance-performance gap (importance - performance;
    Martilla & James 1977), its ``rank`` (1 = largest gap) and the ``weakest`` ones flagged.

    Parameters
    ----------
    chain : ValueChain
        A validated chain.
    weakest : int, default 3
        How many of the largest gaps to flag.

    Returns
    -------
    pandas.DataFrame
        The touchpoint table with ``gap``, ``rank`` and ``weakest`` added.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> touchpoint_gaps(case).query("weakest").index.tolist()
    ['site_speed', 'after_sales', 'web_contact']
    """
    if weakest < 0:
        raise ParameterError(f"weakest must be >= 0, got {weakest}")
    out = chain.touchpoints.copy()
    out["gap"] = out["importance"] - out["performance"]
    out["rank"] = out["gap"].rank(ascending=False, method="first").astype("int64")
    out["weakest"] = out["rank"] <= weakest
    return out


def touchpoint_index(chain: ValueChain) -> float:
    """Importance-weighted mean touchpoint performance :math:`\\sum_t w_t p_t / \\sum_t w_t`.

    Parameters
    ----------
    chain : ValueChain
        A validated chain with at least one touchpoint.

    Returns
    -------
    float
        On the chain's score scale.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> round(touchpoint_index(case), 3)
    4.348
    """
    tp = chain.touchpoints
    if tp.empty:
        raise SpecificationError(f"value chain of {chain.firm}", ["it has no touchpoints"],
                                 fix="list the touchpoints with importance and performance scores")
    return float((tp["importance"] * tp["performance"]).sum() / tp["importance"].sum())


def impact_matrix(chain: ValueChain, totals: bool = False) -> pd.DataFrame:
    """CRM initiative x activity matrix of annual cost changes :math:`\\Delta_{ia}` (+ spend, - saving);
    ``totals=True`` adds a ``total`` column (net cost of each initiative) and row (per activity).

    Parameters
    ----------
    chain : ValueChain
        A validated chain with initiatives.
    totals : bool, default False
        Add the margins.

    Returns
    -------
    pandas.DataFrame
        Index ``initiative``, one column per activity (in ``chain.currency`` per year).

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> round(float(impact_matrix(case, totals=True).loc["total", "total"]), 3)
    3.5
    """
    out = chain.impacts.copy()
    if totals:
        out["total"] = out.sum(axis=1)
        out.loc["total"] = out.sum(axis=0)
    return out


def activity_metric(chain: ValueChain, metric: str) -> pd.Series:
    """One number per activity, to shade the diagram: ``cost_share``; ``crm_impact``
    (:math:`\\sum_i |\\Delta_{ia}|`, how much the initiatives re-shape the activity); ``touchpoint_score``
    (importance-weighted mean performance of its touchpoints, NaN without any); ``value_per_cost``.

    Parameters
    ----------
    chain : ValueChain
        A validated chain.
    metric : str
        One of :data:`METRICS`.

    Returns
    -------
    pandas.Series
        Indexed by ``activity``, named by the metric.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> activity_metric(case, "cost_share").round(3).head(2).to_dict()
    {'inbound_logistics': 0.6, 'operations': 0.06}
    """
    if metric == "cost_share":
        out = chain.activities["cost"] / chain.total_cost
    elif metric == "crm_impact":
        out = chain.impacts.abs().sum(axis=0).reindex(list(ACTIVITIES), fill_value=0.0)
    elif metric == "touchpoint_score":
        tp = chain.touchpoints
        weighted = (tp["importance"] * tp["performance"]).groupby(tp["activity"]).sum()
        out = (weighted / tp.groupby("activity")["importance"].sum()).reindex(list(ACTIVITIES))
    elif metric == "value_per_cost":
        out = value_added(chain)["value_per_cost"].reindex(list(ACTIVITIES))
    else:
        raise ParameterError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    out = out.astype("float64")
    out.index.name, out.name = "activity", metric
    return out


def initiative_summary(chain: ValueChain, effect_scale: float = 1.0) -> pd.DataFrame:
    """Per CRM initiative: activities changed, ``spend`` (sum of cost increases), ``savings``,
    ``net_cost`` :math:`\\sum_a \\Delta_{ia}`, ``revenue_gain`` :math:`k g_i R`, ``margin_change``
    :math:`k g_i (R - \\sum_a u_a C_a) - \\sum_a \\Delta_{ia}` (``effect_scale`` :math:`k`, as in
    :func:`to_be`), ``return_on_spend`` (margin change per unit spent) and ``touchpoint_gain`` (change
    of the importance-weighted touchpoint score). The margin changes add up to the to-be margin change.

    Parameters
    ----------
    chain : ValueChain
        A validated chain with initiatives.
    effect_scale : float, default 1.0
        Share :math:`k` of the expected revenue effects realised (>= 0).

    Returns
    -------
    pandas.DataFrame
        Index ``initiative``: ``name``, ``activities``, ``spend``, ``savings``, ``net_cost``,
        ``revenue_effect``, ``revenue_gain``, ``margin_change``, ``return_on_spend``, ``touchpoint_gain``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> round(float(initiative_summary(case)["margin_change"].sum()), 3)  # = to_be(case).margin - case.margin
    0.314
    """
    _check_scale(effect_scale)
    impacts = chain.impacts
    contribution = margin_summary(chain)["contribution_ratio"] * chain.revenue
    out = chain.initiatives[["name"]].copy()
    out["activities"] = impacts.ne(0).sum(axis=1).astype("int64")
    out["spend"] = impacts.clip(lower=0).sum(axis=1)
    out["savings"] = impacts.clip(upper=0).sum(axis=1).abs()
    out["net_cost"] = impacts.sum(axis=1)
    out["revenue_effect"] = chain.initiatives["revenue_effect"]
    out["revenue_gain"] = effect_scale * out["revenue_effect"] * chain.revenue
    out["margin_change"] = effect_scale * out["revenue_effect"] * contribution - out["net_cost"]
    out["return_on_spend"] = out["margin_change"] / out["spend"].where(out["spend"] > 0)
    weights = chain.touchpoints["importance"] / chain.touchpoints["importance"].sum()
    out["touchpoint_gain"] = chain.touchpoint_effects.mul(weights, axis=1).sum(axis=1)
    return out


def _check_scale(effect_scale: float) -> None:
    if not isinstance(effect_scale, (int, float)) or not np.isfinite(effect_scale) or effect_scale < 0:
        raise ParameterError(f"effect_scale must be a number >= 0 (1 = the expected effects), got {effect_scale!r}")


def to_be(chain: ValueChain, initiatives: Sequence[str] | None = None, effect_scale: float = 1.0) -> ValueChain:
    """The to-be chain once the CRM initiatives (all by default) are in place.

    :math:`R' = R(1+g)` with :math:`g = k\\sum_i g_i` (``effect_scale`` :math:`k` shrinks or inflates the
    expected revenue effects), :math:`C'_a = C_a(1+u_a g) + \\sum_i \\Delta_{ia}`, and touchpoint
    performance :math:`p'_t = p_t + \\sum_i \\delta_{it}` (kept within the scale, with a warning).
    Effects add up; the value shares are kept. The result has no initiatives left to apply.

    Parameters
    ----------
    chain : ValueChain
        The as-is chain.
    initiatives : sequence of str, optional
        Keys of the initiatives to apply (default: all).
    effect_scale : float, default 1.0
        Share :math:`k` of the expected revenue effects realised (>= 0).

    Returns
    -------
    ValueChain
        State ``"to-be"``; ``attrs`` records the initiatives applied and the effect scale.

    Raises
    ------
    ParameterError
        Unknown initiatives, a negative scale, or revenue effects that make revenue vanish.
    SpecificationError
        Savings that make an activity's cost negative.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> after = to_be(case)
    >>> round(after.revenue, 3), round(after.margin, 3), after.state
    (215.0, 10.314, 'to-be')
    """
    _check_scale(effect_scale)
    chosen = list(chain.initiatives.index) if initiatives is None else list(initiatives)
    unknown = [k for k in chosen if k not in chain.initiatives.index]
    if unknown:
        raise ParameterError(f"unknown initiative(s) {unknown}; the chain has {list(chain.initiatives.index)}")
    growth = effect_scale * float(chain.initiatives.loc[chosen, "revenue_effect"].sum())
    if growth <= -1:
        raise ParameterError(f"the revenue effects add up to {growth:+.3g}: revenue would vanish")
    acts = chain.activities.copy()
    acts["cost"] = acts["cost"] * (1.0 + acts["variable_share"] * growth) + chain.impacts.loc[chosen].sum(axis=0)
    negative = acts.index[acts["cost"] < 0].tolist()
    if negative:
        raise SpecificationError(f"to-be chain of {chain.firm}", [
            f"the savings make the cost of {a!r} negative ({acts.loc[a, 'cost']:.3g})" for a in negative],
            fix="savings cannot exceed an activity's cost: check the signs of cost_changes")
    tp = chain.touchpoints.copy()
    raw = tp["performance"] + chain.touchpoint_effects.loc[chosen].sum(axis=0).reindex(tp.index, fill_value=0.0)
    lo, hi = chain.scale
    outside = tp.index[(raw < lo) | (raw > hi)].tolist()
    if outside:
        warnings.warn(f"{len(outside)} to-be touchpoint score(s) left the {lo:g}-{hi:g} scale and were capped: "
                      f"{outside}", CrmlabWarning, stacklevel=2)
    tp["performance"] = raw.clip(lo, hi)
    empty = chain.initiatives.iloc[:0]
    return replace(chain, revenue=chain.revenue * (1.0 + growth), activities=acts, touchpoints=tp,
                   initiatives=empty, impacts=chain.impacts.iloc[:0], touchpoint_effects=chain.touchpoint_effects.iloc[:0],
                   state="to-be", attrs={**chain.attrs, "initiatives_applied": chosen, "effect_scale": effect_scale})


def break_even_effect_scale(chain: ValueChain, initiatives: Sequence[str] | None = None) -> float:
    """The share :math:`k^*` of the expected revenue effects at which the initiatives leave the margin
    unchanged: :math:`k^* = \\sum_{i,a} \\Delta_{ia} / (g (R - \\sum_a u_a C_a))` with :math:`g = \\sum_i g_i`.
    Below :math:`k^*` the programme lowers the margin (``inf`` if it has no revenue effect but a net cost).

    Parameters
    ----------
    chain : ValueChain
        The as-is chain.
    initiatives : sequence of str, optional
        Keys of the initiatives in the programme (default: all).

    Returns
    -------
    float
        :math:`k^* \\ge 0`; 0 when the programme saves money even without revenue effects.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> round(break_even_effect_scale(case), 3)
    0.918
    """
    summary = initiative_summary(chain)
    chosen = list(summary.index) if initiatives is None else list(initiatives)
    unknown = [k for k in chosen if k not in summary.index]
    if unknown:
        raise ParameterError(f"unknown initiative(s) {unknown}; the chain has {list(summary.index)}")
    net_cost = float(summary.loc[chosen, "net_cost"].sum())
    gain = float(summary.loc[chosen, "margin_change"].sum()) + net_cost  # g (R - sum u_a C_a)
    if gain <= 0:
        return float("inf") if net_cost > 0 else 0.0
    return max(net_cost / gain, 0.0)


def compare_margin(as_is: ValueChain, to_be_chain: ValueChain) -> pd.DataFrame:
    """Revenue, total cost, margin and margin rate of two chains, and the change.

    Parameters
    ----------
    as_is : ValueChain
        The chain before.
    to_be_chain : ValueChain
        The chain after (:func:`to_be`).

    Returns
    -------
    pandas.DataFrame
        Rows ``revenue``, ``total_cost``, ``margin``, ``margin_rate``, ``contribution_ratio``; columns
        ``as_is``, ``to_be``, ``change``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> compare_margin(case, to_be(case)).loc["margin"].round(3).tolist()
    [10.0, 10.314, 0.314]
    """
    rows = ["revenue", "total_cost", "margin", "margin_rate", "contribution_ratio"]
    out = pd.DataFrame({"as_is": margin_summary(as_is)[rows], "to_be": margin_summary(to_be_chain)[rows]})
    out["change"] = out["to_be"] - out["as_is"]
    return out


def compare_costs(as_is: ValueChain, to_be_chain: ValueChain) -> pd.DataFrame:
    """Per activity: cost and cost share as-is and to-be, and the change in cost.

    Parameters
    ----------
    as_is : ValueChain
        The chain before.
    to_be_chain : ValueChain
        The chain after.

    Returns
    -------
    pandas.DataFrame
        Index ``activity``: ``label``, ``cost_as_is``, ``cost_to_be``, ``change``, ``share_as_is``,
        ``share_to_be``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> round(float(compare_costs(case, to_be(case))["change"].sum()), 3)
    14.686
    """
    a, b = cost_structure(as_is), cost_structure(to_be_chain)
    out = pd.DataFrame({"label": a["label"], "cost_as_is": a["cost"], "cost_to_be": b["cost"]})
    out["change"] = out["cost_to_be"] - out["cost_as_is"]
    out["share_as_is"], out["share_to_be"] = a["cost_share"], b["cost_share"]
    return out


def compare_touchpoints(as_is: ValueChain, to_be_chain: ValueChain) -> pd.DataFrame:
    """Per touchpoint: importance, performance as-is and to-be, the change and both gaps.

    Parameters
    ----------
    as_is : ValueChain
        The chain before.
    to_be_chain : ValueChain
        The chain after.

    Returns
    -------
    pandas.DataFrame
        Index ``touchpoint``: ``name``, ``importance``, ``performance_as_is``, ``performance_to_be``,
        ``change``, ``gap_as_is``, ``gap_to_be``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> round(float(compare_touchpoints(case, to_be(case)).loc["checkout", "change"]), 3)
    1.5
    """
    a, b = as_is.touchpoints, to_be_chain.touchpoints
    out = pd.DataFrame({"name": a["name"], "importance": a["importance"],
                        "performance_as_is": a["performance"], "performance_to_be": b["performance"]})
    out["change"] = out["performance_to_be"] - out["performance_as_is"]
    out["gap_as_is"] = out["importance"] - out["performance_as_is"]
    out["gap_to_be"] = out["importance"] - out["performance_to_be"]
    return out


def process_map(chain: ValueChain) -> pd.DataFrame:
    """The as-is practice and the desired, customer-centred (outside-in) to-be practice per activity.

    Parameters
    ----------
    chain : ValueChain
        A validated chain.

    Returns
    -------
    pandas.DataFrame
        Index ``activity``: ``label``, ``as_is``, ``to_be``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> process_map(case).columns.tolist()
    ['label', 'as_is', 'to_be']
    """
    return chain.activities[["label", "as_is", "to_be"]].copy()


def linkage_summary(chain: ValueChain) -> pd.DataFrame:
    """Per activity: how many linkages leave and reach it, and their summed strength.

    Parameters
    ----------
    chain : ValueChain
        A validated chain.

    Returns
    -------
    pandas.DataFrame
        Index ``activity``: ``label``, ``links_out``, ``links_in``, ``strength_out``, ``strength_in``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> case = load_valuechain_case()
    >>> linkage_summary(case)[["links_out", "links_in"]].sum().tolist()
    [9, 9]
    """
    links = chain.linkages
    out = pd.DataFrame({"label": chain.activities["label"]})
    out["links_out"] = links.groupby("source").size().reindex(out.index, fill_value=0).astype("int64")
    out["links_in"] = links.groupby("target").size().reindex(out.index, fill_value=0).astype("int64")
    out["strength_out"] = links.groupby("source")["strength"].sum().reindex(out.index, fill_value=0.0)
    out["strength_in"] = links.groupby("target")["strength"].sum().reindex(out.index, fill_value=0.0)
    return out


def paying_initiatives(chain: ValueChain, effect_scale: float = 1.0) -> list[str]:
    """The CRM initiatives that pay for themselves: margin change >= 0 in :func:`initiative_summary`.

    Parameters
    ----------
    chain : ValueChain
        An as-is chain with initiatives.
    effect_scale : float, default 1.0
        Share :math:`k` of the expected revenue effects realised.

    Returns
    -------
    list of str
        Initiative keys in the chain's order.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> paying_initiatives(load_valuechain_case())
    ['site_performance', 'product_content', 'checkout_redesign', 'web_self_service', 'customer_database']
    """
    summary = initiative_summary(chain, effect_scale)
    return summary.index[summary["margin_change"] >= 0].tolist()


def effect_scale_sensitivity(chain: ValueChain, scales: Sequence[float],
                             programmes: Mapping[str, Sequence[str] | None] | None = None) -> pd.DataFrame:
    """Margin change :math:`M'(k) - M` of one or more CRM programmes as the realised share :math:`k` of
    their expected revenue effects varies (the to-be margin of :func:`to_be` at each ``effect_scale``).

    :math:`M'(k) - M = k \\sum_i g_i (R - \\sum_a u_a C_a) - \\sum_{i,a} \\Delta_{ia}` is linear in
    :math:`k`, zero at :func:`break_even_effect_scale`.

    Parameters
    ----------
    chain : ValueChain
        The as-is chain.
    scales : sequence of float
        Values of ``effect_scale`` (>= 0), one row each.
    programmes : mapping of str to list of str or None, optional
        Column name -> initiatives applied (``None``: all of them). Default: one column ``"all"``.

    Returns
    -------
    pandas.DataFrame
        Index ``effect_scale``; one column per programme, in ``chain.currency``.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> table = effect_scale_sensitivity(load_valuechain_case(), [0.0, 1.0])
    >>> table["all"].round(3).tolist()
    [-3.5, 0.314]
    """
    chosen = {"all": None} if programmes is None else dict(programmes)
    if not chosen:
        raise ParameterError("programmes is empty: name at least one set of initiatives (None = all)")
    index = pd.Index([float(k) for k in scales], name="effect_scale")
    return pd.DataFrame({name: [to_be(chain, initiatives, effect_scale=k).margin - chain.margin for k in index]
                         for name, initiatives in chosen.items()}, index=index)
