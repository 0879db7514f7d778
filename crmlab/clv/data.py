"""From a transaction log to the per-customer summaries the "buy till you die" models need.

The summary follows lifetimes' definitions (Fader, Hardie & Lee 2005): time is cut into periods of
``freq``; purchases in the same period collapse into one; a customer's first period is the trial and
does not count, so

* ``frequency`` x = number of distinct purchase periods - 1 (repeat purchases),
* ``recency``   t_x = (last purchase period - first purchase period) / ``freq_multiplier``,
* ``T``         = (observation-end period - first purchase period) / ``freq_multiplier``,
* ``monetary_value`` = mean spend of the repeat periods (spend summed within a period), 0 when x = 0.

The period arithmetic is defined once, in :data:`PERIOD_UNITS` / :func:`period_codes` (numpy) and
:func:`period_sql` (the same integer arithmetic as SQL, for an out-of-core engine such as DuckDB), and
the summary columns once, in :func:`summary_columns`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv.ids import customer_codes
from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    ParameterError,
    offending_rows,
    require_columns,
)

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


def _check_freq(freq: str, freq_multiplier: float) -> None:
    if freq not in PERIOD_UNITS:
        raise ParameterError(
            f"freq={freq!r} is not supported; use one of {sorted(PERIOD_UNITS)} "
            '(hours, days, weeks starting Monday, calendar months); e.g. freq="D", freq_multiplier=7 '
            "measures time in weeks at daily resolution"
        )
    if not np.isfinite(freq_multiplier) or freq_multiplier <= 0:
        raise ParameterError(
            f"freq_multiplier={freq_multiplier!r} must be a positive number (the number of `freq` "
            "periods in one model time unit, e.g. 7 for weeks measured in days)"
        )


def period_codes(dates: np.ndarray | pd.Series | pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Integer period number of each timestamp (``datetime64``), counted from 1970-01-01.

    Two timestamps are in the same period exactly when their codes are equal, and the difference of
    two codes is the number of whole periods between them (calendar months for ``"M"``).
    """
    _check_freq(freq, 1)
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
    """
    _check_freq(freq, 1)
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


def summary_columns(
    n_periods: np.ndarray,
    first_period: np.ndarray,
    last_period: np.ndarray,
    end_period: int | np.ndarray,
    freq_multiplier: float,
) -> dict[str, np.ndarray]:
    """``frequency``, ``recency`` and ``T`` from each customer's purchase periods (FHL 2005).

    x = n - 1, t_x = (last - first) / m, T = (end - first) / m, with n the number of distinct purchase
    periods and m = ``freq_multiplier``.
    """
    return {
        "frequency": np.asarray(n_periods, dtype="int64") - 1,
        "recency": (np.asarray(last_period) - first_period) / float(freq_multiplier),
        "T": (np.asarray(end_period) - first_period) / float(freq_multiplier),
    }


# ---------------------------------------------------------------------------------------------------
# validation


def _validated(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
) -> tuple[pd.Series, np.ndarray, np.ndarray | None]:
    """Customer ids, ``datetime64[ns]`` dates and float amounts, or an error naming the bad rows."""
    if not isinstance(transactions, pd.DataFrame):
        raise DataValidationError(
            f"expected a pandas DataFrame of transactions, got {type(transactions).__name__}",
            fix="read the file with crmlab.datasets.read_transactions(path, ...) first",
        )
    columns = [customer_col, date_col] + ([monetary_col] if monetary_col is not None else [])
    require_columns(transactions, columns, what="the transaction log")
    if len(transactions) == 0:
        raise EmptyDataError("the transaction log has no rows", fix="check the file and its filters")
    customers = transactions[customer_col]
    _refuse(customers.isna(), customer_col, "missing customer id", "fill in or remove these rows", transactions)

    raw_dates = transactions[date_col]
    _refuse(raw_dates.isna(), date_col, "missing date", "fill in or remove these rows", transactions)
    if pd.api.types.is_datetime64_any_dtype(raw_dates):
        dates = raw_dates
    else:
        dates = pd.to_datetime(raw_dates, errors="coerce")
        _refuse(dates.isna(), date_col, "unparsable date",
                "convert the column with pd.to_datetime(..., format=...) first", transactions)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert(None)
    date_values = dates.to_numpy(dtype="datetime64[ns]")

    amounts = None
    if monetary_col is not None:
        raw_amounts = transactions[monetary_col]
        if not pd.api.types.is_numeric_dtype(raw_amounts):
            numeric = pd.to_numeric(raw_amounts, errors="coerce")
            _refuse(numeric.isna() & raw_amounts.notna(), monetary_col, "amount is not a number",
                    "remove currency symbols and thousands separators", transactions)
            raw_amounts = numeric
        _refuse(raw_amounts.isna(), monetary_col, "missing amount",
                "fill in the amounts, or pass monetary_col=None to ignore spend", transactions)
        _refuse(raw_amounts < 0, monetary_col, "negative amount",
                "net returns against their purchases or remove them before summarising", transactions)
        amounts = raw_amounts.to_numpy(dtype="float64")
    return customers, date_values, amounts


def _refuse(mask: pd.Series, column: str, problem: str, fix: str, data: pd.DataFrame) -> None:
    if mask.any():
        raise DataValidationError(problem, column=column, rows=offending_rows(mask), fix=fix, data=data)


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}={value!r} is not a date; pass e.g. '1997-09-30'") from exc
    if pd.isna(stamp):
        raise ParameterError(f"{name} is missing; pass a date such as '1997-09-30'")
    return stamp.tz_convert(None) if stamp.tz is not None else stamp


def _leave_out_after_end(n_after: int, n_rows: int, end: pd.Timestamp, date_col: str) -> None:
    """Rows dated after the observation end are left out, with a warning that counts them; when that
    would leave nothing, it is an error."""
    if n_after and n_after == n_rows:
        raise DataValidationError(
            f"every transaction is after observation_end {end}", column=date_col,
            fix="pass an observation_end on or after the first transaction",
        )
    if n_after:
        warnings.warn(
            f"{n_after} transaction row(s) dated after observation_end {end} were left out of the summary; "
            "move observation_end later to include them",
            CrmlabWarning, stacklevel=4,
        )


# ---------------------------------------------------------------------------------------------------
# the summary kernel (integer codes in, summary arrays out)


def _customer_codes(customers: pd.Series) -> tuple[np.ndarray, int, Callable[[np.ndarray], pd.Index]]:
    """Integer code per row, the number of codes, and a map from codes back to the (sorted) ids:
    :func:`crmlab.clv.ids.customer_codes` (dense integer ids are their own codes; text and category
    ids are coded without sorting the rows)."""
    return customer_codes(customers)


def _distinct_keys(key: np.ndarray, amounts: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Sorted distinct values of ``key`` and, with ``amounts``, the sum of the amounts of each.

    ``key`` must be >= 0. A plain sort is much faster than ``np.unique`` on millions of int64 keys;
    with amounts, the row number is packed into the low bits of the key before sorting (a stable
    argsort in one radix-friendly sort; ``argsort(kind="stable")`` when the bits do not fit), so each
    sum runs in row order.
    """
    if len(key) == 0:
        return key, None if amounts is None else np.zeros(0)
    if amounts is None:
        ordered, order = np.sort(key), None
    else:
        row_bits = max((len(key) - 1).bit_length(), 1)
        if int(key.max()) < 2 ** (63 - row_bits):
            packed = np.sort((key << row_bits) | np.arange(len(key), dtype="int64"))
            order, ordered = packed & ((1 << row_bits) - 1), packed >> row_bits
        else:
            order = np.argsort(key, kind="stable")
            ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sums = None if amounts is None else np.add.reduceat(amounts[order], starts)
    return ordered[starts], sums


