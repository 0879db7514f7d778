"""Malformed and adversarial transaction logs, through every entry point that reads one.

Each case is a small log that breaks one rule of the transaction-log contract (:mod:`crmlab.transactions`).
It goes through the pandas engine (:func:`crmlab.clv.rfm_summary` and :func:`crmlab.clv.calibration_holdout`),
the DuckDB engine (the same log written as a file), :func:`crmlab.datasets.read_transactions` and
:func:`crmlab.value.rfm_table`; every one must raise the same exception class with the column and the
words of the rule in its message. Cases whose answer is a correct result with a warning assert the
count in the warning and the result.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlab import clv, value
from crmlab.clv import scale
from crmlab.datasets import read_transactions
from crmlab.errors import (
    CrmlabError,
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
)

GOOD = {"customer_id": ["a", "a", "b", "c"], "date": ["2024-01-01", "2024-01-05", "2024-01-02", "2024-01-03"],
        "amount": [10.0, 20.0, 5.0, 7.5]}


def log_with(row: int = 1, **changes: object) -> pd.DataFrame:
    """The good log with ``changes`` (column -> value) on one row."""
    df = pd.DataFrame(GOOD).astype({"customer_id": object, "date": object, "amount": object})
    for column, new in changes.items():
        df.loc[row, column] = new
    return df


# name -> (log, how to store it: "csv" keeps text, "parquet" keeps types, exception, words in the message)
BAD_LOGS: dict[str, tuple[pd.DataFrame, str, type[Exception], list[str]]] = {
    "missing id": (log_with(customer_id=None), "csv", DataValidationError, ["customer_id", "missing customer id"]),
    "blank id": (log_with(customer_id="   "), "csv", DataValidationError, ["customer_id", "missing customer id"]),
    "missing date": (log_with(date=None), "csv", DataValidationError, ["'date'", "missing date"]),
    "unparsable date": (log_with(date="yesterday"), "csv", DataValidationError, ["'date'", "unparsable date"]),
    "year 9999": (log_with(date="9999-12-31"), "csv", DataValidationError, ["'date'", "date outside", "2261-12-31"]),
    "year 1600": (log_with(date="1600-01-01"), "csv", DataValidationError, ["'date'", "date outside", "1678-01-01"]),
    "naive among offsets": (
        log_with(row=0, date="2024-01-01").assign(date=["2024-01-01", "2024-01-05T10:00+08:00",
                                                        "2024-01-02T09:00+01:00", "2024-01-03T00:00Z"]),
        "csv", DataValidationError, ["'date'", "UTC offset mixed", "[0]"],
    ),
    "integer dates": (pd.DataFrame(GOOD).assign(date=[20240101, 20240105, 20240102, 20240103]), "parquet",
                      DataValidationError, ["'date'", "stored as numbers", "date_format='%Y%m%d'"]),
    "negative amount": (log_with(amount=-5.0), "csv", DataValidationError, ["'amount'", "negative amount", "refunds"]),
    "infinite amount": (log_with(amount="inf"), "csv", DataValidationError, ["'amount'", "infinite"]),
    "NA amount": (log_with(amount="NA"), "csv", DataValidationError, ["'amount'", "missing amount"]),
    "null amount": (log_with(amount="null"), "csv", DataValidationError, ["'amount'", "missing amount"]),
    "currency amount": (log_with(amount="12,50 EUR"), "csv", DataValidationError,
                        ["'amount'", "not a number", "currency symbols"]),
    "overflowing sum": (pd.DataFrame(GOOD).assign(amount=[1e308, 1e308, 1.0, 1.0]), "parquet",
                        DataValidationError, ["'amount'", "overflows"]),
    "missing column": (pd.DataFrame(GOOD).rename(columns={"date": "day"}), "csv", MissingColumnError,
                       ["no column 'date'", "'day'"]),
    "header only": (pd.DataFrame(GOOD).iloc[:0], "csv", EmptyDataError, ["no rows"]),
}


def _write(df: pd.DataFrame, kind: str, folder: Path) -> Path:
    path = folder / f"log.{kind}"
    if kind == "csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, index=False)
    return path


def _frame(df: pd.DataFrame, kind: str, folder: Path) -> pd.DataFrame:
    """The log as a user would have it in memory: read back from the file as text (CSV) or typed."""
    path = _write(df, kind, folder)
    if kind == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return pd.read_parquet(path)


ENTRY_POINTS = {
    "rfm_summary": lambda src: clv.rfm_summary(src, monetary_col="amount"),
    "calibration_holdout": lambda src: clv.calibration_holdout(src, "2024-01-02", "2024-01-10", monetary_col="amount"),
    "value.rfm_table": lambda src: value.rfm_table(src),
}


def _expect(call, error: type[Exception], words: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CrmlabWarning)
        with pytest.raises(error) as info:
            call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("case", sorted(BAD_LOGS))
def test_bad_log_in_memory(case, entry, tmp_path):
    df, kind, error, words = BAD_LOGS[case]
    frame = _frame(df, kind, tmp_path)
    _expect(lambda: ENTRY_POINTS[entry](frame), error, words)


@pytest.mark.parametrize("case", sorted(BAD_LOGS))
def test_bad_log_file_in_duckdb(case, tmp_path):
    df, kind, error, words = BAD_LOGS[case]
    path = _write(df, kind, tmp_path)
    words = [w for w in words if not w.startswith("[")]  # DuckDB labels rows file:row
    _expect(lambda: scale.rfm_summary_duckdb(path, monetary_col="amount"), error, words)


@pytest.mark.parametrize("case", sorted(BAD_LOGS))
def test_bad_log_file_in_read_transactions(case, tmp_path):
    df, kind, error, words = BAD_LOGS[case]
    path = _write(df, kind, tmp_path)
    _expect(lambda: read_transactions(path, amount_col="amount"), error, words)


# ---------------------------------------------------------------------------------------------------
# correct results, with what was changed counted in a warning


def test_ids_that_look_missing_are_kept_and_counted(tmp_path):
    df = log_with(row=2, customer_id="NULL")
    df.loc[3, "customer_id"] = "NA"
    path = _write(df, "csv", tmp_path)
    for summarise in (lambda: clv.rfm_summary(_frame(df, "csv", tmp_path)), lambda: scale.rfm_summary_duckdb(path)):
        with pytest.warns(CrmlabWarning, match="2 row\\(s\\) have a customer id that looks like a missing value"):
            out = summarise()
        assert sorted(out.index) == ["NA", "NULL", "a"]


def test_ids_that_are_one_number_written_two_ways_are_counted(tmp_path):
    df = pd.DataFrame({"customer_id": [1, "1", 2.0, "2.0", 3], "date": ["2024-01-01"] * 5})
    with pytest.warns(CrmlabWarning, match="4 distinct customer ids are the same number written in different ways"):
        out = clv.rfm_summary(df)
    assert len(out) == 5  # kept apart, as the user wrote them
    text = pd.DataFrame({"customer_id": ["1", "1.0", "2"], "date": ["2024-01-01"] * 3})
    path = _write(text, "csv", tmp_path)
    with pytest.warns(CrmlabWarning, match="2 distinct customer ids"):
        assert len(scale.rfm_summary_duckdb(path)) == 3


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "read_transactions", "value"])
def test_rows_after_the_observation_end_are_left_out_and_counted(engine, tmp_path):
    df = pd.DataFrame(GOOD)
    path = _write(df, "csv", tmp_path)
    with pytest.warns(CrmlabWarning, match="1 transaction row\\(s\\) dated after observation_end"):
        if engine == "pandas":
            out = clv.rfm_summary(df, observation_end="2024-01-04")
        elif engine == "duckdb":
            out = scale.rfm_summary_duckdb(path, observation_end="2024-01-04")
        elif engine == "read_transactions":
            out = read_transactions(path, observation_end="2024-01-04")
            assert len(out) == 3 and out["date"].max() == pd.Timestamp("2024-01-03")
            return
        else:
            out = value.rfm_table(df, "2024-01-04")
    assert out.loc["a", "frequency"] == (0 if engine != "value" else 1)


def test_offsets_are_converted_to_utc_alike_in_every_engine(tmp_path):
    df = pd.DataFrame({"customer_id": ["a", "a", "a"],
                       "date": ["2024-01-01T23:30:00+08:00", "2024-01-01T20:00:00-05:00", "2024-01-03T01:00:00+02:00"],
                       "amount": [1.0, 2.0, 3.0]})
    path = _write(df, "csv", tmp_path)
    pandas = clv.rfm_summary(df, monetary_col="amount")
    duck = scale.rfm_summary_duckdb(path, monetary_col="amount")
    pd.testing.assert_frame_equal(duck, pandas)
    # UTC: 2024-01-01 15:30, 2024-01-02 01:00, 2024-01-02 23:00 -> days 1, 2, 2
    assert pandas.loc["a", "frequency"] == 1 and pandas.loc["a", "recency"] == 1.0
    assert read_transactions(path)["date"].tolist() == list(pd.to_datetime(
        ["2024-01-01 15:30", "2024-01-02 01:00", "2024-01-02 23:00"]))


def test_numeric_dates_with_a_format_read_alike(tmp_path):
    df = pd.DataFrame(GOOD).assign(date=[20240101, 20240105, 20240102, 20240103])
    path = _write(df, "parquet", tmp_path)
    pandas = clv.rfm_summary(df, monetary_col="amount", date_format="%Y%m%d")
    duck = scale.rfm_summary_duckdb(path, monetary_col="amount", date_format="%Y%m%d")
    pd.testing.assert_frame_equal(duck, pandas)
    assert pandas.loc["a", "recency"] == 4.0


# ---------------------------------------------------------------------------------------------------
# arguments


ARGUMENTS = {
    "observation_end soon": (dict(observation_end="soon"), ParameterError, ["observation_end='soon'", "not a date"]),
    "observation_end number": (dict(observation_end=20240101), ParameterError, ["not a date"]),
    "observation_end 9999": (dict(observation_end="9999-12-31"), ParameterError, ["outside the dates"]),
    "date_format %Q": (dict(date_format="%Q"), ParameterError, ["unknown directive %Q"]),
    "date_format empty": (dict(date_format=""), ParameterError, ["non-empty"]),
    "freq_multiplier text": (dict(freq_multiplier="7"), ParameterError, ["freq_multiplier='7'"]),
    "freq_multiplier nan": (dict(freq_multiplier=float("nan")), ParameterError, ["positive number"]),
    "freq_multiplier 0": (dict(freq_multiplier=0), ParameterError, ["positive number"]),
    "freq year": (dict(freq="Y"), ParameterError, ["freq='Y' is not supported"]),
    "end before every purchase": (dict(observation_end="2023-01-01"), DataValidationError,
                                  ["every transaction is after observation_end"]),
}


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("case", sorted(ARGUMENTS))
def test_bad_arguments(case, engine, tmp_path):
    kwargs, error, words = ARGUMENTS[case]
    df = pd.DataFrame(GOOD)
    source = df if engine == "pandas" else _write(df, "csv", tmp_path)
    _expect(lambda: clv.rfm_summary(source, monetary_col="amount", **kwargs), error, words)


def test_calibration_end_in_the_same_period_as_the_observation_end():
    with pytest.raises(ParameterError, match="in a later period"):
        clv.calibration_holdout(pd.DataFrame(GOOD), "2024-01-02", "2024-01-03", freq="W")


def test_a_table_that_is_not_a_dataframe():
    with pytest.raises(DataValidationError, match="expected a pandas DataFrame"):
        clv.rfm_summary({"customer_id": [1]})


def test_duplicated_column_names(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("customer_id,date,date\na,2024-01-01,2024-02-01\n")
    for call in (lambda: read_transactions(path), lambda: scale.rfm_summary_duckdb(path)):
        _expect(call, DataValidationError, ["'date'", "more than once"])
    frame = pd.DataFrame([["a", "2024-01-01", "2024-02-01"]], columns=["customer_id", "date", "date"])
    _expect(lambda: clv.rfm_summary(frame), DataValidationError, ["more than once"])


def test_booleans_as_amounts(tmp_path):
    df = pd.DataFrame(GOOD).assign(amount=[True, False, True, True])
    _expect(lambda: clv.rfm_summary(df, monetary_col="amount"), DataValidationError, ["true/false"])
    path = _write(df, "parquet", tmp_path)
    _expect(lambda: scale.rfm_summary_duckdb(path, monetary_col="amount"), DataValidationError,
            ["'amount'", "BOOLEAN, not a number"])


def test_encodings(tmp_path):
    text = "customer_id,date,amount\n张三,2024-01-01,10\n李四,2024-01-02,5\n"
    (tmp_path / "gbk.csv").write_bytes(text.encode("gb18030"))
    _expect(lambda: read_transactions(tmp_path / "gbk.csv"), DataFileError, ["not UTF-8 text", "GBK/GB18030", "gb18030"])
    assert read_transactions(tmp_path / "gbk.csv", encoding="gb18030")["customer_id"].tolist() == ["张三", "李四"]
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    assert read_transactions(tmp_path / "bom.csv")["customer_id"].tolist() == ["张三", "李四"]


# ---------------------------------------------------------------------------------------------------
# files for the DuckDB engine: names read literally, each file once


def test_brackets_in_a_real_file_name_are_not_a_pattern(tmp_path):
    pd.DataFrame(GOOD).to_csv(tmp_path / "sales[2024].csv", index=False)
    pd.DataFrame(GOOD).iloc[:1].to_csv(tmp_path / "sales2.csv", index=False)
    out = scale.rfm_summary_duckdb(tmp_path / "sales[2024].csv", monetary_col="amount")
    pd.testing.assert_frame_equal(out, clv.rfm_summary(pd.DataFrame(GOOD), monetary_col="amount"))


def test_a_folder_with_pattern_like_names_reads_every_file_once(tmp_path):
    first, second = pd.DataFrame(GOOD).iloc[:2], pd.DataFrame(GOOD).iloc[2:]
    first.to_csv(tmp_path / "data[1].csv", index=False)
    second.to_csv(tmp_path / "data1.csv", index=False)
    out = scale.rfm_summary_duckdb(tmp_path, monetary_col="amount")
    pd.testing.assert_frame_equal(out, clv.rfm_summary(pd.DataFrame(GOOD), monetary_col="amount"))


def test_a_file_named_twice_is_read_once(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame(GOOD).to_csv(path, index=False)
    expected = clv.rfm_summary(pd.DataFrame(GOOD), monetary_col="amount", include_first=True)
    with pytest.warns(CrmlabWarning, match="1 file\\(s\\) were named more than once"):
        twice = scale.rfm_summary_duckdb([path, path], monetary_col="amount", include_first=True)
    pd.testing.assert_frame_equal(twice, expected)
    with pytest.warns(CrmlabWarning, match="named more than once"):
        both = scale.rfm_summary_duckdb([str(tmp_path / "*.csv"), path], monetary_col="amount", include_first=True)
    assert both["total_spend"].sum() == 42.5


def test_patterns_and_paths_that_name_nothing(tmp_path):
    _expect(lambda: scale.rfm_summary_duckdb(tmp_path / "nothing.csv"), DataFileError, ["no such file"])
    _expect(lambda: scale.rfm_summary_duckdb(str(tmp_path / "x[0-9].csv")), DataFileError,
            ["no file matches", "give its exact path"])
    _expect(lambda: scale.rfm_summary_duckdb([]), DataFileError, ["list of files is empty"])


def test_dask_engine_applies_the_same_rules():
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(log_with(date="9999-12-31").astype({"amount": float}), npartitions=2)
    _expect(lambda: clv.rfm_summary(ddf, monetary_col="amount"), DataValidationError, ["date outside"])
    ints = dd.from_pandas(pd.DataFrame(GOOD).assign(date=[20240101, 20240105, 20240102, 20240103]), npartitions=2)
    out = clv.rfm_summary(ints, monetary_col="amount", date_format="%Y%m%d")
    expected = clv.rfm_summary(pd.DataFrame(GOOD), monetary_col="amount")
    np.testing.assert_allclose(out["recency"], expected["recency"])


def test_every_error_is_a_crmlab_error():
    for _, _, error, _ in BAD_LOGS.values():
        assert issubclass(error, CrmlabError)


def test_rfm_table_needs_an_amount_column():
    _expect(lambda: value.rfm_table(pd.DataFrame(GOOD), amount_col=None), ParameterError,
            ["amount_col=None", "monetary value"])

