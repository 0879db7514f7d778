"""crmlab.valuechain.plots: the diagrams draw what they say, and stay legible."""

import copy
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.patches import Circle, FancyArrowPatch

from crmlab import datasets
from crmlab import valuechain as vc
from crmlab.course.exercises import check, exercises
from crmlab.errors import CrmlabError, CrmlabWarning, DataFileError, ParameterError, SpecificationError


def _labels_by_gid(ax):
    return {t.get_gid(): t.get_text().replace("\n", " ") for t in ax.texts if t.get_gid()}


def test_value_chain_diagram_draws_the_nine_activities():
    ax = vc.plot_value_chain()
    shapes = {p.get_gid(): p for p in ax.patches}
    assert set(shapes) == set(vc.ACTIVITIES) | {"margin"}
    texts = _labels_by_gid(ax)
    for key, label in vc.activity_labels().items():
        assert texts[key].startswith(label)
    assert texts["margin"] == "Margin"
    assert ax.get_title() == "Porter's generic value chain"
    # support bands lie above the primary chevrons, in Porter's order from the top
    tops = [shapes[k].get_y() for k in vc.SUPPORT_ACTIVITIES]
    assert tops == sorted(tops, reverse=True)
    assert min(tops) > max(shapes[k].get_xy()[:, 1].max() for k in vc.PRIMARY_ACTIVITIES)
    # the margin arrow is right of every activity
    assert shapes["margin"].get_xy()[:, 0].max() > max(shapes[k].get_xy()[:, 0].max() for k in vc.PRIMARY_ACTIVITIES)


def test_value_chain_diagram_shaded_by_a_metric(case):
    ax = vc.plot_value_chain(case, "cost_share")
    shapes = {p.get_gid(): p for p in ax.patches}
    lightness = {k: np.mean(shapes[k].get_facecolor()[:3]) for k in vc.ACTIVITIES}
    assert min(lightness, key=lightness.get) == "inbound_logistics"  # 60 % of the cost: darkest
    texts = _labels_by_gid(ax)
    assert texts["inbound_logistics"] == "Inbound logistics 0.6"
    assert texts["margin"] == "Margin 5.0%"
    assert len(ax.figure.axes) == 2  # the colour bar
    ax = vc.plot_value_chain(case, "touchpoint_score")
    assert _labels_by_gid(ax)["procurement"].endswith("n/a")
    grey = {p.get_gid(): p.get_facecolor()[:3] for p in ax.patches}["procurement"]
    assert grey == pytest.approx((0xdd / 255,) * 3)
    custom = vc.plot_value_chain(case, pd.Series({"service": 3.0}, name="my score"))
    assert _labels_by_gid(custom)["service"] == "Service 3"
    with pytest.raises(ParameterError, match="unknown activities"):
        vc.plot_value_chain(case, pd.Series({"sales": 1.0}))
    with pytest.raises(ParameterError, match="needs a chain"):
        vc.plot_value_chain(None, "cost_share")


def test_other_plots_draw_what_they_say(case):
    after = vc.to_be(case)
    fig, axes = plt.subplots(3, 2)
    heat = vc.plot_impact_matrix(case, ax=axes[0, 0])
    assert heat is axes[0, 0] and heat.images[0].get_array().shape == (7, 9)
    assert sum(t.get_text() != "" for t in heat.texts) == int(case.impacts.ne(0).sum().sum())
    with pytest.raises(SpecificationError, match="no CRM initiatives"):
        vc.plot_impact_matrix(after)
    bars = vc.plot_value_added(case, ax=axes[0, 1])
    assert len(bars.patches) == 9 and bars.get_xlabel().startswith("value per unit of cost")
    journey = vc.plot_journey(case, after, ax=axes[1, 0])
    weakest = journey.collections[-1]  # the scatter of the weakest touchpoints, drawn last
    assert sorted(weakest.get_offsets()[:, 0].tolist()) == [2.0, 7.0, 9.0]  # site speed, after-sales, web
    assert len(journey.get_lines()) == 3
    graph = vc.plot_linkages(case, ax=axes[1, 1])
    arrows = [p for p in graph.patches if isinstance(p, FancyArrowPatch)]
    assert sorted(a.get_gid() for a in arrows) == sorted(f"{s}->{t}" for s, t in zip(
        case.linkages["source"], case.linkages["target"], strict=True))
    bridge = vc.plot_margin_bridge(case, ax=axes[2, 0])
    assert len(bridge.patches) == 9  # as-is, seven initiatives, to-be
    assert bridge.texts[-1].get_text() == f"{after.margin:.2f}"
    for ax in (heat, bars, journey, graph, bridge):
        assert ax.get_title()


