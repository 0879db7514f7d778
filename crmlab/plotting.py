"""What every plot of crmlab shares: the axes to draw on.

Plot functions take ``ax=`` and return it (the matplotlib convention of seaborn and statsmodels); without
one they draw on a new figure. matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

from typing import Any


def axes(ax: Any = None, figsize: tuple[float, float] | None = None) -> Any:
    """``ax`` itself, or the axes of a new figure (of ``figsize`` inches) when ``ax`` is ``None``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; ``None`` opens a new figure.
    figsize : tuple of float, optional
        Width and height in inches of the new figure (matplotlib's default when ``None``); ignored when
        ``ax`` is given.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, or the axes of the new figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = axes(figsize=(4, 3))
    >>> [float(v) for v in ax.figure.get_size_inches()]
    [4.0, 3.0]
    >>> axes(ax) is ax
    True
    >>> plt.close(ax.figure)
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax
