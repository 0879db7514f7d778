"""crmlab.clv.scale: DuckDB (files) and Dask (clusters) give the pandas summary exactly; chunked
predictions equal whole-table predictions; bad paths and schemas raise clear crmlab errors.

The property tests draw small random transaction logs (hypothesis) with the edge cases of the summary
definition (single purchases, same-day repeats, several purchases in one period, customers whose first
purchase is at the observation end, period boundaries) and compare every engine with the pandas path.
Amounts are multiples of 0.25, so sums are exact in floating point whatever the order of addition and
the engines can be compared with ``check_exact=True``.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlab import clv
from crmlab.clv import scale
from crmlab.datasets import load_cdnow_transactions
from crmlab.errors import (
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
)

DATA = Path(__file__).parent.parent / "data"
BASE = pd.Timestamp("2021-02-26")  # a Friday: the logs cross week and month ends (Feb -> Mar -> Apr)
FREQS = [("D", 1), ("W", 1), ("M", 1), ("h", 1), ("D", 7)]
SECONDS = [0, 1, 3599, 3600, 43_200, 86_399]  # period boundaries within a day
PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DASK_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]  # the cluster fixture is module-scoped


@pytest.fixture(scope="module")
def client():
    """A two-worker in-process Dask cluster: the summary runs on its scheduler."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as dask_client:
            yield dask_client


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp(prefix="crmlab-scale-"))
    yield path
    shutil.rmtree(path)


@st.composite
def logs(draw: st.DrawFn) -> pd.DataFrame:
    """A transaction log of 1-30 rows over 9 customers and 70 days, amounts in quarters."""
    n = draw(st.integers(1, 30))
    ids = draw(st.sampled_from(["str", "int"]))
    customers = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 70), min_size=n, max_size=n))
    seconds = draw(st.lists(st.sampled_from(SECONDS), min_size=n, max_size=n))
    quarters = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    return pd.DataFrame({
        "customer_id": [f"c{c}" for c in customers] if ids == "str" else np.array(customers, dtype="int64"),
        "date": BASE + pd.to_timedelta(days, unit="D") + pd.to_timedelta(seconds, unit="s"),
        "amount": np.array(quarters) / 4,
    })


