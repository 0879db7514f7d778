import warnings

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from crmlab.course import i18n, notebook


@pytest.fixture(autouse=True)
def restore_display_settings():
    """setup() changes the session's display settings on purpose; later tests (doctests printing
    DataFrames) must see the defaults again."""
    options = {key: pd.get_option(key) for key in
               ("display.precision", "display.width", "display.max_columns", "display.max_rows")}
    printoptions = np.get_printoptions()
    rc = mpl.rcParams.copy()
    yield
    for key, value in options.items():
        pd.set_option(key, value)
    np.set_printoptions(**printoptions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mpl.rcParams.update(rc)
    i18n.set_language("en")


def test_setup_is_deterministic_and_sets_display():
    a = notebook.setup().normal(size=3)
    b = notebook.setup().normal(size=3)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.random.default_rng(notebook.SEED).normal(size=3))
    assert tuple(mpl.rcParams["figure.figsize"]) == (8.0, 4.5)
    assert pd.get_option("display.precision") == 3


def test_setup_quiets_lifetimes_import_warnings():
    notebook.setup()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        notebook.quiet_known_warnings()
        warnings.warn("The 'mode.chained_assignment' option is deprecated", FutureWarning)
    assert caught == []


def test_versions_records_python_and_core_packages():
    table = notebook.versions()
    assert {"python", "pandas", "lifetimes", "crmlab"} <= set(table.index)
    assert table.loc["lifetimes", "version"] == "0.11.3"


def test_figure_problems_lists_missing_titles_and_labels():
    import matplotlib.pyplot as plt

    fig, (good, bad) = plt.subplots(1, 2)
    good.set(title="Spend by week", xlabel="week", ylabel="spend (US$)")
    bad.plot([1, 2])
    assert notebook.figure_problems(fig) == ["axes 2: no title", "axes 2 (''): no x-axis label",
                                             "axes 2 (''): no y-axis label"]
    bad.set(xlabel="x", ylabel="y")
    fig.suptitle("Overall title")
    assert notebook.figure_problems(fig) == []
    diagram = plt.figure()
    diagram.add_subplot().set_axis_off()  # diagrams drawn on switched-off axes are exempt
    radar = plt.figure().add_subplot(projection="polar")
    radar.set_title("Profile")
    assert notebook.figure_problems(diagram) == [] and notebook.figure_problems(radar.figure) == []
    plt.close("all")


def test_sharp_png_keeps_the_display_size():
    import matplotlib.pyplot as plt

    notebook.setup()
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1])
    ax.set(title="t", xlabel="x", ylabel="y")
    data, meta = notebook.sharp_png(fig)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert meta == {"width": round(width / 1.5), "height": round(height / 1.5)}
    assert 300 <= meta["width"] <= 420  # about 4 inches at 100 logical pixels per inch (tight bounding box)
    plt.close(fig)


def _course_notebooks():
    from crmlab import course

    return course.notebooks()


@pytest.mark.parametrize("path", _course_notebooks(), ids=lambda p: p.name[:2])
def test_stored_figures_are_drawn_at_the_figure_dpi(path):
    import base64

    import nbformat

    nb = nbformat.read(path, as_version=4)
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert images
    for out in images:
        png = base64.b64decode(out["data"]["image/png"])
        width = int.from_bytes(png[16:20], "big")
        assert out["metadata"]["image/png"]["width"] == round(width * notebook.LOGICAL_DPI / notebook.FIGURE_DPI)
