"""Porter's value system, CRM links between chains, the bullwhip effect, and the chain diagrams' legibility."""

import copy

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle, FancyArrowPatch

from crmlab import datasets
from crmlab import valuechain as vc
from crmlab.errors import ParameterError, SpecificationError

CASE_FILE = datasets.DATA_DIR / "valuesystem_case_ecommerce.yaml"


def small_spec() -> dict:
    return {
        "firm": "Hand example",
        "forecast_window": 2,
        "chains": [
            {"key": "maker", "role": "supplier", "lead_time": 3},
            {"key": "shop", "role": "firm", "lead_time": 1},
            {"key": "people", "role": "buyer"},
        ],
        "links": [
            {"source": "people", "target": "shop.marketing_sales", "kind": "customer_data"},
            {"source": "shop.procurement", "target": "maker.operations", "kind": "demand_signal"},
            {"source": "shop.service", "target": "maker.service", "kind": "service_handoff"},
            {"source": "maker.service", "target": "people", "kind": "service_handoff"},
        ],
    }


@pytest.fixture(scope="module")
def system() -> vc.ValueSystem:
    return vc.read_value_system(CASE_FILE)


# ----------------------------------------------------------------------------------------------
# Reading and validating


def test_case_value_system_has_the_four_roles_in_order(system):
    assert system.chains["role"].tolist() == list(vc.VALUE_SYSTEM_ROLES)
    assert system.chains.loc["retailer", "name"].startswith("Online home-goods retailer")
    assert system.chains["lead_time"].tolist()[:3] == [4.0, 2.0, 1.0] and np.isnan(system.chains["lead_time"].iloc[3])
    assert system.forecast_window == 4 and system.time_unit == "weeks"
    # every kind of CRM link appears, and the channel partner takes part in all three
    assert set(system.links["kind"]) == set(vc.CRM_LINK_KINDS)
    channel = system.links[(system.links["source_chain"] == "marketplace") | (system.links["target_chain"] == "marketplace")]
    assert set(channel["kind"]) == set(vc.CRM_LINK_KINDS)
    assert "ValueSystem('Online home-goods retailer (illustrative)'" in repr(system)


def test_links_in_words_and_matrix(system):
    words = vc.crm_links(system)
    assert len(words) == len(system.links) == 9
    first = words.iloc[2]
    assert first["from"] == "Marketplace with fulfilment centres (channel partner): Outbound logistics"
    assert first["to"] == "Online home-goods retailer (the case firm): Inbound logistics"
    assert first["kind"] == "demand signals" and first["direction"] == "upstream"
    assert words["direction"].value_counts().to_dict() == {"upstream": 8, "downstream": 1}
    matrix = vc.link_matrix(system)
    assert matrix.loc["marketplace -> retailer"].to_dict() == {
        "customer_data": 1, "demand_signal": 1, "service_handoff": 1, "total": 3}
    assert int(matrix["total"].sum()) == 9
    assert list(matrix.columns) == [*vc.CRM_LINK_KINDS, "total"]


def test_hand_spec_reads(tmp_path):
    system = vc.read_value_system(small_spec())
    assert list(system.chains.index) == ["maker", "shop", "people"]
    assert system.links.loc[0, "source_activity"] == "" and system.links.loc[0, "target_activity"] == "marketing_sales"
    path = tmp_path / "vs.yaml"
    path.write_text("firm: X\nfirm: Y\nchains: []\n", encoding="utf-8")
    with pytest.raises(SpecificationError, match="duplicate key 'firm'"):
        vc.read_value_system(path)


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda s: s["chains"][0].update(role="vendor"), "role must be one of supplier, firm, channel, buyer"),
    (lambda s: s["chains"].reverse(), "list the chains upstream to downstream"),
    (lambda s: s["chains"][1].update(role="supplier"), "exactly one chain with role 'firm'"),
    (lambda s: s["chains"].pop(), "needs a buyer chain"),
    (lambda s: s["chains"][2].update(lead_time=1), "a buyer chain holds no stock"),
    (lambda s: s["chains"][0].update(lead_time=-1), "lead_time must be >= 0"),
    (lambda s: s["links"][0].update(target="shop.marketing"), "unknown activity 'marketing' (did you mean 'marketing_sales'?)"),
    (lambda s: s["links"][1].update(source="shopp.procurement"), "unknown chain 'shopp' (did you mean 'shop'?)"),
    (lambda s: s["links"][1].update(kind="demand"), "kind must be one of customer_data, demand_signal, service_handoff"),
    (lambda s: s["links"][1].update(target="shop.service"), "'shop' links to itself"),
    (lambda s: s.update(forecast_window=0), "forecast_window must be a whole number"),
    (lambda s: s.update(chain=[]), "unknown top-level key 'chain' (did you mean 'chains'?)"),
])
def test_spec_errors_name_the_entry(change, fragment):
    spec = copy.deepcopy(small_spec())
    change(spec)
    with pytest.raises(SpecificationError) as info:
        vc.read_value_system(spec)
    assert fragment in str(info.value)


def test_every_problem_listed_at_once():
    spec = small_spec()
    spec["links"][0]["kind"] = "x"
    spec["links"][1]["target"] = "nowhere"
    with pytest.raises(SpecificationError) as info:
        vc.read_value_system(spec)
    assert len(info.value.problems) == 2


# ----------------------------------------------------------------------------------------------
# The bullwhip effect (demand signals)


