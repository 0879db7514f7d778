"""crmlab.clv's contractual setting: the sBG model reproduces Fader & Hardie (2007) and its closed forms
(survival, retention, DEL, DERL) agree with direct sums and a simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from reference import fh2007, fh2010
from scipy.special import betaln

from crmlab import clv
from crmlab.clv.contractual import churn_patterns, survivor_table
from crmlab.errors import DataValidationError, ParameterError


@pytest.fixture(scope="module")
def regular():
    return clv.fit(fh2007.REGULAR[: fh2007.FITTED_YEARS + 1], model="sbg")


@pytest.fixture(scope="module")
def high_end():
    return clv.fit(fh2007.HIGH_END[: fh2007.FITTED_YEARS + 1], model="sbg")


def test_sbg_reproduces_fader_hardie_2007(regular, high_end):
    for model, name in ((regular, "regular"), (high_end, "high_end")):
        published = fh2007.ESTIMATES[name]
        assert [round(model.params_[p], 3) for p in ("gamma", "delta")] == [published["gamma"], published["delta"]]
        assert model.n_customers_ == 1000 and clv.model_name(model) == "sbg"


def test_sbg_log_likelihood_by_hand(regular):
    gamma, delta = regular.params_
    counts = np.array(fh2007.REGULAR[:8], dtype=float)
    lost = counts[:-1] - counts[1:]
    t = np.arange(1, 8)
    by_hand = lost @ (betaln(gamma + 1, delta + t - 1) - betaln(gamma, delta)) + counts[-1] * (
        betaln(gamma, delta + 7) - betaln(gamma, delta))
    assert clv.log_likelihood(regular) == pytest.approx(by_hand, rel=1e-12)
    # it is the maximum: any move of the parameters lowers it
    for step in ([0.01, 0], [-0.01, 0], [0, 0.01], [0, -0.01]):
        moved = clv.fit(fh2007.REGULAR[:8], "sbg")
        moved.params_ = moved.params_ + step
        assert clv.log_likelihood_rows(moved, [1, 2, 3, 4, 5, 6, 7, 7], [0, 0, 0, 0, 0, 0, 0, 1]) @ np.r_[lost, counts[-1]] < by_hand


def test_parameter_table_and_standard_errors(regular):
    table = clv.parameter_table(regular)
    assert list(table.index) == ["gamma", "delta"]
    assert (table["std_error"] > 0).all()
    # the standard errors are those of the observed information of the binomial-type likelihood:
    # a cohort twice as large has standard errors smaller by sqrt(2)
    doubled = clv.fit([2 * c for c in fh2007.REGULAR[:8]], "sbg")
    np.testing.assert_allclose(doubled.params_, regular.params_, rtol=1e-7)
    np.testing.assert_allclose(clv.parameter_table(doubled)["std_error"], table["std_error"] / np.sqrt(2), rtol=1e-4)


def test_survival_and_retention_closed_forms_against_the_churn_distribution(regular):
    gamma, delta = regular.params_
    t = np.arange(0, 13)
    survival = clv.survival(regular, t)
    churn = np.exp(betaln(gamma + 1, delta + np.arange(1, 5000) - 1) - betaln(gamma, delta))  # P(T = t)
    assert churn.sum() + clv.survival(regular, 4999) == pytest.approx(1.0, rel=1e-12)  # heavy tail
    np.testing.assert_allclose(survival, 1 - np.r_[0, np.cumsum(churn)[:12]], rtol=1e-12)
    retention = clv.retention_rate(regular, t[1:])
    np.testing.assert_allclose(retention, survival[1:] / survival[:-1], rtol=1e-12)
    assert np.all(np.diff(retention) > 0)  # aggregate retention rises though no customer's does
    assert retention[0] == pytest.approx(delta / (gamma + delta))
    assert isinstance(clv.survival(regular, pd.Series([1, 2], index=["a", "b"])), pd.Series)
    with pytest.raises(ParameterError, match="whole numbers"):
        clv.survival(regular, 1.5)
    with pytest.raises(ParameterError, match=">= 1"):
        clv.retention_rate(regular, 0)


def test_projection_against_the_holdout_years(regular, high_end):
    for model, data in ((regular, fh2007.REGULAR), (high_end, fh2007.HIGH_END)):
        table = clv.projection(model, 12, cohort_size=1000)
        error = table["survivors"].to_numpy() - np.array(data, dtype=float)
        # projected 5 years beyond the fitting data, the sBG stays within 2.5 points of the cohort
        assert np.max(np.abs(error)) < 25
        assert np.abs(error[8:]).max() > 1  # a projection, not a fit to those years
    assert clv.projection(regular, 3)["retention_rate"].isna().sum() == 1


def test_del_and_derl_against_direct_sums(regular):
    gamma, delta = regular.params_
    d = 0.1
    t = np.arange(0, 4000)
    survival = np.exp(betaln(gamma, delta + t) - betaln(gamma, delta))
    assert clv.discounted_expected_lifetime(regular, d) == pytest.approx(survival @ (1.1 ** -t), rel=1e-10)
    for n in (0, 1, 4, 10):
        future = survival[n + 1:] / survival[n]  # P(T > n + 1 + k | T > n), k = 0, 1, ...
        direct = future @ (1.1 ** -np.arange(len(future)))
        assert clv.discounted_expected_residual_lifetime(regular, n, d) == pytest.approx(direct, rel=1e-10)
    derl = clv.discounted_expected_residual_lifetime(regular, np.arange(0, 8), d)
    assert np.all(np.diff(derl) > 0)  # customers who renewed more often are worth more
    assert clv.discounted_expected_lifetime(regular, d) == pytest.approx(1 + derl[0] / 1.1, rel=1e-12)
    with pytest.raises(ParameterError, match="discount_rate"):
        clv.discounted_expected_lifetime(regular, 0)


def sbg_with(params: dict[str, float]):
    from crmlab.clv.contractual import ShiftedBetaGeometricModel

    model = ShiftedBetaGeometricModel()
    model.params_ = pd.Series(params)
    return model


def test_derl_reproduces_fader_hardie_2010_table_3():
    d, n = fh2010.DISCOUNT_RATE, fh2010.RENEWALS
    for params, published in ((fh2010.CASE_1, fh2010.DERL_CASE_1), (fh2010.CASE_2, fh2010.DERL_CASE_2)):
        derl = clv.discounted_expected_residual_lifetime(sbg_with(params), n, d)
        np.testing.assert_allclose(derl, published, rtol=0, atol=0.005)  # 2 decimals
    rounded = clv.discounted_expected_residual_lifetime(sbg_with(fh2010.CASE_2_PRINTED), n, d)
    np.testing.assert_allclose(rounded, fh2010.DERL_CASE_2, rtol=0, atol=0.011)  # parameters printed rounded
    # same mean churn (0.2), very different value: heterogeneity is what a constant rate ignores
    assert clv.discounted_expected_lifetime(sbg_with(fh2010.CASE_2), d) > clv.discounted_expected_lifetime(
        sbg_with(fh2010.CASE_1), d)


def test_del_against_a_simulation(regular):
    gamma, delta = regular.params_
    rng = np.random.default_rng(7)
    theta = rng.beta(gamma, delta, 400_000)
    lifetime = rng.geometric(theta)  # periods paid: 1, 2, ...
    value = (1 - 1.1 ** -lifetime) / (1 - 1 / 1.1)  # sum_{t < T} 1.1^-t
    assert value.mean() == pytest.approx(clv.discounted_expected_lifetime(regular, 0.1), rel=0.01)


def test_constant_retention_undervalues_the_existing_customers(regular):
    """FH 2010's "perils": one average retention rate misprices customers by their tenure."""
    r1 = float(clv.retention_rate(regular, 1))
    d = 0.1
    constant_del = (1 + d) / (1 + d - r1)  # sum r^t / (1 + d)^t
    assert clv.discounted_expected_lifetime(regular, d) > constant_del
    constant_residual = r1 * (1 + d) / (1 + d - r1)  # value of a long-standing customer, same r
    assert clv.discounted_expected_residual_lifetime(regular, 7, d) > 1.5 * constant_residual


