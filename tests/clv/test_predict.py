"""crmlab.clv predictions beyond E[X]: DERT, P(X(t) = x), the calibration-period frequency fit, expected
spend, BG/BB P(alive) at the next opportunity and BG/BB tracking. Published values where they exist
(tests/reference), and every closed form against a direct numerical computation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from reference import btyd, fhs2010
from scipy import integrate, stats

from crmlab import clv
from crmlab.clv import fitters as lt
from crmlab.clv.predict import gamma_tail_ratio
from crmlab.datasets import load_cdnow_transactions, load_donations
from crmlab.errors import CrmlabWarning, DataValidationError, ParameterError

WEEKLY_15_PERCENT = 1.15 ** (1 / 52) - 1  # FHL (2005b): 15% a year, weekly model
HISTORIES = [(2, 30.43, 38.86), (0, 0.0, 38.86), (10, 38.0, 38.86), (5, 10.0, 38.86)]


@pytest.fixture(scope="module")
def models(summary):
    return {name: clv.fit(summary, name) for name in ("bgnbd", "mbgnbd", "pareto_nbd")}


@pytest.fixture(scope="module")
def bgbb():
    return clv.fit(load_donations(), "bgbb")


def with_params(fitter: type, name: str, params: dict[str, float]):
    model = fitter()
    model.params_ = pd.Series(params)
    model.model_name_ = name
    return model


# ---------------------------------------------------------------------------------------------------
# the discounting kernel


@pytest.mark.parametrize("a, z", [(0.24, 0.05), (0.24, 1.99), (0.24, 2.01), (1.0, 0.5), (5.24, 0.3),
                                  (5.24, 30.0), (50.2, 1.0), (120.3, 0.5), (120.3, 300.0), (0.6, 0.2)])
def test_gamma_tail_ratio_against_quadrature(a, z):
    direct = integrate.quad(lambda v: np.exp(-v) * (1 + v / z) ** (-a), 0, np.inf, epsabs=0, epsrel=1e-13, limit=500)[0]
    assert float(gamma_tail_ratio(np.array(a), np.array(z))) == pytest.approx(direct, rel=1e-12)


# ---------------------------------------------------------------------------------------------------
# DERT


@pytest.mark.parametrize("name", ["bgnbd", "mbgnbd", "pareto_nbd"])
@pytest.mark.parametrize("history", HISTORIES)
def test_dert_equals_the_discounted_integral_of_expected_purchases(models, name, history):
    """DERT = int_0^inf delta e^(-delta t) E[X(T, T + t) | x, t_x, T] dt (integration by parts)."""
    model = models[name]
    delta = np.log1p(WEEKLY_15_PERCENT)
    x, t_x, T = history
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = integrate.quad(lambda t: delta * np.exp(-delta * t) * float(clv.expected_purchases(model, x, t_x, T, t)),
                                0, np.inf, limit=500, epsrel=1e-11)[0]
    assert float(clv.dert(model, x, t_x, T, WEEKLY_15_PERCENT)) == pytest.approx(direct, rel=1e-8)


def test_bgnbd_dert_against_the_double_integral(models):
    model = models["bgnbd"]
    r, alpha, a, b = model.params_
    delta = np.log1p(WEEKLY_15_PERCENT)
    x, t_x, T = 10, 38.0, 38.86
    rate = stats.gamma(r + x, scale=1 / (alpha + T))
    inner = lambda p: integrate.quad(lambda lam: lam / (delta + p * lam) * rate.pdf(lam), 0, np.inf, epsrel=1e-13, limit=400)[0]  # noqa: E731
    alive_part = integrate.quad(lambda p: inner(p) * stats.beta(a, b + x).pdf(p), 0, 1, epsrel=1e-12, limit=400)[0]
    expected = alive_part * float(clv.probability_alive(model, x, t_x, T))
    assert float(clv.dert(model, x, t_x, T, WEEKLY_15_PERCENT)) == pytest.approx(expected, rel=1e-9)


def test_pareto_dert_is_the_fhl_2005b_closed_form(models):
    """alpha^r beta^s delta^(s-1) G(r+x+1) U(s, s; delta(beta+T)) / (G(r) (alpha+T)^(r+x+1) L)."""
    from scipy.special import gammaln, hyperu

    model = models["pareto_nbd"]
    r, alpha, s, beta = model.params_
    delta = np.log1p(WEEKLY_15_PERCENT)
    for x, t_x, T in HISTORIES:
        log_l = float(clv.log_likelihood_rows(model, x, t_x, T)[0])
        value = np.exp(r * np.log(alpha) + s * np.log(beta) + (s - 1) * np.log(delta) + gammaln(r + x + 1)
                       + np.log(hyperu(s, s, delta * (beta + T))) - gammaln(r) - (r + x + 1) * np.log(alpha + T) - log_l)
        assert float(clv.dert(model, x, t_x, T, WEEKLY_15_PERCENT)) == pytest.approx(value, rel=1e-10)


@pytest.mark.parametrize("history", [(3, 4, 6), (6, 6, 6), (0, 0, 6), (1, 1, 6), (4, 5, 6)])
def test_bgbb_dert_equals_the_discounted_sum_of_expected_transactions(bgbb, history):
    x, t_x, n = history
    cumulative = np.array([float(clv.expected_purchases(bgbb, x, t_x, n, k)) for k in range(0, 600)])
    direct = np.diff(cumulative) @ (1.1 ** -np.arange(1, 600))
    assert float(clv.dert(bgbb, x, t_x, n, 0.1)) == pytest.approx(direct, rel=1e-10)


def test_dert_vectorised_keeps_index_and_orders_customers(models, summary):
    model = models["bgnbd"]
    value = clv.dert(model, summary["frequency"], summary["recency"], summary["T"], WEEKLY_15_PERCENT)
    assert isinstance(value, pd.Series) and value.index.equals(summary.index) and (value > 0).all()
    one = clv.dert(model, 2, 30.43, 38.86, WEEKLY_15_PERCENT)
    assert isinstance(one, float)
    # more recent and more frequent is worth more; a higher discount rate is worth less
    assert clv.dert(model, 5, 38, 38.86, WEEKLY_15_PERCENT) > clv.dert(model, 5, 20, 38.86, WEEKLY_15_PERCENT)
    assert clv.dert(model, 5, 38, 38.86, 0.01) < clv.dert(model, 5, 38, 38.86, WEEKLY_15_PERCENT)
    with pytest.raises(ParameterError, match="discount_rate"):
        clv.dert(model, 1, 1, 2, 0)
    with pytest.raises(ParameterError, match="impossible"):
        clv.dert(model, 1, 3, 2, 0.01)
    with pytest.raises(ParameterError, match="not 'gamma_gamma'"):
        clv.dert(clv.fit(load_gamma_gamma_summary(), "gamma_gamma"), 1, 1, 2, 0.01)


def load_gamma_gamma_summary() -> pd.DataFrame:
    with pytest.warns(CrmlabWarning):
        return clv.rfm_summary(load_cdnow_transactions(), monetary_col="amount", freq="D", freq_multiplier=7,
                               observation_end="1997-09-30")


# ---------------------------------------------------------------------------------------------------
# P(X(t) = x)


def test_bgnbd_pmf_reproduces_btyd():
    model = with_params(lt.BetaGeoFitter, "bgnbd", btyd.BGNBD_PUBLISHED)
    for x, t, published in btyd.BGNBD_PMF:
        assert float(clv.purchase_count_pmf(model, x, t)) == pytest.approx(published, rel=5e-6)  # 6 digits printed
    np.testing.assert_allclose(clv.purchase_count_pmf(model, np.arange(11, 21), 30), btyd.BGNBD_PMF_T30, rtol=0, atol=5e-11)  # 10 decimals


@pytest.mark.parametrize("name", ["bgnbd", "mbgnbd", "pareto_nbd"])
@pytest.mark.parametrize("t", [0.5, 39.0, 78.0, 500.0])
def test_pmf_sums_to_one_and_its_mean_is_the_expected_count(models, name, t):
    model = models[name]
    x = np.arange(0, 3000)
    pmf = clv.purchase_count_pmf(model, x, t)
    assert pmf.min() >= 0
    assert pmf.sum() == pytest.approx(1.0, abs=1e-10)
    assert x @ pmf == pytest.approx(float(clv.expected_repeat_purchases(model, t)), rel=1e-9)


def test_pareto_pmf_against_a_simulation(models):
    model = models["pareto_nbd"]
    r, alpha, s, beta = model.params_
    rng = np.random.default_rng(3)
    n = 1_000_000
    lam, mu = rng.gamma(r, 1 / alpha, n), rng.gamma(s, 1 / beta, n)
    counts = rng.poisson(lam * np.minimum(rng.exponential(1 / mu), 39.0))
    simulated = np.bincount(counts, minlength=6)[:6] / n
    np.testing.assert_allclose(clv.purchase_count_pmf(model, np.arange(6), 39.0), simulated, atol=2e-3)


def test_mbgnbd_pmf_against_a_simulation(models):
    model = models["mbgnbd"]
    r, alpha, a, b = model.params_
    rng = np.random.default_rng(5)
    n = 1_000_000
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    # MBG/NBD: a death opportunity at time 0 and after every purchase; alive purchases are Poisson
    purchases_before_death = rng.geometric(p) - 1
    counts = np.minimum(rng.poisson(lam * 39.0), purchases_before_death)
    simulated = np.bincount(counts, minlength=6)[:6] / n
    np.testing.assert_allclose(clv.purchase_count_pmf(model, np.arange(6), 39.0), simulated, atol=2e-3)


def test_bgbb_pmf_sums_to_one_and_matches_its_mean(bgbb):
    for n in (1, 6, 11):
        pmf = clv.purchase_count_pmf(bgbb, np.arange(0, n + 1), n)
        assert pmf.sum() == pytest.approx(1.0, rel=1e-12)
        assert np.arange(n + 1) @ pmf == pytest.approx(float(clv.expected_repeat_purchases(bgbb, n)), rel=1e-12)
    assert float(clv.purchase_count_pmf(bgbb, 7, 6)) == 0.0
    with pytest.raises(ParameterError, match="whole"):
        clv.purchase_count_pmf(bgbb, 1, 2.5)


def test_pmf_errors_and_shapes(models):
    model = models["bgnbd"]
    assert float(clv.purchase_count_pmf(model, 0, 0)) == 1.0 and float(clv.purchase_count_pmf(model, 2, 0)) == 0.0
    grid = clv.purchase_count_pmf(model, np.arange(3)[:, None], np.array([1.0, 2.0]))
    assert grid.shape == (3, 2)
    with pytest.raises(ParameterError, match="whole numbers"):
        clv.purchase_count_pmf(model, 1.5, 3)
    with pytest.raises(ParameterError, match="t must be"):
        clv.purchase_count_pmf(model, 1, -1)


# ---------------------------------------------------------------------------------------------------
# frequency fit


def test_frequency_fit_on_cdnow(models, summary):
    table = clv.frequency_fit(models["bgnbd"], summary)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["actual"].tolist()[:2] == [1411, 439]  # FHL (2005a): 1,411 customers made no repeat purchase
    assert table["actual"].sum() == table["expected"].sum() == pytest.approx(2357)
    # expected counts, by hand for bin 2: sum over customers of P(X(T_i) = 2)
    by_hand = clv.purchase_count_pmf(models["bgnbd"], np.full(len(summary), 2), summary["T"].to_numpy()).sum()
    assert table.loc["2", "expected"] == pytest.approx(by_hand, rel=1e-12)
    chi = ((table["actual"] - table["expected"]) ** 2 / table["expected"]).sum()
    assert table.attrs["chi_square"] == pytest.approx(chi) and table.attrs["df"] == 8 - 1 - 4
    assert 0.05 < table.attrs["p_value"] < 1  # the BG/NBD fits the calibration period


def test_frequency_fit_on_donations_uses_weights(bgbb):
    donations = load_donations()
    table = clv.frequency_fit(bgbb, donations, max_frequency=6)
    assert table["actual"].sum() == 11104 and table.loc["0", "actual"] == 3464
    assert table["expected"].sum() == pytest.approx(11104)
    with pytest.raises(ParameterError, match="max_frequency"):
        clv.frequency_fit(bgbb, donations, max_frequency=0)
    with pytest.raises(DataValidationError, match="n_periods"):
        clv.frequency_fit(bgbb, donations.drop(columns="periods"))


def test_plot_frequency_fit(models, summary):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert clv.plot_frequency_fit(clv.frequency_fit(models["bgnbd"], summary), ax=ax) is ax
    assert ax.get_title() and "count" in ax.get_ylabel() and ax.get_legend().get_title().get_text().startswith("chi")
    plt.close(fig)


# ---------------------------------------------------------------------------------------------------
# expected spend


def test_expected_spend_reproduces_hardies_spreadsheet():
    spend_summary = load_gamma_gamma_summary()
    fitted = clv.fit(spend_summary, "gamma_gamma")
    first_ten = spend_summary.loc[[str(i) for i in range(1, 11)]]
    ours = clv.expected_spend(fitted, first_ten["frequency"], first_ten["monetary_value"])
    # printed to 2 decimals; 71.465 (customer 6) is printed 71.46, at the rounding boundary
    np.testing.assert_allclose(ours, btyd.GAMMA_GAMMA_EXPECTED_SPEND, atol=0.0051)
    published = with_params(lt.GammaGammaFitter, "gamma_gamma", btyd.GAMMA_GAMMA_PUBLISHED)
    np.testing.assert_allclose(clv.expected_spend(published, first_ten["frequency"], first_ten["monetary_value"]),
                               btyd.GAMMA_GAMMA_EXPECTED_SPEND, atol=0.06)


def test_expected_spend_is_the_posterior_mean(summary):
    """E[Z | x, mbar] = E[p / nu | data] with nu's posterior from Bayes' rule, integrated numerically."""
    model = with_params(lt.GammaGammaFitter, "gamma_gamma", btyd.GAMMA_GAMMA_PUBLISHED)
    p, q, v = btyd.GAMMA_GAMMA_PUBLISHED.values()
    for x, m in [(1, 11.77), (2, 22.345), (7, 73.74), (30, 5.0)]:
        # density of the mean spend mbar given nu: Gamma(p x, rate nu x)
        weight = lambda nu: stats.gamma(q, scale=1 / v).pdf(nu) * stats.gamma(p * x, scale=1 / (nu * x)).pdf(m)  # noqa: E731
        norm = integrate.quad(weight, 0, np.inf, epsrel=1e-12, limit=300)[0]
        mean = integrate.quad(lambda nu: p / nu * weight(nu), 0, np.inf, epsrel=1e-12, limit=300)[0] / norm
        assert float(clv.expected_spend(model, x, m)) == pytest.approx(mean, rel=1e-8)
    assert float(clv.expected_spend(model, 0, 0.0)) == pytest.approx(p * v / (q - 1))
    spend = clv.expected_spend(model, [0, 3], [np.nan, 10.0])
    assert np.isfinite(spend).all()  # no mean spend without repeat purchases: the population mean
    with pytest.raises(ParameterError, match="Gamma-Gamma"):
        clv.expected_spend(clv.fit(summary), 1, 1.0)
    with pytest.raises(ParameterError, match="monetary_value"):
        clv.expected_spend(model, [2], [-1.0])


# ---------------------------------------------------------------------------------------------------
# BG/BB: P(alive) at the next opportunity, E[X(n)], tracking


def test_bgbb_probability_alive_next_and_last(bgbb):
    x, t_x, n = np.array([6, 3, 0, 1, 5]), np.array([6, 4, 0, 1, 6]), np.full(5, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lifetimes_next = bgbb.conditional_probability_alive(1, x, t_x, n)  # FHS (2010) eq. (A10), m = 1
        lifetimes_last = bgbb.conditional_probability_alive(0, x, t_x, n)
    np.testing.assert_allclose(clv.probability_alive(bgbb, x, t_x, n), lifetimes_next, rtol=1e-10)
    np.testing.assert_allclose(clv.probability_alive(bgbb, x, t_x, n, at="last"), lifetimes_last, rtol=1e-10)
    # a donor who gave in the last year observed is certainly alive then, not certainly next year
    assert float(clv.probability_alive(bgbb, 6, 6, 6, at="last")) == pytest.approx(1.0)
    gamma, delta = bgbb.params_["gamma"], bgbb.params_["delta"]
    # alive at n: theta | survived n ~ Beta(gamma, delta + n); surviving one more step has mean
    # (delta + n) / (gamma + delta + n)
    assert float(clv.probability_alive(bgbb, 6, 6, 6)) == pytest.approx((delta + 6) / (gamma + delta + 6), rel=1e-10)
    with pytest.raises(ParameterError, match="at="):
        clv.probability_alive(bgbb, 1, 1, 6, at="now")


def test_bgbb_reproduces_hardies_tracking_spreadsheet(bgbb):
    assert [round(bgbb.params_[k], 3) for k in fhs2010.ESTIMATES] == list(fhs2010.ESTIMATES.values())
    np.testing.assert_allclose(clv.expected_repeat_purchases(bgbb, np.arange(1, 12)), fhs2010.EXPECTED_REPEAT_DONATIONS,
                               rtol=0, atol=5e-5)  # 4 decimals


def test_bgbb_expected_repeat_purchases_and_tracking(bgbb):
    n = np.arange(0, 12)
    np.testing.assert_allclose(clv.expected_repeat_purchases(bgbb, n),
                               [float(clv.expected_purchases(bgbb, 0, 0, 0, k)) for k in n], rtol=1e-10, atol=1e-15)
    track = clv.tracking(bgbb, load_donations(), periods=11, actual=btyd.DONATIONS_ANNUAL)
    assert track["actual"].iloc[:6].sum() == (load_donations().eval("frequency * weights")).sum() == 24615
    assert track.attrs["calibration_periods"] == 6.0 and track.attrs["customers"] == 11104
    # one cohort (every donor's n = 6): the expected count is 11,104 E[X(k)]
    np.testing.assert_allclose(track["expected_cumulative"], 11104 * clv.expected_repeat_purchases(bgbb, np.arange(1, 12)))
    # the calibration years within 5% each; 1996-2005 within 8%; 2006 (1,936 donations, a sudden drop)
    # is 20% below the model; cumulated over 11 years the model is within 1%
    relative = (track["expected"] / track["actual"] - 1).abs()
    assert relative.iloc[:6].max() < 0.05 and relative.iloc[6:10].max() < 0.08 and 0.19 < relative.iloc[10] < 0.21
    assert track["expected_cumulative"].iloc[-1] / track["actual_cumulative"].iloc[-1] == pytest.approx(1, abs=0.01)
    with pytest.raises(ParameterError, match="periods="):
        clv.tracking(bgbb, load_donations())
    with pytest.raises(ParameterError, match="11 counts"):
        clv.tracking(bgbb, load_donations(), periods=11, actual=[1, 2])


def test_log_likelihood_rows_sum_to_the_fit(models, bgbb, summary):
    for model in (models["bgnbd"], models["pareto_nbd"], bgbb):
        data = model.data
        columns = [data[c] for c in ("frequency", "recency", "n_periods" if "n_periods" in data else "T")]
        rows = clv.log_likelihood_rows(model, *columns)
        assert rows @ data["weights"].to_numpy() == pytest.approx(clv.log_likelihood(model), rel=1e-10)


CAL_END, OBS_END = "1997-09-30", "1998-06-30"


# ---------------------------------------------------------------------------------------------------
# predictions


def test_pareto_predictions_are_finite_for_heavy_buyers(pareto):
    p_alive = clv.probability_alive(pareto, [132, 132, 0], [200, 199.5, 0], [200, 200, 200])
    assert p_alive[0] == 1.0 and 0 < p_alive[1] < 1 and 0 < p_alive[2] < 1
    expected = clv.expected_purchases(pareto, [132, 132], [200, 199.5], [200, 200], 10)
    assert np.all(np.isfinite(expected)) and expected[0] > 5
    assert np.isfinite(pareto.conditional_probability_alive(132, 200, 200)).all()


def test_predictions_keep_series_index(bgnbd, summary):
    out = clv.expected_purchases(bgnbd, summary["frequency"], summary["recency"], summary["T"], 39)
    assert isinstance(out, pd.Series) and out.index.equals(summary.index)
    arr = clv.probability_alive(bgnbd, summary["frequency"].to_numpy(), summary["recency"].to_numpy(),
                                summary["T"].to_numpy())
    assert isinstance(arr, np.ndarray) and arr.shape == (2357,)
    assert arr[summary["frequency"].to_numpy() == 0].min() == 1.0  # BG/NBD: no repeat -> alive


def test_customer_lifetime_value_by_hand(bgnbd, exact_summary):
    spend = exact_summary
    gg = clv.fit(spend, "gamma_gamma")
    x, t_x, T, m = 2, 30.43, 38.86, 40.0
    value = clv.customer_lifetime_value(bgnbd, gg, [x], [t_x], [T], [m], horizon=2, period_length=4, discount_rate=0.1)
    e1, e2 = (float(clv.expected_purchases(bgnbd, x, t_x, T, h)) for h in (4, 8))
    z = float(gg.conditional_expected_average_profit(x, m))
    assert value[0] == pytest.approx(z * (e1 / 1.1 + (e2 - e1) / 1.1 ** 2), rel=1e-12)
    series = clv.customer_lifetime_value(bgnbd, gg, spend["frequency"], spend["recency"], spend["T"],
                                         spend["monetary_value"])
    assert isinstance(series, pd.Series) and (series > 0).all()
    with pytest.raises(ParameterError, match="Gamma-Gamma"):
        clv.customer_lifetime_value(bgnbd, bgnbd, [x], [t_x], [T], [m])
    with pytest.raises(ParameterError, match="horizon"):
        clv.customer_lifetime_value(bgnbd, gg, [x], [t_x], [T], [m], horizon=0)


def test_alive_path_jumps_at_purchases(bgnbd, transactions):
    path = clv.alive_path(bgnbd, transactions, "1", OBS_END)
    assert len(path) == 546 and path["time"].iloc[-1] == pytest.approx(545 / 7)
    # customer 1 bought on 1997-01-18, 08-02 and 12-12: three repeat purchases
    assert path["purchase"].sum() == 3 and path["frequency"].iloc[-1] == 3
    assert path.loc[path["time"] < 17 / 7, "p_alive"].eq(1.0).all()  # no repeat yet: alive (BG/NBD)
    jumps = path.index[path["purchase"]]
    # BG/NBD: P(alive) = 1 until the first repeat purchase (death only follows a repeat purchase),
    # then every later purchase lifts it
    assert path.loc[jumps[0], "p_alive"] < 1.0
    assert (path.loc[jumps[1:], "p_alive"].to_numpy() > path.loc[jumps[1:] - 1, "p_alive"].to_numpy()).all()
    silent = path.loc[jumps[0]:jumps[1] - 1, "p_alive"].to_numpy()
    assert np.all(np.diff(silent) < 0)  # decays while silent
    with pytest.raises(DataValidationError, match="no transaction of customer 1"):
        clv.alive_path(bgnbd, transactions, 1)


def test_bgbb_predictions_accept_arrays():
    bgbb = clv.fit(load_donations(), "bgbb")
    last = clv.probability_alive(bgbb, [6, 0], [6, 0], [6, 6], at="last")
    assert last[0] == pytest.approx(1.0) and 0 < last[1] < 0.2
    alive = clv.probability_alive(bgbb, [6, 0], [6, 0], [6, 6])  # at the next opportunity
    assert 0.9 < alive[0] < 1.0 and alive[1] < last[1]
    assert clv.expected_purchases(bgbb, 6, 6, 6, 5) > clv.expected_purchases(bgbb, 3, 6, 6, 5)