def _simulate(lead_times, p, shared, periods=400_000, seed=1):
    """Orders of each stage by direct recursion in time, for i.i.d. normal demand."""
    rng = np.random.default_rng(seed)
    demand = rng.normal(100, 10, periods)
    seen, echelon, out = demand, 0.0, []
    for lead in lead_times:
        echelon += lead
        signal = demand if shared else seen
        target = (echelon if shared else lead) * np.convolve(signal, np.ones(p) / p, mode="full")[: len(signal)]
        # q_t = y_t - y_{t-1} + (what the stage below took in t-1), with y_t forecast from data up to t-1
        orders = np.empty_like(signal)
        orders[: p + 2] = np.nan
        orders[p + 2:] = target[p + 1:-1] - target[p:-2] + seen[p + 1:-1]
        out.append(np.nanvar(orders[p + 2:]) / np.var(demand))
        if not shared:  # the next stage sees these orders; with shared demand every stage plans on D
            seen = np.nan_to_num(orders, nan=100.0)
    return out


def test_single_stage_closed_form_by_hand():
    # Chen et al. (2000): 1 + 2L/p + 2L^2/p^2; L = 2, p = 4: 1 + 1 + 0.5
    table = vc.bullwhip_ratio([2], window=4)
    assert table.loc[1, "ratio"] == pytest.approx(2.5) and table.loc[1, "lower_bound"] == pytest.approx(2.5)
    assert vc.bullwhip_ratio([0], window=3).loc[1, "ratio"] == pytest.approx(1.0)  # no lead time: no amplification


def test_two_stages_exact_variance_by_hand():
    # |H_k|^2 = A_k - B_k cos(p w), A = 1 + 2a + 2a^2, B = 2a(1 + a): Var ratio = A1 A2 + B1 B2 / 2
    a1, a2 = 1 / 4, 2 / 4
    A = [1 + 2 * a + 2 * a * a for a in (a1, a2)]
    B = [2 * a * (1 + a) for a in (a1, a2)]
    table = vc.bullwhip_ratio([1, 2], window=4)
    assert table.loc[2, "ratio"] == pytest.approx(A[0] * A[1] + B[0] * B[1] / 2)  # 4.53125
    assert table.loc[2, "lower_bound"] == pytest.approx(A[0] * A[1])  # Chen et al.'s product bound, 4.0625
    shared = vc.bullwhip_ratio([1, 2], window=4, shared_demand=True)
    assert shared.loc[2, "ratio"] == pytest.approx(1 + 2 * 3 / 4 + 2 * 9 / 16)  # echelon lead time 3


@pytest.mark.parametrize("shared", [False, True])
def test_closed_forms_match_a_direct_simulation(shared):
    leads, p = [1, 2, 4], 4
    simulated = _simulate(leads, p, shared)
    exact = vc.bullwhip_ratio(leads, p, shared_demand=shared)["ratio"].to_numpy()
    np.testing.assert_allclose(simulated, exact, rtol=0.03)


def test_sharing_demand_never_amplifies_more():
    for leads in ([1, 2, 4], [3, 3], [0.5, 5, 1, 2]):
        for p in (1, 2, 4, 8):
            apart = vc.bullwhip_ratio(leads, p)
            shared = vc.bullwhip_ratio(leads, p, shared_demand=True)
            assert (shared["ratio"] <= apart["ratio"] + 1e-12).all()
            assert (apart["lower_bound"] <= apart["ratio"] + 1e-12).all()
            assert apart["ratio"].is_monotonic_increasing


def test_bullwhip_errors():
    with pytest.raises(ParameterError, match="window must be a whole number"):
        vc.bullwhip_ratio([1], window=0)
    with pytest.raises(ParameterError, match="window must be a whole number"):
        vc.bullwhip_ratio([1], window=2.5)
    with pytest.raises(ParameterError, match="lead_times must be one or more non-negative"):
        vc.bullwhip_ratio([], window=2)
    with pytest.raises(ParameterError, match="lead_times must be one or more non-negative"):
        vc.bullwhip_ratio([1, -1], window=2)


def test_value_system_bullwhip_on_the_case(system):
    table = vc.value_system_bullwhip(system)
    assert list(table.index) == ["marketplace", "retailer", "makers"]  # from the buyer upwards
    assert table.loc["marketplace", "ratio_not_shared"] == pytest.approx(1.625)
    assert table.loc["retailer", "ratio_not_shared"] == pytest.approx(4.53125)
    assert table.loc["retailer", "ratio_shared"] == pytest.approx(3.625)
    assert table.loc["makers", "ratio_shared"] == pytest.approx(1 + 2 * 7 / 4 + 2 * 49 / 16)
    assert table.loc["retailer", "reduction"] == pytest.approx(1 - 3.625 / 4.53125)
    what_if = vc.value_system_bullwhip(system, lead_times={"marketplace": 2})
    assert what_if.loc["marketplace", "ratio_not_shared"] == pytest.approx(2.5)
    with pytest.raises(ParameterError, match="no stocking chain 'households'"):
        vc.value_system_bullwhip(system, lead_times={"households": 1})


# ----------------------------------------------------------------------------------------------
# Figures


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


def test_channel_partner_exercise_by_hand():
    from crmlab.course.exercises import check

    # marketplace and retailer both at L/p = 2/4: factor 2.5 each; exact 2.5^2 + 1.5^2 / 2 = 7.375,
    # shared: echelon lead time 4, 1 + 2 + 2 = 5
    assert check("02.5", [7.38, 5.00]).correct
    assert "lower bound" in check("02.5", [6.25, 5.0]).message
    assert check("02.1", 7.36).correct  # 0.04 x 200 x 0.92
    assert "5% margin" in check("02.1", 7.6).message
