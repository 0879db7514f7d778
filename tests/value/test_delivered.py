"""crmlab.value.delivered: perceived and delivered value by hand, refused rows, plots."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlab import value as v
from crmlab.datasets import load_delivered_value_example
from crmlab.errors import (
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
)

DATA = Path(__file__).parent.parent / "data"


# ---------------------------------------------------------------------------------------------------
# perceived and delivered value

def test_delivered_value_of_the_example_by_hand():
    out = v.delivered_value(load_delivered_value_example(), weight_col="weight")
    assert list(out.index) == ["online", "offline"]
    online, offline = out.loc["online"], out.loc["offline"]
    # online: product 500+20, services 40+30+15, personnel 10, image 35+20; costs 420+10, 30+40, 25, 45
    assert (online["product"], online["services"], online["personnel"], online["image"]) == (520, 85, 10, 55)
    assert (online["monetary"], online["time"], online["energy"], online["psychic"]) == (430, 70, 25, 45)
    assert online["total_customer_value"] == 670 and online["total_customer_cost"] == 570
    assert online["delivered_value"] == 100 and online["value_cost_ratio"] == pytest.approx(670 / 570)
    assert offline["total_customer_value"] == 630 and offline["total_customer_cost"] == 600
    assert offline["delivered_value"] == 30 and offline["value_cost_ratio"] == pytest.approx(1.05)


def test_weights_multiply_amounts():
    table = load_delivered_value_example()
    table.loc[(table["offering"] == "online") & (table["dimension"] == "time"), "weight"] = 2.0
    online = v.delivered_value(table, weight_col="weight").loc["online"]
    assert online["time"] == 140 and online["delivered_value"] == 30


def test_perceived_value_received_vs_given():
    table = pd.DataFrame({"offering": ["a", "a", "a", "b"], "side": ["value", "cost", "Cost ", "value"],
                          "amount": [10.0, 4.0, 1.0, 3.0], "w": [2.0, 1.0, 1.0, 1.0]})
    out = v.perceived_value(table, weight_col="w")
    assert out.loc["a"].tolist() == [20.0, 5.0, 15.0, 4.0]
    assert out.loc["b", "given"] == 0 and math.isinf(out.loc["b", "value_ratio"])


def test_negative_cost_is_refused_with_the_row():
    table = pd.read_csv(DATA / "value_negative_cost.csv")
    with pytest.raises(DataValidationError, match="negative cost") as info:
        v.delivered_value(table)
    assert info.value.column == "amount" and info.value.rows == [2]
    assert "How to fix" in str(info.value)


def test_dimension_must_match_side():
    table = pd.read_csv(DATA / "value_wrong_dimension.csv")
    with pytest.raises(DataValidationError, match="Kotler") as info:
        v.delivered_value(table)
    assert info.value.column == "dimension" and info.value.rows == [1, 2]
    # perceived value ignores dimensions, so the same table is fine there
    assert v.perceived_value(table).loc["store", "net_value"] == 120 - 40


@pytest.mark.parametrize(
    ("change", "error", "column"),
    [
        ({"side": "benefit"}, DataValidationError, "side"),
        ({"amount": "ten"}, DataValidationError, "amount"),
        ({"amount": np.nan}, DataValidationError, "amount"),
        ({"weight": -1.0}, DataValidationError, "weight"),
        ({"offering": None}, DataValidationError, "offering"),
        ({"dimension": None}, DataValidationError, "dimension"),
    ],
)
def test_bad_value_rows(change, error, column):
    table = load_delivered_value_example().astype({c: object for c in ("amount", "weight", "offering", "dimension")})
    for col, val in change.items():
        table.loc[3, col] = val
    with pytest.raises(error) as info:
        v.delivered_value(table, weight_col="weight")
    assert info.value.column == column and info.value.rows == [3]


def test_empty_and_missing_columns():
    with pytest.raises(EmptyDataError):
        v.perceived_value(pd.DataFrame(columns=["offering", "side", "amount"]))
    with pytest.raises(MissingColumnError, match="'dimension'"):
        v.delivered_value(pd.DataFrame({"offering": ["a"], "side": ["value"], "amount": [1.0]}))


def test_value_plots():
    out = v.delivered_value(load_delivered_value_example())
    ax = v.plot_delivered_value(out)
    assert ax.get_title() and ax.get_ylabel() and len(ax.patches) == 16
    ax = v.plot_value_waterfall(out, "online")
    heights = [p.get_height() for p in ax.patches]
    assert heights[4] == 670 and heights[-1] == 100
    with pytest.raises(ParameterError, match="no offering"):
        v.plot_value_waterfall(out, "mail order")


def test_delivered_value_example_provenance():
    example = load_delivered_value_example()
    assert example.shape == (24, 7) and example.attrs["synthetic"] is True
    assert "author-constructed" in example.attrs["description"]
    assert set(example["channel_part"]) == {"online", "offline"}


def test_channel_split_of_the_online_purchase():
    example = load_delivered_value_example()
    split = v.channel_split(example, "online")
    online = example[example["offering"] == "online"]
    for part in ("online", "offline"):
        rows = online[online["channel_part"] == part]
        assert split.loc[part, "value"] == pytest.approx(rows.loc[rows["side"] == "value", "amount"].sum())
        assert split.loc[part, "cost"] == pytest.approx(rows.loc[rows["side"] == "cost", "amount"].sum())
    assert split["share_of_value"].sum() == pytest.approx(1.0)
    assert split.round(3).to_dict() == {"cost": {"offline": 65.0, "online": 505.0},
                                        "value": {"offline": 600.0, "online": 70.0},
                                        "share_of_value": {"offline": 0.896, "online": 0.104}}
    with pytest.raises(ParameterError, match="no rows for offering"):
        v.channel_split(example, "catalogue")
    with pytest.raises(MissingColumnError):
        v.channel_split(example.drop(columns="channel_part"), "online")
