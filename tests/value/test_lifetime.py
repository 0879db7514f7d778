"""crmlab.value.lifetime: CLV closed forms against explicit sums, simulation and finite differences."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from crmlab import value as v
from crmlab.datasets import load_cdnow_transactions
from crmlab.errors import (
    CrmlabError,
    ParameterError,
    SpecificationError,
)

DATA = Path(__file__).parent.parent / "data"


# ---------------------------------------------------------------------------------------------------
# CLV

def test_clv_hand_computed():
    assert v.clv_closed_form(100, 0.8, 0.1) == pytest.approx(80 / 0.3, rel=1e-12)
    assert v.clv_closed_form(100, 0.8, 0.1, growth=0.05) == pytest.approx(80 / 0.26, rel=1e-12)
    assert v.clv_closed_form(100, 0.0, 0.1) == 0.0
    assert v.clv_closed_form(0.0, 0.8, 0.1) == 0.0
    assert v.clv_closed_form(-10, 0.5, 0.0) == pytest.approx(-10.0)  # a loss-making customer
    assert v.clv_closed_form(100, 0.8, 0.1, horizon=1) == pytest.approx(80 / 1.1, rel=1e-12)
    assert v.clv_closed_form(100, 0.8, 0.1, horizon=2) == pytest.approx(80 / 1.1 + 64 / 1.21, rel=1e-12)
    # r(1+g) = 1+i: every period is worth the same m r/(1+i)
    assert v.clv_closed_form(100, 1.0, 0.05, growth=0.05, horizon=3) == pytest.approx(300 / 1.05, rel=1e-12)
    # r = 1 is fine without a horizon when i > 0: a perpetuity m / i
    assert v.clv_closed_form(100, 1.0, 0.1) == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("m", "r", "i", "g"),
    [(100, 0.8, 0.1, 0.0), (37.5, 0.95, 0.12, 0.03), (1, 0.5, 0.0, 0.0), (250, 0.99, 0.02, -0.01), (10, 0.0, 0.1, 0.0)],
)
def test_closed_form_equals_explicit_sum(m, r, i, g):
    long = v.clv_explicit_sum(m, r, i, g, horizon=5000)
    assert v.clv_closed_form(m, r, i, g) == pytest.approx(long, rel=1e-9, abs=1e-12)
    for horizon in (1, 2, 7, 40):
        assert v.clv_closed_form(m, r, i, g, horizon=horizon) == pytest.approx(
            v.clv_explicit_sum(m, r, i, g, horizon=horizon), rel=1e-9, abs=1e-12)


def test_schedule_columns():
    s = v.clv_schedule(100, 0.8, 0.1, 0.05, horizon=3)
    assert s.index.tolist() == [1, 2, 3]
    assert s["survival"].tolist() == pytest.approx([0.8, 0.64, 0.512])
    assert s["margin"].tolist() == pytest.approx([100, 105, 110.25])
    assert s.loc[2, "present_value"] == pytest.approx(0.64 * 105 / 1.21)
    assert s["cumulative_clv"].iloc[-1] == pytest.approx(v.clv_closed_form(100, 0.8, 0.1, 0.05, horizon=3))
    with pytest.raises(ParameterError, match="finite horizon"):
        v.clv_schedule(100, 0.8, 0.1, horizon=None)


@pytest.mark.parametrize(("horizon", "growth"), [(None, 0.0), (5, 0.1)])
def test_monte_carlo_agrees_with_closed_form(horizon, growth):
    draws = v.simulate_retention_clv(100, 0.8, 0.1, growth, horizon, n_customers=40_000, rng=7)
    se = draws.std(ddof=1) / math.sqrt(len(draws))
    assert abs(draws.mean() - v.clv_closed_form(100, 0.8, 0.1, growth, horizon)) < 4 * se
    # a customer who leaves at once is worth 0; the best possible customer stays the whole horizon
    assert draws.min() == 0.0
    if horizon:
        assert draws.max() == pytest.approx(sum(100 * 1.1 ** (t - 1) / 1.1**t for t in range(1, 6)))


def test_simulation_edge_cases():
    assert (v.simulate_retention_clv(100, 0.0, 0.1, n_customers=10, rng=1) == 0).all()
    stay = v.simulate_retention_clv(100, 1.0, 0.0, horizon=3, n_customers=5, rng=1)
    assert stay.tolist() == [300.0] * 5
    with pytest.raises(ParameterError, match="nobody ever leaves"):
        v.simulate_retention_clv(100, 1.0, 0.1)
    with pytest.raises(ParameterError, match="n_customers"):
        v.simulate_retention_clv(100, 0.5, 0.1, n_customers=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retention": 1.0, "discount": 0.0}, "diverges"),
        ({"retention": 0.95, "discount": -0.1}, "diverges"),
        ({"retention": 0.9, "discount": 0.1, "growth": 0.25}, "diverges"),
        ({"retention": 1.2}, "probability"),
        ({"retention": -0.1}, "probability"),
        ({"discount": -1.0}, "above -1"),
        ({"growth": -1.5}, "above -1"),
        ({"horizon": 0}, "horizon"),
        ({"horizon": 2.5}, "horizon"),
        ({"margin": float("nan")}, "finite"),
        ({"margin": "100"}, "finite"),
    ],
)
def test_clv_bad_parameters(kwargs, message):
    params = {"margin": 100.0, "retention": 0.8, "discount": 0.1} | kwargs
    with pytest.raises(ParameterError, match=message):
        v.clv_closed_form(**params)


def test_divergence_message_names_the_fix():
    with pytest.raises(CrmlabError) as info:
        v.clv_closed_form(100, 1.0, 0.0)
    assert "1 + i = 1" in str(info.value) and "finite horizon" in str(info.value)
    assert v.clv_closed_form(100, 1.0, 0.0, horizon=4) == pytest.approx(400.0)  # a horizon makes it finite


def test_sensitivity_table_and_plot():
    table = v.clv_sensitivity(100, [0.6, 0.7, 0.8], [0.08, 0.12])
    assert len(table) == 6 and table.columns.tolist() == ["margin", "retention", "discount", "growth", "clv"]
    row = table[(table["retention"] == 0.7) & (table["discount"] == 0.12)].iloc[0]
    assert row["clv"] == pytest.approx(70 / 0.42)
    ax = v.plot_clv_sensitivity(table)
    assert len(ax.lines) == 2 and "retention" in ax.get_xlabel() and "CLV" in ax.get_ylabel()
    with pytest.raises(SpecificationError, match="'retention' takes several values"):
        v.plot_clv_sensitivity(table, x="discount", hue="margin")
    with pytest.raises(ParameterError, match="empty"):
        v.clv_sensitivity(100, [], 0.1)


def test_elasticities_match_finite_differences():
    e = v.clv_elasticities(100, 0.8, 0.1, 0.02)
    base = v.clv_closed_form(100, 0.8, 0.1, 0.02)
    h = 1e-6
    for name, args in (("retention", (100, 0.8 * (1 + h), 0.1, 0.02)), ("discount", (100, 0.8, 0.1 * (1 + h), 0.02)),
                       ("margin", (100 * (1 + h), 0.8, 0.1, 0.02))):
        assert e[name] == pytest.approx((v.clv_closed_form(*args) / base - 1) / h, rel=1e-4)
    assert e["retention"] == pytest.approx(1.1 / (1.1 - 0.816))
    with pytest.raises(ParameterError, match="zero margin"):
        v.clv_elasticities(0, 0.8, 0.1)


def test_sensitivity_refuses_text():
    with pytest.raises(ParameterError, match="retention: \\['high'\\] are not finite numbers"):
        v.clv_sensitivity(100, ["high"], 0.1)


def test_naive_clv_by_hand_and_on_cdnow():
    validation = pd.DataFrame({"holdout_active": [True, False, True, False],
                               "holdout_amount": [30.0, 0.0, 50.0, 0.0]})
    naive = v.naive_clv(validation, gross_margin=0.25, period_years=0.5, annual_discount=0.21)
    assert naive["retention"] == 0.5
    assert naive["margin"] == pytest.approx(0.25 * 40.0)
    assert naive["discount"] == pytest.approx(0.1)
    assert naive["clv"] == pytest.approx(10.0 * 0.5 / (1.1 - 0.5))
    # notebook 01's naive CDNOW figures: 39-week holdout, 30% margin, 10% a year
    cdnow = v.rfm_holdout_validation(load_cdnow_transactions(), "1997-09-30", "1998-06-30")
    naive = v.naive_clv(cdnow)
    assert (round(naive["retention"], 3), round(naive["margin"], 2), round(naive["clv"], 2)) == (0.29, 31.13, 11.52)
    with pytest.raises(ParameterError, match="gross_margin"):
        v.naive_clv(validation, gross_margin=1.5)
    with pytest.raises(ParameterError, match="nobody bought"):
        v.naive_clv(validation.assign(holdout_active=False))
