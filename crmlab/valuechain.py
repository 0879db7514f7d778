"""Porter's value chain as data: validated specifications, where CRM changes it, as-is vs to-be.

A firm's chain is a :class:`ValueChain` read from a small YAML specification
(:func:`read_value_chain`; the bundled case is :func:`crmlab.datasets.load_valuechain_case`, the blank
form ``datasets/valuechain_template.yaml``). It holds the nine value activities of Porter (1985, ch. 2)
with their costs, the customer touchpoints with importance and performance scores, the CRM initiatives
with the activities they change, and the linkages between activities.

The arithmetic (Porter 1985: margin is total value minus the collective cost of the value activities):

* cost of activity :math:`a`: :math:`C_a = s_a \\cdot R(1-m)` for cost share :math:`s_a`, revenue
  :math:`R` and margin rate :math:`m`; margin :math:`M = R - \\sum_a C_a`;
* value added by activity :math:`a`: :math:`V_a - C_a` with :math:`V_a = v_a R` for the share of customer
  value :math:`v_a` attributed to it, so that :math:`\\sum_a (V_a - C_a) = M`;
* to-be chain after CRM initiatives :math:`i` with revenue effects :math:`g_i` and cost changes
  :math:`\\Delta_{ia}`: :math:`g = \\sum_i g_i`, :math:`R' = R(1+g)`,
  :math:`C'_a = C_a(1 + u_a g) + \\sum_i \\Delta_{ia}` with :math:`u_a` the variable share of the
  activity's cost, hence :math:`M' - M = \\sum_i [g_i (R - \\sum_a u_a C_a) - \\sum_a \\Delta_{ia}]`.

Beyond the firm, a :class:`ValueSystem` (:func:`read_value_system`) places the chain between its
suppliers', channels' and buyers' chains (Porter 1985, ch. 2) with the CRM links between them, and
:func:`bullwhip_ratio` prices a shared demand signal (Chen et al. 2000).

Every plot takes ``ax=`` (a new figure when ``None``) and returns it.
"""

from __future__ import annotations

import difflib
import math
import numbers
import os
import textwrap
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle

from crmlab import datasets
from crmlab.errors import CrmlabWarning, ParameterError, SpecificationError
from crmlab.files import MAX_YAML_BYTES, describe_value, load_yaml
from crmlab.plotting import axes

#: Porter's five primary activities, in the order of his figure (left to right).
PRIMARY_ACTIVITIES = ("inbound_logistics", "operations", "outbound_logistics", "marketing_sales", "service")
#: Porter's four support activities, in the order of his figure (top to bottom).
SUPPORT_ACTIVITIES = ("firm_infrastructure", "human_resource_management", "technology_development", "procurement")
#: All nine value activities.
ACTIVITIES = PRIMARY_ACTIVITIES + SUPPORT_ACTIVITIES

#: How far the cost shares (and value shares) may be from summing to one.
SHARE_TOLERANCE = 1e-6

#: Metrics :func:`activity_metric` (and the diagram's shading) know.
METRICS = ("cost_share", "crm_impact", "touchpoint_score", "value_per_cost")

_TOP_KEYS = {"firm", "description", "currency", "revenue", "margin", "scale", "activities", "touchpoints",
             "initiatives", "linkages"}
_REQUIRED_TOP = ("firm", "revenue", "margin", "activities")
_ACTIVITY_KEYS = {"activity", "cost_share", "variable_share", "value_share", "as_is", "to_be"}
_TOUCHPOINT_KEYS = {"key", "name", "stage", "activity", "importance", "performance"}
_INITIATIVE_KEYS = {"key", "name", "description", "revenue_effect", "cost_changes", "touchpoint_effects"}
_LINKAGE_KEYS = {"source", "target", "strength", "description"}
_FIX = ("correct every listed entry (datasets/valuechain_template.yaml shows every field with a valid "
        "value) and read the file again")


@cache
def _porter() -> pd.DataFrame:
    return datasets.load_porter_value_chain()


def activity_labels() -> dict[str, str]:
    """Porter's names of the nine activities, by key (``"marketing_sales"`` -> ``"Marketing & sales"``)."""
    return _porter()["label"].to_dict()


def crm_framing_matrix() -> pd.DataFrame:
    """Activity x aspect table (1 = the aspect concerns the activity) of CRM's three levels
    (philosophy, management mechanism, technology) and its internal and external customers."""
    framing = datasets.load_crm_framing().reset_index()
    out = pd.DataFrame(0, index=pd.Index(list(ACTIVITIES), name="activity"), columns=framing["aspect"].tolist())
    for aspect, listed in zip(framing["aspect"], framing["activities"], strict=True):
        out.loc[listed.split(", "), aspect] = 1
    out.columns.name = "aspect"
    return out.astype("int64")


# ---------------------------------------------------------------------------------------------------
# The chain


@dataclass(frozen=True, eq=False)
class ValueChain:
    """One firm's value chain, as validated by :func:`read_value_chain`.

    ``activities`` (index ``activity``, Porter's order): ``kind``, ``label``, ``cost``,
    ``variable_share``, ``value_share`` (NaN when not given), ``as_is``, ``to_be``.
    ``touchpoints`` (index ``touchpoint``, journey order): ``name``, ``stage``, ``activity``,
    ``importance``, ``performance``. ``initiatives`` (index ``initiative``): ``name``, ``description``,
    ``revenue_effect``. ``impacts``: initiative x activity annual cost change. ``touchpoint_effects``:
    initiative x touchpoint change in performance. ``linkages``: ``source``, ``target``, ``strength``,
    ``description``.
    """

    firm: str
    revenue: float
    activities: pd.DataFrame
    touchpoints: pd.DataFrame
    initiatives: pd.DataFrame
    impacts: pd.DataFrame
    touchpoint_effects: pd.DataFrame
    linkages: pd.DataFrame
    currency: str = "currency units"
    description: str = ""
    scale: tuple[float, float] = (1.0, 7.0)
    state: str = "as-is"
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def total_cost(self) -> float:
        """:math:`\\sum_a C_a`."""
        return float(self.activities["cost"].sum())

    @property
    def margin(self) -> float:
        """:math:`M = R - \\sum_a C_a` (Porter 1985)."""
        return self.revenue - self.total_cost

    @property
    def margin_rate(self) -> float:
        """:math:`M / R`."""
        return self.margin / self.revenue

    def __repr__(self) -> str:
        return (f"ValueChain({self.firm!r}, {self.state}, revenue={self.revenue:g} {self.currency}, "
                f"margin={self.margin_rate:.1%}, {len(self.touchpoints)} touchpoints, "
                f"{len(self.initiatives)} initiatives, {len(self.linkages)} linkages)")


