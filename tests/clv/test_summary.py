"""crmlab.clv.summary and its kernel: summaries equal to lifetimes' and to the published CDNOW summary,
periods by hand, one definition in SQL, errors that name the column and rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import clv
from crmlab.datasets import load_cdnow_transactions
from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
)

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


def lifetimes_utils():
    import crmlab.clv.fitters  # noqa: F401  (the import that undoes lifetimes' global changes)
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


def test_distinct_keys_packed_sort_and_fallback_agree():
    from crmlab.clv.kernel import distinct_keys

    rng = np.random.default_rng(0)
    key = rng.integers(0, 50, 400)
    amounts = rng.random(400)
    pairs, sums = distinct_keys(key, amounts)
    expected = pd.Series(amounts).groupby(key).sum()
    assert np.array_equal(pairs, expected.index.to_numpy())
    np.testing.assert_allclose(sums, expected.to_numpy(), rtol=1e-14)
    big = key.astype("int64") + 2**60  # too many bits to pack the row number: stable argsort instead
    big_pairs, big_sums = distinct_keys(big, amounts)
    assert np.array_equal(big_pairs - 2**60, pairs) and np.array_equal(big_sums, sums)
    assert np.array_equal(distinct_keys(key, None)[0], pairs)


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


def test_time_units_are_defined_once_in_transactions():
    from crmlab import transactions
    from crmlab.clv import report

    assert report.TIME_UNITS is transactions.TIME_UNITS
    assert transactions.TIME_UNITS == {"D": ("D", 1.0, "day", 365.25), "W": ("D", 7.0, "week", 365.25 / 7),
                                       "M": ("M", 1.0, "month", 12.0)}
    assert all(unit.freq in transactions.PERIOD_UNITS for unit in transactions.TIME_UNITS.values())


def test_value_split_is_a_view_of_the_kernel_split(transactions):
    """value.calibration_holdout_split keeps exactly the rows the kernel counts, day by day."""
    from crmlab import value

    with pytest.warns(CrmlabWarning):
        calibration, holdout = value.calibration_holdout_split(transactions, CAL_END, "1998-03-31")
    with pytest.warns(CrmlabWarning):
        kernel = clv.calibration_holdout(transactions, CAL_END, "1998-03-31", freq="D")
    cal = clv.rfm_summary(calibration, freq="D", observation_end=CAL_END)
    assert cal[["frequency", "recency", "T"]].to_numpy().tolist() == \
        kernel[["frequency_cal", "recency_cal", "T_cal"]].to_numpy().tolist()
    known = holdout[holdout["customer_id"].isin(kernel.index)]
    days = known.assign(day=known["date"].dt.floor("D")).groupby("customer_id")["day"].nunique()
    assert days.reindex(kernel.index, fill_value=0).tolist() == kernel["frequency_holdout"].tolist()


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "dask"])
def test_every_engine_returns_the_pieces_the_kernel_assembles(engine, tmp_path):
    import dask.dataframe as dd

    from crmlab.clv import engines
    from crmlab.clv.kernel import CUSTOMER_COLUMNS

    log = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "c"],
                        "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-12", "2024-01-02", "2024-01-11"]),
                        "amount": [1.0, 2.0, 4.0, 8.0, 16.0]})
    source = {"pandas": log, "dask": dd.from_pandas(log, npartitions=2)}.get(engine)
    if source is None:
        source = tmp_path / "log.parquet"
        log.to_parquet(source)
    table, counts = engines.customers(source, customer_col="customer_id", date_col="date", monetary_col="amount",
                                      freq="D", end_period=19737, cal_period=19727)
    assert set(CUSTOMER_COLUMNS) <= set(table.columns)
    assert table.index.tolist() == ["a", "b"]
    assert table[list(CUSTOMER_COLUMNS)].to_dict("list") == {
        "n": [2, 1], "first": [19723, 19724], "last": [19725, 19724], "repeat_spend": [2.0, 0.0],
        "total_spend": [3.0, 8.0], "hold_periods": [1, 0], "hold_spend": [4.0, 0.0]}
    assert (counts["rows"], counts["after"], counts["calibration"]) == (5, 0, 3)
