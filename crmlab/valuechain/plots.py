"""Figures of value chains and value systems; every plot takes ``ax=`` (a new figure when ``None``) and
returns it. Part of :mod:`crmlab.valuechain`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle

from crmlab.datasets.schema.valuechain import (
    ACTIVITIES,
    CRM_LINK_KINDS,
    PRIMARY_ACTIVITIES,
    SUPPORT_ACTIVITIES,
    ValueChain,
    ValueSystem,
    activity_labels,
)
from crmlab.errors import ParameterError, SpecificationError
from crmlab.plotting import axes
from crmlab.valuechain.analysis import (
    activity_metric,
    initiative_summary,
    touchpoint_gaps,
    value_added,
)

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
    activities; activities without a value are grey. Patches and labels carry the activity key as gid.

    Parameters
    ----------
    chain : ValueChain, optional
        The firm's chain (its name and margin label the figure); ``None`` draws Porter's generic chain.
    metric : str or pandas.Series, optional
        What shades the activities, with a colour bar.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes
    cmap : str, default "Blues"
        Colour map of the shading.
    title : str, optional
        Replaces the default title.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_valuechain_case
    >>> ax = plot_value_chain(load_valuechain_case())
    >>> ax.get_title()
    'Online home-goods retailer (illustrative) (as-is)'
    >>> plt.close("all")
    """
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
    """Heatmap of the initiative x activity cost changes (red = new spending, blue = savings).

    Parameters
    ----------
    chain : ValueChain
        A chain with initiatives.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_valuechain_case
    >>> ax = plot_impact_matrix(load_valuechain_case())
    >>> ax.get_title()
    'Online home-goods retailer (illustrative): where the CRM initiatives change the chain'
    >>> plt.close("all")
    """
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
    """Bars of value per unit of cost :math:`V_a/C_a` by activity; links right of 1 create value.

    Parameters
    ----------
    chain : ValueChain
        A chain with value shares (:func:`~crmlab.valuechain.value_added`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_valuechain_case
    >>> ax = plot_value_added(load_valuechain_case())
    >>> ax.get_title()
    'Online home-goods retailer (illustrative): which links create value (as-is)'
    >>> plt.close("all")
    """
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
    ``weakest`` (largest importance-performance gap) in red, and optionally the to-be performance.

    Parameters
    ----------
    chain : ValueChain
        A chain with touchpoints.
    to_be_chain : ValueChain, optional
        Adds the to-be performance (:func:`~crmlab.valuechain.to_be`).
    weakest : int, default 3
        How many of the largest gaps to mark.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_valuechain_case
    >>> ax = plot_journey(load_valuechain_case())
    >>> ax.get_title()
    'Online home-goods retailer (illustrative): customer journey and touchpoint gaps'
    >>> plt.close("all")
    """
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

    Parameters
    ----------
    chain : ValueChain
        A chain with linkages.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_valuechain_case
    >>> ax = plot_linkages(load_valuechain_case())
    >>> ax.get_title()
    'Online home-goods retailer (illustrative): linkages between activities'
    >>> plt.close("all")
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
    """A quadratic Bézier path from the rim of the circle at ``start`` to the rim of the one at ``end``.

    The control point is :math:`m + b\\,(d_y, -d_x)` for the midpoint :math:`m`, the offset
    :math:`d = \\text{end} - \\text{start}` and bend :math:`b` (matplotlib's ``arc3`` rule); the first
    bend in ``bends`` whose curve passes no obstacle centre closer than ``radius + pad`` is taken (the
    clearest one if none does). The curve is then cut where it leaves the start circle and enters the
    end circle (de Casteljau: the piece between :math:`t_0` and :math:`t_1` has control points
    :math:`B(t_0, t_0), B(t_0, t_1), B(t_1, t_1)` of the blossom :math:`B`).

    Parameters
    ----------
    start, end : numpy.ndarray
        Centres of the two circles (x, y).
    obstacles : sequence of numpy.ndarray
        Centres of the circles to keep clear of.
    radius : float
        Radius of every circle.
    pad : float, default 0.15
        Extra clearance.
    bends : sequence of float
        Bends to try, in order.

    Returns
    -------
    matplotlib.path.Path
        MOVETO, CURVE3, CURVE3: ready for ``FancyArrowPatch(path=...)``.

    Examples
    --------
    >>> import numpy as np
    >>> path = curve_clear_of(np.array([0.0, 0.0]), np.array([4.0, 0.0]), [np.array([2.0, 0.0])], radius=0.5)
    >>> float(np.abs(path.vertices[1, 1])) > 0.5  # bent around the obstacle in the middle
    True
    >>> round(float(np.hypot(*path.vertices[0])), 3)  # starts on the rim of the start circle
    0.5
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
    """Waterfall from the as-is margin through each initiative's margin change to the to-be margin.

    Parameters
    ----------
    chain : ValueChain
        The as-is chain with initiatives.
    effect_scale : float, default 1.0
        Share of the expected revenue effects realised (:func:`~crmlab.valuechain.initiative_summary`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_valuechain_case
    >>> ax = plot_margin_bridge(load_valuechain_case())
    >>> ax.get_title()
    'Online home-goods retailer (illustrative): margin bridge from as-is to to-be'
    >>> plt.close("all")
    """
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


_LINK_COLOURS = {"customer_data": "#1f77b4", "demand_signal": "#d62728", "service_handoff": "#2ca02c"}


def plot_value_system(system: ValueSystem, *, ax: Axes | None = None) -> Axes:
    """Porter's value system: one column per chain (the nine activities of the supplier, firm and channel
    chains, support above primary; the buyer as one box), goods flowing left to right, and the CRM links
    between chains as arrows coloured by kind. Patches carry the chain (``chain`` or ``chain.activity``)
    as gid, arrows ``source->target``.

    Parameters
    ----------
    system : ValueSystem
        From :func:`~crmlab.valuechain.read_value_system`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_valuesystem_case
    >>> ax = plot_value_system(load_valuesystem_case())
    >>> len([p for p in ax.patches if "->" in str(p.get_gid())])
    9
    >>> plt.close("all")
    """
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
