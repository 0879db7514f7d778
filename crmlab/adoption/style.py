"""Shared figure styling of :mod:`crmlab.adoption`: provenance colours and hatches, the legend that
explains them, and a log axis with plain tick labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from crmlab.datasets.schema.adoption import PROVENANCE

#: Face colours: a verified figure, a figure not verified, and the highlighted bar or cell.
VERIFIED_COLOUR, UNVERIFIED_COLOUR, HIGHLIGHT = "#1f77b4", "#9ecae1", "#d62728"


#: Face colour and hatch of a bar by provenance: solid for a printed primary figure, dotted for one
#: derived from primary figures, hatched for the rest (not verified).
PROVENANCE_STYLE = {"primary": (VERIFIED_COLOUR, ""), "derived": ("#6baed6", ".."),
                     "secondary": (UNVERIFIED_COLOUR, "//"), "unsourced": (UNVERIFIED_COLOUR, "//")}


def new_axes(ax: Axes | None) -> Axes:
    """The axis to draw on: ``ax`` itself, or a new figure's axis when ``None``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or None
        An axis to draw on, or ``None`` for a new figure (``plt.subplots()``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = new_axes(None)
    >>> new_axes(ax) is ax
    True
    >>> plt.close("all")
    """
    if ax is None:
        _, ax = plt.subplots()
    return ax


def verified_legend(ax: Axes, loc: str = "upper left", provenances: Sequence[str] = ()) -> None:
    """Legend of the provenance styles; 'derived' appears only when such a figure is drawn.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axis with the bars.
    loc : str, default "upper left"
        Legend position.
    provenances : sequence of str
        Provenances drawn; "derived" gets its own entry only when present.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> verified_legend(ax, provenances=["primary", "derived"])
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['primary source seen', 'derived from a primary source', 'not verified']
    >>> plt.close("all")
    """
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=VERIFIED_COLOUR, label=PROVENANCE["primary"])]
    if "derived" in set(provenances):
        handles.append(Patch(facecolor=PROVENANCE_STYLE["derived"][0], hatch="..", label=PROVENANCE["derived"]))
    handles.append(Patch(facecolor=UNVERIFIED_COLOUR, hatch="//", label="not verified"))
    ax.legend(handles=handles, loc=loc, fontsize=8)


def plain_log_axis(ax: Axes, axis: str, low: float, high: float) -> None:
    """Log scale with plain tick labels (0.5, 1, 2, 5 …), not 10⁰ and 2×10⁰.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axis.
    axis : {"x", "y"}
        Which axis gets the log scale.
    low, high : float
        Range of the data, to choose the ticks.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> plain_log_axis(ax, "x", 0.6, 3.0)
    >>> [float(t) for t in ax.get_xticks()]
    [0.5, 1.0, 2.0]
    >>> plt.close("all")
    """
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator, StrMethodFormatter

    candidates = np.array([m * 10.0**e for e in range(-3, 5) for m in (1, 2, 5)])
    ticks = candidates[(candidates >= low / 1.5) & (candidates <= high * 1.5)]
    if len(ticks) < 3:  # a narrow range: add quarter steps
        finer = np.array([m * 10.0**e for e in range(-3, 5) for m in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8)])
        ticks = finer[(finer >= low / 1.2) & (finer <= high * 1.2)]
    scale = ax.set_xscale if axis == "x" else ax.set_yscale
    scale("log")
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(StrMethodFormatter("{x:g}"))
    target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())