def _outcome(function, *args, **kwargs):
    """(result, warning messages) or (exception type, message): what a user sees."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = function(*args, **kwargs)
        except (DataValidationError, ParameterError) as exc:
            return type(exc), str(exc)
    return result, sorted(str(w.message) for w in caught if issubclass(w.category, CrmlabWarning))


def _assert_same(expected, got) -> None:
    if isinstance(expected[0], type):
        assert got == expected
        return
    pd.testing.assert_frame_equal(got[0], expected[0], check_exact=True)
    assert got[0].attrs == expected[0].attrs
    assert got[1] == expected[1]


# ---------------------------------------------------------------------------------------------------
# engine equivalence on random logs


@PROPERTY
@given(log=logs(), freq=st.sampled_from(FREQS), spend=st.booleans(), end_day=st.none() | st.integers(-1, 72))
def test_duckdb_equals_pandas_on_random_logs(log, freq, spend, end_day):
    money = "amount" if spend else None
    end = None if end_day is None else BASE + pd.Timedelta(days=end_day)
    kwargs = dict(monetary_col=money, freq=freq[0], freq_multiplier=freq[1], observation_end=end)
    expected = _outcome(clv.rfm_summary, log, **kwargs)
    with tempfile.TemporaryDirectory() as tmp:
        log.to_parquet(f"{tmp}/log.parquet")
        _assert_same(expected, _outcome(scale.rfm_summary_duckdb, f"{tmp}/log.parquet", **kwargs))


@PROPERTY
@given(log=logs(), freq=st.sampled_from(FREQS), spend=st.booleans(), cal_day=st.integers(-1, 60),
       obs_days=st.none() | st.integers(1, 20))
def test_duckdb_calibration_holdout_equals_pandas(log, freq, spend, cal_day, obs_days):
    cal_end = BASE + pd.Timedelta(days=cal_day)
    obs_end = None if obs_days is None else cal_end + pd.Timedelta(days=obs_days)
    kwargs = dict(monetary_col="amount" if spend else None, freq=freq[0], freq_multiplier=freq[1])
    expected = _outcome(clv.calibration_holdout, log, cal_end, obs_end, **kwargs)
    with tempfile.TemporaryDirectory() as tmp:
        # split over two files: the engine reads a glob
        log.iloc[: len(log) // 2].to_parquet(f"{tmp}/part-0.parquet")
        log.iloc[len(log) // 2:].to_parquet(f"{tmp}/part-1.parquet")
        got = _outcome(scale.calibration_holdout_duckdb, f"{tmp}/part-*.parquet", cal_end, obs_end, **kwargs)
    _assert_same(expected, got)


@settings(max_examples=8, deadline=None, suppress_health_check=DASK_CHECKS)
@given(log=logs(), freq=st.sampled_from(FREQS), spend=st.booleans(), partitions=st.integers(1, 3),
       end_day=st.none() | st.integers(-1, 72))
def test_dask_equals_pandas_on_random_logs(client, log, freq, spend, partitions, end_day):
    end = None if end_day is None else BASE + pd.Timedelta(days=end_day)
    kwargs = dict(monetary_col="amount" if spend else None, freq=freq[0], freq_multiplier=freq[1], observation_end=end)
    shuffled = log.sample(frac=1.0, random_state=0)  # a customer's rows spread over the partitions
    expected = _outcome(clv.rfm_summary, shuffled, **kwargs)
    _assert_same(expected, _outcome(scale.rfm_summary_dask, dd.from_pandas(shuffled, npartitions=partitions), **kwargs))


@settings(max_examples=6, deadline=None, suppress_health_check=DASK_CHECKS)
@given(log=logs(), freq=st.sampled_from(FREQS), spend=st.booleans(), cal_day=st.integers(-1, 60))
def test_dask_calibration_holdout_equals_pandas(client, log, freq, spend, cal_day):
    cal_end = BASE + pd.Timedelta(days=cal_day)
    kwargs = dict(monetary_col="amount" if spend else None, freq=freq[0], freq_multiplier=freq[1])
    expected = _outcome(clv.calibration_holdout, log, cal_end, **kwargs)
    got = _outcome(scale.calibration_holdout_dask, dd.from_pandas(log, npartitions=2), cal_end, **kwargs)
    _assert_same(expected, got)


# ---------------------------------------------------------------------------------------------------
# hand-computed edge cases, the same in every engine

EDGE = pd.DataFrame({
    "customer_id": ["single", "sameday", "sameday", "sameday", "week", "week", "week", "late", "late"],
    "date": pd.to_datetime([
        "2024-01-01",                                   # one purchase only
        "2024-01-02 09:00", "2024-01-02 18:00", "2024-01-09",  # two purchases on one day, then a repeat
        "2024-01-01", "2024-01-03", "2024-01-08",        # Mon, Wed (same week), next Mon
        "2024-01-10 08:00", "2024-01-10 20:00",          # first purchase on the last day
    ], format="ISO8601"),
    "amount": [5.0, 10.0, 2.0, 4.0, 1.0, 3.0, 6.0, 7.0, 1.0],
})


def _edge_engines(folder: Path, client) -> dict[str, object]:
    EDGE.to_parquet(folder / "edge.parquet")
    EDGE.to_csv(folder / "edge.csv", index=False)
    return {
        "pandas": (clv.rfm_summary, EDGE),
        "duckdb parquet": (scale.rfm_summary_duckdb, folder / "edge.parquet"),
        "duckdb csv": (scale.rfm_summary_duckdb, str(folder / "edge.csv")),
        "dask": (scale.rfm_summary_dask, dd.from_pandas(EDGE, npartitions=3)),
    }


def test_edge_cases_by_hand_in_every_engine(folder, client):
    for name, (function, data) in _edge_engines(folder, client).items():
        days = function(data, monetary_col="amount")
        # observation end 2024-01-10; daily periods
        assert days.index.tolist() == ["late", "sameday", "single", "week"], name
        assert days["frequency"].tolist() == [0, 1, 0, 2], name
        assert days["recency"].tolist() == [0.0, 7.0, 0.0, 7.0], name
        assert days["T"].tolist() == [0.0, 8.0, 9.0, 9.0], name
        assert days["monetary_value"].tolist() == [0.0, 4.0, 0.0, 4.5], name  # repeat periods only
        weeks = function(data, monetary_col="amount", freq="W")
        assert weeks.loc["week", "frequency"] == 1 and weeks.loc["week", "monetary_value"] == 6.0, name
        assert weeks.loc["sameday", "T"] == 1.0, name
        in_weeks = function(data, freq="D", freq_multiplier=7)
        assert in_weeks.loc["sameday", "recency"] == 1.0 and in_weeks.loc["single", "T"] == 9 / 7, name
        assert list(in_weeks.columns) == ["frequency", "recency", "T"], name


def test_observation_end_before_first_purchases_is_refused_or_reported_alike(folder, client):
    for name, (function, data) in _edge_engines(folder, client).items():
        with pytest.raises(DataValidationError, match="every transaction is after observation_end 2023-12-31"):
            function(data, observation_end="2023-12-31")
        with pytest.warns(CrmlabWarning, match="2 transaction row"):
            early = function(data, observation_end="2024-01-09")
        assert "late" not in early.index and early.loc["sameday", "T"] == 7.0, name


def test_calibration_holdout_by_hand_in_every_engine(folder, client):
    EDGE.to_parquet(folder / "edge.parquet")
    engines = {
        "pandas": (clv.calibration_holdout, EDGE),
        "duckdb": (scale.calibration_holdout_duckdb, folder / "edge.parquet"),
        "dask": (scale.calibration_holdout_dask, dd.from_pandas(EDGE, npartitions=2)),
    }
    for name, (function, data) in engines.items():
        out = function(data, "2024-01-05", monetary_col="amount")
        assert out.index.tolist() == ["sameday", "single", "week"], name  # "late" starts in the holdout
        assert out["frequency_cal"].tolist() == [0, 0, 1], name
        assert out["frequency_holdout"].tolist() == [1, 0, 1], name
        assert out["monetary_value_holdout"].tolist() == [4.0, 0.0, 6.0], name
        assert out["duration_holdout"].tolist() == [5.0, 5.0, 5.0], name
        with pytest.raises(DataValidationError, match="no transaction on or before calibration_end"):
            function(data, "2023-12-01")
        with pytest.raises(ParameterError, match="must be after calibration_end"):
            function(data, "2024-01-05", "2024-01-05")


def test_cdnow_in_every_engine_with_cent_amounts(folder, client):
    """Real amounts in cents: counts and times exact, spend equal up to the order of addition (relative 1e-14)."""
    log = load_cdnow_transactions()[["customer_id", "date", "amount"]]
    log = log[log["date"] <= "1997-09-30"]  # the calibration period of Fader, Hardie & Lee (2005)
    log.to_parquet(folder / "cdnow.parquet")
    expected = clv.rfm_summary(log, monetary_col="amount", freq_multiplier=7)
    for got in (scale.rfm_summary_duckdb(folder / "cdnow.parquet", monetary_col="amount", freq_multiplier=7),
                scale.rfm_summary_dask(dd.from_pandas(log, npartitions=3), monetary_col="amount", freq_multiplier=7)):
        pd.testing.assert_frame_equal(got.drop(columns="monetary_value"), expected.drop(columns="monetary_value"),
                                      check_exact=True)
        np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"], rtol=1e-14, atol=0)
    # the published CDNOW summary (lifetimes' cdnow_customers_summary.csv): 2,357 customers, 2,457 repeat purchases
    assert len(expected) == 2357 and expected["frequency"].sum() == 2457


def test_nanosecond_timestamps_at_period_boundaries(folder):
    stamps = pd.to_datetime(
        ["1999-12-31 23:59:59.999999999", "2000-01-01", "1969-12-31 23:59:59.999999999", "1970-01-01",
         "2000-01-31 23:59:59.999999999", "2000-02-01"], format="ISO8601").astype("datetime64[ns]")
    log = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "c"], "date": stamps})
    log.to_parquet(folder / "ns.parquet")
    for freq in ("h", "D", "W", "M"):
        expected = clv.rfm_summary(log, freq=freq)
        pd.testing.assert_frame_equal(scale.rfm_summary_duckdb(folder / "ns.parquet", freq=freq), expected)
    assert clv.rfm_summary(log, freq="D")["frequency"].tolist() == [1, 1, 1]


def test_csv_globs_folders_and_lists_read_the_same_rows(folder):
    log = load_cdnow_transactions().iloc[:600][["customer_id", "date", "amount"]]
    for i, part in enumerate(np.array_split(np.arange(len(log)), 3)):
        log.iloc[part].to_csv(folder / f"part-{i}.csv", index=False)
    expected = clv.rfm_summary(log, monetary_col="amount")
    for source in (str(folder / "part-*.csv"), folder, [folder / f"part-{i}.csv" for i in range(3)]):
        got = scale.rfm_summary_duckdb(source, monetary_col="amount", threads=1, memory_limit="256MB")
        pd.testing.assert_frame_equal(got.drop(columns="monetary_value"), expected.drop(columns="monetary_value"),
                                      check_exact=True)
        np.testing.assert_allclose(got["monetary_value"], expected["monetary_value"], rtol=1e-14, atol=0)


def test_time_zones_become_utc_as_in_pandas(folder):
    log = pd.DataFrame({"customer_id": ["a", "a"],
                        "date": pd.to_datetime(["2024-01-01 23:30", "2024-01-02 00:30"]).tz_localize("Europe/Paris")})
    log.to_parquet(folder / "tz.parquet")
    got = scale.rfm_summary_duckdb(folder / "tz.parquet")
    pd.testing.assert_frame_equal(got, clv.rfm_summary(log))
    assert got.loc["a", "frequency"] == 0  # 22:30 and 23:30 UTC: one day


# ---------------------------------------------------------------------------------------------------
# through crmlab.clv's own functions (the pandas functions dispatch on the input)


def test_rfm_summary_dispatches_paths_and_dask_frames(folder, client):
    EDGE.to_parquet(folder / "edge.parquet")
    expected = clv.rfm_summary(EDGE, monetary_col="amount", freq="W")
    for data in (folder / "edge.parquet", str(folder / "*.parquet"), dd.from_pandas(EDGE, npartitions=2)):
        pd.testing.assert_frame_equal(clv.rfm_summary(data, monetary_col="amount", freq="W"), expected)
    expected = clv.calibration_holdout(EDGE, "2024-01-05", monetary_col="amount")
    for data in (folder / "edge.parquet", dd.from_pandas(EDGE, npartitions=2)):
        pd.testing.assert_frame_equal(clv.calibration_holdout(data, "2024-01-05", monetary_col="amount"), expected)


def test_engine_is_chosen_by_input_type(folder):
    assert scale.engine("log.parquet", "rfm_summary") is scale.rfm_summary_duckdb
    assert scale.engine([folder / "a.csv"], "calibration_holdout") is scale.calibration_holdout_duckdb
    assert scale.engine(dd.from_pandas(EDGE, npartitions=1), "rfm_summary") is scale.rfm_summary_dask
    assert scale.engine(EDGE, "rfm_summary") is None
    with pytest.raises(ParameterError, match="unknown function"):
        scale.engine(EDGE, "fit")


# ---------------------------------------------------------------------------------------------------
# bad paths, unreadable files, schema mismatches


def test_bad_paths_raise_data_file_errors(folder):
    with pytest.raises(DataFileError, match="no such file"):
        scale.rfm_summary_duckdb(folder / "missing.parquet")
    with pytest.raises(DataFileError, match="no file matches"):
        scale.rfm_summary_duckdb(str(folder / "*.parquet"))
    with pytest.raises(DataFileError, match="holds no .csv or .parquet"):
        scale.rfm_summary_duckdb(folder)
    with pytest.raises(DataFileError, match="unknown file type"):
        scale.rfm_summary_duckdb(DATA / "transactions_spreadsheet.xlsx")
    EDGE.to_parquet(folder / "a.parquet")
    EDGE.to_csv(folder / "b.csv", index=False)
    with pytest.raises(DataFileError, match="mix CSV and Parquet"):
        scale.rfm_summary_duckdb(str(folder / "*"))
    with pytest.raises(EmptyDataError, match="0 bytes"):
        scale.rfm_summary_duckdb(DATA / "transactions_empty.csv")
    with pytest.raises(EmptyDataError, match="no rows"):
        scale.rfm_summary_duckdb(DATA / "transactions_header_only.csv")


def test_unreadable_files_raise_data_file_errors(folder):
    (folder / "broken.parquet").write_bytes(b"PAR1 this is not a parquet file")
    with pytest.raises(DataFileError, match="broken.parquet could not be read as Parquet"):
        scale.rfm_summary_duckdb(folder / "broken.parquet")
    with pytest.raises(DataFileError, match="could not be read as Parquet"):
        scale.predict_to_parquet(folder / "broken.parquet", None, folder / "out.parquet", t=1)


@pytest.mark.parametrize("name, error, fragments", [
    ("transactions_wrong_customer_column.csv", MissingColumnError, ["no column 'customer_id'", "'client'"]),
    ("transactions_missing_customer.csv", DataValidationError, ["missing customer id in 1 row", ".csv:1"]),
    ("transactions_missing_date.csv", DataValidationError, ["column 'date'", "missing date", ".csv:1"]),
    ("transactions_unparsable_dates.csv", DataValidationError, ["unparsable date in 2 row", ".csv:1", "ISO 8601"]),
    ("transactions_day_first_dates.csv", DataValidationError, ["unparsable date in 3 row", "25/01/2024"]),
    ("transactions_negative_amount.csv", DataValidationError, ["negative amount", ".csv:1", "-12.5"]),
    ("transactions_nonnumeric_amount.csv", DataValidationError, ["amount is not a number", "$12.50"]),
    ("transactions_missing_amount.csv", DataValidationError, ["missing amount", ".csv:1"]),
])
def test_malformed_csv_corpus(name, error, fragments):
    with pytest.raises(error) as caught:
        scale.rfm_summary_duckdb(DATA / name, monetary_col="amount")
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_schema_mismatches_in_parquet(folder):
    good = EDGE.copy()
    good.to_parquet(folder / "part-0.parquet")
    good.drop(columns="amount").to_parquet(folder / "part-1.parquet")
    with pytest.raises(MissingColumnError, match="part-1.parquet has no column 'amount'"):
        scale.rfm_summary_duckdb(str(folder / "part-*.parquet"), monetary_col="amount")
    numbers = good.assign(date=np.arange(len(good)))
    numbers.to_parquet(folder / "numbers.parquet")
    with pytest.raises(DataValidationError, match=r"column 'date': dates are stored as numbers \(BIGINT\)"):
        scale.rfm_summary_duckdb(folder / "numbers.parquet")
    text = good.assign(amount=["12 EUR"] * len(good))
    text.to_parquet(folder / "text.parquet")
    with pytest.raises(DataValidationError, match="amount is not a number in 9 row"):
        scale.rfm_summary_duckdb(folder / "text.parquet", monetary_col="amount")
    negative = good.assign(amount=good["amount"].where(good.index != 4, -1.0))
    negative.to_parquet(folder / "negative.parquet")
    with pytest.raises(DataValidationError) as caught:
        scale.rfm_summary_duckdb(folder / "negative.parquet", monetary_col="amount")
    assert caught.value.column == "amount" and caught.value.rows == ["negative.parquet:4"]
    missing = good.assign(amount=good["amount"].where(good.index != 2))
    missing.to_parquet(folder / "missing.parquet")
    with pytest.raises(DataValidationError, match="missing amount in 1 row"):
        scale.rfm_summary_duckdb(folder / "missing.parquet", monetary_col="amount")
    mixed = good.assign(customer_id=np.arange(len(good)))
    mixed.to_parquet(folder / "part-2.parquet")
    with pytest.raises(DataValidationError, match="the column is BIGINT in"):
        scale.rfm_summary_duckdb([folder / "part-0.parquet", folder / "part-2.parquet"])


def test_parameters_are_checked_before_reading(folder):
    EDGE.to_parquet(folder / "edge.parquet")
    with pytest.raises(ParameterError, match="freq='Q' is not supported"):
        scale.rfm_summary_duckdb(folder / "edge.parquet", freq="Q")
    with pytest.raises(ParameterError, match="observation_end='soon' is not a date"):
        scale.rfm_summary_duckdb(folder / "edge.parquet", observation_end="soon")
    with pytest.raises(ParameterError, match="DuckDB refused the settings"):
        scale.rfm_summary_duckdb(folder / "edge.parquet", memory_limit="lots")


@pytest.mark.filterwarnings("ignore:Could not infer format:UserWarning")  # pandas, parsing the bad dates
def test_dask_errors_name_the_partition_and_rows(client):
    with pytest.raises(MissingColumnError, match="no column 'amount'"):
        scale.rfm_summary_dask(dd.from_pandas(EDGE.drop(columns="amount"), npartitions=2), monetary_col="amount")
    negative = EDGE.assign(amount=EDGE["amount"].where(EDGE.index != 7, -3.0))
    with pytest.raises(DataValidationError) as caught:
        scale.rfm_summary_dask(dd.from_pandas(negative, npartitions=3), monetary_col="amount")
    assert caught.value.column == "amount" and caught.value.rows == [7]
    assert "partition 2 of the Dask DataFrame" in str(caught.value) and "-3.0" in str(caught.value)
    words = EDGE.assign(date=["2024-13-45"] * len(EDGE))
    with pytest.raises(DataValidationError, match="unparsable date"):
        scale.rfm_summary_dask(dd.from_pandas(words, npartitions=2))
    with pytest.raises(EmptyDataError, match="no rows"):
        scale.rfm_summary_dask(dd.from_pandas(EDGE.iloc[:0], npartitions=1))


# ---------------------------------------------------------------------------------------------------
# chunked predictions


@pytest.fixture(scope="module")
def cdnow_models():
    summary = clv.rfm_summary(load_cdnow_transactions(), monetary_col="amount", freq_multiplier=7)
    return summary, clv.fit(summary, "bgnbd"), clv.fit(summary, "gamma_gamma")


def _whole_table(summary, bgnbd, spend) -> pd.DataFrame:
    x, t_x, age = summary["frequency"], summary["recency"], summary["T"]
    return pd.DataFrame({
        "expected_purchases": clv.expected_purchases(bgnbd, x, t_x, age, 39),
        "p_alive": clv.probability_alive(bgnbd, x, t_x, age),
        "clv": clv.customer_lifetime_value(bgnbd, spend, x, t_x, age, summary["monetary_value"],
                                           horizon=12, period_length=52 / 12, discount_rate=0.01),
    })


@pytest.mark.parametrize("chunk_size", [1000, 7, 100_000])
def test_chunked_predictions_equal_whole_table_predictions(cdnow_models, folder, chunk_size):
    summary, bgnbd, spend = cdnow_models
    path = scale.predict_to_parquet(summary, bgnbd, folder / "out" / "predictions.parquet", t=39, spend_model=spend,
                                    period_length=52 / 12, chunk_size=chunk_size)
    got = pd.read_parquet(path)
    whole = _whole_table(summary, bgnbd, spend)
    pd.testing.assert_frame_equal(got[["expected_purchases", "p_alive"]], whole[["expected_purchases", "p_alive"]],
                                  check_exact=True, check_names=False)
    # CLV discounts with a matrix-vector product, whose last bits depend on how BLAS blocks the rows
    np.testing.assert_allclose(got["clv"], whole["clv"], rtol=1e-13, atol=0)
    assert got.index.name == "customer_id"
    assert pq.ParquetFile(path).num_row_groups == -(-len(summary) // chunk_size)
    assert got["p_alive"].between(0, 1).all() and (got["clv"] > 0).all()


def test_chunked_predictions_from_a_parquet_summary(cdnow_models, folder):
    summary, bgnbd, spend = cdnow_models
    summary.to_parquet(folder / "summary.parquet")
    path = scale.predict_to_parquet(folder / "summary.parquet", bgnbd, folder / "p.parquet", t=39, chunk_size=500)
    expected = _whole_table(summary, bgnbd, spend).drop(columns="clv")
    pd.testing.assert_frame_equal(pd.read_parquet(path), expected, check_exact=True, check_names=False)


def test_chunked_predictions_use_calibration_columns(cdnow_models, folder):
    _, bgnbd, _ = cdnow_models
    cal = clv.calibration_holdout(load_cdnow_transactions(), "1997-09-30", freq_multiplier=7)
    got = pd.read_parquet(scale.predict_to_parquet(cal, bgnbd, folder / "cal.parquet", t=39, chunk_size=1000))
    expected = clv.expected_purchases(bgnbd, cal["frequency_cal"], cal["recency_cal"], cal["T_cal"], 39)
    np.testing.assert_array_equal(got["expected_purchases"].to_numpy(), expected.to_numpy())


def test_chunked_prediction_errors(cdnow_models, folder):
    summary, bgnbd, spend = cdnow_models
    with pytest.raises(ParameterError, match="chunk_size=0"):
        scale.predict_to_parquet(summary, bgnbd, folder / "p.parquet", t=39, chunk_size=0)
    with pytest.raises(MissingColumnError, match="'monetary_value'"):
        scale.predict_to_parquet(summary.drop(columns="monetary_value"), bgnbd, folder / "p.parquet", t=39,
                                 spend_model=spend)
    with pytest.raises(EmptyDataError, match="no rows"):
        scale.predict_to_parquet(summary.iloc[:0], bgnbd, folder / "p.parquet", t=39)
    with pytest.raises(DataFileError, match="expected a summary DataFrame"):
        scale.predict_to_parquet(folder / "nothing.parquet", bgnbd, folder / "p.parquet", t=39)
    with pytest.raises(ParameterError, match="forecast horizon"):
        scale.predict_to_parquet(summary, bgnbd, folder / "p.parquet", t=-1)
