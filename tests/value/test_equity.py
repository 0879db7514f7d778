"""crmlab.value.equity: customer equity by hand and cohort by cohort."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmlab import value as v
from crmlab.errors import (
    ParameterError,
)

DATA = Path(__file__).parent.parent / "data"


# ---------------------------------------------------------------------------------------------------
# customer equity

EQUITY = {"current_customers": 1000, "new_customers": 100, "acquisition_cost": 50}


def test_customer_equity_hand_computed():
    ce = v.customer_equity(100, 0.8, 0.1, **EQUITY)
    clv = 80 / 0.3
    assert ce["current_customers"] == pytest.approx(1000 * clv)
    assert ce["future_margins"] == pytest.approx(100 * (100 + clv) * 10)  # annuity 1/(i - h) = 10
    assert ce["acquisition_costs"] == pytest.approx(-100 * 50 * 10)
    assert ce["customer_equity"] == pytest.approx(1000 * clv + 100 * (100 + clv - 50) * 10)
    one = v.customer_equity(100, 0.8, 0.1, **EQUITY, acquisition_periods=1)
    assert one["future_margins"] == pytest.approx(100 * (100 + clv) / 1.1)
    none = v.customer_equity(100, 0.8, 0.1, current_customers=1000)
    assert none["customer_equity"] == pytest.approx(1000 * clv)


@pytest.mark.parametrize(("growth", "periods"), [(0.0, None), (0.03, None), (0.03, 6), (0.1, 4)])
def test_equity_closed_form_equals_cohort_sum(growth, periods):
    ce = v.customer_equity(100, 0.8, 0.1, **EQUITY, acquisition_growth=growth, acquisition_periods=periods)
    cohorts = v.customer_equity_by_cohort(100, 0.8, 0.1, **EQUITY, acquisition_growth=growth,
                                          acquisition_periods=periods or 6000)
    assert cohorts["present_value"].sum() == pytest.approx(ce["customer_equity"], rel=1e-9)
    assert cohorts.loc[0, "customers"] == 1000
    assert cohorts["cumulative_equity"].iloc[-1] == pytest.approx(cohorts["present_value"].sum())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"acquisition_cost": -5}, "acquisition_cost"),
        ({"current_customers": -1}, "current_customers"),
        ({"acquisition_growth": 0.1}, "diverges"),
        ({"acquisition_periods": 0}, "acquisition_periods"),
    ],
)
def test_equity_bad_parameters(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        v.customer_equity(100, 0.8, 0.1, **(EQUITY | kwargs))


def test_equity_drivers_and_plot():
    drivers = v.equity_drivers()
    assert drivers.index.tolist() == ["value equity", "brand equity", "relationship equity"]
    assert "quality; price; convenience" == drivers.loc["value equity", "sub_drivers"]
    cohorts = v.customer_equity_by_cohort(100, 0.8, 0.1, **EQUITY, acquisition_periods=5)
    ax = v.plot_customer_equity(cohorts)
    assert len(ax.patches) == 6 and ax.get_title()