def read_value_chain(source: str | os.PathLike[str] | Mapping[str, Any], *, encoding: str | None = None,
                     max_bytes: int = MAX_YAML_BYTES) -> ValueChain:
    """Read and validate a value-chain specification (a YAML file or an already-parsed mapping).

    The file is read by :func:`crmlab.files.load_yaml`: UTF-8 (with or without a byte-order mark) unless
    ``encoding=`` names another codec (e.g. ``"gb18030"``), at most ``max_bytes``, with bounded nesting
    and aliases. Every problem is collected and raised at once as a :class:`SpecificationError`:
    unknown or missing activities, missing or negative cost shares, shares that do not sum to one,
    duplicate keys, unknown touchpoints or activities in initiatives and linkages, scores outside the
    scale, and values of the wrong type (a mapping or list where a name belongs, ``2e6`` or ``010``
    that YAML reads as text, numbers too large to compute with), each with the key and how to write it.
    Unreadable files raise :class:`~crmlab.errors.DataFileError`.
    """
    problems: list[str] = []
    if isinstance(source, Mapping):
        spec: Any = source
        where = "value-chain specification"
    else:
        path = Path(source)
        where = f"value chain {path.name}"
        duplicates: list[str] = []
        spec = load_yaml(path, what=where, encoding=encoding, max_bytes=max_bytes, duplicates=duplicates)
        problems += duplicates
    if not isinstance(spec, Mapping):
        raise SpecificationError(where, ["the specification must be a mapping with the keys "
                                         f"{', '.join(_REQUIRED_TOP)} (and optionally touchpoints, initiatives, linkages)"],
                                 fix=_FIX)
    chain = _build(spec, problems)
    if problems or chain is None:
        raise SpecificationError(where, problems, fix=_FIX)
    chain.attrs.update(
        name="value_chain", description=f"value chain of {chain.firm}",
        source="a mapping" if isinstance(source, Mapping) else str(source),
        citation="", licence="the user's own data", synthetic=False,
    )
    return chain