def test_several_cohorts_one_by_one_and_together(regular, high_end):
    cohorts = {"regular": fh2007.REGULAR[:8], "high end": fh2007.HIGH_END[:8]}
    one_by_one = {name: clv.fit(s, "sbg") for name, s in cohorts.items()}
    np.testing.assert_allclose(one_by_one["regular"].params_, regular.params_)
    together = clv.fit(pd.DataFrame(cohorts), "sbg")
    assert together.n_customers_ == 2000
    # the pooled log-likelihood is below the sum of the separate maxima (2 more parameters there)
    separate = clv.log_likelihood(regular) + clv.log_likelihood(high_end)
    assert clv.log_likelihood(together) < separate
    lr = 2 * (separate - clv.log_likelihood(together))
    assert lr > 20  # the two segments differ: FH (2007) fit them separately
    # cohorts of different ages: a younger cohort observed for 3 years only
    uneven = clv.fit({"old": fh2007.REGULAR[:8], "young": fh2007.REGULAR[:4]}, "sbg")
    assert uneven.survivors_.shape == (8, 2) and uneven.survivors_["young"].isna().sum() == 4
    pattern = churn_patterns(survivor_table({"young": [100, 60, 50]}))
    assert pattern.to_dict("list") == {"period": [1.0, 2.0, 2.0], "alive": [0.0, 0.0, 1.0], "weights": [40.0, 10.0, 50.0]}


@pytest.mark.parametrize(
    "survivors, message",
    [
        ([1000, 1100, 900], "more survivors"),
        ([1000, -5], "negative"),
        ([1000, 600.5, 500], "whole number"),
        ([1000], "at least one later count"),
        ([0, 0, 0], "must be positive"),
        ({"a": [1000, None, 500]}, "missing count"),
        ("abc", "must be numbers"),
    ],
)
def test_bad_survivor_data_is_refused(survivors, message):
    with pytest.raises(DataValidationError, match=message):
        clv.fit(survivors, "sbg")


def test_sbg_functions_refuse_other_models():
    from crmlab.datasets import load_cdnow_summary

    bgnbd = clv.fit(load_cdnow_summary())
    with pytest.raises(ParameterError, match="sBG model"):
        clv.survival(bgnbd, 1)
    sbg = clv.fit(fh2007.REGULAR[:8], "sbg")
    with pytest.raises(ParameterError, match="not for the sBG model"):
        clv.expected_purchases(sbg, 1, 1, 2, 3)
    with pytest.raises(ParameterError, match="not for the sBG model"):
        clv.probability_alive(sbg, 1, 1, 2)


def test_plot_retention(regular):
    import matplotlib.pyplot as plt

    for kind in ("survival", "retention"):
        fig, ax = plt.subplots()
        assert clv.plot_retention(regular, fh2007.REGULAR, kind=kind, fitted_periods=7, ax=ax) is ax
        assert ax.get_title() and "%" in ax.get_ylabel() and ax.get_xlabel()
        plt.close(fig)
    with pytest.raises(ParameterError, match="kind="):
        clv.plot_retention(regular, kind="churn")