def _summarise(
    cust: np.ndarray,
    periods: np.ndarray,
    amounts: np.ndarray | None,
    end_period: int,
    freq_multiplier: float,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Customer codes present and their summary columns, from row-level codes (numpy only).

    Rows are reduced to distinct (customer, period) pairs by sorting one int64 key; each customer is
    then a contiguous run of ascending periods.
    """
    p0 = int(periods.min())
    span = int(periods.max()) - p0 + 1
    pairs, period_spend = _distinct_keys(cust.astype("int64") * span + (periods - p0), amounts)
    pair_cust = pairs // span
    pair_period = pairs - pair_cust * span + p0
    starts = np.flatnonzero(np.r_[True, pair_cust[1:] != pair_cust[:-1]])
    ends = np.r_[starts[1:], len(pairs)] - 1
    n_periods = ends - starts + 1
    columns = summary_columns(n_periods, pair_period[starts], pair_period[ends], end_period, freq_multiplier)
    if amounts is not None:
        period_spend[starts] = 0.0  # the first (trial) period does not count
        repeat_spend = np.add.reduceat(period_spend, starts)
        repeats = columns["frequency"]
        columns["monetary_value"] = np.divide(
            repeat_spend, repeats, out=np.zeros(len(starts)), where=repeats > 0
        )
    return pair_cust[starts], columns


# ---------------------------------------------------------------------------------------------------
# public functions


def _engine(transactions: object, function: str) -> Callable[..., pd.DataFrame] | None:
    """The out-of-core version of ``function`` for files or a Dask DataFrame, else ``None`` (pandas)."""
    if isinstance(transactions, pd.DataFrame):
        return None
    from crmlab.clv import scale  # imports neither DuckDB nor Dask until they are used

    return scale.engine(transactions, function)


def rfm_summary(
    transactions: pd.DataFrame | Any,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    observation_end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Per-customer ``frequency``, ``recency``, ``T`` (and ``monetary_value``), lifetimes' definitions.

    Same output as ``lifetimes.utils.summary_data_from_transaction_data`` (whose ``freq="M"`` and
    ``"h"`` fail), faster and leaner. ``observation_end`` defaults to the last transaction; rows after
    it are left out with a :class:`~crmlab.errors.CrmlabWarning` that counts them (so a customer whose
    first purchase is after it is not summarised), and an ``observation_end`` before every purchase is
    a :class:`~crmlab.errors.DataValidationError`. The index holds the customer ids in
    sorted order; ``df.attrs`` records ``freq``, ``freq_multiplier`` and ``observation_end``.
    A path, glob or list of CSV/Parquet files, or a Dask DataFrame, is summarised out of core by
    :mod:`crmlab.clv.scale` with the same definitions.
    """
    outside = _engine(transactions, "rfm_summary")
    if outside is not None:
        return outside(transactions, customer_col, date_col, monetary_col, freq, freq_multiplier, observation_end)
    _check_freq(freq, freq_multiplier)
    customers, dates, amounts = _validated(transactions, customer_col, date_col, monetary_col)
    codes = period_codes(dates, freq)
    if observation_end is None:
        end = pd.Timestamp(dates.max())
        end_period = int(codes.max())
    else:
        end = _timestamp(observation_end, "observation_end")
        end_period = int(period_codes(np.array([end.asm8]), freq)[0])
    cust, _, ids_of = _customer_codes(customers)
    keep = codes <= end_period
    n_after = int(len(keep) - np.count_nonzero(keep))
    _leave_out_after_end(n_after, len(keep), end, date_col)
    if n_after:
        cust, codes = cust[keep], codes[keep]
        amounts = amounts[keep] if amounts is not None else None
    present, columns = _summarise(cust, codes, amounts, end_period, freq_multiplier)
    index = ids_of(present).rename(customer_col)
    out = pd.DataFrame(columns, index=index)
    out.attrs.update(freq=freq, freq_multiplier=freq_multiplier, observation_end=str(end))
    return out


def calibration_holdout(
    transactions: pd.DataFrame | Any,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
) -> pd.DataFrame:
    """Calibration summary plus holdout counts for the customers seen by ``calibration_end``.

    Columns ``frequency_cal``, ``recency_cal``, ``T_cal`` (as :func:`rfm_summary` up to
    ``calibration_end``), ``frequency_holdout`` (distinct purchase periods after ``calibration_end``
    up to ``observation_end``), ``duration_holdout`` (holdout length in model time units) and, with
    ``monetary_col``, ``monetary_value_cal`` and ``monetary_value_holdout`` (mean spend per holdout
    transaction row, as in lifetimes). Same output as ``lifetimes.utils.calibration_and_holdout_data``,
    which fails without a monetary column under pandas 3. Files and Dask DataFrames go to
    :mod:`crmlab.clv.scale`, as in :func:`rfm_summary`.
    """
    outside = _engine(transactions, "calibration_holdout")
    if outside is not None:
        return outside(transactions, calibration_end, observation_end, customer_col, date_col, monetary_col,
                       freq, freq_multiplier)
    _check_freq(freq, freq_multiplier)
    customers, dates, amounts = _validated(transactions, customer_col, date_col, monetary_col)
    cal_end = _timestamp(calibration_end, "calibration_end")
    obs_end = pd.Timestamp(dates.max()) if observation_end is None else _timestamp(observation_end, "observation_end")
    if obs_end <= cal_end:
        raise ParameterError(
            f"observation_end {obs_end} must be after calibration_end {cal_end}: the holdout period "
            "runs from calibration_end (exclusive) to observation_end (inclusive)"
        )
    codes = period_codes(dates, freq)
    cal_period, obs_period = (int(c) for c in period_codes(np.array([cal_end.asm8, obs_end.asm8]), freq))
    cust, n_codes, ids_of = _customer_codes(customers)

    in_cal = dates <= cal_end.asm8
    if not in_cal.any():
        raise DataValidationError(
            f"no transaction on or before calibration_end {cal_end}", column=date_col,
            fix="pass a calibration_end after the first transaction",
        )
    in_hold = ~in_cal & (dates <= obs_end.asm8)
    _leave_out_after_end(int(len(dates) - np.count_nonzero(in_cal | in_hold)), len(dates), obs_end, date_col)
    present, cal = _summarise(
        cust[in_cal], codes[in_cal], None if amounts is None else amounts[in_cal], cal_period, freq_multiplier
    )
    out = pd.DataFrame({f"{k}_cal": v for k, v in cal.items()}, index=ids_of(present).rename(customer_col))

    hold_cust, hold_codes = cust[in_hold], codes[in_hold]
    position = np.full(n_codes, -1)
    position[present] = np.arange(len(present))
    hold_rows = position[hold_cust]
    known = hold_rows >= 0  # holdout purchases of customers first seen in the holdout do not count
    pairs, _ = _distinct_keys(
        hold_rows[known].astype("int64") * (obs_period - cal_period + 1) + (hold_codes[known] - cal_period), None
    )
    pair_rows = pairs // (obs_period - cal_period + 1)
    out["frequency_holdout"] = np.bincount(pair_rows, minlength=len(present)).astype("int64")
    if amounts is not None:
        n_rows = np.bincount(hold_rows[known], minlength=len(present))
        spend = np.bincount(hold_rows[known], weights=amounts[in_hold][known], minlength=len(present))
        out["monetary_value_holdout"] = np.divide(spend, n_rows, out=np.zeros(len(present)), where=n_rows > 0)
    out["duration_holdout"] = (obs_period - cal_period) / float(freq_multiplier)
    out.attrs.update(
        freq=freq, freq_multiplier=freq_multiplier, calibration_end=str(cal_end), observation_end=str(obs_end)
    )
    return out
