"""What every plot of crmlab shares: the axes to draw on.

Plot functions take ``ax=`` and return it (the matplotlib convention of seaborn and statsmodels); without
one they draw on a new figure. matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from typing import Any


def axes(ax: Any = None, figsize: tuple[float, float] | None = None) -> Any:
    """``ax`` itself, or the axes of a new figure (of ``figsize`` inches) when ``ax`` is ``None``."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax
