"""crmlab.clv: summaries equal to lifetimes', published CDNOW estimates, stable predictions, clear errors.

Published values: Fader, Hardie & Lee (2005a) "Counting your customers the easy way" (BG/NBD,
Pareto/NBD); Fader, Hardie & Lee (2005b) "RFM and CLV" / Hardie's note 025 (Gamma-Gamma); Fader,
Hardie & Shang (2010) (BG/BB); Hardie's BG/NBD spreadsheet note (spot values).
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from crmlab import clv
from crmlab.clv._lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter
from crmlab.datasets import load_cdnow_summary, load_cdnow_transactions, load_donations
from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
)

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return load_cdnow_transactions()


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return load_cdnow_summary()


@pytest.fixture(scope="module")
def bgnbd(summary):
    return clv.fit(summary, "bgnbd")


@pytest.fixture(scope="module")
def exact_summary(transactions) -> pd.DataFrame:
    """The calibration summary rebuilt from the transactions (the shipped file rounds to 2 decimals)."""
    with pytest.warns(CrmlabWarning):
        return clv.rfm_summary(transactions, monetary_col="amount", freq="D", freq_multiplier=7,
                               observation_end=CAL_END)


@pytest.fixture(scope="module")
def pareto(exact_summary):
    return clv.fit(exact_summary, "pareto_nbd")


@pytest.fixture(scope="module")
def cal_holdout(transactions):
    return clv.calibration_holdout(transactions, CAL_END, OBS_END, freq="D", freq_multiplier=7)


def lifetimes_utils():
    import crmlab.clv._lifetimes  # noqa: F401  (the import that undoes lifetimes' global changes)
    from lifetimes import utils

    return utils


# ---------------------------------------------------------------------------------------------------
# summaries


def test_rfm_summary_rebuilds_the_published_cdnow_summary(transactions, summary):
    with pytest.warns(CrmlabWarning, match="1959 transaction row"):
        rebuilt = clv.rfm_summary(transactions, freq="D", freq_multiplier=7, observation_end=CAL_END)
    assert len(rebuilt) == 2357
    rebuilt = rebuilt.loc[summary.index]
    assert (rebuilt["frequency"] == summary["frequency"]).all()
    # the shipped file prints recency and T to two decimals
    pd.testing.assert_frame_equal(rebuilt.round(2), summary, check_dtype=False)
    assert rebuilt.loc["1", "recency"] == pytest.approx(213 / 7)  # 1997-01-01 -> 1997-08-02


@pytest.mark.parametrize("freq, multiplier", [("D", 1), ("W", 1), ("D", 7), ("W", 4)])
def test_rfm_summary_equals_lifetimes_on_the_master_file(freq, multiplier):
    master = load_cdnow_transactions(sample=False)
    ours = clv.rfm_summary(master, monetary_col="amount", freq=freq, freq_multiplier=multiplier)
    theirs = lifetimes_utils().summary_data_from_transaction_data(
        master, "customer_id", "date", monetary_value_col="amount", freq=freq, freq_multiplier=multiplier
    )
    assert len(ours) == 23570
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, check_exact=False, rtol=1e-12)


def test_calibration_holdout_equals_lifetimes_where_the_definitions_agree(transactions):
    """Daily periods: lifetimes' date split and crmlab's period split coincide; holdout spend differs by
    definition (lifetimes: mean per row; crmlab and FHL: mean per purchase period)."""
    theirs = lifetimes_utils().calibration_and_holdout_data(
        transactions, "customer_id", "date", CAL_END, OBS_END, freq="D", freq_multiplier=7,
        monetary_value_col="amount",
    )
    ours = clv.calibration_holdout(transactions, CAL_END, OBS_END, freq="D", freq_multiplier=7, monetary_col="amount")
    same = [c for c in ours.columns if c != "monetary_value_holdout"]
    pd.testing.assert_frame_equal(ours[same], theirs[same], check_dtype=False, check_exact=False, rtol=1e-12)
    # customer 297 bought twice on one holdout day: one period of 359.72, two rows of 179.86 on average
    assert theirs.loc["297", "monetary_value_holdout"] == pytest.approx(179.86)
    assert ours.loc["297", "monetary_value_holdout"] == pytest.approx(359.72)
    period_spend = transactions[transactions["date"] > CAL_END].groupby(["customer_id", "date"])["amount"].sum()
    per_period = period_spend.groupby("customer_id").mean()
    buyers = ours.index[ours["frequency_holdout"] > 0]
    np.testing.assert_allclose(ours.loc[buyers, "monetary_value_holdout"], per_period.loc[buyers], rtol=1e-12)
    plain = clv.calibration_holdout(transactions, CAL_END, OBS_END, freq="W")
    assert list(plain.columns) == ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    assert plain["duration_holdout"].iloc[0] == 39.0  # weeks of 1997-09-29 .. 1998-06-29 starts


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_calibration_part_equals_rfm_summary_up_to_calibration_end(transactions, freq):
    """One observation-end rule, in periods: 1997-09-30 is a Tuesday, mid-week and mid-month."""
    cal = clv.calibration_holdout(transactions, CAL_END, OBS_END, freq=freq, monetary_col="amount")
    with pytest.warns(CrmlabWarning, match="after observation_end"):
        alone = clv.rfm_summary(transactions, monetary_col="amount", freq=freq, observation_end=CAL_END)
    cal_part = cal[[f"{c}_cal" for c in alone.columns]].set_axis(alone.columns, axis=1)
    pd.testing.assert_frame_equal(cal_part, alone, check_exact=False, rtol=1e-12, check_like=False)


def test_calibration_holdout_with_an_empty_holdout():
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [1.0, 2.0, 3.0],
                       "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-02"])})
    out = clv.calibration_holdout(tx, "2024-01-05", "2024-01-12", monetary_col="amount")
    assert out["frequency_holdout"].tolist() == [0, 0] and out["monetary_value_holdout"].tolist() == [0.0, 0.0]
    assert out["duration_holdout"].tolist() == [7.0, 7.0] and out.loc["a", "frequency_cal"] == 1


def test_calendar_months_and_hours_by_hand():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "b"],
            "date": pd.to_datetime([
                "2024-01-31 23:00", "2024-01-01 08:00", "2024-02-01 00:30", "2024-04-15 10:00",
                "2024-03-31 10:15", "2024-03-31 10:45",
            ]),
            "amount": [10.0, 5.0, 20.0, 30.0, 7.0, 9.0],
        }
    )
    months = clv.rfm_summary(tx, monetary_col="amount", freq="M", observation_end="2024-06-01")
    # a: Jan (two purchases, one period), Feb, Apr -> x = 2, t_x = 3 months, T = Jun - Jan = 5
    assert months.loc["a"].tolist() == [2, 3.0, 5.0, 25.0]
    assert months.loc["b"].tolist() == [0, 0.0, 3.0, 0.0]  # March -> June
    hours = clv.rfm_summary(tx, monetary_col="amount", freq="h", freq_multiplier=24)
    # b: both purchases in the 10:00 hour -> one period; T from 2024-03-31 10h to 2024-04-15 10h
    assert hours.loc["b"].tolist() == [0, 0.0, 15.0, 0.0]
    assert hours.loc["a", "frequency"] == 3
    assert hours.loc["a", "recency"] == pytest.approx((31 + 29 + 31 + 14) + 2 / 24)
    assert hours.loc["a", "monetary_value"] == pytest.approx(20.0)


def test_weeks_start_on_monday_like_pandas():
    dates = pd.Series(pd.to_datetime(["1969-12-28", "1969-12-29", "1997-01-05", "1997-01-06", "2024-02-29"]))
    codes = clv.period_codes(dates, "W")
    starts = dates.dt.to_period("W").dt.start_time
    assert np.array_equal(np.diff(codes), np.diff(starts).astype("timedelta64[D]").astype(int) // 7)
    assert codes[1] - codes[0] == 1 and codes[3] - codes[2] == 1


@pytest.mark.parametrize("freq", ["h", "D", "W", "M"])
def test_period_sql_is_the_same_definition_in_duckdb(freq):
    duckdb = pytest.importorskip("duckdb")
    dates = pd.DataFrame({"date": pd.to_datetime(
        ["1969-12-31 23:30", "1970-01-01 00:00", "1997-01-01 13:00", "1998-06-30 23:59", "2024-02-29 12:00"]
    )})
    sql = duckdb.sql(f"select {clv.period_sql('date', freq)} as p from dates").df()["p"].to_numpy()
    assert np.array_equal(sql, clv.period_codes(dates["date"], freq))


def test_summary_errors_name_column_and_rows():
    good = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    with pytest.raises(MissingColumnError, match="'when'"):
        clv.rfm_summary(good, date_col="when")
    with pytest.raises(EmptyDataError):
        clv.rfm_summary(good.iloc[:0])
    with pytest.raises(DataValidationError, match="expected a pandas DataFrame"):
        clv.rfm_summary({"customer_id": ["a"], "date": ["2024-01-01"]})
    with pytest.raises(DataValidationError, match=r"missing customer id[\s\S]*\[1\]"):
        clv.rfm_summary(good.assign(customer_id=["a", None]))
    with pytest.raises(DataValidationError, match="unparsable date"):
        clv.rfm_summary(good.assign(date=["2024-01-01", "not a date"]))
    with pytest.raises(DataValidationError, match="negative amount"):
        clv.rfm_summary(good.assign(amount=[1.0, -2.0]), monetary_col="amount")
    with pytest.raises(DataValidationError, match="not a number"):
        clv.rfm_summary(good.assign(amount=["1.0", "$2"]), monetary_col="amount")
    with pytest.raises(ParameterError, match="freq='Q'"):
        clv.rfm_summary(good, freq="Q")
    with pytest.raises(ParameterError, match="freq_multiplier"):
        clv.rfm_summary(good, freq_multiplier=0)
    with pytest.raises(DataValidationError, match="every transaction is after"):
        clv.rfm_summary(good, observation_end="2023-01-01")
    with pytest.raises(ParameterError, match="observation_end .* calibration_end"):
        clv.calibration_holdout(good, "2024-01-02", "2024-01-01")
    with pytest.raises(DataValidationError, match="no transaction on or before"):
        clv.calibration_holdout(good, "2023-12-01", "2024-02-01")


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


# ---------------------------------------------------------------------------------------------------
# holdout validation


def test_holdout_by_frequency(bgnbd, cal_holdout):
    table = clv.holdout_by_frequency(bgnbd, cal_holdout)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    zero = cal_holdout[cal_holdout["frequency_cal"] == 0]
    assert table.loc["0", "actual"] == pytest.approx(zero["frequency_holdout"].mean())
    assert table.loc["0", "customers"] == 1411  # FHL (2005a): 1,411 customers made no repeat purchase
    assert np.all(np.abs(table["predicted"] - table["actual"]) < 1.0)
    with pytest.raises(DataValidationError, match="frequency_holdout"):
        clv.holdout_by_frequency(bgnbd, cal_holdout.drop(columns="frequency_holdout"))
    with pytest.raises(ParameterError, match="max_frequency"):
        clv.holdout_by_frequency(bgnbd, cal_holdout, max_frequency=0)


def test_compare_models(bgnbd, pareto, summary, cal_holdout):
    mbg = clv.fit(summary, "mbgnbd")
    table = clv.compare_models({"BG/NBD": bgnbd, "Pareto/NBD": pareto, "MBG/NBD": mbg}, cal_holdout)
    assert table.loc["BG/NBD", "AIC"] == pytest.approx(8 - 2 * clv.log_likelihood(bgnbd))
    assert table.loc["Pareto/NBD", "BIC"] == pytest.approx(4 * np.log(2357) - 2 * clv.log_likelihood(pareto))
    assert (table["holdout_RMSE"] >= table["holdout_MAE"]).all()
    assert table.loc["BG/NBD", "parameters"].startswith("r=0.2426")
    with pytest.raises(ParameterError, match="more parameters"):  # none of the three nests another
        clv.compare_models({"BG/NBD": bgnbd, "MBG/NBD": mbg}, cal_holdout, nested=[("BG/NBD", "MBG/NBD")])
    with pytest.raises(ParameterError, match="not in `models`"):
        clv.compare_models({"BG/NBD": bgnbd}, cal_holdout, nested=[("NBD", "BG/NBD")])


def test_tracking_counts_and_expectations(bgnbd, transactions):
    track = clv.tracking(bgnbd, transactions, CAL_END, OBS_END)
    assert len(track) == 78 and track.attrs["calibration_periods"] == 39.0
    full = clv.rfm_summary(transactions, freq="D", observation_end=OBS_END)
    assert track["actual_cumulative"].iloc[-1] == full["frequency"].sum()
    first = transactions.groupby("customer_id")["date"].min()
    ages = 78 - (first - pd.Timestamp("1997-01-01")).dt.days / 7
    expected = clv.expected_repeat_purchases(bgnbd, ages.to_numpy()).sum()
    assert track["expected_cumulative"].iloc[-1] == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(track["expected"].cumsum(), track["expected_cumulative"])
    with pytest.raises(ParameterError, match="must be after calibration_end"):
        clv.tracking(bgnbd, transactions, OBS_END, CAL_END)


# ---------------------------------------------------------------------------------------------------
# the lifetimes import


def test_importing_crmlab_clv_leaves_global_state_alone():
    code = (
        "import warnings, pandas as pd, scipy.special, scipy.optimize, autograd, dill\n"
        "before = list(warnings.filters)\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore'); opt = pd.get_option('mode.chained_assignment')\n"
        "import crmlab.clv\n"
        "assert list(warnings.filters) == before, 'warning filters changed'\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore'); assert pd.get_option('mode.chained_assignment') == opt\n"
        "import sys; assert 'lifetimes.datasets' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------------------
# P(alive) paths, customer groups, plots


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


def test_customer_groups(bgnbd, summary):
    value = clv.expected_purchases(bgnbd, summary["frequency"], summary["recency"], summary["T"], 52)
    groups = clv.customer_groups(summary, bgnbd, value)
    assert set(groups["relationship"]) == {"new", "old", "lapsing"}  # "potential" means prospects elsewhere
    assert (groups.loc[summary["frequency"] == 0, "relationship"] == "new").all()
    large = groups["value_group"] == "large"
    assert groups.loc[large, "value"].min() >= groups.loc[~large, "value"].max()
    share = groups.loc[large, "value"].sum() / groups["value"].sum()
    assert 0.5 <= share < 0.5 + groups["value"].max() / groups["value"].sum()
    assert set(clv.GROUP_ACTIONS) == set(groups["value_group"]) | set(groups["relationship"])
    with pytest.raises(ParameterError, match="value_shares"):
        clv.customer_groups(summary, bgnbd, value, value_shares=(0.9, 0.5))
    with pytest.raises(DataValidationError, match="same index"):
        clv.customer_groups(summary, bgnbd, value.iloc[::-1])


def test_likelihood_ratio_test_arithmetic(bgnbd, exact_summary):
    spend = clv.fit(exact_summary, "gamma_gamma")
    test = clv.likelihood_ratio_test(spend, bgnbd)  # arithmetic only: 3 vs 4 parameters
    assert test["df"] == 1
    assert test["lr_statistic"] == pytest.approx(2 * (clv.log_likelihood(bgnbd) - clv.log_likelihood(spend)))
    with pytest.raises(ParameterError, match="more parameters"):
        clv.likelihood_ratio_test(bgnbd, spend)


def test_bgbb_predictions_accept_arrays():
    bgbb = clv.fit(load_donations(), "bgbb")
    last = clv.probability_alive(bgbb, [6, 0], [6, 0], [6, 6], at="last")
    assert last[0] == pytest.approx(1.0) and 0 < last[1] < 0.2
    alive = clv.probability_alive(bgbb, [6, 0], [6, 0], [6, 6])  # at the next opportunity
    assert 0.9 < alive[0] < 1.0 and alive[1] < last[1]
    assert clv.expected_purchases(bgbb, 6, 6, 6, 5) > clv.expected_purchases(bgbb, 3, 6, 6, 5)


@pytest.mark.parametrize("draw", ["tracking", "holdout", "heatmap", "path", "distribution", "concentration"])
def test_plots_have_titles_and_labels(draw, bgnbd, transactions, cal_holdout, summary):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    value = clv.expected_purchases(bgnbd, summary["frequency"], summary["recency"], summary["T"], 52)
    calls = {
        "tracking": lambda: clv.plot_tracking(clv.tracking(bgnbd, transactions, CAL_END, OBS_END), ax=ax),
        "holdout": lambda: clv.plot_holdout_by_frequency(clv.holdout_by_frequency(bgnbd, cal_holdout), ax=ax),
        "heatmap": lambda: clv.plot_frequency_recency(bgnbd, kind="expected", T=39, t=39, ax=ax),
        "path": lambda: clv.plot_alive_path(clv.alive_path(bgnbd, transactions, "1"), customer="1", ax=ax),
        "distribution": lambda: clv.plot_clv_distribution(value, ax=ax),
        "concentration": lambda: clv.plot_clv_concentration(value, ax=ax),
    }
    assert calls[draw]() is ax
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
    if draw == "heatmap":
        with pytest.raises(ParameterError, match="kind="):
            clv.plot_frequency_recency(bgnbd, kind="clv", T=39)


def test_distinct_keys_packed_sort_and_fallback_agree():
    from crmlab.clv.data import _distinct_keys

    rng = np.random.default_rng(0)
    key = rng.integers(0, 50, 400)
    amounts = rng.random(400)
    pairs, sums = _distinct_keys(key, amounts)
    expected = pd.Series(amounts).groupby(key).sum()
    assert np.array_equal(pairs, expected.index.to_numpy())
    np.testing.assert_allclose(sums, expected.to_numpy(), rtol=1e-14)
    big = key.astype("int64") + 2**60  # too many bits to pack the row number: stable argsort instead
    big_pairs, big_sums = _distinct_keys(big, amounts)
    assert np.array_equal(big_pairs - 2**60, pairs) and np.array_equal(big_sums, sums)
    assert np.array_equal(_distinct_keys(key, None)[0], pairs)


@pytest.mark.parametrize("spread", [1, 1000])
def test_integer_customer_ids_dense_and_sparse(spread):
    master = load_cdnow_transactions(sample=False)
    master = master.assign(customer_id=master["customer_id"].astype("int64") * spread)
    ours = clv.rfm_summary(master, monetary_col="amount", freq="W")
    theirs = lifetimes_utils().summary_data_from_transaction_data(
        master, "customer_id", "date", monetary_value_col="amount", freq="W"
    )
    assert ours.index.dtype == "int64"
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, check_exact=False, rtol=1e-12)
    hold = clv.calibration_holdout(master, CAL_END, OBS_END, freq="W")
    assert hold.index.equals(ours.index) and hold["frequency_holdout"].sum() > 0


def test_bad_file_errors_name_the_rows():
    log = pd.read_csv("tests/data/clv_bad_log.csv")
    with pytest.raises(DataValidationError, match=r"unparsable date[\s\S]*\[3\][\s\S]*2024-13-02"):
        clv.rfm_summary(log, customer_col="client", date_col="purchased_on")
    log.loc[3, "purchased_on"] = "2024-02-13"
    with pytest.raises(DataValidationError, match=r"column 'value': negative amount[\s\S]*\[4\]"):
        clv.rfm_summary(log, customer_col="client", date_col="purchased_on", monetary_col="value")
    summary = clv.rfm_summary(log.iloc[:4], customer_col="client", date_col="purchased_on", monetary_col="value")
    assert summary.loc["A1"].tolist() == [1, 37.0, 39.0, 8.0]  # days from 01-05 to 02-11 and to 02-13


def test_gamma_gamma_leaves_out_zero_spend_repeat_buyers_with_a_warning(exact_summary):
    spend = exact_summary.copy()
    repeat = spend.index[spend["frequency"] > 0][:3]
    spend.loc[repeat, "monetary_value"] = 0.0
    with pytest.warns(CrmlabWarning, match="3 repeat buyer"):
        gg = clv.fit(spend, "gamma_gamma")
    assert gg.n_customers_ == 943
