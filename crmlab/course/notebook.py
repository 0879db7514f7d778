"""Settings every notebook applies first, so stored outputs are the same on every machine.

``setup()`` is the first code cell of each notebook; ``versions()`` is the last.
"""

from __future__ import annotations

import importlib.metadata
import platform
import sys
import warnings

import numpy as np
import pandas as pd

from crmlab.course.i18n import Language, set_language, translate_figure, use_cjk_font

#: Seed of the generator ``setup()`` returns; change it in a notebook to see what is chance.
SEED = 20050401

#: Pixels per inch of the PNG figures stored in the notebooks. Figures keep their on-screen size
#: (``figure.dpi`` = 100 logical pixels per inch, via the PNG's width/height metadata) and are drawn with
#: 1.5 times as many pixels, sharp on high-density screens and on the course site.
FIGURE_DPI = 150
LOGICAL_DPI = 100

#: Packages whose versions the last cell of every notebook records.
RECORDED_PACKAGES = (
    "crmlab", "numpy", "pandas", "scipy", "statsmodels", "lifetimes", "matplotlib",
    "seminr", "pingouin", "semopy", "scikit-learn",
)


def setup(seed: int = SEED, lang: Language = "en") -> np.random.Generator:
    """Inline PNG figures of a fixed size at :data:`FIGURE_DPI`, rounded pandas/numpy display, quiet known
    warnings, and the language of the notebook.

    Parameters
    ----------
    seed
        Seed of the generator returned.
    lang
        ``"en"`` or ``"zh"``: the language of ``check()`` feedback, hints, questions and figure labels
        (:mod:`crmlab.course.i18n`). In Chinese, figures are drawn in a CJK font with their texts taken
        from the label table; without such a font they keep English labels, with a warning.

    Returns
    -------
    numpy.random.Generator
        A seeded ``numpy.random.default_rng`` for any simulation the notebook does.

    Examples
    --------
    The first code cell of a notebook (not run here: it changes the session's display settings)::

        rng = setup()             # English
        rng = setup(lang="zh")    # the Chinese edition's first cell
    """
    import matplotlib as mpl

    set_language(lang)

    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is a dev dependency
        shell = None
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
        _check_figures_on_display(shell)
    mpl.rcParams.update(
        {
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": LOGICAL_DPI,
            "savefig.dpi": FIGURE_DPI,
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "crmlab",
        }
    )
    pd.set_option("display.precision", 3)
    pd.set_option("display.width", 110)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.max_rows", 30)
    np.set_printoptions(precision=4, suppress=True, linewidth=110)
    quiet_known_warnings()
    _TRANSLATE_FIGURES["on"] = lang != "en" and use_cjk_font()
    return np.random.default_rng(seed)


def quiet_known_warnings() -> None:
    """Silence third-party warnings that say nothing about the user's analysis.

    Future and deprecation warnings of lifetimes, autograd, semopy, pingouin, seminr, statsmodels and
    pandas, and pandas' chained-assignment notes; crmlab's own warnings stay on.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     quiet_known_warnings()
    ...     any(f[2] is FutureWarning for f in warnings.filters)
    True
    """
    for module in ("lifetimes", "autograd", "semopy", "pingouin", "seminr", "statsmodels", "pandas"):
        warnings.filterwarnings("ignore", category=FutureWarning, module=module)
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=module)
    warnings.filterwarnings("ignore", message=".*chained_assignment.*")
    warnings.filterwarnings("ignore", message=".*pkg_resources.*")


_TRANSLATE_FIGURES = {"on": False}

#: Printed to a cell's stderr for each problem of a displayed figure (the notebook tests look for it).
FIGURE_WARNING = "crmlab figure check"


def figure_problems(fig: object) -> list[str]:
    """What a figure lacks: every visible axes needs a title (or the figure a suptitle) and, unless
    it is polar, labelled x and y axes. Colour bars and axes switched off (diagrams) are exempt.

    Parameters
    ----------
    fig
        A matplotlib figure.

    Returns
    -------
    list of str
        One line per problem, naming the axes; empty for a complete figure.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_title("Spend"); _ = ax.set_xlabel("Week")
    >>> figure_problems(fig)
    ["axes 1 ('Spend'): no y-axis label"]
    >>> plt.close(fig)
    """
    problems = []
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    for number, ax in enumerate(fig.axes, start=1):
        if not ax.axison or ax.get_label() == "<colorbar>":
            continue
        if not (ax.get_title() or ax.get_title("left") or suptitle):
            problems.append(f"axes {number}: no title")
        if ax.name == "polar":
            continue
        if not ax.get_xlabel():
            problems.append(f"axes {number} ({ax.get_title()!r}): no x-axis label")
        if not ax.get_ylabel():
            problems.append(f"axes {number} ({ax.get_title()!r}): no y-axis label")
    return problems


def _check_figures_on_display(shell: object) -> None:
    """Warn, in the cell's output, when a displayed figure lacks a title or axis labels."""
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    render = formatter.lookup_by_type(Figure)
    if getattr(render, "_crmlab_checked", False):
        return

    def checked(fig: Figure) -> object:
        for problem in figure_problems(fig):
            print(f"{FIGURE_WARNING}: {problem}; give every figure a title, labelled axes and units",
                  file=sys.stderr)
        if _TRANSLATE_FIGURES["on"]:
            for text in translate_figure(fig):
                print(f"{FIGURE_WARNING}: {text!r} has no Chinese in the label table; add a row to "
                      "crmlab/course/labels.csv", file=sys.stderr)
        if not fig.axes and not fig.texts and not fig.images:
            return render(fig)  # nothing drawn: let IPython decide (it shows nothing)
        return sharp_png(fig)

    checked._crmlab_checked = True  # type: ignore[attr-defined]
    formatter.for_type(Figure, checked)


def sharp_png(fig: object, dpi: int = FIGURE_DPI) -> tuple[bytes, dict[str, int]]:
    """A figure as PNG drawn at ``dpi`` pixels per inch, with the width and height it is shown at.

    The metadata (``width``, ``height`` in logical pixels at :data:`LOGICAL_DPI`) keeps the figure at its
    usual size in Jupyter and in the HTML of the course site, while the extra pixels make lines and text
    sharp (what IPython's "retina" format does at a fixed factor of 2).

    Parameters
    ----------
    fig
        A matplotlib figure.
    dpi
        Pixels per inch of the PNG.

    Returns
    -------
    tuple of (bytes, dict)
        The PNG and its display size ``{"width": ..., "height": ...}`` in logical pixels.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 2), dpi=LOGICAL_DPI)
    >>> png, size = sharp_png(fig)
    >>> png[:4], sorted(size), size["width"] <= 400  # cropped to the drawing, shown at 100 pixels/inch
    (b'\x89PNG', ['height', 'width'], True)
    >>> plt.close(fig)
    """
    from IPython.core.pylabtools import print_figure

    data = print_figure(fig, "png", dpi=dpi)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")  # IHDR chunk
    scale = LOGICAL_DPI / dpi
    return data, {"width": round(width * scale), "height": round(height * scale)}


def versions() -> pd.DataFrame:
    """Python and package versions this notebook's outputs were made with (its last cell).

    Returns
    -------
    pandas.DataFrame
        One row per package of :data:`RECORDED_PACKAGES`, and Python, with its version.

    Examples
    --------
    >>> versions().index[0]
    'python'
    """
    rows = [("python", platform.python_version())]
    for name in RECORDED_PACKAGES:
        try:
            rows.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return pd.DataFrame(rows, columns=["package", "version"]).set_index("package")
