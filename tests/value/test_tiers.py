"""crmlab.value.tiers: concentration, the pyramid, volume and tenure groups, the playbook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlab import value as v
from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    ParameterError,
    SpecificationError,
)

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def tiny_log() -> pd.DataFrame:
    log = pd.read_csv(DATA / "value_tiny_log.csv", dtype={"customer_id": str})
    log["date"] = pd.to_datetime(log["date"])
    return log


@pytest.fixture(scope="module")
def tiny_calibration(tiny_log) -> pd.DataFrame:
    return tiny_log[tiny_log["date"] <= "2024-01-31"]


def _scores() -> pd.DataFrame:
    rows = []
    for offering, base in (("store", 3.0), ("app", 4.0)):
        for k, value in enumerate(v.CONSUMPTION_VALUES):
            rows += [(offering, value, base + k / 2 - 1), (offering, value, base + k / 2 + 1)]
    return pd.DataFrame(rows, columns=["offering", "value", "score"])


# ---------------------------------------------------------------------------------------------------
# tiers

def test_concentration_hand_computed():
    x = [1, 2, 3, 4, 10]
    assert v.gini(x) == pytest.approx(0.4)  # sum |xi - xj| = 80 over 2 n^2 mean = 200
    assert v.gini([5, 5, 5]) == pytest.approx(0.0)
    assert v.gini([0, 0, 0, 10]) == pytest.approx(0.75)  # (n - 1)/n
    assert v.top_share(x, 0.2) == pytest.approx(0.5)
    assert v.top_share(x, 0.1) == pytest.approx(0.25)  # half of the top customer, interpolated
    curve = v.lorenz_curve(x)
    assert curve["value_share"].tolist() == pytest.approx([0, 0.05, 0.15, 0.3, 0.5, 1.0])
    summary = v.value_concentration(pd.Series(x))
    assert summary["customers"] == 5 and summary["total_value"] == 20 and summary["top_20pct_share"] == 0.5
    ax = v.plot_lorenz(x)
    assert "Gini = 0.40" in ax.get_legend().get_texts()[0].get_text()


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [([], EmptyDataError, "empty"), ([1, -2, 3], DataValidationError, "negative"),
     ([1, np.nan], DataValidationError, "missing"), ([0, 0], DataValidationError, "sum to 0")],
)
def test_concentration_errors(values, error, message):
    with pytest.raises(error, match=message):
        v.gini(values)
    with pytest.raises(ParameterError, match="share"):
        v.top_share([1, 2], 0)


def test_pyramid_shares_and_summary():
    values = pd.Series(np.arange(1.0, 11.0), index=[f"c{k}" for k in range(10)])
    tiers = v.customer_pyramid(values)
    assert tiers.tolist() == ["lead"] * 4 + ["iron"] * 3 + ["gold"] * 2 + ["platinum"]
    summary = v.tier_summary(values, tiers)
    assert summary.index.tolist() == ["platinum", "gold", "iron", "lead"]
    assert summary["customers"].tolist() == [1, 2, 3, 4]
    assert summary["value"].tolist() == [10, 17, 18, 10]
    assert summary["customer_share"].sum() == pytest.approx(1) and summary["value_share"].sum() == pytest.approx(1)
    assert v.customer_pyramid([3, 3, 3, 3, 3]).tolist() == ["lead"] * 5  # ties never promote
    ax = v.plot_customer_pyramid(summary)
    assert len(ax.patches) == 4 and ax.get_title()


def test_pyramid_bad_shares():
    with pytest.raises(SpecificationError) as info:
        v.customer_pyramid([1, 2, 3], {"platinum": 0.5, "gold": 0.6, "copper": 0.1})
    assert len(info.value.problems) == 3  # unknown copper, no iron, no lead


def test_volume_groups_by_cumulative_value():
    values = pd.Series([10, 50, 5, 20, 10, 5], index=list("abcdef"))
    groups = v.volume_groups(values)
    # b alone holds 50%; d, a, e follow (the two 10s tie); c and f start at 90%
    assert groups.tolist() == ["small_medium", "large", "scattered", "small_medium", "small_medium", "scattered"]
    summary = v.tier_summary(values, groups)
    assert summary.index.tolist() == ["large", "small_medium", "scattered"]
    assert summary["value_share"].tolist() == pytest.approx([0.5, 0.4, 0.1])
    with pytest.raises(ParameterError, match="cutoffs"):
        v.volume_groups(values, (0.9, 0.5))


def test_tenure_groups(tiny_calibration):
    with pytest.warns(CrmlabWarning, match="1 prospect"):
        groups = v.tenure_groups(tiny_calibration, "2024-01-31", new_within_days=30, prospects=["P1", "A", "P1"])
    assert groups.to_dict() == {"A": "new", "B": "new", "C": "old", "D": "old", "E": "old", "P1": "potential"}
    # the one observation-end rule: the 7 later rows are left out and counted; D and E bought before
    with pytest.warns(CrmlabWarning, match="7 transaction row"):
        early = v.tenure_groups(tiny_calibration, "2023-12-31")
    assert early.to_dict() == {"D": "new", "E": "old"}
    with pytest.raises(DataValidationError, match="every transaction is after observation_end"):
        v.tenure_groups(tiny_calibration, "2020-01-01")
    with pytest.raises(ParameterError, match="new_within_days"):
        v.tenure_groups(tiny_calibration, "2024-01-31", new_within_days=0)


def test_tier_summary_alignment_and_playbook():
    values = pd.Series([1.0, 2.0], index=["a", "b"])
    with pytest.raises(DataValidationError, match="same customers"):
        v.tier_summary(values, pd.Series(["x", "y"], index=["a", "c"]))
    playbook = v.tier_playbook()
    assert set(playbook.index.get_level_values("grouping")) == {"pyramid", "volume", "tenure"}
    for grouping, tiers in (("pyramid", v.PYRAMID_TIERS), ("volume", v.VOLUME_GROUPS), ("tenure", v.TENURE_GROUPS)):
        assert set(playbook.loc[grouping].index) == set(tiers)


def test_notebook_01_exercise_answers_by_hand():
    from crmlab.course.exercises import exercises

    bank = exercises()
    assert sorted(k for k in bank if k.startswith("01.")) == ["01.1", "01.2", "01.3", "01.4", "01.5", "01.6"]
    assert bank["01.1"].expected() == pytest.approx(50 * 0.75 / 0.37)
    # online: time 70 -> 140, psychic 45 -> 67.5; offline: time 60 -> 120, psychic 15 -> 22.5
    assert bank["01.2"].expected() == pytest.approx({"online": 670 - 662.5, "offline": 630 - 667.5})


def test_numbers_as_text_and_numpy_scalars_are_accepted(tiny_calibration):
    as_text = tiny_calibration.astype({"amount": str})
    assert v.rfm_table(as_text, "2024-01-31")["monetary"].tolist() == [60.0, 100.0, 10.0, 200.0, 15.0]
    assert v.clv_closed_form(np.int64(100), np.float64(0.8), 0.1, horizon=np.int64(1)) == pytest.approx(80 / 1.1)
    weights = dict(zip(v.CONSUMPTION_VALUES, np.ones(5, dtype="int64"), strict=True))
    assert v.consumption_value_profile(_scores(), weights=weights).loc["store", "overall"] == pytest.approx(4.0)
    with pytest.raises(ParameterError, match="horizon"):
        v.clv_closed_form(100, 0.8, 0.1, horizon=True)


def test_tier_summary_refuses_customers_without_a_tier():
    values = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    tiers = pd.Series(["gold", None, "lead"], index=["a", "b", "c"], name="tier")
    with pytest.raises(DataValidationError, match="without a tier") as info:
        v.tier_summary(values, tiers)
    assert info.value.rows == ["b"]


def test_volume_groups_is_the_one_value_grouping():
    from crmlab import clv

    rng = np.random.default_rng(3)
    spend = pd.Series(rng.choice([0.0, 5.0, 10.0, 50.0], 500), index=[f"c{i}" for i in range(500)])
    assert v.volume_groups(spend).astype(str).equals(clv.value_groups(spend).astype(str).rename("volume_group"))
    assert v.VOLUME_GROUPS == clv.VALUE_GROUPS == ("large", "small_medium", "scattered")
    # ties: every customer with the same spend is in the same group
    assert v.volume_groups(spend).groupby(spend).nunique().max() == 1
    assert v.lorenz_curve is clv.lorenz_curve and v.top_share is clv.top_share