def _suggest(name: object, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(name), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _number(value: object, what: str, problems: list[str], lo: float | None = None,
            hi: float | None = None) -> float | None:
    """``value`` as a float, or ``None`` after recording why it is not an admissible number."""
    if value is None:
        problems.append(f"{what} is missing")
        return None
    number = _finite(value)
    if number is None:
        problems.append(f"{what} must be a number, {describe_value(value, expected='number')}")
        return None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f"between {lo:g} and {hi:g}" if lo is not None and hi is not None else (
            f">= {lo:g}" if lo is not None else f"<= {hi:g}")
        problems.append(f"{what} must be {bounds}, got {value!r}")
        return None
    return number


def _finite(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` (booleans, text, containers, inf, nan, huge integers)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _text(value: object, what: str, problems: list[str], *, name: bool = False) -> str | None:
    """``value`` as text, or ``None`` after recording why it cannot be one.

    A name (``name=True``: activity, touchpoint and initiative keys, linkage ends) must be text or a whole
    number; free text (firm, descriptions) may also be a decimal number or a date. Mappings, lists and
    YAML's booleans (an unquoted yes/no/on/off) are refused with how to write the value.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return str(value)
    if not name and (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
                     or hasattr(value, "isoformat")):
        return str(value)
    problems.append(f"{what} must be {'a name' if name else 'text'}, {describe_value(value, expected='text')}")
    return None


def _entries(spec: Mapping[str, Any], section: str, allowed: set[str], problems: list[str]) -> list[dict[str, Any]]:
    """The list of mappings under ``section``, recording malformed entries and unknown fields."""
    raw = spec.get(section) or []
    if not isinstance(raw, list):
        problems.append(f"{section} must be a list of entries (lines starting with '- '), got {type(raw).__name__}")
        return []
    out = []
    for i, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            problems.append(f"{section} entry {i} must be a mapping of fields, got {entry!r}")
            continue
        for key in entry:
            if key not in allowed:
                problems.append(f"{section} entry {i}: unknown field {key!r}{_suggest(key, sorted(allowed))}")
        out.append(dict(entry))
    return out


def _unique(entries: list[dict[str, Any]], key: str, section: str, problems: list[str]) -> None:
    positions: dict[Any, list[int]] = {}
    for i, entry in enumerate(entries, start=1):
        if isinstance(entry.get(key), (str, int, float)):
            positions.setdefault(entry[key], []).append(i)
    for name, where in positions.items():
        if len(where) > 1:
            problems.append(f"{section}: {key} {name!r} appears {len(where)} times (entries {where})")


def _build(spec: Mapping[str, Any], problems: list[str]) -> ValueChain | None:
    for key in spec:
        if key not in _TOP_KEYS:
            problems.append(f"unknown top-level key {key!r}{_suggest(key, sorted(_TOP_KEYS))}")
    for key in _REQUIRED_TOP:
        if key not in spec:
            problems.append(f"required key {key!r} is missing")
    revenue = _number(spec.get("revenue"), "revenue", problems) if "revenue" in spec else None
    if revenue is not None and revenue <= 0:
        problems.append(f"revenue must be > 0, got {revenue:g}")
        revenue = None
    margin = _number(spec.get("margin"), "margin", problems) if "margin" in spec else None
    if margin is not None and margin >= 1:
        problems.append(f"margin must be below 1 (a share of revenue: 0.05 = 5 %), got {margin:g}")
        margin = None
    firm = None
    if "firm" in spec:
        firm = _text(spec["firm"], "firm", problems) if spec["firm"] is not None else None
        if spec["firm"] is None or firm == "":
            problems.append("firm is empty: write the firm's name after 'firm:'")
    currency = _text(spec.get("currency", "currency units"), "currency", problems)
    description = _text(spec.get("description", ""), "description", problems)
    scale = _scale(spec.get("scale", [1, 7]), problems)
    activities = _activities(spec, problems)
    touchpoints = _touchpoints(spec, scale, problems)
    initiatives, impacts, effects = _initiatives(spec, touchpoints, problems)
    linkages = _linkages(spec, problems)
    if problems or revenue is None or margin is None or activities is None or scale is None:
        return None
    activities["cost"] = activities.pop("cost_share") * revenue * (1.0 - margin)
    porter = _porter()
    activities.insert(0, "label", porter.loc[list(ACTIVITIES), "label"].to_numpy())
    activities.insert(0, "kind", porter.loc[list(ACTIVITIES), "kind"].to_numpy())
    return ValueChain(
        firm=str(firm), revenue=revenue, activities=activities, touchpoints=touchpoints,
        initiatives=initiatives, impacts=impacts, touchpoint_effects=effects, linkages=linkages,
        currency=str(currency), description=str(description),
        scale=scale,
    )


def _scale(raw: object, problems: list[str]) -> tuple[float, float] | None:
    ends = [_finite(v) for v in raw] if isinstance(raw, list) and len(raw) == 2 else [None]
    if None in ends or ends[0] >= ends[1]:
        problems.append(f"scale must be [lowest, highest] score, e.g. [1, 7], got {raw!r}")
        return None
    return ends[0], ends[1]


def _activities(spec: Mapping[str, Any], problems: list[str]) -> pd.DataFrame | None:
    entries = _entries(spec, "activities", _ACTIVITY_KEYS, problems)
    before = len(problems)
    _unique(entries, "activity", "activities", problems)
    rows: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries, start=1):
        name = entry.get("activity")
        if name is None:
            problems.append(f"activities entry {i} has no 'activity' name")
            continue
        if not isinstance(name, str):
            name = _text(name, f"activities entry {i}: activity", problems, name=True)
            if name is None:
                continue
        if name not in ACTIVITIES:
            problems.append(f"activities entry {i}: unknown activity {name!r}{_suggest(name, ACTIVITIES)}; "
                            f"Porter's nine are {', '.join(ACTIVITIES)}")
            continue
        what = f"activity {name!r}"
        if "cost_share" not in entry:
            problems.append(f"{what} has no cost_share (missing cost)")
        rows.setdefault(name, {
            "cost_share": _number(entry.get("cost_share"), f"{what}: cost_share", problems, 0.0, 1.0)
            if "cost_share" in entry else None,
            "variable_share": _number(entry.get("variable_share", 1.0), f"{what}: variable_share", problems, 0.0, 1.0),
            "value_share": (_number(entry["value_share"], f"{what}: value_share", problems, 0.0, 1.0)
                            if "value_share" in entry else np.nan),
            "as_is": str(_text(entry.get("as_is", ""), f"{what}: as_is", problems)),
            "to_be": str(_text(entry.get("to_be", ""), f"{what}: to_be", problems)),
        })
    if "activities" in spec:
        missing = [a for a in ACTIVITIES if a not in rows]
        if missing and entries:
            problems.append(f"activities missing: {', '.join(missing)} (list all nine; give cost_share 0 "
                            "to an activity the firm does not perform)")
        elif not entries:
            problems.append("activities is empty: list Porter's nine activities with their cost_share")
    if len(problems) > before or not rows:
        return None
    table = pd.DataFrame.from_dict(rows, orient="index").loc[list(ACTIVITIES)]
    table.index.name = "activity"
    total = float(table["cost_share"].sum())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        problems.append(f"cost shares sum to {total:.6g}, not 1 (off by {total - 1:+.6g}); "
                        "rescale them or let the last one take the remainder")
    given = table["value_share"].notna()
    if given.any() and not given.all():
        problems.append(f"value_share is given for some activities but not for "
                        f"{', '.join(table.index[~given])}: give it for all nine or for none")
    elif given.all() and abs(table["value_share"].sum() - 1.0) > SHARE_TOLERANCE:
        problems.append(f"value shares sum to {table['value_share'].sum():.6g}, not 1")
    return None if len(problems) > before else table.astype(
        {"cost_share": "float64", "variable_share": "float64", "value_share": "float64"})


def _touchpoints(spec: Mapping[str, Any], scale: tuple[float, float] | None, problems: list[str]) -> pd.DataFrame:
    entries = _entries(spec, "touchpoints", _TOUCHPOINT_KEYS, problems)
    _unique(entries, "key", "touchpoints", problems)
    lo, hi = scale if scale is not None else (None, None)
    rows = []
    for i, entry in enumerate(entries, start=1):
        key = entry.get("key")
        if key is not None:
            key = _text(key, f"touchpoints entry {i}: key", problems, name=True)
        what = f"touchpoint {key!r}" if key is not None else f"touchpoints entry {i}"
        if "key" not in entry or entry["key"] is None:
            problems.append(f"touchpoints entry {i} has no 'key'")
        activity = entry.get("activity")
        if activity is not None and not isinstance(activity, str):
            _text(activity, f"{what}: activity", problems, name=True)
        elif activity is None:
            problems.append(f"{what} has no 'activity' (the value activity it belongs to)")
        elif activity not in ACTIVITIES:
            problems.append(f"{what}: unknown activity {activity!r}{_suggest(activity, ACTIVITIES)}")
        scores = {s: _number(entry.get(s), f"{what}: {s}", problems, lo, hi) for s in ("importance", "performance")}
        rows.append({"touchpoint": key, "name": str(_text(entry.get("name", key), f"{what}: name", problems)),
                     "stage": str(_text(entry.get("stage", ""), f"{what}: stage", problems)),
                     "activity": activity if isinstance(activity, str) else None, **scores})
    table = pd.DataFrame(rows, columns=["touchpoint", "name", "stage", "activity", "importance", "performance"])
    table = table.set_index("touchpoint")
    return table.astype({"importance": "float64", "performance": "float64"})


def _initiatives(spec: Mapping[str, Any], touchpoints: pd.DataFrame,
                 problems: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    entries = _entries(spec, "initiatives", _INITIATIVE_KEYS, problems)
    _unique(entries, "key", "initiatives", problems)
    rows, impacts, effects = [], {}, {}
    for i, entry in enumerate(entries, start=1):
        key = entry.get("key")
        if key is not None:
            key = _text(key, f"initiatives entry {i}: key", problems, name=True)
        what = f"initiative {key!r}" if key is not None else f"initiatives entry {i}"
        if "key" not in entry or entry["key"] is None:
            problems.append(f"initiatives entry {i} has no 'key'")
        effect = _number(entry.get("revenue_effect"), f"{what}: revenue_effect", problems)
        if effect is not None and effect <= -1:
            problems.append(f"{what}: revenue_effect must be above -1 (a relative change: 0.02 = +2 %), got {effect:g}")
        changes = entry.get("cost_changes")
        if not isinstance(changes, Mapping) or not changes:
            problems.append(f"{what}: cost_changes must map the activities it changes to their annual cost "
                            f"change, e.g. {{service: -0.5}}; got {changes!r}")
            changes = {}
        for activity, amount in changes.items():
            if activity not in ACTIVITIES:
                problems.append(f"{what}: cost_changes names unknown activity {activity!r}{_suggest(activity, ACTIVITIES)}")
            _number(amount, f"{what}: cost change of {activity!r}", problems)
        tp = entry.get("touchpoint_effects") or {}
        if not isinstance(tp, Mapping):
            problems.append(f"{what}: touchpoint_effects must map touchpoint keys to score changes, got {tp!r}")
            tp = {}
        # touchpoint keys written as whole numbers (1, 2, ...) are names, as in the touchpoints section
        tp = {_text(k, f"{what}: touchpoint_effects key", problems, name=True) if not isinstance(k, str) else k: v
              for k, v in tp.items()}
        for name, amount in tp.items():
            if name not in touchpoints.index:
                problems.append(f"{what}: touchpoint_effects names unknown touchpoint {name!r}"
                                f"{_suggest(name, [str(t) for t in touchpoints.index])}")
            _number(amount, f"{what}: effect on touchpoint {name!r}", problems)
        rows.append({"initiative": key, "name": str(_text(entry.get("name", key), f"{what}: name", problems)),
                     "description": str(_text(entry.get("description", ""), f"{what}: description", problems)),
                     "revenue_effect": effect})
        impacts[key], effects[key] = dict(changes), dict(tp)
    table = pd.DataFrame(rows, columns=["initiative", "name", "description", "revenue_effect"]).set_index("initiative")
    index = pd.Index(table.index, name="initiative")
    if problems:
        return table, pd.DataFrame(index=index), pd.DataFrame(index=index)
    impact = pd.DataFrame([impacts[k] for k in index], index=index, columns=list(ACTIVITIES), dtype="float64")
    effect_table = pd.DataFrame([effects[k] for k in index], index=index, columns=touchpoints.index, dtype="float64")
    impact.columns.name, effect_table.columns.name = "activity", "touchpoint"
    return table.astype({"revenue_effect": "float64"}), impact.fillna(0.0), effect_table.fillna(0.0)


def _linkages(spec: Mapping[str, Any], problems: list[str]) -> pd.DataFrame:
    entries = _entries(spec, "linkages", _LINKAGE_KEYS, problems)
    rows, seen = [], {}
    for i, entry in enumerate(entries, start=1):
        source, target = entry.get("source"), entry.get("target")
        if source is not None and not isinstance(source, str):
            source = _text(source, f"linkages entry {i}: source", problems, name=True)
        if target is not None and not isinstance(target, str):
            target = _text(target, f"linkages entry {i}: target", problems, name=True)
        for end, name in (("source", source), ("target", target)):
            if name is None and entry.get(end) is not None:
                continue
            if name is None:
                problems.append(f"linkages entry {i} has no {end}")
            elif name not in ACTIVITIES:
                problems.append(f"linkages entry {i}: unknown {end} activity {name!r}{_suggest(name, ACTIVITIES)}")
        if source is not None and source == target:
            problems.append(f"linkages entry {i}: {source!r} links to itself")
        if (source, target) in seen:
            problems.append(f"linkages entry {i}: {source} -> {target} duplicates entry {seen[(source, target)]}")
        seen.setdefault((source, target), i)
        strength = _number(entry.get("strength", 1), f"linkages entry {i}: strength", problems, 1.0, 3.0)
        rows.append({"source": source, "target": target, "strength": strength,
                     "description": str(_text(entry.get("description", ""), f"linkages entry {i}: description",
                                              problems))})
    table = pd.DataFrame(rows, columns=["source", "target", "strength", "description"])
    return table.astype({"strength": "float64"})


# ---------------------------------------------------------------------------------------------------
# Analyses


def margin_summary(chain: ValueChain) -> pd.Series:
    """Revenue, total cost, margin :math:`M = R - \\sum_a C_a`, margin rate, variable cost
    :math:`\\sum_a u_a C_a` and contribution ratio :math:`1 - \\sum_a u_a C_a / R`."""
    variable = float((chain.activities["cost"] * chain.activities["variable_share"]).sum())
    return pd.Series({
        "revenue": chain.revenue, "total_cost": chain.total_cost, "margin": chain.margin,
        "margin_rate": chain.margin_rate, "variable_cost": variable,
        "contribution_ratio": 1.0 - variable / chain.revenue,
    }, name=chain.state)


def cost_structure(chain: ValueChain) -> pd.DataFrame:
    """Per activity: ``cost`` :math:`C_a`, ``cost_share`` :math:`C_a/\\sum C` and ``cost_to_revenue`` :math:`C_a/R`."""
    out = chain.activities[["label", "kind", "cost"]].copy()
    out["cost_share"] = out["cost"] / chain.total_cost
    out["cost_to_revenue"] = out["cost"] / chain.revenue
    return out


def value_added(chain: ValueChain) -> pd.DataFrame:
    """Which links create value: per activity the value :math:`V_a = v_a R` customers attribute to it,
    its cost :math:`C_a`, value added :math:`V_a - C_a` (summing to the margin) and value per unit of
    cost :math:`V_a / C_a`, ranked from the best link down; ``creates_value`` is :math:`V_a > C_a`."""
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
    Martilla & James 1977), its ``rank`` (1 = largest gap) and the ``weakest`` ones flagged."""
    if weakest < 0:
        raise ParameterError(f"weakest must be >= 0, got {weakest}")
    out = chain.touchpoints.copy()
    out["gap"] = out["importance"] - out["performance"]
    out["rank"] = out["gap"].rank(ascending=False, method="first").astype("int64")
    out["weakest"] = out["rank"] <= weakest
    return out


def touchpoint_index(chain: ValueChain) -> float:
    """Importance-weighted mean touchpoint performance :math:`\\sum_t w_t p_t / \\sum_t w_t`."""
    tp = chain.touchpoints
    if tp.empty:
        raise SpecificationError(f"value chain of {chain.firm}", ["it has no touchpoints"],
                                 fix="list the touchpoints with importance and performance scores")
    return float((tp["importance"] * tp["performance"]).sum() / tp["importance"].sum())


def impact_matrix(chain: ValueChain, totals: bool = False) -> pd.DataFrame:
    """CRM initiative x activity matrix of annual cost changes :math:`\\Delta_{ia}` (+ spend, - saving);
    ``totals=True`` adds a ``total`` column (net cost of each initiative) and row (per activity)."""
    out = chain.impacts.copy()
    if totals:
        out["total"] = out.sum(axis=1)
        out.loc["total"] = out.sum(axis=0)
    return out


def activity_metric(chain: ValueChain, metric: str) -> pd.Series:
    """One number per activity, to shade the diagram: ``cost_share``; ``crm_impact``
    (:math:`\\sum_i |\\Delta_{ia}|`, how much the initiatives re-shape the activity); ``touchpoint_score``
    (importance-weighted mean performance of its touchpoints, NaN without any); ``value_per_cost``."""
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
    of the importance-weighted touchpoint score). The margin changes add up to the to-be margin change."""
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
    Below :math:`k^*` the programme lowers the margin (``inf`` if it has no revenue effect but a net cost)."""
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
    """Revenue, total cost, margin and margin rate of two chains, and the change."""
    rows = ["revenue", "total_cost", "margin", "margin_rate", "contribution_ratio"]
    out = pd.DataFrame({"as_is": margin_summary(as_is)[rows], "to_be": margin_summary(to_be_chain)[rows]})
    out["change"] = out["to_be"] - out["as_is"]
    return out


def compare_costs(as_is: ValueChain, to_be_chain: ValueChain) -> pd.DataFrame:
    """Per activity: cost and cost share as-is and to-be, and the change in cost."""
    a, b = cost_structure(as_is), cost_structure(to_be_chain)
    out = pd.DataFrame({"label": a["label"], "cost_as_is": a["cost"], "cost_to_be": b["cost"]})
    out["change"] = out["cost_to_be"] - out["cost_as_is"]
    out["share_as_is"], out["share_to_be"] = a["cost_share"], b["cost_share"]
    return out


def compare_touchpoints(as_is: ValueChain, to_be_chain: ValueChain) -> pd.DataFrame:
    """Per touchpoint: importance, performance as-is and to-be, the change and both gaps."""
    a, b = as_is.touchpoints, to_be_chain.touchpoints
    out = pd.DataFrame({"name": a["name"], "importance": a["importance"],
                        "performance_as_is": a["performance"], "performance_to_be": b["performance"]})
    out["change"] = out["performance_to_be"] - out["performance_as_is"]
    out["gap_as_is"] = out["importance"] - out["performance_as_is"]
    out["gap_to_be"] = out["importance"] - out["performance_to_be"]
    return out


def process_map(chain: ValueChain) -> pd.DataFrame:
    """The as-is practice and the desired, customer-centred (outside-in) to-be practice per activity."""
    return chain.activities[["label", "as_is", "to_be"]].copy()


def linkage_summary(chain: ValueChain) -> pd.DataFrame:
    """Per activity: how many linkages leave and reach it, and their summed strength."""
    links = chain.linkages
    out = pd.DataFrame({"label": chain.activities["label"]})
    out["links_out"] = links.groupby("source").size().reindex(out.index, fill_value=0).astype("int64")
    out["links_in"] = links.groupby("target").size().reindex(out.index, fill_value=0).astype("int64")
    out["strength_out"] = links.groupby("source")["strength"].sum().reindex(out.index, fill_value=0.0)
    out["strength_in"] = links.groupby("target")["strength"].sum().reindex(out.index, fill_value=0.0)
    return out


# ---------------------------------------------------------------------------------------------------
# Plots

_CHAIN_RIGHT = 8.2      # where the activities end and the margin arrow starts
_PRIMARY_TOP = 2.4      # height of the primary chevrons
_SUPPORT_BAND = 0.8     # height of one support band
_GAP = 0.15


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _metric_label(name: object, chain: ValueChain | None) -> str:
    """Colour-bar label of a metric, with its unit."""
    currency = chain.currency if chain is not None else "currency units"
    scale = f"{chain.scale[0]:g}-{chain.scale[1]:g}" if chain is not None else "score"
    known = {
        "cost_share": "cost share (of total activity cost)",
        "crm_impact": f"CRM impact: sum of |cost changes| ({currency})",
        "touchpoint_score": f"importance-weighted touchpoint score ({scale} scale)",
        "value_per_cost": "value per unit of cost (V / C)",
    }
    return known.get(str(name), str(name).replace("_", " ") if isinstance(name, str) else "metric")


def plot_value_chain(chain: ValueChain | None = None, metric: str | pd.Series | None = None, *,
                     ax: Axes | None = None, cmap: str = "Blues", title: str | None = None) -> Axes:
    """Porter's value-chain diagram: four support bands over five primary chevrons, the margin arrow on
    the right. ``metric`` (a name from :data:`METRICS` or a Series indexed by activity) shades the
    activities; activities without a value are grey. Patches and labels carry the activity key as gid."""
    ax = axes(ax, (10.0, 4.8))
    labels = activity_labels()
    values: pd.Series | None = None
    if isinstance(metric, str):
        if chain is None:
            raise ParameterError("a metric name needs a chain: pass chain=...")
        values = activity_metric(chain, metric)
    elif metric is not None:
        unknown = [k for k in metric.index if k not in ACTIVITIES]
        if unknown:
            raise ParameterError(f"metric has unknown activities {unknown}; use the keys {list(ACTIVITIES)}")
        values = metric.reindex(list(ACTIVITIES)).astype("float64")
    finite = values.dropna() if values is not None else pd.Series(dtype="float64")
    norm = None
    if isinstance(metric, str) and metric == "touchpoint_score" and chain is not None:
        norm = mcolors.Normalize(*chain.scale)
    elif len(finite):
        norm = mcolors.Normalize(vmin=min(0.0, float(finite.min())), vmax=float(finite.max()))
    colormap = plt.get_cmap(cmap)

    def face(key: str, default: str) -> Any:
        if values is None:
            return default
        value = values[key]
        return "#dddddd" if pd.isna(value) or norm is None else colormap(0.15 + 0.7 * norm(value))

    def ink(key: str) -> str:
        """White text on dark shading, black otherwise."""
        rgb = mcolors.to_rgb(face(key, "#ffffff"))
        return "white" if 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 0.5 else "black"

    def caption(key: str) -> str:
        if values is None or pd.isna(values[key]):
            return "" if values is None else "\nn/a"
        return f"\n{values[key]:.3g}"

    support_top = _PRIMARY_TOP + _GAP + len(SUPPORT_ACTIVITIES) * _SUPPORT_BAND
    for i, key in enumerate(SUPPORT_ACTIVITIES):
        y0 = support_top - (i + 1) * _SUPPORT_BAND
        ax.add_patch(Rectangle((0, y0 + 0.04), _CHAIN_RIGHT, _SUPPORT_BAND - 0.08, facecolor=face(key, "#e8eef7"),
                               edgecolor="#34495e", linewidth=1.0, gid=key, label=labels[key]))
        ax.text(_CHAIN_RIGHT / 2, y0 + _SUPPORT_BAND / 2, labels[key] + caption(key).replace("\n", "   "),
                ha="center", va="center", fontsize=9, color=ink(key), gid=key)
    width, notch, h = _CHAIN_RIGHT / len(PRIMARY_ACTIVITIES), 0.28, _PRIMARY_TOP
    for i, key in enumerate(PRIMARY_ACTIVITIES):
        x0, x1 = i * width, (i + 1) * width
        left = (x0, h / 2) if i == 0 else (x0 + notch, h / 2)
        corners = [(x0, 0), (x1, 0), (x1 + notch, h / 2), (x1, h), (x0, h), left]
        ax.add_patch(Polygon(corners, closed=True, facecolor=face(key, "#f7f1e3"), edgecolor="#34495e",
                             linewidth=1.0, gid=key, label=labels[key]))
        # one word per line keeps every label inside its chevron ("Outbound / logistics", "Marketing / & sales")
        ax.text((x0 + x1) / 2 + notch / 2, h / 2, _wrap(labels[key], 9) + caption(key), ha="center", va="center",
                fontsize=8.5, color=ink(key), gid=key)
    right = _CHAIN_RIGHT
    arrow = [(right, 0), (right + notch, h / 2), (right, h), (right, support_top), (right + 1.6, support_top / 2)]
    ax.add_patch(Polygon(arrow, closed=True, facecolor="#d5f0dc", edgecolor="#34495e", linewidth=1.0,
                         gid="margin", label="Margin"))
    margin_text = "Margin" if chain is None else f"Margin\n{chain.margin_rate:.1%}"
    ax.text(right + 0.75, support_top / 2, margin_text, ha="center", va="center", fontsize=9, fontweight="bold",
            gid="margin")
    ax.text(-0.25, _PRIMARY_TOP / 2, "Primary activities", rotation=90, ha="center", va="center", fontsize=9)
    ax.text(-0.25, _PRIMARY_TOP + _GAP + 2 * _SUPPORT_BAND, "Support activities", rotation=90, ha="center",
            va="center", fontsize=9)
    ax.set_xlim(-0.5, right + 1.7)
    ax.set_ylim(-0.1, support_top + 0.1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if values is not None and norm is not None:
        shades = mcolors.ListedColormap(colormap(np.linspace(0.15, 0.85, 256)))
        mappable = plt.cm.ScalarMappable(norm=mcolors.Normalize(norm.vmin, norm.vmax), cmap=shades)
        ax.figure.colorbar(mappable, ax=ax, shrink=0.7, label=_metric_label(values.name, chain))
    firm = "Porter's generic value chain" if chain is None else f"{chain.firm} ({chain.state})"
    shaded = "" if values is None else ": " + _metric_label(values.name, chain).split(" (")[0].split(":")[0]
    ax.set_title(title or firm + shaded)
    return ax


def plot_impact_matrix(chain: ValueChain, *, ax: Axes | None = None) -> Axes:
    """Heatmap of the initiative x activity cost changes (red = new spending, blue = savings)."""
    if chain.impacts.empty:
        raise SpecificationError(f"value chain of {chain.firm} ({chain.state})", ["it has no CRM initiatives"],
                                 fix="use the as-is chain, or add initiatives to the specification")
    ax = axes(ax, (10.0, 4.8))
    matrix = chain.impacts
    limit = float(matrix.abs().to_numpy().max()) or 1.0
    image = ax.imshow(matrix.to_numpy(), cmap="RdBu_r", norm=mcolors.Normalize(-limit, limit), aspect="auto")
    for (i, j), value in np.ndenumerate(matrix.to_numpy()):
        if value != 0:
            ax.text(j, i, f"{value:+.1f}", ha="center", va="center", fontsize=8)
    labels = activity_labels()
    ax.set_xticks(range(matrix.shape[1]), [_wrap(labels[a], 12) for a in matrix.columns], fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), chain.initiatives.loc[matrix.index, "name"], fontsize=8)
    ax.grid(False)
    ax.set_xlabel("value activity")
    ax.set_ylabel("CRM initiative")
    ax.figure.colorbar(image, ax=ax, label=f"annual cost change ({chain.currency})")
    ax.set_title(f"{chain.firm}: where the CRM initiatives change the chain")
    return ax


def plot_value_added(chain: ValueChain, *, ax: Axes | None = None) -> Axes:
    """Bars of value per unit of cost :math:`V_a/C_a` by activity; links right of 1 create value."""
    ax = axes(ax)
    table = value_added(chain).iloc[::-1]
    colours = np.where(table["creates_value"], "#2e8b57", "#c0392b")
    ax.barh(table["label"], table["value_per_cost"], color=colours)
    for y, (ratio, added) in enumerate(zip(table["value_per_cost"], table["value_added"], strict=True)):
        ax.text(ratio + 0.02, y, f"{added:+.1f}", va="center", fontsize=8)
    ax.axvline(1.0, color="black", linewidth=1, linestyle="--")
    ax.set_xlabel(f"value per unit of cost (V / C); labels: value added V - C ({chain.currency})")
    ax.set_ylabel("value activity")
    ax.set_title(f"{chain.firm}: which links create value ({chain.state})")
    return ax


def plot_journey(chain: ValueChain, to_be_chain: ValueChain | None = None, weakest: int = 3, *,
                 ax: Axes | None = None) -> Axes:
    """The customer journey: importance and performance of each touchpoint in journey order, the
    ``weakest`` (largest importance-performance gap) in red, and optionally the to-be performance."""
    ax = axes(ax, (10.0, 4.8))
    table = touchpoint_gaps(chain, weakest)
    x = np.arange(len(table))
    stages = table["stage"].tolist()
    start = 0
    for i in range(1, len(stages) + 1):
        if i == len(stages) or stages[i] != stages[start]:
            if (len({s for s in stages[:start]}) % 2) == 0:
                ax.axvspan(start - 0.5, i - 0.5, color="#f2f2f2", zorder=0)
            ax.text((start + i - 1) / 2, chain.scale[1] + 0.05, stages[start], ha="center", va="bottom", fontsize=8,
                    style="italic")
            start = i
    ax.plot(x, table["importance"], linestyle="--", marker="s", color="grey", label="importance")
    ax.plot(x, table["performance"], marker="o", color="#1f4e79", label=f"performance ({chain.state})")
    weak = table["weakest"].to_numpy()
    ax.vlines(x[weak], table["performance"][weak], table["importance"][weak], color="#c0392b", linewidth=2)
    ax.scatter(x[weak], table["performance"][weak], s=90, color="#c0392b", zorder=3,
               label=f"{weakest} weakest (largest gap)")
    if to_be_chain is not None:
        ax.plot(x, to_be_chain.touchpoints.loc[table.index, "performance"], marker="^", color="#2e8b57",
                label=f"performance ({to_be_chain.state})")
    ax.set_xticks(x, [_wrap(n, 12) for n in table["name"]], fontsize=7.5)
    ax.set_xlim(-0.5, len(table) - 0.5)
    ax.set_ylim(chain.scale[0], chain.scale[1] + 0.5)
    ax.set_xlabel("touchpoint, in the order the customer meets it")
    ax.set_ylabel(f"score ({chain.scale[0]:g}-{chain.scale[1]:g} scale)")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"{chain.firm}: customer journey and touchpoint gaps")
    return ax


def plot_linkages(chain: ValueChain, *, ax: Axes | None = None) -> Axes:
    """Directed graph of the linkages between activities (arrow width = strength), laid out like
    Porter's chain: support activities on the top row, primary activities below.

    Each edge is a quadratic curve whose bend is chosen so that it keeps clear of every other activity
    (:func:`curve_clear_of`); it starts and ends on the circles' rims, so the arrowheads are visible.
    """
    ax = axes(ax, (10.0, 5.4))
    labels = activity_labels()
    pos = {a: (1.0 + 2.0 * i, 0.0) for i, a in enumerate(PRIMARY_ACTIVITIES)}
    pos |= {a: (2.0 + 2.0 * i, 2.6) for i, a in enumerate(SUPPORT_ACTIVITIES)}
    radius = 0.6
    for key, (x, y) in pos.items():
        primary = key in PRIMARY_ACTIVITIES
        ax.add_patch(Circle((x, y), radius, facecolor="#f7f1e3" if primary else "#e8eef7", edgecolor="#34495e",
                            gid=key, zorder=2))
        ax.text(x, y, _wrap(labels[key], 10), ha="center", va="center", fontsize=7.5, zorder=3, gid=key)
    centres = {k: np.asarray(v, dtype=float) for k, v in pos.items()}
    for link in chain.linkages.itertuples():
        others = [c for k, c in centres.items() if k not in (link.source, link.target)]
        path = curve_clear_of(centres[link.source], centres[link.target], others, radius, pad=0.15)
        ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=16 + 3 * link.strength,
                                     shrinkA=0, shrinkB=0, linewidth=0.8 + 0.9 * link.strength, color="#8e44ad",
                                     alpha=0.9, zorder=1, gid=f"{link.source}->{link.target}"))
    for strength in sorted(chain.linkages["strength"].unique()):
        ax.plot([], [], color="#8e44ad", linewidth=0.8 + 0.9 * strength, label=f"strength {strength:g}")
    if len(chain.linkages):
        ax.legend(loc="upper center", fontsize=8, ncol=3, bbox_to_anchor=(0.5, 0.02))
    ax.set_xlim(-0.2, 10.2)
    ax.set_ylim(-1.9, 4.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"{chain.firm}: linkages between activities")
    return ax


def curve_clear_of(start: np.ndarray, end: np.ndarray, obstacles: Sequence[np.ndarray], radius: float,
                   pad: float = 0.15, bends: Sequence[float] = (0.0, 0.2, -0.2, 0.35, -0.35, 0.5, -0.5, 0.7,
                                                                -0.7, 0.9, -0.9)) -> Any:
    r"""A quadratic Bézier path from the rim of the circle at ``start`` to the rim of the one at ``end``.

    The control point is :math:`m + b\,(d_y, -d_x)` for the midpoint :math:`m`, the offset
    :math:`d = \text{end} - \text{start}` and bend :math:`b` (matplotlib's ``arc3`` rule); the first
    bend in ``bends`` whose curve passes no obstacle centre closer than ``radius + pad`` is taken (the
    clearest one if none does). The curve is then cut where it leaves the start circle and enters the
    end circle (de Casteljau: the piece between :math:`t_0` and :math:`t_1` has control points
    :math:`B(t_0, t_0), B(t_0, t_1), B(t_1, t_1)` of the blossom :math:`B`).

    Returns
    -------
    matplotlib.path.Path
        MOVETO, CURVE3, CURVE3: ready for ``FancyArrowPatch(path=...)``.
    """
    from matplotlib.path import Path as MplPath

    p0, p1 = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    d = p1 - p0
    t = np.linspace(0.0, 1.0, 2001)[:, None]
    blocks = np.asarray(obstacles, dtype=float).reshape(-1, 2)

    def blossom(control: np.ndarray, u: float, v: float) -> np.ndarray:
        return (1 - u) * (1 - v) * p0 + ((1 - u) * v + u * (1 - v)) * control + u * v * p1

    best: tuple[float, np.ndarray] | None = None
    for bend in bends:
        control = (p0 + p1) / 2 + bend * np.array([d[1], -d[0]])
        points = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * control + t**2 * p1
        clearance = (float(np.min(np.linalg.norm(points[:, None, :] - blocks[None, :, :], axis=2)))
                     if len(blocks) else np.inf)
        if best is None or clearance > best[0]:
            best = (clearance, control)
        if clearance >= radius + pad:
            best = (clearance, control)
            break
    assert best is not None
    control = best[1]
    points = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * control + t**2 * p1
    outside_start = np.linalg.norm(points - p0, axis=1) > radius
    outside_end = np.linalg.norm(points - p1, axis=1) > radius
    t0 = float(t[np.argmax(outside_start), 0])
    t1 = float(t[len(t) - 1 - np.argmax(outside_end[::-1]), 0])
    vertices = [blossom(control, t0, t0), blossom(control, t0, t1), blossom(control, t1, t1)]
    return MplPath(vertices, [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])


def plot_margin_bridge(chain: ValueChain, effect_scale: float = 1.0, *, ax: Axes | None = None) -> Axes:
    """Waterfall from the as-is margin through each initiative's margin change to the to-be margin."""
    ax = axes(ax, (10.0, 4.8))
    summary = initiative_summary(chain, effect_scale)
    changes = summary["margin_change"]
    names = ["as-is"] + [_wrap(n, 12) for n in summary["name"]] + ["to-be"]
    level = chain.margin
    ax.bar(0, level, color="#7f8c8d")
    for i, change in enumerate(changes, start=1):
        ax.bar(i, change, bottom=level, color="#2e8b57" if change >= 0 else "#c0392b")
        ax.text(i, level + max(change, 0) + 0.05, f"{change:+.2f}", ha="center", va="bottom", fontsize=8)
        level += change
    ax.bar(len(names) - 1, level, color="#1f4e79")
    ax.text(0, chain.margin + 0.05, f"{chain.margin:.2f}", ha="center", va="bottom", fontsize=8)
    ax.text(len(names) - 1, level + 0.05, f"{level:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(names)), names, fontsize=7.5)
    levels = chain.margin + np.concatenate([[0.0], np.cumsum(changes.to_numpy())])
    # a bridge is read at its steps: start the axis just below the lowest level (at 0 for small margins)
    bottom = float(np.floor(levels.min() - 1.0)) if levels.min() > 1.0 else float(np.floor(min(levels.min(), 0.0)))
    ax.set_ylim(bottom, float(levels.max()) + 0.4)
    axis_note = "" if bottom == 0 else f"; the axis starts at {bottom:g}"
    ax.set_ylabel(f"margin ({chain.currency}{axis_note})")
    ax.set_xlabel("CRM initiative")
    ax.set_title(f"{chain.firm}: margin bridge from as-is to to-be")
    return ax


# ---------------------------------------------------------------------------------------------------
# The value system: supplier, firm, channel and buyer chains, and where CRM links them

#: Porter's (1985, ch. 2) value system, upstream to downstream.
VALUE_SYSTEM_ROLES = ("supplier", "firm", "channel", "buyer")

#: The three kinds of CRM link between chains of a value system, with their labels.
CRM_LINK_KINDS = {
    "customer_data": "shared customer data",
    "demand_signal": "demand signals",
    "service_handoff": "service hand-offs",
}
_LINK_COLOURS = {"customer_data": "#1f77b4", "demand_signal": "#d62728", "service_handoff": "#2ca02c"}
_SYSTEM_TOP_KEYS = {"firm", "description", "time_unit", "forecast_window", "chains", "links"}
_CHAIN_KEYS = {"key", "role", "name", "lead_time", "description"}
_SYSTEM_LINK_KEYS = {"source", "target", "kind", "description"}


@dataclass(frozen=True, eq=False)
class ValueSystem:
    """A firm's value system, as validated by :func:`read_value_system`.

    ``chains`` (index ``chain``, upstream to downstream): ``role`` (one of
    :data:`VALUE_SYSTEM_ROLES`), ``name``, ``lead_time`` (replenishment lead time of a stocking chain,
    in ``time_unit``; NaN for the buyer), ``description``. ``links``: ``source_chain``,
    ``source_activity``, ``target_chain``, ``target_activity`` (an activity key or ``""`` for the
    chain as a whole), ``kind`` (a key of :data:`CRM_LINK_KINDS`), ``description``.
    """

    firm: str
    chains: pd.DataFrame
    links: pd.DataFrame
    forecast_window: int = 4
    time_unit: str = "weeks"
    description: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"ValueSystem({self.firm!r}, chains={list(self.chains.index)}, {len(self.links)} CRM links, "
                f"forecast window {self.forecast_window} {self.time_unit})")


def read_value_system(source: str | os.PathLike[str] | Mapping[str, Any]) -> ValueSystem:
    """Read and validate a value-system specification (a YAML file or an already-parsed mapping).

    Porter (1985, ch. 2) places the firm's value chain in a *value system*: the chains of its suppliers
    upstream, of its channels downstream and of its buyers, each performing activities that affect the
    firm's cost and the buyer's value. The specification lists the chains (``key``, ``role``, ``name``,
    ``lead_time``) from upstream to downstream and the CRM ``links`` between them: ``source`` and
    ``target`` are ``chain`` or ``chain.activity`` (an activity key of :data:`ACTIVITIES`), ``kind`` is
    one of :data:`CRM_LINK_KINDS`. Every problem is collected and raised at once as a
    :class:`SpecificationError`. The bundled case is ``datasets/valuesystem_case_ecommerce.yaml``.

    Parameters
    ----------
    source : str, os.PathLike or Mapping
        Path of a YAML file, or the parsed specification.

    Returns
    -------
    ValueSystem
        Chains and links as tables; ``attrs["source"]`` says where they came from.

    Raises
    ------
    SpecificationError
        Listing every problem: unknown roles, chains out of order, no firm or buyer, a lead time on the
        buyer, unknown chains or activities in links (with the closest name), a chain linked to itself,
        unknown link kinds, duplicate keys.
    """
    problems: list[str] = []
    if isinstance(source, Mapping):
        spec: Any = source
        where = "value-system specification"
    else:
        path = Path(source)
        where = f"value system {path.name}"
        spec = load_yaml(path, what=where, duplicates=problems)
    fix = ("list the chains upstream to downstream with roles supplier, firm, channel, buyer; give links as "
           "chain or chain.activity with a kind from " + ", ".join(CRM_LINK_KINDS))
    if not isinstance(spec, Mapping):
        raise SpecificationError(where, ["the specification must be a mapping with the keys firm, chains, links"],
                                 fix=fix)
    for key in spec:
        if key not in _SYSTEM_TOP_KEYS:
            problems.append(f"unknown top-level key {key!r}{_suggest(key, sorted(_SYSTEM_TOP_KEYS))}")
    for key in ("firm", "chains"):
        if key not in spec:
            problems.append(f"required key {key!r} is missing")
    window = spec.get("forecast_window", 4)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        problems.append(f"forecast_window must be a whole number of periods >= 1, got {window!r}")
    chains = _system_chains(spec, problems)
    links = _system_links(spec, chains, problems)
    if problems:
        raise SpecificationError(where, problems, fix=fix)
    system = ValueSystem(firm=str(spec["firm"]), chains=chains, links=links, forecast_window=int(window),
                         time_unit=str(spec.get("time_unit", "weeks")),
                         description=" ".join(str(spec.get("description", "")).split()))
    system.attrs.update(source="a mapping" if isinstance(source, Mapping) else str(source))
    return system


def _system_chains(spec: Mapping[str, Any], problems: list[str]) -> pd.DataFrame:
    entries = _entries(spec, "chains", _CHAIN_KEYS, problems)
    _unique(entries, "key", "chains", problems)
    rows = []
    for i, entry in enumerate(entries, start=1):
        key, role = entry.get("key"), entry.get("role")
        what = f"chain {key!r}" if key is not None else f"chains entry {i}"
        if key is None:
            problems.append(f"chains entry {i} has no 'key'")
        if role not in VALUE_SYSTEM_ROLES:
            problems.append(f"{what}: role must be one of {', '.join(VALUE_SYSTEM_ROLES)}, got {role!r}"
                            f"{_suggest(role, VALUE_SYSTEM_ROLES)}")
        lead = entry.get("lead_time")
        if role == "buyer":
            if lead is not None:
                problems.append(f"{what}: a buyer chain holds no stock for resale, so it has no lead_time")
            lead_time = np.nan
        else:
            lead_time = _number(lead, f"{what}: lead_time", problems, 0.0)
        rows.append({"chain": key, "role": role, "name": str(entry.get("name", key)), "lead_time": lead_time,
                     "description": " ".join(str(entry.get("description", "")).split())})
    table = pd.DataFrame(rows, columns=["chain", "role", "name", "lead_time", "description"]).set_index("chain")
    roles = table["role"].tolist()
    if entries:
        if roles.count("firm") != 1:
            problems.append(f"the value system needs exactly one chain with role 'firm', got {roles.count('firm')}")
        if "buyer" not in roles:
            problems.append("the value system needs a buyer chain (role 'buyer')")
        order = [VALUE_SYSTEM_ROLES.index(r) for r in roles if r in VALUE_SYSTEM_ROLES]
        if order != sorted(order):
            problems.append(f"list the chains upstream to downstream (supplier, firm, channel, buyer), got {roles}")
    elif "chains" in spec:
        problems.append("chains is empty: list the supplier, firm, channel and buyer chains")
    return table.astype({"lead_time": "float64"})


def _endpoint(raw: object, chains: pd.DataFrame, what: str, problems: list[str]) -> tuple[str, str]:
    if not isinstance(raw, str) or not raw:
        problems.append(f"{what} must be 'chain' or 'chain.activity', got {raw!r}")
        return "", ""
    chain, _, activity = raw.partition(".")
    if chain not in chains.index:
        problems.append(f"{what}: unknown chain {chain!r}{_suggest(chain, [str(c) for c in chains.index])}")
    if activity and activity not in ACTIVITIES:
        problems.append(f"{what}: unknown activity {activity!r}{_suggest(activity, ACTIVITIES)}")
    return chain, activity


def _system_links(spec: Mapping[str, Any], chains: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    entries = _entries(spec, "links", _SYSTEM_LINK_KEYS, problems)
    rows = []
    for i, entry in enumerate(entries, start=1):
        source = _endpoint(entry.get("source"), chains, f"links entry {i}: source", problems)
        target = _endpoint(entry.get("target"), chains, f"links entry {i}: target", problems)
        if source[0] and source[0] == target[0]:
            problems.append(f"links entry {i}: {source[0]!r} links to itself; links within one chain are "
                            "linkages of that chain (the value chain's own 'linkages')")
        kind = entry.get("kind")
        if kind not in CRM_LINK_KINDS:
            problems.append(f"links entry {i}: kind must be one of {', '.join(CRM_LINK_KINDS)}, got {kind!r}"
                            f"{_suggest(kind, list(CRM_LINK_KINDS))}")
        rows.append({"source_chain": source[0], "source_activity": source[1], "target_chain": target[0],
                     "target_activity": target[1], "kind": kind,
                     "description": " ".join(str(entry.get("description", "")).split())})
    return pd.DataFrame(rows, columns=["source_chain", "source_activity", "target_chain", "target_activity",
                                       "kind", "description"])


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


def plot_value_system(system: ValueSystem, *, ax: Axes | None = None) -> Axes:
    """Porter's value system: one column per chain (the nine activities of the supplier, firm and channel
    chains, support above primary; the buyer as one box), goods flowing left to right, and the CRM links
    between chains as arrows coloured by kind. Patches carry the chain (``chain`` or ``chain.activity``)
    as gid, arrows ``source->target``."""
    ax = axes(ax, (12.0, 6.4))
    labels = activity_labels()
    width, step, row = 2.3, 3.6, 0.52
    rows = list(SUPPORT_ACTIVITIES) + list(PRIMARY_ACTIVITIES)
    top = len(rows) * row
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for i, (key, chain) in enumerate(system.chains.iterrows()):
        x0 = i * step
        face = {"supplier": "#eef2f7", "firm": "#f7f1e3", "channel": "#eef7ee", "buyer": "#f7eef4"}[chain["role"]]
        ax.text(x0 + width / 2, top + 0.42, _wrap(str(chain["name"]), 24), ha="center", va="bottom", fontsize=8.5,
                fontweight="bold", gid=str(key))
        ax.text(x0 + width / 2, top + 0.08, f"{chain['role']} chain", ha="center", va="bottom", fontsize=8,
                style="italic")
        if chain["role"] == "buyer":
            boxes[str(key)] = (x0, 0.0, width, top)
            ax.add_patch(Rectangle((x0, 0.0), width, top, facecolor=face, edgecolor="#34495e", gid=str(key)))
            ax.text(x0 + width / 2, top / 2, "buyers' own\nactivities\n(search, purchase,\nuse, after-sales)",
                    ha="center", va="center", fontsize=8)
            continue
        for j, activity in enumerate(rows):
            y0 = top - (j + 1) * row
            boxes[f"{key}.{activity}"] = (x0, y0, width, row)
            shade = face if activity in PRIMARY_ACTIVITIES else "#ffffff"
            ax.add_patch(Rectangle((x0, y0 + 0.03), width, row - 0.06, facecolor=shade, edgecolor="#34495e",
                                   linewidth=0.8, gid=f"{key}.{activity}"))
            ax.text(x0 + width / 2, y0 + row / 2, labels[activity], ha="center", va="center", fontsize=7.5)
        boxes[str(key)] = (x0, 0.0, width, top)
    n = len(system.chains)
    ax.annotate("", xy=((n - 1) * step + width, -1.0), xytext=(0, -1.0),
                arrowprops={"arrowstyle": "-|>", "color": "grey", "linewidth": 1.5, "mutation_scale": 18})
    ax.text((n - 1) * step / 2 + width / 2, -1.1, "goods and services flow downstream, to the buyer",
            ha="center", va="top", fontsize=8, color="grey")
    order = {c: i for i, c in enumerate(system.chains.index)}
    for link in system.links.itertuples():
        src = boxes[f"{link.source_chain}.{link.source_activity}" if link.source_activity else link.source_chain]
        dst = boxes[f"{link.target_chain}.{link.target_activity}" if link.target_activity else link.target_chain]
        downstream = order[link.target_chain] > order[link.source_chain]
        start = (src[0] + src[2], src[1] + src[3] / 2) if downstream else (src[0], src[1] + src[3] / 2)
        end = (dst[0], dst[1] + dst[3] / 2) if downstream else (dst[0] + dst[2], dst[1] + dst[3] / 2)
        if not link.target_activity:  # a whole chain: aim at the height of the source
            end = (end[0], start[1])
        if not link.source_activity:
            start = (start[0], end[1])
        gid = f"{link.source_chain}.{link.source_activity}->{link.target_chain}.{link.target_activity}"
        style = {"arrowstyle": "-|>", "mutation_scale": 16, "linewidth": 1.8, "color": _LINK_COLOURS[link.kind],
                 "zorder": 3, "gid": gid}
        if abs(order[link.target_chain] - order[link.source_chain]) > 1:
            # a link that skips a chain runs below the columns instead of through the chain it skips
            from matplotlib.path import Path as MplPath

            if not link.target_activity:
                end = (end[0], 0.3)
            if not link.source_activity:
                start = (start[0], 0.3)
            sign = 1.0 if downstream else -1.0
            below = [(start[0] + sign * 0.9, -0.9), (end[0] - sign * 0.9, -0.9)]
            path = MplPath([start, *below, end], [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4])
            ax.add_patch(FancyArrowPatch(path=path, **style))
        else:
            ax.add_patch(FancyArrowPatch(start, end, connectionstyle="arc3,rad=0.12", **style))
    for kind, label in CRM_LINK_KINDS.items():
        ax.plot([], [], color=_LINK_COLOURS[kind], linewidth=2, label=label)
    ax.legend(title="CRM links between chains", loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, fontsize=8)
    ax.set_xlim(-0.2, (n - 1) * step + width + 0.2)
    ax.set_ylim(-1.5, top + 1.6)
    ax.set_axis_off()
    ax.set_title(f"The value system of {system.firm} (Porter 1985) and where CRM links the chains")
    return ax
