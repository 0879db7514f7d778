"""The transaction-log contract: how crmlab reads and checks a log of purchases, in one place.

Every consumer of a transaction log goes through this module: :func:`crmlab.datasets.read_transactions`,
:func:`crmlab.clv.rfm_summary` and :func:`crmlab.clv.calibration_holdout` (the pandas and Dask engines
call :func:`validate_log`; the DuckDB engine states the same rules in SQL from the constants below),
the RFM functions of :mod:`crmlab.value`, and the ``crmlab`` command. The rules, as the README's
"Your own data" section states them:

Columns
    The customer, date (and amount) columns must exist, and no column name may appear twice.
Customer ids
    Missing or blank ids are refused, naming the rows. Ids that look like a missing value
    (``NULL``, ``NA``, ``None`` …, see :data:`MISSING_WORDS`) and ids that are the same number written
    two ways (``1`` and ``1.0``, or the number ``1`` and the text ``'1'``) are kept as distinct
    customers, with a :class:`~crmlab.errors.CrmlabWarning` that counts them.
Dates
    Timestamps are read to nanoseconds. Integer or float date columns (e.g. ``20240101``) are refused
    unless a ``date_format`` is given (``"%Y%m%d"``): read as nanoseconds since 1970 they would all fall
    on 1 January 1970. A ``date_format`` with an unknown directive is refused. Dates outside
    1678-01-01 … 2261-12-31 (:data:`EARLIEST_DATE`, :data:`LATEST_DATE`; the range of nanosecond
    timestamps, with a margin) are refused, naming the rows. Values with a UTC offset
    (``2024-03-01T10:00+08:00``) are converted to UTC; a column that mixes values with and without an
    offset is refused, naming the rows, because the naive ones have no defined time zone. Missing or
    unparsable dates are refused.
Amounts
    Numbers, or text that reads as a number. Missing values and words that mean missing are refused as
    missing; text that is not a number, booleans, infinities and negative amounts are refused, naming
    the rows; so is a log whose total spend overflows to infinity.
The observation end
    Stated in periods (:func:`period_codes`, defined here): a row belongs to a summary when its period is
    not after the period of ``observation_end``. Rows in later periods are left out with a warning
    that counts them (:func:`leave_out_after_end`); a log with every row after the end is an error.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from crmlab.errors import (
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    ParameterError,
    check_rows,
    require_columns,
)
from crmlab.files import read_text
from crmlab.ids import CustomerCodes, customer_codes

#: First and last admissible dates (inclusive, midnight of the first day / end of the last day).
EARLIEST_DATE = pd.Timestamp("1678-01-01")
LATEST_DATE = pd.Timestamp("2261-12-31")
_AFTER_LATEST = pd.Timestamp("2262-01-01")

#: Text that means "missing" in exported files (compared case-insensitively, after stripping blanks).
MISSING_WORDS = ("", "na", "n/a", "nan", "null", "none", "nat", "#n/a", "missing", "-")

#: A date-time text that ends with a UTC offset or ``Z``: a time of day, then the offset. The same
#: pattern (RE2-compatible) is used by the DuckDB engine.
OFFSET_PATTERN = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|z|UTC|[+-]\d{2}(?::?\d{2})?)$"

#: ``strftime`` directives that ``date_format`` may use.
DATE_DIRECTIVES = frozenset("aAwdbBmyYHIpMSfzZjUWcxXGuV%")

#: Largest CSV/TSV file read into memory (bytes); larger logs go to the DuckDB engine, which streams.
MAX_LOG_BYTES = 8 * 1024**3

_FORMAT_HINT = "pass the format of the dates, e.g. date_format='%Y-%m-%d' (or '%d/%m/%Y', '%Y%m%d')"


class TransactionLog(NamedTuple):
    """A validated log: customer ids as given, dates as naive UTC ``datetime64[ns]``, float amounts, and
    the ids' codes in sorted-id order (:class:`crmlab.ids.CustomerCodes`)."""

    customers: pd.Series
    dates: np.ndarray
    amounts: np.ndarray | None
    codes: CustomerCodes


# ---------------------------------------------------------------------------------------------------
# periods

_NS_PER_HOUR = 3_600_000_000_000
_NS_PER_DAY = 24 * _NS_PER_HOUR

#: Supported period lengths: ``"h"`` hours, ``"D"`` days, ``"W"`` weeks starting on Monday (pandas'
#: ``"W"``, i.e. ``W-SUN`` periods), ``"M"`` calendar months. Values say what one period is.
PERIOD_UNITS = {
    "h": "hour (floor of nanoseconds since 1970-01-01 / 3.6e12)",
    "D": "day (floor of nanoseconds since 1970-01-01 / 8.64e13)",
    "W": "week Monday-Sunday (floor((day + 3) / 7); 1970-01-01 was a Thursday)",
    "M": "calendar month (12 * year + month - 1)",
}


