"""Schema of Porter's value chain and value system: the activity keys, the specification readers and
their validators (data layer).

A firm's chain is a :class:`ValueChain` read from a small YAML specification (:func:`read_value_chain`;
the bundled case is :func:`crmlab.datasets.load_valuechain_case`, the blank form
``crmlab/datasets/data/valuechain_template.yaml``, copied out by ``crmlab start``); a
:class:`ValueSystem` (:func:`read_value_system`) places it between its suppliers', channels' and
buyers' chains (Porter 1985, ch. 2). The analyses are in :mod:`crmlab.valuechain`, which re-exports
every name defined here.

This leaf imports no analysis module and no plotting library, so that the loaders of
:mod:`crmlab.datasets` can validate a chain without them.
"""

from __future__ import annotations

import difflib
import math
import numbers
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab.datasets.registry import read_data_yaml
from crmlab.errors import SpecificationError
from crmlab.files import MAX_YAML_BYTES, describe_value, load_yaml

PRIMARY_ACTIVITIES = ("inbound_logistics", "operations", "outbound_logistics", "marketing_sales", "service")
#: Porter's four support activities, in the order of his figure (top to bottom).
SUPPORT_ACTIVITIES = ("firm_infrastructure", "human_resource_management", "technology_development", "procurement")
#: All nine value activities.
ACTIVITIES = PRIMARY_ACTIVITIES + SUPPORT_ACTIVITIES

#: How far the cost shares (and value shares) may be from summing to one.
SHARE_TOLERANCE = 1e-6

#: The fields a value-chain specification may hold, top level and per entry of each section.
TOP_KEYS = {"firm", "description", "currency", "revenue", "margin", "scale", "activities", "touchpoints",
             "initiatives", "linkages"}
REQUIRED_TOP = ("firm", "revenue", "margin", "activities")
ACTIVITY_KEYS = {"activity", "cost_share", "variable_share", "value_share", "as_is", "to_be"}
TOUCHPOINT_KEYS = {"key", "name", "stage", "activity", "importance", "performance"}
INITIATIVE_KEYS = {"key", "name", "description", "revenue_effect", "cost_changes", "touchpoint_effects"}
LINKAGE_KEYS = {"source", "target", "strength", "description"}
_FIX = ("correct every listed entry (the template valuechain_template.yaml, which `crmlab start` copies "
        "into templates/, shows every field with a valid value) and read the file again")


@cache
def _porter_activities() -> pd.DataFrame:
    spec = read_data_yaml("porter_value_chain.yaml")
    return pd.DataFrame(spec["activities"]).set_index("key")


def activity_labels() -> dict[str, str]:
    """Porter's names of the nine activities, by key (from ``porter_value_chain.yaml``).

    Returns
    -------
    dict of str to str
        Activity key -> label, in Porter's order (primary left to right, then support top to bottom).

    Examples
    --------
    >>> activity_labels()["marketing_sales"]
    'Marketing & sales'
    """
    return _porter_activities()["label"].to_dict()


# ---------------------------------------------------------------------------------------------------
# The chain


