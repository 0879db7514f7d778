"""crmlab.clv.segments: customer groups by value share and relationship, and the one playbook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import clv
from crmlab.errors import (
    DataValidationError,
    ParameterError,
)


def test_customer_groups(bgnbd, summary):
    value = clv.expected_purchases(bgnbd, summary["frequency"], summary["recency"], summary["T"], 52)
    groups = clv.customer_groups(summary, bgnbd, value)
    assert set(groups["relationship"]) == {"new", "old", "lapsing"}  # "potential" means prospects elsewhere
    assert (groups.loc[summary["frequency"] == 0, "relationship"] == "new").all()
    large = groups["value_group"] == "large"
    assert groups.loc[large, "value"].min() >= groups.loc[~large, "value"].max()
    share = groups.loc[large, "value"].sum() / groups["value"].sum()
    assert 0.5 <= share < 0.5 + groups["value"].max() / groups["value"].sum()
    assert set(clv.GROUP_ACTIONS) == set(groups["value_group"]) | set(groups["relationship"])
    with pytest.raises(ParameterError, match="value_shares"):
        clv.customer_groups(summary, bgnbd, value, value_shares=(0.9, 0.5))
    with pytest.raises(DataValidationError, match="same index"):
        clv.customer_groups(summary, bgnbd, value.iloc[::-1])


# ---------------------------------------------------------------------------------------------------
# one definition per concept: value groups, concentration, playbook


def test_value_groups_by_hand_and_ties_share_a_group():
    # total 100; held by customers worth strictly more: 0, 40, 40, 80, 80. The tie block b, c crosses the
    # 50% cut (ranked one by one, c would start at 60%): both are large.
    values = pd.Series([40.0, 20.0, 20.0, 10.0, 10.0], index=list("abcde"))
    groups = clv.value_groups(values)
    assert groups.astype(str).tolist() == ["large", "large", "large", "small_medium", "small_medium"]
    assert clv.share_above(values).round(12).tolist() == [0.0, 0.4, 0.4, 0.8, 0.8]
    # a tie block straddling the 90% cut stays together, whatever the row order
    shuffled = values.iloc[[4, 2, 0, 3, 1]]
    assert clv.value_groups(shuffled).reindex(values.index).equals(groups)


def test_customer_groups_and_volume_groups_are_one_grouping(bgnbd, summary):
    value = pd.Series(np.r_[np.repeat([5.0, 1.0], 50), np.linspace(0, 30, len(summary) - 100)], index=summary.index)
    groups = clv.customer_groups(summary, bgnbd, value)
    from crmlab import value as v

    volume = v.volume_groups(value)
    assert groups["value_group"].tolist() == volume.astype(str).tolist()
    assert set(groups["value_group"]) <= set(clv.VALUE_GROUPS) == set(v.VOLUME_GROUPS)
    assert v.volume_groups is not clv.value_groups and volume.name == "volume_group"


def test_share_above_is_one_minus_the_lorenz_curve_at_the_tie_block():
    rng = np.random.default_rng(1)
    values = pd.Series(rng.integers(0, 20, 300).astype(float))
    brute = np.array([values[values > x].sum() for x in values]) / values.sum()
    assert np.allclose(clv.share_above(values), brute, atol=1e-12)


def test_top_share_is_the_share_of_the_top_customers():
    values = pd.Series([50.0, 20.0, 10.0, 10.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0])
    assert clv.top_share(values, 0.2) == pytest.approx(0.7)
    ranked = values.sort_values(ascending=False)
    for k in range(1, 11):
        assert clv.top_share(values, k / 10) == pytest.approx(ranked.iloc[:k].sum() / values.sum())
    curve = clv.lorenz_curve(values)
    assert curve["value_share"].iloc[-1] == pytest.approx(1.0) and curve["value_share"].is_monotonic_increasing


def test_one_playbook_behind_group_actions_and_tier_playbook():
    from crmlab import value as v

    tiers = v.tier_playbook()
    for group in clv.VALUE_GROUPS:
        assert clv.GROUP_ACTIONS[group] == tiers.loc[("volume", group), "treatment"]
    assert set(clv.GROUP_ACTIONS) == set(clv.VALUE_GROUPS) | {"new", "old", "lapsing"}
    assert list(dict.fromkeys(tiers.index.get_level_values("grouping"))) == ["pyramid", "volume", "tenure"]
    assert clv.playbook().loc["relationship"].index.tolist() == ["new", "old", "lapsing"]
    with pytest.raises(ParameterError, match="unknown grouping"):
        clv.playbook(["loyalty"])


def test_group_overview_counts_and_shares(bgnbd, summary):
    value = pd.Series(np.linspace(0, 10, len(summary)), index=summary.index)
    groups = clv.customer_groups(summary, bgnbd, value)
    overview = clv.group_overview(groups)
    assert overview["customers"].sum() == len(summary)
    assert overview["value_share"].sum() == pytest.approx(1.0)
    cell = groups[(groups["value_group"] == "large") & (groups["relationship"] == "old")]
    assert overview.loc[("large", "old"), "mean_p_alive"] == pytest.approx(cell["p_alive"].mean())
    assert overview.loc[("large", "old"), "value"] == pytest.approx(cell["value"].sum())
