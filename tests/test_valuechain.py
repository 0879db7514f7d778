"""Value-chain mapping: spec validation, margin arithmetic, CRM impact, as-is vs to-be, diagrams."""

import copy
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.patches import FancyArrowPatch

from crmlab import datasets
from crmlab import valuechain as vc
from crmlab.errors import (
    CrmlabError,
    CrmlabWarning,
    DataFileError,
    ParameterError,
    SpecificationError,
)
from crmlab.course.exercises import check, exercises

DATA = Path(__file__).parent / "data"


def hand_spec() -> dict:
    """Revenue 1000, margin 20 %: total cost 800, costs 200/240/80/120/40/40/32/32/16."""
    shares = [0.25, 0.30, 0.10, 0.15, 0.05, 0.05, 0.04, 0.04, 0.02]
    values = [0.20, 0.30, 0.10, 0.20, 0.10, 0.03, 0.03, 0.03, 0.01]
    variable = [1.0, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    return {
        "firm": "Hand example",
        "currency": "EUR",
        "revenue": 1000,
        "margin": 0.2,
        "activities": [
            {"activity": a, "cost_share": s, "value_share": v, "variable_share": u}
            for a, s, v, u in zip(vc.ACTIVITIES, shares, values, variable, strict=True)
        ],
        "touchpoints": [
            {"key": "t1", "name": "Help desk", "stage": "after-sales", "activity": "service",
             "importance": 6, "performance": 4},
            {"key": "t2", "name": "Shop", "stage": "purchase", "activity": "marketing_sales",
             "importance": 4, "performance": 5},
        ],
        "initiatives": [
            {"key": "A", "name": "Service upgrade", "revenue_effect": 0.05,
             "cost_changes": {"service": 10, "marketing_sales": -4}, "touchpoint_effects": {"t1": 1.5}},
            {"key": "B", "name": "Lean shop", "revenue_effect": 0.0,
             "cost_changes": {"operations": -6}, "touchpoint_effects": {"t2": 3}},
        ],
        "linkages": [
            {"source": "service", "target": "technology_development", "strength": 3},
            {"source": "procurement", "target": "inbound_logistics"},
        ],
    }


@pytest.fixture
def hand() -> vc.ValueChain:
    return vc.read_value_chain(hand_spec())


@pytest.fixture(scope="module")
def case() -> vc.ValueChain:
    return datasets.load_valuechain_case()


# ----------------------------------------------------------------------------------------------
# Porter's chain and the bundled data


def test_porter_chain_has_the_nine_activities_in_order():
    porter = datasets.load_porter_value_chain()
    assert tuple(porter.index) == vc.ACTIVITIES
    assert porter["kind"].value_counts().to_dict() == {"primary": 5, "support": 4}
    assert (porter.loc[list(vc.PRIMARY_ACTIVITIES), "kind"] == "primary").all()
    assert porter.loc["marketing_sales", "label"] == "Marketing & sales"
    assert porter["definition"].str.len().gt(40).all()
    assert porter["citation"].str.startswith("Porter, M. E. (1985)").all()
    assert porter.attrs["synthetic"] is False


def test_crm_framing_links_levels_and_customers_to_activities():
    framing = datasets.load_crm_framing()
    assert list(framing.index.get_level_values("aspect")) == [
        "Philosophy", "Management mechanism", "Technology", "Internal customers (staff)", "External customers"]
    for listed in framing["activities"]:
        assert set(listed.split(", ")) <= set(vc.ACTIVITIES)


def test_crm_framing_matrix():
    matrix = vc.crm_framing_matrix()
    assert matrix.shape == (9, 5) and list(matrix.index) == list(vc.ACTIVITIES)
    assert matrix.sum().to_dict() == {"Philosophy": 3, "Management mechanism": 4, "Technology": 4,
                                      "Internal customers (staff)": 3, "External customers": 4}
    assert matrix.loc["human_resource_management", "Internal customers (staff)"] == 1
    assert matrix.loc["inbound_logistics"].sum() == 0


def test_case_and_template_load_with_provenance(case):
    assert case.attrs["synthetic"] is True and "Author-constructed" in case.attrs["citation"]
    assert case.revenue == 200.0 and case.currency == "CNY million"
    assert case.touchpoints.shape == (10, 5) and case.initiatives.shape == (7, 3) and len(case.linkages) == 9
    assert case.impacts.shape == (7, 9) and case.touchpoint_effects.shape == (7, 10)
    template = datasets.load_valuechain_template()
    assert template.attrs["synthetic"] is True
    assert vc.margin_summary(template)["margin"] == pytest.approx(10.0)
    assert "ValueChain('Online home-goods retailer (illustrative)', as-is" in repr(case)


# ----------------------------------------------------------------------------------------------
# Spec validation: every error path

MALFORMED = [
    ("valuechain_unknown_activity.yaml", ["unknown activity 'marketing'", "did you mean 'marketing_sales'",
                                          "activities missing: marketing_sales"]),
    ("valuechain_missing_cost.yaml", ["2 problem(s)", "activity 'operations' has no cost_share",
                                      "activity 'service' has no cost_share"]),
    ("valuechain_shares_not_one.yaml", ["cost shares sum to 0.95, not 1", "off by -0.05"]),
    ("valuechain_duplicate_keys.yaml", ["duplicate key 'revenue' at line 5 (first at line 3)",
                                        "activity 'service' appears 2 times (entries [5, 6])"]),
    ("valuechain_not_mapping.yaml", ["must be a mapping"]),
    ("valuechain_many_problems.yaml", ["6 problem(s)", "revenue must be > 0", "'operatons' (did you mean 'operations'",
                                       "importance must be between 1 and 7, got 9",
                                       "unknown touchpoint 'phone'", "'service' links to itself"]),
]


@pytest.mark.parametrize(("name", "fragments"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files_list_every_problem(name, fragments):
    with pytest.raises(SpecificationError) as info:
        vc.read_value_chain(DATA / name)
    assert isinstance(info.value, CrmlabError) and isinstance(info.value, ValueError)
    message = str(info.value)
    assert "How to fix" in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_many_problems_are_all_in_the_problems_attribute():
    with pytest.raises(SpecificationError) as info:
        vc.read_value_chain(DATA / "valuechain_many_problems.yaml")
    assert len(info.value.problems) == 6


def test_unreadable_files():
    with pytest.raises(DataFileError, match=r"(?s)not valid YAML.*line 4"):
        vc.read_value_chain(DATA / "valuechain_bad_syntax.yaml")
    with pytest.raises(DataFileError, match="no such file"):
        vc.read_value_chain(DATA / "valuechain_nowhere.yaml")


def _mutate(path: str, value):
    """A copy of the hand spec with one entry replaced (``None`` deletes it)."""
    spec = copy.deepcopy(hand_spec())
    *parents, last = path.split(".")
    target = spec
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is None:
        del target[key]
    else:
        target[key] = value
    return spec


SPEC_ERRORS = [
    ("firm", None, "required key 'firm' is missing"),
    ("revenu", 5, "unknown top-level key 'revenu' (did you mean 'revenue'?)"),
    ("revenue", "lots", "revenue must be a number, got 'lots'"),
    ("margin", 1.0, "margin must be below 1 (a share of revenue"),
    ("margin", None, "required key 'margin' is missing"),
    ("initiatives.0.revenue_effect", -1, "revenue_effect must be above -1"),
    ("scale", [7, 1], "scale must be [lowest, highest]"),
    ("activities", "all of them", "activities must be a list of entries"),
    ("activities", [], "activities is empty"),
    ("activities.2", "outbound", "activities entry 3 must be a mapping"),
    ("activities.2.activity", None, "activities entry 3 has no 'activity' name"),
    ("activities.1.cost_shre", 0.3, "unknown field 'cost_shre' (did you mean 'cost_share'?)"),
    ("activities.1.cost_share", -0.1, "cost_share must be between 0 and 1, got -0.1"),
    ("activities.1.variable_share", 2, "variable_share must be between 0 and 1"),
    ("activities.4.value_share", None, "value_share is given for some activities but not for service"),
    ("activities.4.value_share", 0.2, "value shares sum to 1.1, not 1"),
    ("touchpoints.0.activity", "helpdesk", "touchpoint 't1': unknown activity 'helpdesk'"),
    ("touchpoints.0.performance", None, "touchpoint 't1': performance is missing"),
    ("touchpoints.1.key", "t1", "touchpoints: key 't1' appears 2 times"),
    ("touchpoints.1.key", None, "touchpoints entry 2 has no 'key'"),
    ("initiatives.0.cost_changes", None, "initiative 'A': cost_changes must map the activities"),
    ("initiatives.0.cost_changes", {"servise": 1}, "cost_changes names unknown activity 'servise' (did you mean 'service'?)"),
    ("initiatives.0.cost_changes", {"service": "ten"}, "cost change of 'service' must be a number"),
    ("initiatives.0.revenue_effect", None, "initiative 'A': revenue_effect is missing"),
    ("initiatives.0.touchpoint_effects", [1], "touchpoint_effects must map touchpoint keys"),
    ("initiatives.1.key", "A", "initiatives: key 'A' appears 2 times"),
    ("initiatives.1.key", None, "initiatives entry 2 has no 'key'"),
    ("linkages.0.target", "tech", "unknown target activity 'tech'"),
    ("linkages.1", {"source": "service", "target": "technology_development"}, "duplicates entry 1"),
    ("linkages.0.strength", 5, "strength must be between 1 and 3"),
    ("linkages.0.source", None, "linkages entry 1 has no source"),
    ("touchpoints.0.activity", None, "touchpoint 't1' has no 'activity'"),
    ("activities.3.value_share", 2, "activity 'marketing_sales': value_share must be between 0 and 1, got 2"),
    ("initiatives.0.touchpoint_effects", {"t1": "lots"}, "effect on touchpoint 't1' must be a number, got 'lots'"),
    ("activities.0.activity", ["inbound_logistics"], "activity must be a name, got a list ['inbound_logistics']"),
]


@pytest.mark.parametrize(("path", "value", "fragment"), SPEC_ERRORS, ids=[f"{p}={v!r}" for p, v, _ in SPEC_ERRORS])
def test_spec_errors(path, value, fragment):
    with pytest.raises(SpecificationError) as info:
        vc.read_value_chain(_mutate(path, value))
    assert fragment in str(info.value), str(info.value)


def test_template_file_is_a_valid_spec_with_every_field():
    spec = yaml.safe_load((datasets.DATA_DIR / "valuechain_template.yaml").read_text(encoding="utf-8"))
    assert set(spec) == vc._TOP_KEYS
    assert {a["activity"] for a in spec["activities"]} == set(vc.ACTIVITIES)
    assert set(spec["activities"][0]) == vc._ACTIVITY_KEYS


def test_minimal_chain_needs_only_the_required_keys():
    spec = {key: hand_spec()[key] for key in ("firm", "revenue", "margin")}
    spec["activities"] = [{"activity": a["activity"], "cost_share": a["cost_share"]} for a in hand_spec()["activities"]]
    chain = vc.read_value_chain(spec)
    assert chain.attrs["licence"] == "the user's own data" and chain.attrs["synthetic"] is False
    assert chain.currency == "currency units" and chain.scale == (1.0, 7.0)
    assert (chain.activities["variable_share"] == 1.0).all() and chain.activities["value_share"].isna().all()
    assert chain.touchpoints.empty and chain.initiatives.empty and chain.linkages.empty
    assert vc.impact_matrix(chain).shape == (0, 9)
    after = vc.to_be(chain)
    assert after.margin == pytest.approx(chain.margin) == pytest.approx(200.0)
    assert vc.plot_value_chain(chain, "cost_share").get_title() == "Hand example (as-is): cost share"
    assert vc.plot_linkages(chain).get_title()
    with pytest.raises(SpecificationError, match="no touchpoints"):
        vc.touchpoint_index(chain)


# ----------------------------------------------------------------------------------------------
# Arithmetic on the hand example


def test_margin_and_cost_shares_by_hand(hand):
    summary = vc.margin_summary(hand)
    assert summary["total_cost"] == pytest.approx(800.0)
    assert summary["margin"] == pytest.approx(200.0)
    assert summary["margin_rate"] == pytest.approx(0.2)
    assert summary["variable_cost"] == pytest.approx(200 + 120 + 80)
    assert summary["contribution_ratio"] == pytest.approx(0.6)
    costs = vc.cost_structure(hand)
    np.testing.assert_allclose(costs["cost"], [200, 240, 80, 120, 40, 40, 32, 32, 16])
    assert costs["cost_share"].sum() == pytest.approx(1.0)
    assert costs.loc["operations", "cost_to_revenue"] == pytest.approx(0.24)


def test_value_added_sums_to_the_margin(hand):
    table = vc.value_added(hand)
    assert table["value_added"].sum() == pytest.approx(200.0)
    assert table.loc["marketing_sales", "value_added"] == pytest.approx(80.0)
    assert table.loc["procurement", "value_per_cost"] == pytest.approx(10 / 16)
    assert table.index[0] == "service"  # 100 / 40 = 2.5, the best link
    assert table["rank"].tolist() == list(range(1, 10))
    assert table["creates_value"].sum() == 4  # operations 300/240, outbound 100/80, m&s, service
    no_values = _mutate("activities", [{k: v for k, v in a.items() if k != "value_share"}
                                       for a in hand_spec()["activities"]])
    with pytest.raises(SpecificationError, match="value_share is not given"):
        vc.value_added(vc.read_value_chain(no_values))


def test_impact_matrix_shape_and_totals(hand):
    matrix = vc.impact_matrix(hand)
    assert matrix.shape == (2, 9) and list(matrix.columns) == list(vc.ACTIVITIES)
    totals = vc.impact_matrix(hand, totals=True)
    assert totals.shape == (3, 10)
    assert totals.loc["A", "total"] == pytest.approx(6.0)
    assert totals.loc["B", "total"] == pytest.approx(-6.0)
    assert totals.loc["total", "service"] == pytest.approx(10.0)
    assert totals.loc["total", "total"] == pytest.approx(0.0)


def test_initiative_summary_by_hand(hand):
    table = vc.initiative_summary(hand)
    a = table.loc["A"]
    assert (a["spend"], a["savings"], a["net_cost"]) == pytest.approx((10.0, 4.0, 6.0))
    assert a["revenue_gain"] == pytest.approx(50.0)
    assert a["margin_change"] == pytest.approx(0.05 * 1000 * 0.6 - 6)  # 24
    assert a["return_on_spend"] == pytest.approx(2.4)
    assert a["touchpoint_gain"] == pytest.approx(0.6 * 1.5)
    assert table.loc["B", "margin_change"] == pytest.approx(6.0)
    assert np.isnan(table.loc["B", "return_on_spend"])  # nothing spent
    assert vc.initiative_summary(hand, effect_scale=0.5).loc["A", "margin_change"] == pytest.approx(9.0)


def test_to_be_by_hand(hand):
    with pytest.warns(CrmlabWarning, match=r"1 to-be touchpoint score\(s\) left the 1-7 scale.*\['t2'\]"):
        after = vc.to_be(hand)
    assert after.state == "to-be" and after.initiatives.empty
    assert after.revenue == pytest.approx(1050.0)
    np.testing.assert_allclose(after.activities["cost"], [210, 240, 84, 116, 50, 40, 32, 32, 16])
    assert after.margin == pytest.approx(230.0)
    margin = vc.compare_margin(hand, after)
    assert margin.loc["margin", "change"] == pytest.approx(30.0)
    assert margin.loc["margin_rate", "to_be"] == pytest.approx(230 / 1050)
    assert vc.initiative_summary(hand)["margin_change"].sum() == pytest.approx(30.0)
    assert after.touchpoints["performance"].tolist() == [5.5, 7.0]
    assert vc.touchpoint_index(hand) == pytest.approx(4.4)
    assert vc.touchpoint_index(after) == pytest.approx(6.1)
    only_a = vc.to_be(hand, initiatives=["A"])
    assert only_a.margin == pytest.approx(224.0)


def test_to_be_errors(hand):
    with pytest.raises(ParameterError, match=r"unknown initiative\(s\) \['C'\]"):
        vc.to_be(hand, initiatives=["C"])
    with pytest.raises(ParameterError, match="effect_scale must be a number >= 0"):
        vc.to_be(hand, effect_scale=-1)
    deep_cut = _mutate("initiatives.1.cost_changes", {"procurement": -20})
    with pytest.raises(SpecificationError, match="cost of 'procurement' negative"):
        vc.to_be(vc.read_value_chain(deep_cut))
    crash = _mutate("initiatives.0.revenue_effect", -0.9)
    with pytest.raises(ParameterError, match="revenue would vanish"):
        vc.to_be(vc.read_value_chain(crash), effect_scale=2)


def test_touchpoint_gaps_and_metrics(hand):
    gaps = vc.touchpoint_gaps(hand, weakest=1)
    assert gaps["gap"].tolist() == [2.0, -1.0]
    assert gaps["weakest"].tolist() == [True, False]
    with pytest.raises(ParameterError):
        vc.touchpoint_gaps(hand, weakest=-1)
    assert vc.activity_metric(hand, "crm_impact")["service"] == pytest.approx(10.0)
    assert vc.activity_metric(hand, "crm_impact")["marketing_sales"] == pytest.approx(4.0)
    score = vc.activity_metric(hand, "touchpoint_score")
    assert score["service"] == pytest.approx(4.0) and np.isnan(score["operations"])
    with pytest.raises(ParameterError, match="unknown metric 'margin'"):
        vc.activity_metric(hand, "margin")


def test_linkage_summary(hand):
    links = vc.linkage_summary(hand)
    assert links.loc["service", "links_out"] == 1 and links.loc["inbound_logistics", "links_in"] == 1
    assert links.loc["service", "strength_out"] == 3.0
    assert links.loc["procurement", "strength_out"] == 1.0  # strength defaults to 1
    assert links["links_out"].sum() == links["links_in"].sum() == 2


# ----------------------------------------------------------------------------------------------
# The case firm: as-is vs to-be


def test_case_as_is(case):
    summary = vc.margin_summary(case)
    assert summary["total_cost"] == pytest.approx(190.0)
    assert summary["margin"] == pytest.approx(10.0)
    assert summary["variable_cost"] == pytest.approx(114 + 5.7 + 17.1 + 8.55 + 3.8)  # 149.15
    table = vc.value_added(case)
    assert table["value_added"].sum() == pytest.approx(10.0)
    # only some links create value (Porter 1985): five of nine on the case
    assert table.loc[table["creates_value"]].index.tolist() == [
        "technology_development", "service", "marketing_sales", "outbound_logistics", "human_resource_management"]
    gaps = vc.touchpoint_gaps(case)
    assert gaps.index[gaps["weakest"]].tolist() == ["site_speed", "after_sales", "web_contact"]
    assert vc.touchpoint_index(case) == pytest.approx(252.19 / 58.0)


def test_case_to_be_deltas(case):
    after = vc.to_be(case)
    margin = vc.compare_margin(case, after)
    # g = 0.075, contribution = 200 - 149.15 = 50.85, net cost of the initiatives = 3.5
    assert margin.loc["revenue", "to_be"] == pytest.approx(215.0)
    assert margin.loc["margin", "change"] == pytest.approx(0.075 * 50.85 - 3.5)
    assert margin.loc["margin_rate", "change"] == pytest.approx((10 + 0.075 * 50.85 - 3.5) / 215 - 0.05)
    assert vc.impact_matrix(case, totals=True).loc["total", "total"] == pytest.approx(3.5)
    summary = vc.initiative_summary(case)
    assert summary["margin_change"].sum() == pytest.approx(margin.loc["margin", "change"])
    assert summary["margin_change"].idxmin() == "delivery_upgrade"
    assert summary["margin_change"].idxmax() == "web_self_service"
    costs = vc.compare_costs(case, after)
    assert costs["cost_to_be"].sum() == pytest.approx(after.total_cost)
    assert costs.loc["service", "change"] == pytest.approx(7.6 * 0.5 * 0.075 - 1.6)
    touch = vc.compare_touchpoints(case, after)
    assert touch.loc["web_contact", "performance_to_be"] == pytest.approx(5.0)
    assert touch.loc["phone_contact", "change"] == pytest.approx(0.2)
    assert vc.touchpoint_index(after) - vc.touchpoint_index(case) == pytest.approx(67.35 / 58.0)
    assert (touch["gap_to_be"] < touch["gap_as_is"]).all()
    assert list(vc.process_map(case).columns) == ["label", "as_is", "to_be"]
    assert vc.process_map(case)["to_be"].str.len().gt(0).all()


def test_dropping_the_value_destroying_initiative_raises_the_margin(case):
    keep = [k for k in case.initiatives.index if k != "delivery_upgrade"]
    assert vc.to_be(case, keep).margin > vc.to_be(case).margin
    halved = vc.to_be(case, effect_scale=0.5)
    assert halved.margin == pytest.approx(10 + 0.5 * 0.075 * 50.85 - 3.5)
    k_star = vc.break_even_effect_scale(case)
    assert k_star == pytest.approx(3.5 / (0.075 * 50.85))
    assert vc.to_be(case, effect_scale=k_star).margin == pytest.approx(case.margin)
    assert vc.break_even_effect_scale(case, ["web_self_service"]) == 0.0  # it saves more than it costs
    with pytest.raises(ParameterError, match="unknown initiative"):
        vc.break_even_effect_scale(case, ["loyalty_card"])


def test_break_even_without_revenue_effect(hand):
    assert vc.break_even_effect_scale(hand, ["B"]) == 0.0  # a pure saving
    no_effect = vc.read_value_chain(_mutate("initiatives.0.revenue_effect", 0.0))
    assert vc.break_even_effect_scale(no_effect, ["A"]) == float("inf")


# ----------------------------------------------------------------------------------------------
# Plots: inspect the artists


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


# ----------------------------------------------------------------------------------------------
# Notebook 02 exercises


def test_exercises_expected_answers_and_mistakes():
    bank = {k: v for k, v in exercises().items() if k.startswith("02.")}
    assert len(bank) >= 3
    for ex in bank.values():
        assert check(ex.id, ex.expected()).correct
        for wrong, hint in ex.mistakes:
            feedback = check(ex.id, wrong())
            assert not feedback.correct and feedback.message == hint
