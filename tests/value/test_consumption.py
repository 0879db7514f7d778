"""crmlab.value.consumption: consumption-value profiles (Sheth, Newman & Gross 1991)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from crmlab import value as v
from crmlab.errors import (
    DataValidationError,
    ParameterError,
    SpecificationError,
)

DATA = Path(__file__).parent.parent / "data"


# ---------------------------------------------------------------------------------------------------
# consumption values

def _scores() -> pd.DataFrame:
    rows = []
    for offering, base in (("store", 3.0), ("app", 4.0)):
        for k, value in enumerate(v.CONSUMPTION_VALUES):
            rows += [(offering, value, base + k / 2 - 1), (offering, value, base + k / 2 + 1)]
    return pd.DataFrame(rows, columns=["offering", "value", "score"])


def test_consumption_profile_averages_and_weights():
    profile = v.consumption_value_profile(_scores(), weights={"functional": 2, "social": 1, "emotional": 1,
                                                              "epistemic": 0, "conditional": 0})
    assert profile.loc["store"].tolist()[:5] == [3.0, 3.5, 4.0, 4.5, 5.0]
    assert profile.loc["store", "overall"] == pytest.approx((2 * 3.0 + 3.5 + 4.0) / 4)
    assert profile.loc["app", "overall"] == pytest.approx((2 * 4.0 + 4.5 + 5.0) / 4)
    equal = v.consumption_value_profile(_scores())
    assert equal.loc["store", "overall"] == pytest.approx(4.0)


def test_consumption_profile_errors():
    scores = _scores()
    with pytest.raises(SpecificationError, match="'app' has no 'epistemic' score"):
        v.consumption_value_profile(scores[~((scores["offering"] == "app") & (scores["value"] == "epistemic"))])
    bad = scores.copy()
    bad.loc[0, "value"] = "hedonic"
    with pytest.raises(DataValidationError, match="five values") as info:
        v.consumption_value_profile(bad)
    assert info.value.rows == [0]
    with pytest.raises(DataValidationError, match="outside the scale"):
        v.consumption_value_profile(scores, scale=(1, 5))
    with pytest.raises(SpecificationError) as info:
        v.consumption_value_profile(scores, weights={"functional": 1, "fun": 1})
    assert len(info.value.problems) == 5  # one unknown value and four missing weights


def test_radar_needs_polar_axes():
    profile = v.consumption_value_profile(_scores())
    ax = v.plot_consumption_values(profile)
    assert ax.name == "polar" and len(ax.lines) == 2 and ax.get_title()
    with pytest.raises(ParameterError, match="polar"):
        v.plot_consumption_values(profile, ax=plt.subplots()[1])
