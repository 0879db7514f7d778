"""crmlab.value: hand-computed examples, closed form vs explicit sum vs simulation, every error path."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlab import value as v
from crmlab.datasets import load_cdnow_summary, load_cdnow_transactions, load_delivered_value_example
from crmlab.errors import (
    CrmlabError,
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
    SpecificationError,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def tiny_log() -> pd.DataFrame:
    log = pd.read_csv(DATA / "value_tiny_log.csv", dtype={"customer_id": str})
    log["date"] = pd.to_datetime(log["date"])
    return log


@pytest.fixture(scope="module")
def tiny_calibration(tiny_log) -> pd.DataFrame:
    return tiny_log[tiny_log["date"] <= "2024-01-31"]


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


# ---------------------------------------------------------------------------------------------------
# RFM

def test_rfm_table_tiny_log(tiny_calibration):
    rfm = v.rfm_table(tiny_calibration, "2024-01-31")
    assert rfm.index.tolist() == list("ABCDE")
    assert rfm["recency"].tolist() == [1, 6, 16, 26, 122]
    assert rfm["frequency"].tolist() == [3, 1, 2, 4, 1]  # D bought twice on 2023-12-01: one occasion
    assert rfm["monetary"].tolist() == [60.0, 100.0, 10.0, 200.0, 15.0]


def test_rfm_scores_tiny_log(tiny_calibration):
    scores = v.rfm_scores(v.rfm_table(tiny_calibration, "2024-01-31"))
    # recency 1 < 6 < 16 < 26 < 122; frequency B and E tie at 1 and share the lower score
    assert scores["R"].tolist() == [5, 4, 3, 2, 1]
    assert scores["F"].tolist() == [4, 1, 3, 5, 1]
    assert scores["M"].tolist() == [3, 4, 1, 5, 2]
    assert scores["rfm_cell"].tolist() == ["543", "414", "331", "255", "112"]
    assert v.rfm_segments(scores).tolist() == ["champions", "promising", "needs attention", "at risk",
                                               "hibernating"]


def test_rfm_scores_do_not_depend_on_row_order(tiny_calibration):
    shuffled = tiny_calibration.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(v.rfm_scores(v.rfm_table(shuffled, "2024-01-31")),
                                  v.rfm_scores(v.rfm_table(tiny_calibration, "2024-01-31")))


def test_quintiles_equal_without_ties():
    rfm = pd.DataFrame({"recency": np.arange(10), "frequency": np.arange(10) + 1, "monetary": np.arange(10.0)})
    scores = v.rfm_scores(rfm)
    assert scores["F"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores["R"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert v.rfm_scores(rfm, n_groups=2)["M"].tolist() == [1] * 5 + [2] * 5


def test_rfm_errors(tiny_log):
    # the one observation-end rule: later rows are left out and counted (rows 12-16 of the tiny log)
    with pytest.warns(CrmlabWarning, match="5 transaction row"):
        early = v.rfm_table(tiny_log, "2024-01-31")
    pd.testing.assert_frame_equal(early, v.rfm_table(tiny_log.drop(index=[12, 13, 14, 15, 16]), "2024-01-31"))
    with pytest.raises(EmptyDataError):
        v.rfm_table(tiny_log.iloc[:0])
    # text dates go through the same contract and give the same table
    pd.testing.assert_frame_equal(v.rfm_table(tiny_log.astype({"date": str})), v.rfm_table(tiny_log))
    with pytest.raises(DataValidationError, match="stored as numbers"):
        v.rfm_table(tiny_log.assign(date=20240101))
    bad = tiny_log.copy()
    bad.loc[4, "amount"] = -5
    with pytest.raises(DataValidationError, match="negative amount") as info:
        v.rfm_table(bad)
    assert info.value.rows == [4]
    with pytest.raises(ParameterError, match="n_groups"):
        v.rfm_scores(v.rfm_table(tiny_log), n_groups=10)


def test_segment_rules_must_tile_the_grid():
    rules = v.RFM_SEGMENT_RULES.copy()
    rules.loc[0, "f_min"] = 3  # champions now overlap 'promising' on F = 3
    rules.loc[5, "r_max"] = 1  # and R = 2 is left out of 'hibernating'
    with pytest.raises(SpecificationError) as info:
        v.rfm_segments(pd.DataFrame({"R": [1], "F": [1]}), rules)
    text = str(info.value)
    assert "(R=4, F=3) is in several segments" in text and "(R=2, F=1) is in no segment" in text


def test_holdout_validation_tiny_log(tiny_log):
    with pytest.warns(CrmlabWarning) as record:
        val = v.rfm_holdout_validation(tiny_log, "2024-01-31", "2024-03-31")
    messages = " ".join(str(w.message) for w in record)
    assert "1 transaction row(s) dated after observation_end" in messages and "1 customer(s) first bought" in messages
    assert val.index.tolist() == list("ABCDE")
    assert val["holdout_purchases"].tolist() == [1, 0, 0, 1, 0]
    assert val["holdout_amount"].tolist() == [30.0, 0.0, 0.0, 40.0, 0.0]
    response = v.holdout_response(val, "R")
    assert response["customers"].sum() == 5
    assert response.loc[5, "active_rate"] == 1.0 and response.loc[5, "lift"] == pytest.approx(2.5)
    assert response.loc[1, "active_rate"] == 0.0
    ax = v.plot_holdout_response(response, overall=0.4)
    assert len(ax.patches) == 5 and "%" in ax.get_ylabel()
    assert v.plot_rfm_heatmap(val).get_title()


def test_split_errors(tiny_log):
    with pytest.raises(ParameterError, match="must be after"):
        v.calibration_holdout_split(tiny_log, "2024-03-31", "2024-01-31")
    with pytest.raises(EmptyDataError, match="calibration end"):
        v.calibration_holdout_split(tiny_log, "2020-01-01", "2024-12-31")


@pytest.fixture(scope="module")
def cdnow_validation() -> pd.DataFrame:
    return v.rfm_holdout_validation(load_cdnow_transactions(), "1997-09-30", "1998-06-30")


def test_cdnow_rfm_matches_the_published_summary(cdnow_validation):
    summary = load_cdnow_summary()
    rfm = cdnow_validation.loc[summary.index]
    assert len(cdnow_validation) == 2357
    # repeat purchases x = purchase days - 1; T - t_x = weeks since the last purchase (rounded to 0.01)
    assert ((rfm["frequency"] - 1) == summary["frequency"]).all()
    assert np.abs(rfm["recency"] / 7 - (summary["T"] - summary["recency"])).max() < 0.011


def test_cdnow_recency_predicts_the_holdout(cdnow_validation):
    by_r = v.holdout_response(cdnow_validation, "R")
    assert by_r.index.tolist() == [1, 2, 3, 4, 5]
    assert by_r["customers"].sum() == 2357 and by_r["customers"].between(450, 490).all()
    assert by_r["active_rate"].is_monotonic_increasing
    assert by_r.loc[5, "active_rate"] > 4 * by_r.loc[1, "active_rate"]
    # 1,411 one-time buyers tie on F and share score 1, which leaves score 2 empty
    assert cdnow_validation["F"].value_counts().sort_index().to_dict() == {1: 1411, 3: 439, 4: 214, 5: 293}


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


def test_delivered_value_example_provenance():
    example = load_delivered_value_example()
    assert example.shape == (24, 7) and example.attrs["synthetic"] is True
    assert "author-constructed" in example.attrs["description"]
    assert set(example["channel_part"]) == {"online", "offline"}


def test_numbers_as_text_and_numpy_scalars_are_accepted(tiny_calibration):
    as_text = tiny_calibration.astype({"amount": str})
    assert v.rfm_table(as_text, "2024-01-31")["monetary"].tolist() == [60.0, 100.0, 10.0, 200.0, 15.0]
    assert v.clv_closed_form(np.int64(100), np.float64(0.8), 0.1, horizon=np.int64(1)) == pytest.approx(80 / 1.1)
    weights = dict(zip(v.CONSUMPTION_VALUES, np.ones(5, dtype="int64"), strict=True))
    assert v.consumption_value_profile(_scores(), weights=weights).loc["store", "overall"] == pytest.approx(4.0)
    with pytest.raises(ParameterError, match="horizon"):
        v.clv_closed_form(100, 0.8, 0.1, horizon=True)


def test_sensitivity_refuses_text():
    with pytest.raises(ParameterError, match="retention: \\['high'\\] are not finite numbers"):
        v.clv_sensitivity(100, ["high"], 0.1)


def test_tier_summary_refuses_customers_without_a_tier():
    values = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    tiers = pd.Series(["gold", None, "lead"], index=["a", "b", "c"], name="tier")
    with pytest.raises(DataValidationError, match="without a tier") as info:
        v.tier_summary(values, tiers)
    assert info.value.rows == ["b"]
