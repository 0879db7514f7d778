"""crmlab.clv.fit: published estimates (Fader, Hardie & Lee 2005a, b; Fader, Hardie & Shang 2010;
Hardie's BG/NBD spreadsheet), the weighted fit against lifetimes', clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from crmlab import clv
from crmlab.clv.fitters import BetaGeoFitter, ModifiedBetaGeoFitter
from crmlab.datasets import load_donations
from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    ParameterError,
)

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


# ---------------------------------------------------------------------------------------------------
# published estimates


def test_bgnbd_reproduces_fader_hardie_lee_2005(bgnbd):
    est = bgnbd.params_
    assert [round(est[p], 3) for p in ("r", "alpha", "a", "b")] == [0.243, 4.414, 0.793, 2.426]
    assert round(clv.log_likelihood(bgnbd), 1) == -9582.4
    assert bgnbd.n_customers_ == 2357 and len(bgnbd.data) < 2357  # fitted on distinct patterns


def test_pareto_nbd_reproduces_fader_hardie_lee_2005(pareto):
    est = pareto.params_
    assert [round(est[p], 3) for p in ("r", "alpha", "s", "beta")] == [0.553, 10.578, 0.606, 11.669]
    published = pd.Series([0.553, 10.578, 0.606, 11.669], index=["r", "alpha", "s", "beta"])
    data = pareto.data
    ll_published = float(np.dot(data["weights"], pareto._conditional_log_likelihood(
        published.to_numpy(), data["frequency"], data["recency"], data["T"])))
    assert ll_published < clv.log_likelihood(pareto)
    assert round(clv.log_likelihood(pareto), 1) == -9595.0
    table = clv.parameter_table(pareto)
    assert table["std_error"].notna().all() and (table["std_error"] > 0).all()
    # CLVTools' tests/testthat/test_correctness_pnbd.R: standard errors of the same fit (numerical Hessians
    # both, so agreement to about 4 significant digits)
    np.testing.assert_allclose(table["std_error"], [0.0476264, 0.8427222, 0.1872594, 6.2105448], rtol=5e-4)


def test_gamma_gamma_reproduces_the_published_spend_model(exact_summary):
    gg = clv.fit(exact_summary, "gamma_gamma")
    assert gg.n_customers_ == 946
    assert [round(gg.params_[p], 2) for p in ("p", "q", "v")] == [6.25, 3.74, 15.44]


def test_bgbb_reproduces_fader_hardie_shang_2010():
    bgbb = clv.fit(load_donations(), "bgbb")
    assert [round(bgbb.params_[p], 3) for p in ("alpha", "beta", "gamma", "delta")] == [1.204, 0.750, 0.657, 2.783]
    assert bgbb.n_customers_ == 11104


def test_spot_values_of_hardies_spreadsheet(bgnbd):
    assert round(float(clv.expected_purchases(bgnbd, 2, 30.43, 38.86, 39)), 3) == 1.226
    # The spreadsheet prints 1.8576: it sums the 2F1 series to a fixed number of terms and stops
    # 0.0004 short of the exact value 1.8580 that scipy's hyp2f1 gives.
    assert float(clv.expected_repeat_purchases(bgnbd, 78)) == pytest.approx(1.8576, abs=5e-4)


# ---------------------------------------------------------------------------------------------------
# the fit itself


@pytest.mark.parametrize("name, fitter", [("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter)])
def test_weighted_fit_equals_plain_lifetimes_fit(summary, name, fitter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = fitter().fit(summary["frequency"], summary["recency"], summary["T"])
    ours = clv.fit(summary, name)
    np.testing.assert_allclose(ours.params_, plain.params_, rtol=1e-6)  # 6 significant digits
    np.testing.assert_allclose(clv.parameter_table(ours)["std_error"], plain.standard_errors_, rtol=1e-4)


def test_weights_column_counts_customers(summary, bgnbd):
    doubled = pd.concat([summary, summary])
    weighted = summary.assign(weights=2)
    a, b = clv.fit(doubled), clv.fit(weighted)
    np.testing.assert_allclose(a.params_, bgnbd.params_, rtol=1e-8)
    np.testing.assert_allclose(b.params_, a.params_, rtol=1e-10)
    assert a.n_customers_ == b.n_customers_ == 2 * 2357
    np.testing.assert_allclose(a.standard_errors_, bgnbd.standard_errors_ / np.sqrt(2), rtol=1e-4)


def test_parameter_table_works_for_a_lifetimes_fit(summary, bgnbd):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    table = clv.parameter_table(plain)
    assert list(table.columns) == ["estimate", "std_error", "ci_lower", "ci_upper"]
    np.testing.assert_allclose(table["std_error"], clv.parameter_table(bgnbd)["std_error"], rtol=1e-3)
    np.testing.assert_allclose(table["ci_upper"] - table["estimate"], 1.96 * table["std_error"])


def test_calibration_columns_are_used(cal_holdout, transactions):
    with pytest.warns(CrmlabWarning):
        summary = clv.rfm_summary(transactions, freq="D", freq_multiplier=7, observation_end=CAL_END)
    np.testing.assert_allclose(clv.fit(cal_holdout).params_, clv.fit(summary).params_, rtol=1e-9)


def test_fit_errors(summary):
    with pytest.raises(ParameterError, match="unknown model"):
        clv.fit(summary, "bg")
    with pytest.raises(DataValidationError, match="monetary_value"):
        clv.fit(summary, "gamma_gamma")
    with pytest.raises(DataValidationError, match=r"recency larger than T[\s\S]*'1'"):
        clv.fit(summary.assign(recency=summary["recency"] + 100))
    with pytest.raises(DataValidationError, match="whole number"):
        clv.fit(summary.assign(frequency=summary["frequency"] - 0.5))
    with pytest.raises(DataValidationError, match="recency must be 0"):
        clv.fit(summary.assign(recency=1.0))
    with pytest.raises(ParameterError, match="initial_params needs 4"):
        clv.fit(summary, initial_params=[1, 2])
    no_repeats = summary.assign(frequency=0, recency=0.0)
    with pytest.raises(ConvergenceError, match="Try"):
        clv.fit(no_repeats)


def test_gamma_gamma_leaves_out_zero_spend_repeat_buyers_with_a_warning(exact_summary):
    spend = exact_summary.copy()
    repeat = spend.index[spend["frequency"] > 0][:3]
    spend.loc[repeat, "monetary_value"] = 0.0
    with pytest.warns(CrmlabWarning, match="3 repeat buyer"):
        gg = clv.fit(spend, "gamma_gamma")
    assert gg.n_customers_ == 943


def test_log_likelihood_rows_is_the_one_bgnbd_likelihood(bgnbd, summary):
    """The rows add up to the fit's log-likelihood, and equal FHL (2005a) eq. (6) written out."""
    from scipy.special import gammaln

    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    rows = clv.log_likelihood_rows(bgnbd, x, t_x, T)
    assert rows.sum() == pytest.approx(clv.log_likelihood(bgnbd), abs=1e-6)
    r, alpha, a, b = bgnbd.params_
    by_hand = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b)
               - gammaln(a + b + x) - (r + x) * np.log(alpha + T))
    repeat = x > 0
    by_hand[repeat] += np.log1p(a / (b + x[repeat] - 1) * ((alpha + T[repeat]) / (alpha + t_x[repeat])) ** (r + x[repeat]))
    assert np.allclose(rows, by_hand, rtol=1e-12, atol=1e-10)
    assert clv.MODELS["bgnbd"].loglik is not None and clv.MODELS["bgnbd"].weighted is not None
