"""crmlab.valuechain.analysis: Porter's chain and the bundled data, margin arithmetic on the hand example, CRM impact, as-is vs to-be on the case firm."""

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

from .specs import hand_spec, mutate


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
    no_values = mutate("activities", [{k: v for k, v in a.items() if k != "value_share"}
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
    deep_cut = mutate("initiatives.1.cost_changes", {"procurement": -20})
    with pytest.raises(SpecificationError, match="cost of 'procurement' negative"):
        vc.to_be(vc.read_value_chain(deep_cut))
    crash = mutate("initiatives.0.revenue_effect", -0.9)
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
    no_effect = vc.read_value_chain(mutate("initiatives.0.revenue_effect", 0.0))
    assert vc.break_even_effect_scale(no_effect, ["A"]) == float("inf")


def test_effect_scale_sensitivity_is_linear_and_zero_at_break_even(case):
    scales = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5]
    paying = vc.paying_initiatives(case)
    table = vc.effect_scale_sensitivity(case, scales, {"all seven": None, "paying ones only": paying})
    assert table.index.name == "effect_scale" and table.index.tolist() == scales
    # notebook 02's figures (CNY million)
    assert table["all seven"].round(3).tolist() == [-3.5, -2.547, -1.593, -0.64, 0.314, 1.267, 2.221]
    assert table["paying ones only"].round(3).tolist() == [-1.4, -0.612, 0.176, 0.965, 1.753, 2.541, 3.329]
    # linear in k: M'(k) - M = k g (R - sum u_a C_a) - sum Delta, zero at the break-even scale
    for column, chosen in (("all seven", None), ("paying ones only", paying)):
        summary = vc.initiative_summary(case).loc[chosen or slice(None)]
        net_cost = summary["net_cost"].sum()
        gain = summary["margin_change"].sum() + net_cost
        np.testing.assert_allclose(table[column], np.array(scales) * gain - net_cost, atol=1e-12)
        k = vc.break_even_effect_scale(case, chosen)
        only = vc.effect_scale_sensitivity(case, [k], {column: chosen})
        assert only[column].iloc[0] == pytest.approx(0.0, abs=1e-12)


def test_paying_initiatives_are_those_with_a_margin_gain(case, hand):
    summary = vc.initiative_summary(case)
    assert vc.paying_initiatives(case) == summary.index[summary["margin_change"] >= 0].tolist()
    assert len(vc.paying_initiatives(case)) == 5
    # hand example: A gains 0.05 x (1000 - 200 - 120 - 80) - 6 = 24 >= 0, B saves 6 with no revenue effect
    assert vc.paying_initiatives(hand) == ["A", "B"]
    assert vc.paying_initiatives(hand, effect_scale=0.0) == ["B"]


def test_effect_scale_sensitivity_default_and_errors(hand):
    with pytest.warns(CrmlabWarning, match="capped"):  # B lifts the shop touchpoint from 5 to 8 > 7
        table = vc.effect_scale_sensitivity(hand, [0.0, 1.0])
    assert list(table.columns) == ["all"]
    # k = 0: A's spend 10 - 4 and B's saving 6 cancel; k = 1: A adds 24 + 6 = 30, B saves 6 -> +30
    assert table["all"].tolist() == pytest.approx([0.0, 30.0])
    with pytest.raises(ParameterError, match="effect_scale"):
        vc.effect_scale_sensitivity(hand, [-1.0])
    with pytest.raises(ParameterError, match="programmes is empty"):
        vc.effect_scale_sensitivity(hand, [1.0], {})
