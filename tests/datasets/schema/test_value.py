"""crmlab.datasets.schema.value: Kotler's dimensions and the value-table validator the loader uses."""

import pandas as pd
import pytest

from crmlab import datasets, value
from crmlab.datasets.schema.value import KOTLER_COST_DIMENSIONS, KOTLER_VALUE_DIMENSIONS, SIDES, value_components
from crmlab.errors import DataValidationError


def test_kotler_dimensions_are_those_of_the_analysis():
    assert KOTLER_VALUE_DIMENSIONS == value.KOTLER_VALUE_DIMENSIONS
    assert KOTLER_COST_DIMENSIONS == value.KOTLER_COST_DIMENSIONS
    assert SIDES == ("value", "cost")


def test_example_validates_and_weights_by_hand():
    example = datasets.load_delivered_value_example()
    parts = value_components(example, offering_col="offering", side_col="side", dimension_col="dimension",
                             amount_col="amount", weight_col="weight")
    assert len(parts) == 24
    totals = parts.groupby(["offering", "side"])["weighted"].sum()
    # the README's hand-checked figures: online value 670, cost 570; offline value 630, cost 600
    assert totals.to_dict() == {("offline", "cost"): 600.0, ("offline", "value"): 630.0,
                                ("online", "cost"): 570.0, ("online", "value"): 670.0}


def test_wrong_dimension_for_its_side_is_named():
    table = pd.DataFrame({"offering": ["a", "a"], "side": ["value", "cost"], "dimension": ["product", "image"],
                          "amount": [5.0, 2.0]})
    with pytest.raises(DataValidationError, match="Kotler's dimensions") as info:
        value_components(table, offering_col="offering", side_col="side", dimension_col="dimension",
                         amount_col="amount", weight_col=None)
    assert info.value.column == "dimension" and info.value.rows == [1]