class TimeUnit(NamedTuple):
    """A model time unit: the period ``freq`` it is counted in, how many periods make one unit
    (``multiplier``), its ``name`` and how many units make a year of 365.25 days (``per_year``)."""

    freq: str
    multiplier: float
    name: str
    per_year: float


#: The model time units a user picks by letter (``crmlab clv --freq``): a day, a week of 7 days counted
#: from each customer's first purchase day (periods of ``"D"``, multiplier 7), a calendar month. Each is
#: stated in the periods of :data:`PERIOD_UNITS`, the one definition of a period.
TIME_UNITS = {
    "D": TimeUnit("D", 1.0, "day", 365.25),
    "W": TimeUnit("D", 7.0, "week", 365.25 / 7),
    "M": TimeUnit("M", 1.0, "month", 12.0),
}


def check_freq(freq: str, freq_multiplier: float = 1) -> None:
    """Refuse an unknown period ``freq`` or a ``freq_multiplier`` that is not a positive finite number.

    Parameters
    ----------
    freq : str
        A key of :data:`PERIOD_UNITS`: ``"h"``, ``"D"``, ``"W"`` or ``"M"``.
    freq_multiplier : float, default 1
        The number of ``freq`` periods in one model time unit (7 for weeks measured in days).

    Raises
    ------
    ParameterError
        When ``freq`` is unknown or ``freq_multiplier`` is not a positive finite number (text included).

    Examples
    --------
    >>> check_freq("W", 1)
    >>> check_freq("D", "7")
    Traceback (most recent call last):
    ...
    crmlab.errors.ParameterError: freq_multiplier='7' must be a positive number ...
    """
    if not isinstance(freq, str) or freq not in PERIOD_UNITS:
        raise ParameterError(
            f"freq={freq!r} is not supported; use one of {sorted(PERIOD_UNITS)} "
            '(hours, days, weeks starting Monday, calendar months); e.g. freq="D", freq_multiplier=7 '
            "measures time in weeks at daily resolution"
        )
    number = isinstance(freq_multiplier, (int, float, np.integer, np.floating)) and not isinstance(freq_multiplier, bool)
    if not number or not np.isfinite(freq_multiplier) or freq_multiplier <= 0:
        raise ParameterError(
            f"freq_multiplier={freq_multiplier!r} must be a positive number (the number of `freq` "
            "periods in one model time unit, e.g. 7 for weeks measured in days), not text"
        )