@dataclass(frozen=True, eq=False)
class ValueChain:
    """One firm's value chain, as validated by :func:`read_value_chain` (build it with that function).

    Parameters
    ----------
    firm : str
        The firm's name.
    revenue : float
        Annual revenue :math:`R` in ``currency``.
    activities : pandas.DataFrame
        Index ``activity`` (Porter's order): ``kind``, ``label``, ``cost`` (:math:`C_a`),
        ``variable_share``, ``value_share`` (NaN when not given), ``as_is``, ``to_be``.
    touchpoints : pandas.DataFrame
        Index ``touchpoint`` (journey order): ``name``, ``stage``, ``activity``, ``importance``,
        ``performance``.
    initiatives : pandas.DataFrame
        Index ``initiative``: ``name``, ``description``, ``revenue_effect``.
    impacts : pandas.DataFrame
        Initiative x activity annual cost change.
    touchpoint_effects : pandas.DataFrame
        Initiative x touchpoint change in performance.
    linkages : pandas.DataFrame
        ``source``, ``target``, ``strength``, ``description``.
    currency, description : str
        Unit of the money amounts; free text.
    scale : tuple of float
        Lowest and highest touchpoint score.
    state : str
        ``"as-is"`` or ``"to-be"``.
    attrs : dict
        Provenance (``name``, ``source``, ...) and, for a to-be chain, what was applied.

    Examples
    --------
    >>> from crmlab.datasets import load_valuechain_case
    >>> chain = load_valuechain_case()
    >>> chain.total_cost, chain.margin, chain.margin_rate
    (190.0, 10.0, 0.05)
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

    Parameters
    ----------
    source : str, os.PathLike or Mapping
        Path of a YAML file, or the parsed specification (keys :data:`TOP_KEYS`).
    encoding : str, optional
        Codec of the file (default: UTF-8).
    max_bytes : int
        Largest file accepted.

    Returns
    -------
    ValueChain
        Costs :math:`C_a = s_a R (1 - m)` from the cost shares; ``attrs["source"]`` says where it came from.

    Raises
    ------
    SpecificationError
        Listing every problem of the specification.

    Examples
    --------
    >>> spec = {"firm": "Shop", "revenue": 100, "margin": 0.1,
    ...         "activities": [{"activity": a, "cost_share": 1 / 9} for a in ACTIVITIES]}
    >>> chain = read_value_chain(spec)
    >>> round(chain.margin, 6), round(float(chain.activities.loc["service", "cost"]), 6)
    (10.0, 10.0)
    >>> read_value_chain({**spec, "margin": 1.5})
    Traceback (most recent call last):
    ...
    crmlab.errors.SpecificationError: ...margin must be below 1 (a share of revenue: 0.05 = 5 %), got 1.5...
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
                                         f"{', '.join(REQUIRED_TOP)} (and optionally touchpoints, initiatives, linkages)"],
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
        if key not in TOP_KEYS:
            problems.append(f"unknown top-level key {key!r}{_suggest(key, sorted(TOP_KEYS))}")
    for key in REQUIRED_TOP:
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
    porter = _porter_activities()
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
    entries = _entries(spec, "activities", ACTIVITY_KEYS, problems)
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
    entries = _entries(spec, "touchpoints", TOUCHPOINT_KEYS, problems)
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
    entries = _entries(spec, "initiatives", INITIATIVE_KEYS, problems)
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
    entries = _entries(spec, "linkages", LINKAGE_KEYS, problems)
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
# The value system: supplier, firm, channel and buyer chains, and where CRM links them

#: Porter's (1985, ch. 2) value system, upstream to downstream.
VALUE_SYSTEM_ROLES = ("supplier", "firm", "channel", "buyer")

#: The three kinds of CRM link between chains of a value system, with their labels.
CRM_LINK_KINDS = {
    "customer_data": "shared customer data",
    "demand_signal": "demand signals",
    "service_handoff": "service hand-offs",
}
#: The fields a value-system specification may hold, top level and per chain and link.
SYSTEM_TOP_KEYS = {"firm", "description", "time_unit", "forecast_window", "chains", "links"}
CHAIN_KEYS = {"key", "role", "name", "lead_time", "description"}
SYSTEM_LINK_KEYS = {"source", "target", "kind", "description"}


@dataclass(frozen=True, eq=False)
class ValueSystem:
    """A firm's value system, as validated by :func:`read_value_system` (build it with that function).

    Parameters
    ----------
    firm : str
        The firm whose chain sits at the centre.
    chains : pandas.DataFrame
        Index ``chain`` (upstream to downstream): ``role`` (one of :data:`VALUE_SYSTEM_ROLES`),
        ``name``, ``lead_time`` (replenishment lead time of a stocking chain, in ``time_unit``; NaN for
        the buyer), ``description``.
    links : pandas.DataFrame
        ``source_chain``, ``source_activity``, ``target_chain``, ``target_activity`` (an activity key or
        ``""`` for the chain as a whole), ``kind`` (a key of :data:`CRM_LINK_KINDS`), ``description``.
    forecast_window : int
        Periods of the moving-average forecast.
    time_unit, description : str
        Unit of the lead times; free text.
    attrs : dict
        Provenance.

    Examples
    --------
    >>> from crmlab.datasets import load_valuesystem_case
    >>> system = load_valuesystem_case()
    >>> system.chains["role"].tolist(), len(system.links)
    (['supplier', 'firm', 'channel', 'buyer'], 9)
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
    :class:`SpecificationError`. The bundled case is :func:`crmlab.datasets.load_valuesystem_case`.

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

    Examples
    --------
    >>> spec = {"firm": "Shop", "chains": [{"key": "maker", "role": "supplier", "lead_time": 3},
    ...                                    {"key": "shop", "role": "firm", "lead_time": 1},
    ...                                    {"key": "people", "role": "buyer"}],
    ...         "links": [{"source": "shop.procurement", "target": "maker.operations", "kind": "demand_signal"}]}
    >>> read_value_system(spec).chains["lead_time"].tolist()
    [3.0, 1.0, nan]
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
        if key not in SYSTEM_TOP_KEYS:
            problems.append(f"unknown top-level key {key!r}{_suggest(key, sorted(SYSTEM_TOP_KEYS))}")
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
    entries = _entries(spec, "chains", CHAIN_KEYS, problems)
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
    entries = _entries(spec, "links", SYSTEM_LINK_KEYS, problems)
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