def test_value_system_figure(system):
    ax = vc.plot_value_system(system)
    gids = {p.get_gid() for p in ax.patches if not isinstance(p, FancyArrowPatch)}
    assert {f"retailer.{a}" for a in vc.ACTIVITIES} <= gids and "households" in gids
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 9
    colours = {tuple(np.round(a.get_edgecolor()[:3], 3)) for a in arrows}
    assert len(colours) == 3  # one colour per kind of link
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(vc.CRM_LINK_KINDS.values())
    assert "value system" in ax.get_title()
    # the link that skips the marketplace runs below the columns, not through the marketplace's boxes
    skip = next(a for a in arrows if a.get_gid() == "retailer.marketing_sales->households.")
    assert skip.get_path().vertices[:, 1].min() < 0
    plt.close("all")


def test_linkage_graph_edges_keep_clear_of_the_nodes():
    case = datasets.load_valuechain_case()
    ax = vc.plot_linkages(case)
    circles = {c.get_gid(): (np.array(c.center), c.radius) for c in ax.patches if isinstance(c, Circle)}
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == len(case.linkages)
    for arrow in arrows:
        source, target = arrow.get_gid().split("->")
        drawn = arrow.get_path().vertices  # the curve (shortened for the head), then the arrowhead
        points = np.vstack([_sample(arrow.get_path()), drawn[3:]])
        # starts on the rim of its source; the head stays outside its target and its tip touches the rim
        assert np.linalg.norm(points[0] - circles[source][0]) == pytest.approx(circles[source][1], abs=0.03)
        to_target = np.linalg.norm(drawn[3:] - circles[target][0], axis=1)
        assert to_target.min() == pytest.approx(circles[target][1], abs=0.08)  # matplotlib pulls the tip back by about half a line width
        for key, (centre, radius) in circles.items():
            if key not in (source, target):
                assert np.linalg.norm(points - centre, axis=1).min() > radius, (arrow.get_gid(), key)
        assert arrow.get_mutation_scale() >= 18  # arrowheads large enough to see
    plt.close("all")


def _sample(path, n=101):
    p0, c, p1 = path.vertices[:3]  # the curve; a drawn arrow adds its head after it
    t = np.linspace(0, 1, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t**2 * p1


def test_curve_clear_of_goes_around_an_obstacle():
    path = vc.curve_clear_of(np.array([0.0, 0.0]), np.array([4.0, 0.0]), [np.array([2.0, 0.0])], radius=0.5)
    points = _sample(path)
    assert np.linalg.norm(points - [2.0, 0.0], axis=1).min() >= 0.65 - 1e-9
    straight = vc.curve_clear_of(np.array([0.0, 0.0]), np.array([4.0, 0.0]), [], radius=0.5)
    assert np.allclose(straight.vertices[:, 1], 0.0) and straight.vertices[0, 0] == pytest.approx(0.5, abs=0.03)


def test_chevron_labels_fit_inside_their_chevrons():
    fig, ax = plt.subplots(figsize=(10, 4.8))
    vc.plot_value_chain(datasets.load_valuechain_case(), "cost_share", ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    shapes = {p.get_gid(): p for p in ax.patches}
    for key in vc.PRIMARY_ACTIVITIES:
        text = next(t for t in ax.texts if t.get_gid() == key)
        box = text.get_window_extent(renderer)
        xs = ax.transData.transform(shapes[key].get_xy())[:, 0]
        assert xs.min() <= box.x0 and box.x1 <= xs.max() - 5, key  # 5 px clear of the chevron's tip
    lefts = sorted((t.get_window_extent(renderer) for t in ax.texts if t.get_gid() in vc.PRIMARY_ACTIVITIES),
                   key=lambda b: b.x0)
    assert all(a.x1 < b.x0 for a, b in zip(lefts, lefts[1:], strict=False))  # no two labels overlap
    plt.close("all")
