"""crmlab.valuechain.system: CRM links between the chains of a value system, and the bullwhip effect."""

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