def period_codes(dates: np.ndarray | pd.Series | pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Integer period number of each timestamp (``datetime64``), counted from 1970-01-01.

    Two timestamps are in the same period exactly when their codes are equal, and the difference of
    two codes is the number of whole periods between them (calendar months for ``"M"``).

    Parameters
    ----------
    dates : numpy.ndarray, pandas.Series or pandas.DatetimeIndex
        Naive (UTC) timestamps.
    freq : str
        The period: ``"h"``, ``"D"``, ``"W"`` (Monday to Sunday) or ``"M"``; see :data:`PERIOD_UNITS`.

    Returns
    -------
    numpy.ndarray
        ``int64`` period numbers, one per date; period 0 holds 1970-01-01 (for ``"W"``, the week of
        Monday 1969-12-29 to Sunday 1970-01-04).

    Examples
    --------
    >>> dates = pd.to_datetime(["1970-01-01 00:00", "1970-01-31 00:00", "1970-02-01 00:00", "1969-12-31 23:00"])
    >>> period_codes(dates, "D").tolist()
    [0, 30, 31, -1]
    >>> period_codes(dates, "M").tolist()
    [0, 0, 1, -1]

    2023-12-31 is a Sunday, 2024-01-01 a Monday: weeks 2817 and 2818 ((19723 + 3) // 7 = 2818):

    >>> period_codes(pd.to_datetime(["2023-12-31", "2024-01-01"]), "W").tolist()
    [2817, 2818]
    """
    check_freq(freq, 1)
    values = np.asarray(dates, dtype="datetime64[ns]")
    ns = values.view("int64")
    if freq == "h":
        return ns // _NS_PER_HOUR
    if freq == "D":
        return ns // _NS_PER_DAY
    if freq == "W":
        return (ns // _NS_PER_DAY + 3) // 7
    return values.astype("datetime64[M]").view("int64")  # numpy floors to the month


def _floor_div_sql(numerator: str, divisor: int) -> str:
    """Integer floor division in SQL, exact for negative numerators too (before 1970)."""
    return f"((({numerator}) - ((({numerator}) % {divisor}) + {divisor}) % {divisor}) // {divisor})"


def period_sql(column: str, freq: str) -> str:
    """The same period number as :func:`period_codes`, as a DuckDB SQL expression on a TIMESTAMP.

    Integer arithmetic on nanoseconds since 1970, so it is exact to the nanosecond (DuckDB's date
    functions round nanosecond timestamps to microseconds); months from the day number.

    Parameters
    ----------
    column : str
        A SQL expression of type TIMESTAMP (a column name, quoted if need be).
    freq : str
        The period, as for :func:`period_codes`.

    Returns
    -------
    str
        The SQL expression of the period number.

    Examples
    --------
    >>> period_sql("ts", "D")
    '(((epoch_ns(ts)) - (((epoch_ns(ts)) % 86400000000000) + 86400000000000) % 86400000000000) // 86400000000000)'

    In DuckDB, the same numbers as :func:`period_codes`:

    >>> import duckdb
    >>> week = period_sql("TIMESTAMP '2024-01-01'", "W")
    >>> day = period_sql("TIMESTAMP '1969-12-31 23:00'", "D")
    >>> month = period_sql("TIMESTAMP '2024-01-15'", "M")
    >>> duckdb.sql(f"SELECT {week}, {day}, {month}").fetchall()
    [(2818, -1, 648)]
    """
    check_freq(freq, 1)
    ns = f"epoch_ns({column})"
    day = _floor_div_sql(ns, _NS_PER_DAY)
    if freq == "h":
        return _floor_div_sql(ns, _NS_PER_HOUR)
    if freq == "D":
        return day
    if freq == "W":
        return _floor_div_sql(f"{day} + 3", 7)
    date = f"(DATE '1970-01-01' + ({day})::INTEGER)"
    return f"(12 * (year({date}) - 1970) + month({date}) - 1)"


# ---------------------------------------------------------------------------------------------------
# arguments


def check_date_format(date_format: str | None) -> None:
    """Refuse a ``date_format`` that is not text or uses an unknown ``strftime`` directive.

    Parameters
    ----------
    date_format : str or None
        A ``strftime`` format using only :data:`DATE_DIRECTIVES`; ``None`` (infer the format) passes.

    Raises
    ------
    ParameterError
        When ``date_format`` is not a non-empty text or names an unknown directive.

    Examples
    --------
    >>> check_date_format("%Y%m%d")
    >>> check_date_format("%Q")
    Traceback (most recent call last):
    ...
    crmlab.errors.ParameterError: date_format='%Q' uses the unknown directive %Q; ...
    """
    if date_format is None:
        return
    if not isinstance(date_format, str) or not date_format.strip():
        raise ParameterError(f"date_format={date_format!r} must be a non-empty text such as '%Y-%m-%d'")
    bad = [d for d in re.findall(r"%(.?)", date_format) if d not in DATE_DIRECTIVES]
    if bad:
        raise ParameterError(
            f"date_format={date_format!r} uses the unknown directive %{bad[0] or ''}; "
            "use strftime directives such as %Y (year), %m (month), %d (day), %H:%M:%S (time)"
        )


def to_timestamp(value: Any, name: str) -> pd.Timestamp:
    """A date argument (``observation_end``, ``calibration_end``…) as a naive UTC timestamp.

    Text, ``datetime`` and ``Timestamp`` values are accepted; an offset is converted to UTC. Numbers,
    missing values, unparsable text and dates outside the admissible range are refused.

    Parameters
    ----------
    value : Any
        The date argument.
    name : str
        The argument's name in messages.

    Returns
    -------
    pandas.Timestamp
        A naive timestamp in UTC, in nanoseconds.

    Raises
    ------
    ParameterError
        When ``value`` is a number, missing, not a date, or outside :data:`EARLIEST_DATE` to
        :data:`LATEST_DATE`.

    Examples
    --------
    >>> to_timestamp("1997-09-30", "observation_end")
    Timestamp('1997-09-30 00:00:00')
    >>> to_timestamp("2024-01-01T08:00+08:00", "observation_end")
    Timestamp('2024-01-01 00:00:00')
    """
    example = f"pass a date such as {name}='1997-09-30'"
    if isinstance(value, (bool, int, float, np.number)) or value is None:
        raise ParameterError(f"{name}={value!r} is not a date; {example}")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ParameterError(f"{name}={value!r} is not a date; {example}") from exc
    if pd.isna(stamp):
        raise ParameterError(f"{name} is missing; {example}")
    if stamp.tz is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    if not EARLIEST_DATE <= stamp < _AFTER_LATEST:
        raise ParameterError(
            f"{name}={value!r} is outside the dates crmlab can represent "
            f"({EARLIEST_DATE.date()} to {LATEST_DATE.date()}); {example}"
        )
    return stamp.as_unit("ns")


def leave_out_after_end(n_after: int, n_rows: int, end: pd.Timestamp, date_col: str, *, stacklevel: int = 3) -> None:
    """The one rule for rows after the observation end: left out and counted; all of them is an error.

    Parameters
    ----------
    n_after : int
        The number of rows in a period after that of ``end``.
    n_rows : int
        The number of rows of the log.
    end : pandas.Timestamp
        The observation end, as messages show it.
    date_col : str
        The date column, named in the error.
    stacklevel : int, default 3
        Passed to :func:`warnings.warn`, so that the warning points at the user's call.

    Raises
    ------
    DataValidationError
        When every row is after ``end`` (``n_after == n_rows > 0``).

    Warns
    -----
    CrmlabWarning
        Counting the rows left out, when some but not all are after ``end``.

    Examples
    --------
    >>> import warnings
    >>> leave_out_after_end(0, 5, pd.Timestamp("2024-01-31"), "date")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     leave_out_after_end(2, 5, pd.Timestamp("2024-01-31"), "date")
    >>> print(caught[0].message)
    2 transaction row(s) dated after observation_end 2024-01-31 00:00:00 (in a later period) were left out of the summary; move observation_end later to include them
    >>> leave_out_after_end(5, 5, pd.Timestamp("2024-01-31"), "date")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'date': every transaction is after observation_end 2024-01-31 00:00:00
    How to fix: pass an observation_end on or after the first transaction
    """
    if n_after and n_after == n_rows:
        raise DataValidationError(
            f"every transaction is after observation_end {end}", column=date_col,
            fix="pass an observation_end on or after the first transaction",
        )
    if n_after:
        warnings.warn(
            f"{n_after} transaction row(s) dated after observation_end {end} (in a later period) were left "
            "out of the summary; move observation_end later to include them",
            CrmlabWarning, stacklevel=stacklevel,
        )


# ---------------------------------------------------------------------------------------------------
# columns


def _is_missing_word(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.lower()
    return text.isin(MISSING_WORDS).fillna(False).astype(bool)


def _text_values(values: pd.Series) -> pd.Series:
    """True where a value is a Python/NumPy string (object columns may mix types)."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values.notna()
    return values.map(lambda v: isinstance(v, str)).astype(bool)


def check_customer_ids(values: pd.Series, *, column: str, data: pd.DataFrame | None = None) -> CustomerCodes:
    """Refuse missing or blank ids; warn (counting them) about ids that look missing or repeat a number.

    The ids are coded once by :func:`crmlab.ids.customer_codes` (sorted-id order, no sort of the rows),
    and the text rules run on the distinct ids only, so a log of millions of rows costs one pass over
    the rows plus vectorised string operations on its customers.

    Parameters
    ----------
    values : pandas.Series
        The customer id of each row.
    column : str
        The id column's name, in messages.
    data : pandas.DataFrame, optional
        The table, to show an excerpt of offending rows.

    Returns
    -------
    CustomerCodes
        The codes of the rows, for the summary kernel to reuse.

    Raises
    ------
    DataValidationError
        Naming the rows whose id is missing or blank.

    Warns
    -----
    CrmlabWarning
        Counting the rows whose id looks like a missing value (``"NULL"``), and the distinct ids that are
        one number written two ways (``"7"`` and ``"7.0"``); both are kept as customers.

    Examples
    --------
    >>> import warnings
    >>> check_customer_ids(pd.Series(["b", "a", "b"]), column="id").codes.tolist()
    [1, 0, 1]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     coded = check_customer_ids(pd.Series(["7", "7.0", "NULL"]), column="id")
    >>> len(set(coded.codes.tolist()))
    3
    >>> for warning in caught:
    ...     print(str(warning.message).split(";")[0])
    column 'id': 1 row(s) have a customer id that looks like a missing value (['NULL'])
    column 'id': 2 distinct customer ids are the same number written in different ways (e.g. '7', '7.0')
    >>> check_customer_ids(pd.Series(["a", " "]), column="id")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'id': missing customer id (blank)
    1 offending row(s): [1]
    How to fix: fill in or remove these rows
    """
    check_rows(values.isna(), column=column, problem="missing customer id", fix="fill in or remove these rows",
               data=data)
    coded = customer_codes(values)
    dtype = values.dtype
    if dtype != object and not isinstance(dtype, (pd.StringDtype, pd.CategoricalDtype)) and not (
        pd.api.types.is_string_dtype(dtype)
    ):
        return coded  # numbers, dates: no text rules apply
    seen = np.zeros(coded.n_codes, dtype=bool)
    seen[coded.codes] = True
    present = np.flatnonzero(seen)
    ids = coded.ids_of(present)
    distinct = pd.Series(ids)
    if isinstance(distinct.dtype, pd.CategoricalDtype):
        distinct = distinct.astype(object)
    if distinct.dtype == object and pd.api.types.infer_dtype(distinct, skipna=False) == "string":
        is_text, text = np.ones(len(distinct), dtype=bool), distinct.astype("str")  # only text: no per-id test
    else:
        is_text = _text_values(distinct).to_numpy()
        text = distinct if distinct.dtype != object else distinct.astype(str).astype("str")
    stripped = text.str.strip()
    padded = (stripped.str.len() != text.str.len()).to_numpy(dtype=bool)

    def rows_of(mask: np.ndarray) -> pd.Series:
        return pd.Series(np.isin(coded.codes, present[mask]), index=values.index)

    blank = is_text & stripped.eq("").to_numpy(dtype=bool)
    if blank.any():
        check_rows(rows_of(blank), column=column, problem="missing customer id (blank)",
                   fix="fill in or remove these rows", data=data)
    short = (stripped.str.len() <= max(map(len, MISSING_WORDS))).to_numpy(dtype=bool)
    lookalike = np.zeros(len(distinct), dtype=bool)
    if short.any():
        lookalike[short] = stripped[short].str.lower().isin(MISSING_WORDS).to_numpy(dtype=bool)
    lookalike &= is_text
    if lookalike.any():
        warnings.warn(
            f"column {column!r}: {int(rows_of(lookalike).sum())} row(s) have a customer id that looks like a missing "
            f"value ({sorted(text[lookalike])[:5]}); they are kept as customers — replace them by real ids or "
            "remove them if they mean 'unknown'",
            CrmlabWarning, stacklevel=3,
        )
    # distinct ids can only share a key when one of them changes under it (padding, a .0 suffix) or when
    # an object column mixes numbers and text (1 and '1')
    zero_suffix = np.array(stripped.str.endswith("0") & stripped.str.contains(".", regex=False), dtype=bool)
    if zero_suffix.any():  # the regular expression only where the cheap test passes
        zero_suffix[zero_suffix] = stripped[zero_suffix].str.fullmatch(r"[+-]?\d+\.0+").to_numpy(dtype=bool)
    if padded.any() or zero_suffix.any() or not is_text.all():
        keys = stripped.str.replace(r"^([+-]?\d+)\.0+$", r"\1", regex=True)
        clashing = keys.duplicated(keep=False).to_numpy(dtype=bool)
        if clashing.any():
            shown = distinct[clashing].head(6).map(repr).tolist()
            warnings.warn(
                f"column {column!r}: {int(clashing.sum())} distinct customer ids are the same number written in "
                f"different ways (e.g. {', '.join(shown)}); they are counted as different customers — write every "
                "id the same way (e.g. read the column as text) if they are one customer",
                CrmlabWarning, stacklevel=3,
            )

    def ids_of(codes: np.ndarray) -> pd.Index:  # the summary asks again for the ids just computed
        return ids if len(codes) == len(present) and np.array_equal(codes, present) else coded.ids_of(codes)

    return CustomerCodes(coded.codes, coded.n_codes, ids_of)


def parse_dates(
    values: pd.Series, *, column: str, date_format: str | None = None, data: pd.DataFrame | None = None
) -> pd.Series:
    """Dates as naive UTC ``datetime64[ns]``, by the rules of this module (see its docstring).

    Parameters
    ----------
    values : pandas.Series
        The date of each row: text, datetimes, or numbers with a ``date_format``.
    column : str
        The date column's name, in messages.
    date_format : str, optional
        ``strftime`` format of the dates; required when they are stored as numbers (``20240131``).
    data : pandas.DataFrame, optional
        The table, to show an excerpt of offending rows.

    Returns
    -------
    pandas.Series
        ``datetime64[ns]``, naive, in UTC (values with an offset converted), with ``values``' index.

    Raises
    ------
    DataValidationError
        Naming the rows of missing, unparsable or out-of-range dates, or of offsets mixed with none.

    Examples
    --------
    >>> parse_dates(pd.Series(["2024-01-01T08:00+08:00", "2024-01-02"]), column="date")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'date': dates with a UTC offset mixed with dates without one
    1 offending row(s): [1]
    How to fix: write every date with its offset (or every date in UTC without one)
    >>> parse_dates(pd.Series([20240131]), column="date", date_format="%Y%m%d").iloc[0]
    Timestamp('2024-01-31 00:00:00')
    """
    check_date_format(date_format)
    check_rows(values.isna(), column=column, problem="missing date", fix="fill in or remove these rows", data=data)
    kind = values.dtype.kind
    if kind == "b" or (values.dtype == object and values.map(lambda v: isinstance(v, (bool, np.bool_))).any()):
        raise DataValidationError(
            "dates are true/false values", column=column, fix="store the dates as dates or as text such as 2024-01-31"
        )
    if kind in "iuf":
        if date_format is None:
            raise DataValidationError(
                f"dates are stored as numbers ({values.dtype}, e.g. {values.iloc[0]!r}); read as nanoseconds since "
                "1970 they would all fall on 1970-01-01", column=column,
                fix="pass the numbers' format, e.g. date_format='%Y%m%d' for 20240131, or store real dates",
            )
        whole = values.where(values % 1 == 0)
        check_rows(whole.isna(), column=column, problem="date number is not a whole number",
                   fix=f"numbers must match date_format={date_format!r}", data=data)
        values = whole.astype("int64").astype(str)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values
    else:
        if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            raise DataValidationError(
                f"the column has type {values.dtype}, not dates", column=column,
                fix="store the dates as dates or as text such as 2024-01-31",
            )
        parsed = _parse_text_dates(values, column, date_format, data)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    check_rows((parsed < EARLIEST_DATE) | (parsed >= _AFTER_LATEST), column=column,
               problem=f"date outside {EARLIEST_DATE.date()} to {LATEST_DATE.date()}",
               fix="correct these dates (a typo such as 9999 or 0201 for 2021?) or remove the rows", data=data)
    return parsed.astype("datetime64[ns]")


def _parse_text_dates(values: pd.Series, column: str, date_format: str | None, data: pd.DataFrame | None) -> pd.Series:
    if values.dtype == object:
        is_text = _text_values(values)
        if not is_text.all():  # datetime/Timestamp objects, possibly with time zones
            stamps = values.where(~is_text).dropna()
            aware = stamps.map(lambda v: getattr(v, "tzinfo", None) is not None)
            check_rows(aware.reindex(values.index, fill_value=False) & aware.any() & ~aware.all(), column=column,
                       problem="dates with a time zone mixed with dates without one",
                       fix="give every date a time zone, or none", data=data)
            values = values.map(lambda v: v if isinstance(v, str) else pd.Timestamp(v).isoformat())
    text = values.astype(str).str.strip()
    aware = text.str.contains(OFFSET_PATTERN, regex=True)
    if aware.any() and not aware.all():
        minority = ~aware if aware.sum() * 2 >= len(aware) else aware
        check_rows(minority, column=column,
                   problem="dates with a UTC offset mixed with dates without one",
                   fix="write every date with its offset (or every date in UTC without one)", data=data)
    try:
        parsed = pd.to_datetime(text, format=date_format, errors="coerce", utc=bool(aware.any()))
    except (ValueError, OverflowError) as exc:
        raise ParameterError(f"date_format={date_format!r} cannot be used: {exc}") from exc
    fix = f"dates must match date_format={date_format!r}" if date_format else _FORMAT_HINT
    check_rows(parsed.isna(), column=column, problem="unparsable date", fix=fix, data=data)
    return parsed


def parse_amounts(values: pd.Series, *, column: str, data: pd.DataFrame | None = None) -> pd.Series:
    """Amounts as float64, by the rules of this module (see its docstring).

    Parameters
    ----------
    values : pandas.Series
        The amount of each row: numbers, or text that reads as a number.
    column : str
        The amount column's name, in messages.
    data : pandas.DataFrame, optional
        The table, to show an excerpt of offending rows.

    Returns
    -------
    pandas.Series
        ``float64`` amounts with ``values``' index.

    Raises
    ------
    DataValidationError
        Naming the rows of missing (including ``"NA"``, ``"-"``), non-numeric, boolean, infinite or
        negative amounts, or of amounts whose sum overflows.

    Examples
    --------
    >>> parse_amounts(pd.Series(["10", " 12.5", "0"]), column="amount").tolist()
    [10.0, 12.5, 0.0]
    >>> parse_amounts(pd.Series(["10", "1,200.50"]), column="amount")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'amount': amount is not a number
    1 offending row(s): [1]
    How to fix: remove currency symbols and thousands separators (e.g. '1,200.50' -> 1200.50)
    """
    if values.dtype.kind == "b" or (
        values.dtype == object and values.map(lambda v: isinstance(v, (bool, np.bool_))).any()
    ):
        mask = values.map(lambda v: isinstance(v, (bool, np.bool_))) if values.dtype == object else values.notna()
        check_rows(mask, column=column, problem="amount is true/false, not a number",
                   fix="store the amount spent as a number", data=data)
    missing = values.isna()
    if not pd.api.types.is_numeric_dtype(values.dtype):
        missing = missing | _is_missing_word(values.where(values.notna(), ""))
    check_rows(missing, column=column, problem="missing amount",
               fix="fill in the amounts, or ignore spend (amount column None)", data=data)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numeric = values.astype("float64")
    else:
        numeric = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
        check_rows(numeric.isna(), column=column, problem="amount is not a number",
                   fix="remove currency symbols and thousands separators (e.g. '1,200.50' -> 1200.50)", data=data)
        numeric = numeric.astype("float64")
    check_rows(~np.isfinite(numeric), column=column, problem="amount is infinite or not a number",
               fix="use finite amounts", data=data)
    check_rows(numeric < 0, column=column, problem="negative amount",
               fix="net returns and refunds against their purchases, or remove them before summarising", data=data)
    with np.errstate(over="ignore"):  # an overflowing total is reported below, naming the rows
        total = numeric.sum()
    if not np.isfinite(total):
        check_rows(numeric > np.finfo("float64").max / max(len(numeric), 1), column=column,
                   problem="amounts so large that their sum overflows", fix="check the units of these amounts",
                   data=data)
    return numeric


def validate_log(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    monetary_col: str | None = None,
    *,
    date_format: str | None = None,
    what: str = "the transaction log",
) -> TransactionLog:
    """Check a log by the rules of this module and return its ids, dates and amounts.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per transaction.
    customer_col, date_col : str
        Names of the customer-id and date columns.
    monetary_col : str, optional
        Name of the amount column; ``None`` ignores spend.
    date_format : str, optional
        ``strftime`` format of text or numeric dates; required for numeric dates.
    what : str
        How messages name the table.

    Returns
    -------
    TransactionLog
        ``customers`` (the id column as given), ``dates`` (naive UTC ``datetime64[ns]``), ``amounts``
        (float64, or ``None``) and ``codes`` (the ids' codes in sorted-id order, from
        :func:`check_customer_ids`).

    Raises
    ------
    DataValidationError
        Naming the column, the first offending rows and the fix, for any rule broken.

    Examples
    --------
    >>> log = pd.DataFrame({"id": ["a", "a", "b"], "day": ["2024-01-01", "2024-01-03", "2024-01-02"],
    ...                     "spend": ["10", "12.5", "3"]})
    >>> checked = validate_log(log, "id", "day", "spend")
    >>> checked.amounts
    array([10. , 12.5,  3. ])
    >>> checked.codes.codes.tolist(), str(checked.dates[2])[:10]
    ([0, 0, 1], '2024-01-02')
    """
    if not isinstance(transactions, pd.DataFrame):
        raise DataValidationError(
            f"expected a pandas DataFrame of transactions, got {type(transactions).__name__}",
            fix="read the file with crmlab.datasets.read_transactions(path, ...) first",
        )
    check_columns(transactions.columns, what=what)
    require_columns(transactions, [c for c in (customer_col, date_col, monetary_col) if c is not None], what=what)
    if len(transactions) == 0:
        raise EmptyDataError(f"{what} has no rows", fix="check the file and its filters")
    customers = transactions[customer_col]
    codes = check_customer_ids(customers, column=customer_col, data=transactions)
    dates = parse_dates(transactions[date_col], column=date_col, date_format=date_format, data=transactions)
    amounts = None
    if monetary_col is not None:
        amounts = parse_amounts(transactions[monetary_col], column=monetary_col, data=transactions).to_numpy()
    return TransactionLog(customers, dates.to_numpy(dtype="datetime64[ns]"), amounts, codes)


def check_columns(columns: Sequence[Any], *, what: str = "the transaction log") -> None:
    """Refuse a table whose header names a column twice (which of the two would be meant?).

    Names are compared as text, so the number ``1`` and the text ``"1"`` are the same name.

    Parameters
    ----------
    columns : sequence
        The column names (a DataFrame's ``columns``, or a header's names).
    what : str, default "the transaction log"
        How the message names the table.

    Raises
    ------
    DataValidationError
        Naming every column that appears more than once.

    Examples
    --------
    >>> check_columns(["id", "date", "amount"])
    >>> check_columns(["id", "date", "id"], what="log.csv")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'id': log.csv has the column name(s) ['id'] more than once
    How to fix: rename the columns so every name is unique
    """
    names = pd.Index([str(c) for c in columns])
    twice = sorted(set(names[names.duplicated()]))
    if twice:
        raise DataValidationError(
            f"{what} has the column name(s) {twice} more than once", column=twice[0],
            fix="rename the columns so every name is unique",
        )


# ---------------------------------------------------------------------------------------------------
# files


def header_names(line: str, sep: str = ",") -> list[str]:
    """The column names of a CSV/TSV header line (quotes as the csv module reads them, blanks stripped).

    Parameters
    ----------
    line : str
        The first line of the file (a trailing line break is ignored).
    sep : str, default ","
        The field separator (``"\\t"`` for TSV).

    Returns
    -------
    list of str
        The names, in order; empty for an empty line.

    Examples
    --------
    >>> header_names('customer_id,"date", amount')
    ['customer_id', 'date', 'amount']
    """
    return [name.strip() for name in next(csv.reader([line.rstrip("\r\n")], delimiter=sep), [])]


def read_table(
    source: str | os.PathLike[str] | pd.DataFrame, *, encoding: str = "utf-8"
) -> pd.DataFrame:
    """Read a CSV/TSV (optionally gzipped) or Parquet file, chosen by suffix, or copy a DataFrame.

    CSV and TSV cells are read as text (types are the validators' job), with a byte-order mark
    allowed; a file that is not in ``encoding`` is refused with the encodings to try (Chinese
    spreadsheet exports are often GBK/GB18030: ``encoding="gb18030"``). A header that names a column
    twice is refused.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        A ``.csv``, ``.txt``, ``.tsv`` (each optionally ``.gz``), ``.parquet`` or ``.pq`` file, or a table
        to copy.
    encoding : str, default "utf-8"
        The text encoding of a CSV/TSV file.

    Returns
    -------
    pandas.DataFrame
        The table; CSV/TSV cells as text, empty cells missing.

    Raises
    ------
    DataFileError
        When the file is missing, of an unknown type, in another encoding, separated by another character,
        or has a row with more fields than the header.
    EmptyDataError
        When the file has 0 bytes.
    DataValidationError
        When a column name appears twice.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "log.csv"
    ...     _ = path.write_text("id,date,amount\\n007,2024-01-31,10\\nb,2024-02-01,\\n", encoding="utf-8")
    ...     table = read_table(path)
    >>> table.to_dict("list")
    {'id': ['007', 'b'], 'date': ['2024-01-31', '2024-02-01'], 'amount': ['10', nan]}
    """
    if isinstance(source, pd.DataFrame):
        check_columns(source.columns, what="the table")
        return source.copy()
    path = Path(source)
    if not path.is_file():
        raise DataFileError(f"no such file: {str(path)!r}; check the path (relative paths start at {Path.cwd()})")
    if path.stat().st_size == 0:
        raise EmptyDataError(f"{path.name} is empty (0 bytes)", fix="export the data again with a header row")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        return _read_parquet(path)
    if suffix not in {".csv", ".csv.gz", ".txt", ".tsv", ".tsv.gz"}:
        raise DataFileError(f"{path.name}: unknown file type {suffix!r}; use .csv, .tsv or .parquet")
    sep = "\t" if suffix.startswith(".tsv") else ","
    if suffix.endswith(".gz"):
        text = _read_gzip_text(path, encoding)
    else:  # one reader of users' text files: BOMs, UTF-16, and a diagnosis of other encodings
        text = read_text(path, max_bytes=MAX_LOG_BYTES, encoding=None if _is_utf8(encoding) else encoding)
    header_line = text.split("\n", 1)[0]
    if sep not in header_line and (other := next((c for c in ";\t|" if c in header_line), None)):
        raise DataFileError(
            f"{path.name} has the header {header_line.strip()!r}: it looks separated by {other!r}, not "
            f"{sep!r}; save it as {'tab' if sep != ',' else 'comma'}-separated (with '.' as the decimal mark)"
        )
    check_columns(header_names(header_line, sep), what=path.name)
    try:
        # index_col=False and ParserWarning as an error: a row with extra fields must not shift columns
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                                index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as exc:
        raise DataFileError(
            f"{path.name} could not be read as a {suffix} table: {exc}; "
            "check that every row has as many fields as the header"
        ) from exc
    return table


def _is_utf8(encoding: str) -> bool:
    return isinstance(encoding, str) and encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")


def _read_gzip_text(path: Path, encoding: str) -> str:
    codec = "utf-8-sig" if _is_utf8(encoding) else encoding
    try:
        with gzip.open(path, "rt", encoding=codec, newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{path.name} is not {encoding} text (byte {exc.start}: {exc.reason}); pass the file's encoding, "
            "e.g. encoding='gb18030' for Chinese (GBK) exports or 'cp1252' for Western Windows exports, or "
            "save the file as UTF-8"
        ) from exc
    except (OSError, LookupError, EOFError) as exc:
        raise DataFileError(f"{path.name} could not be read: {exc}") from exc


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq

        names = pq.read_schema(path).names
    except ImportError:
        names = None
    except (OSError, ValueError) as exc:
        raise DataFileError(f"{path.name} could not be read as Parquet: {exc}") from exc
    if names is not None:
        check_columns(names, what=path.name)
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise DataFileError(f"{path.name} could not be read as Parquet: {exc}") from exc
