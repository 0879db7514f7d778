"""crmlab.datasets loaders: row counts, dtypes and provenance; read_transactions on a corpus of malformed files."""

from pathlib import Path

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.errors import (
    CrmlabError,
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
)

DATA = Path(__file__).resolve().parents[1] / "data"
PROVENANCE = ("name", "description", "source", "citation", "licence", "synthetic")


def assert_provenance(df: pd.DataFrame, synthetic: bool) -> None:
    for key in PROVENANCE:
        assert key in df.attrs, key
    for key in ("source", "citation", "licence", "description"):
        assert df.attrs[key].strip(), key
    assert df.attrs["synthetic"] is synthetic


def test_cdnow_sample_transactions():
    df = datasets.load_cdnow_transactions()
    assert df.shape == (6919, 4)
    assert list(df.columns) == ["customer_id", "date", "quantity", "amount"]
    assert df["customer_id"].nunique() == 2357
    assert pd.api.types.is_string_dtype(df["customer_id"])
    assert df["date"].dtype == "datetime64[ns]"
    assert df["quantity"].dtype == "int64" and df["amount"].dtype == "float64"
    assert df["date"].min() == pd.Timestamp("1997-01-01")
    assert df["date"].max() == pd.Timestamp("1998-06-30")
    # every customer's first purchase is in Q1 1997 (the cohort definition)
    assert df.groupby("customer_id")["date"].min().max() < pd.Timestamp("1997-04-01")
    # customer 1 of the sample: three purchases to week 39, a fourth in the holdout
    first = df[df["customer_id"] == "1"]
    assert first["amount"].round(2).tolist() == [29.33, 29.73, 14.96, 26.48]
    assert_provenance(df, synthetic=False)


def test_cdnow_master_transactions():
    df = datasets.load_cdnow_transactions(sample=False)
    assert df.shape == (69659, 4)
    assert df["customer_id"].nunique() == 23570
    assert df["amount"].ge(0).all()
    assert_provenance(df, synthetic=False)


def test_cdnow_summary_matches_published_first_customer():
    df = datasets.load_cdnow_summary()
    assert df.shape == (2357, 3)
    assert df.loc["1"].tolist() == [2, 30.43, 38.86]
    assert (df["frequency"] > 0).sum() == 946  # repeat buyers behind the Gamma-Gamma estimates
    money = datasets.load_cdnow_summary(monetary=True)
    assert list(money.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert money.loc["1", "monetary_value"] == 22.35
    assert_provenance(money, synthetic=False)


def test_donations():
    df = datasets.load_donations()
    assert list(df.columns) == ["frequency", "recency", "periods", "weights"]
    assert df["weights"].sum() == 11104  # the 1995 cohort of Fader, Hardie & Shang (2010)
    assert_provenance(df, synthetic=False)


def test_ecsi_mobi():
    df = datasets.load_ecsi_mobi()
    assert df.shape == (250, 24)
    assert (df.dtypes == "int64").all()
    assert df.min().min() >= 1 and df.max().max() <= 10
    assert list(df.columns[:5]) == ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"]
    assert sum(len(v) for v in datasets.MOBI_BLOCKS.values()) == 24
    assert_provenance(df, synthetic=False)


# ----------------------------------------------------------------------------------------------
# read_transactions


def test_read_transactions_valid_file(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("cust,day,spend\nA,2024-01-02,10.5\nB,2024-01-03,2\nA,2024-02-01,7.25\n")
    df = datasets.read_transactions(path, "cust", "day", "spend")
    assert list(df.columns) == ["customer_id", "date", "quantity", "amount"]
    assert df["amount"].tolist() == [10.5, 2.0, 7.25]
    assert df["quantity"].tolist() == [1, 1, 1]
    assert df["date"].dtype == "datetime64[ns]"
    assert df.attrs["synthetic"] is False


def test_read_transactions_from_dataframe_without_amount():
    raw = pd.DataFrame({"id": [1, 2], "when": pd.to_datetime(["2020-01-01", "2020-03-01"])})
    df = datasets.read_transactions(raw, "id", "when")
    assert list(df.columns) == ["customer_id", "date", "quantity"]
    assert df["customer_id"].tolist() == ["1", "2"]


def test_read_transactions_round_trips_cdnow():
    cdnow = datasets.load_cdnow_transactions()
    # the CDNOW sample holds 21 exact duplicate rows (same customer, day, CDs and dollars): reported, kept
    with pytest.warns(CrmlabWarning, match=r"21 exact duplicate transaction row\(s\) kept"):
        again = datasets.read_transactions(cdnow, amount_col="amount", quantity_col="quantity")
    pd.testing.assert_frame_equal(again, cdnow, check_dtype=False)


MALFORMED = [
    # file, keyword arguments, exception class, fragments the message must contain
    ("transactions_empty.csv", {}, EmptyDataError, ["empty", "0 bytes"]),
    ("transactions_header_only.csv", {}, EmptyDataError, ["no rows"]),
    ("transactions_wrong_customer_column.csv", {}, MissingColumnError,
     ["no column 'customer_id'", "'client'", "customer_col="]),
    ("transactions_unparsable_dates.csv", {}, DataValidationError,
     ["column 'date'", "unparsable date", "2 offending row(s): [1, 2]", "2024-13-45", "yesterday", "date_format"]),
    ("transactions_missing_date.csv", {}, DataValidationError, ["column 'date'", "missing date", "[1]"]),
    ("transactions_negative_amount.csv", {}, DataValidationError,
     ["column 'amount'", "negative amount", "[1, 3]", "-12.5", "refunds"]),
    ("transactions_nonnumeric_amount.csv", {}, DataValidationError,
     ["column 'amount'", "not a number", "[1, 2]", "$12.50", "currency symbols"]),
    ("transactions_missing_amount.csv", {}, DataValidationError, ["column 'amount'", "missing amount", "[1]"]),
    ("transactions_missing_customer.csv", {}, DataValidationError,
     ["column 'customer_id'", "missing customer id", "[1]"]),
    ("transactions_duplicates.csv", {"duplicates": "error"}, DataValidationError,
     ["exact duplicate", "[1, 3]", 'duplicates="drop"']),
    ("transactions_day_first_dates.csv", {"date_format": "%Y-%m-%d"}, DataValidationError,
     ["unparsable date", "3 offending row(s)", "'%Y-%m-%d'"]),
    ("transactions_bad_quantity.csv", {"quantity_col": "quantity"}, DataValidationError,
     ["column 'quantity'", "negative or not a whole number", "[1, 2]"]),
    ("transactions_semicolon.csv", {}, DataFileError, ["separated by ';'", "comma-separated"]),
    ("transactions_spreadsheet.xlsx", {}, DataFileError, ["unknown file type '.xlsx'", ".csv"]),
    ("transactions_ragged.csv", {}, DataFileError, ["could not be read"]),
    ("no_such_file.csv", {}, DataFileError, ["no such file", "no_such_file.csv"]),
]


@pytest.mark.parametrize(("name", "kwargs", "exc", "fragments"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_transaction_files(name, kwargs, exc, fragments):
    amount = {} if "quantity_col" in kwargs else {"amount_col": "amount"}
    with pytest.raises(exc) as info:
        datasets.read_transactions(DATA / name, **amount, **kwargs)
    assert isinstance(info.value, CrmlabError) and isinstance(info.value, ValueError)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_malformed_corpus_is_large_enough():
    assert len(list(DATA.glob("transactions_*"))) >= 12


def test_unparsable_dates_error_carries_column_and_rows():
    with pytest.raises(DataValidationError) as info:
        datasets.read_transactions(DATA / "transactions_unparsable_dates.csv", amount_col="amount")
    assert info.value.column == "date"
    assert info.value.rows == [1, 2]


def test_duplicates_are_reported_and_kept_by_default():
    with pytest.warns(CrmlabWarning, match=r"2 exact duplicate transaction row\(s\) kept"):
        df = datasets.read_transactions(DATA / "transactions_duplicates.csv", amount_col="amount")
    assert len(df) == 5
    assert df.attrs["duplicates"] == {"rows": 2, "action": "kept"}


def test_duplicates_removed_on_request_and_reported():
    with pytest.warns(CrmlabWarning, match="removed"):
        df = datasets.read_transactions(DATA / "transactions_duplicates.csv", amount_col="amount", duplicates="drop")
    assert len(df) == 3
    assert df.attrs["duplicates"] == {"rows": 2, "action": "removed"}


def test_day_first_dates_parse_with_the_right_format():
    df = datasets.read_transactions(DATA / "transactions_day_first_dates.csv", amount_col="amount",
                                    date_format="%d/%m/%Y")
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-01-03", "2024-01-25"]


def test_unknown_duplicate_policy():
    with pytest.raises(DataValidationError, match="unknown duplicates policy"):
        datasets.read_transactions(DATA / "transactions_duplicates.csv", duplicates="ignore")


def test_parquet_input(tmp_path):
    path = tmp_path / "log.parquet"
    pd.DataFrame({"customer_id": ["x", "y"], "date": ["2021-05-01", "2021-05-02"], "amount": [1.0, 2.0]}).to_parquet(path)
    df = datasets.read_transactions(path, amount_col="amount")
    assert df["amount"].sum() == 3.0
