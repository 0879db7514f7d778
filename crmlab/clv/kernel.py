"""From a transaction log to the per-customer summaries the "buy till you die" models need.

The summary follows lifetimes' definitions (Fader, Hardie & Lee 2005): time is cut into periods of
``freq``; purchases in the same period collapse into one; a customer's first period is the trial and
does not count, so

* ``frequency`` x = number of distinct purchase periods - 1 (repeat purchases),
* ``recency``   t_x = (last purchase period - first purchase period) / ``freq_multiplier``,
* ``T``         = (observation-end period - first purchase period) / ``freq_multiplier``,
* ``monetary_value`` = mean spend of the repeat periods (spend summed within a period), 0 when x = 0.

The period arithmetic is defined once, in :mod:`crmlab.transactions` (:data:`PERIOD_UNITS`, :func:`period_codes` in numpy and
:func:`period_sql` (the same integer arithmetic as SQL, for an out-of-core engine such as DuckDB), and
the summary columns once, in :func:`summary_columns`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import DataValidationError, ParameterError
from crmlab.transactions import (
    check_freq,
    leave_out_after_end,
    period_codes,
    to_timestamp,
    validate_log,
)

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
# the summary kernel (integer codes in, summary arrays out)


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
    *,
    include_first: bool = False,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Customer codes present and their summary columns, from row-level codes (numpy only).

    Rows are reduced to distinct (customer, period) pairs by sorting one int64 key; each customer is
    then a contiguous run of ascending periods. ``include_first`` counts the first period too (RFM
    scoring) and adds ``total_spend``.
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
    if include_first:
        columns["frequency"] = columns["frequency"] + 1
        if amounts is not None:
            total = np.add.reduceat(period_spend, starts)
            columns["monetary_value"] = total / columns["frequency"]
            columns["total_spend"] = total
    elif amounts is not None:
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


def _end_period(stamp: pd.Timestamp, freq: str) -> int:
    return int(period_codes(np.array([stamp.asm8]), freq)[0])


def rfm_summary(
    transactions: pd.DataFrame | Any,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    observation_end: str | pd.Timestamp | None = None,
    *,
    date_format: str | None = None,
    include_first: bool = False,
) -> pd.DataFrame:
    """Per-customer ``frequency``, ``recency``, ``T`` (and ``monetary_value``), lifetimes' definitions.

    With n a customer's number of distinct purchase periods and m = ``freq_multiplier`` (Fader, Hardie
    & Lee 2005): x = n - 1, t_x = (last - first) / m, T = (end - first) / m, and the monetary value is the
    mean spend of the repeat periods (spend summed within a period), 0 when x = 0.

    Parameters
    ----------
    transactions : pandas.DataFrame, path, glob, list of paths or Dask DataFrame
        The log. A path, glob or list of CSV/Parquet files, or a Dask DataFrame, is summarised out of core
        by :mod:`crmlab.clv.scale` with the same definitions and rules.
    customer_col, date_col, monetary_col : str
        Column names; ``monetary_col=None`` ignores spend.
    freq : {"h", "D", "W", "M"}
        The period (:data:`PERIOD_UNITS`); ``freq_multiplier`` periods make one model time unit.
    observation_end : date, optional
        The end of observation (default: the last transaction). Rows in a period after its period are
        left out with a :class:`~crmlab.errors.CrmlabWarning` that counts them.
    date_format : str, optional
        ``strftime`` format of text or numeric dates (required for numeric dates such as 20240131).
    include_first : bool, default False
        True for RFM scoring: ``frequency`` counts every purchase period (n, not n - 1) and, with spend,
        ``monetary_value`` is the mean spend of all purchase periods and ``total_spend`` their sum
        (the role of PyMC-Marketing's ``include_first_transaction``).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id in sorted order; ``attrs`` records ``freq``, ``freq_multiplier`` and
        ``observation_end``. The log is checked by :func:`crmlab.transactions.validate_log`.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                     "date": ["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-05"]})
    >>> rfm_summary(log, freq="D", observation_end="2024-01-15")
                 frequency  recency     T
    customer_id
    a                    1      7.0  14.0
    b                    0      0.0  10.0
    """
    if not isinstance(transactions, pd.DataFrame):
        outside = _engine(transactions, "rfm_summary")
        if outside is not None:
            return outside(transactions, customer_col, date_col, monetary_col, freq, freq_multiplier,
                           observation_end, date_format=date_format, include_first=include_first)
    check_freq(freq, freq_multiplier)
    end = None if observation_end is None else to_timestamp(observation_end, "observation_end")
    _, dates, amounts, (cust, _, ids_of) = validate_log(transactions, customer_col, date_col, monetary_col,
                                                        date_format=date_format)
    codes = period_codes(dates, freq)
    if end is None:
        end = pd.Timestamp(dates.max())
    end_period = _end_period(end, freq)
    keep = codes <= end_period
    n_after = int(len(keep) - np.count_nonzero(keep))
    leave_out_after_end(n_after, len(keep), end, date_col)
    if n_after:
        cust, codes = cust[keep], codes[keep]
        amounts = amounts[keep] if amounts is not None else None
    present, columns = _summarise(cust, codes, amounts, end_period, freq_multiplier, include_first=include_first)
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
    *,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Calibration summary plus holdout counts for the customers seen by ``calibration_end``.

    The split is stated in periods, like the observation end of :func:`rfm_summary`: the calibration
    part holds the rows whose period is not after the period of ``calibration_end``, so it equals
    ``rfm_summary(..., observation_end=calibration_end)`` whatever the ``freq`` (a ``calibration_end``
    in mid-week counts the whole week with ``freq="W"``); the holdout holds the later periods up to the
    period of ``observation_end``. Rows in later periods are left out with a warning that counts them.

    Columns ``frequency_cal``, ``recency_cal``, ``T_cal``, ``frequency_holdout`` (distinct purchase
    periods in the holdout), ``duration_holdout`` (holdout length in model time units) and, with
    ``monetary_col``, ``monetary_value_cal`` and ``monetary_value_holdout``. Holdout spend follows the
    calibration definition, the mean of per-period spend (FHL 2005; as PyMC-Marketing): two purchases
    on one day count as one period with their summed spend. lifetimes'
    ``calibration_and_holdout_data`` instead averages over transaction rows (CDNOW customer 297's two
    purchases on one day give 179.86 there and 359.72 here). Files and Dask DataFrames go to
    :mod:`crmlab.clv.scale`, as in :func:`rfm_summary`.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                     "date": ["2024-01-01", "2024-01-03", "2024-01-12", "2024-01-11"]})
    >>> calibration_holdout(log, "2024-01-05", "2024-01-15")[["frequency_cal", "T_cal", "frequency_holdout"]]
                 frequency_cal  T_cal  frequency_holdout
    customer_id
    a                        1    4.0                  1
    """
    if not isinstance(transactions, pd.DataFrame):
        outside = _engine(transactions, "calibration_holdout")
        if outside is not None:
            return outside(transactions, calibration_end, observation_end, customer_col, date_col, monetary_col,
                           freq, freq_multiplier, date_format=date_format)
    check_freq(freq, freq_multiplier)
    cal_end = to_timestamp(calibration_end, "calibration_end")
    given_end = None if observation_end is None else to_timestamp(observation_end, "observation_end")
    holdout_periods(cal_end, given_end, freq)
    _, dates, amounts, (cust, n_codes, ids_of) = validate_log(transactions, customer_col, date_col, monetary_col,
                                                              date_format=date_format)
    obs_end = pd.Timestamp(dates.max()) if given_end is None else given_end
    cal_period, obs_period = holdout_periods(cal_end, obs_end, freq)
    codes = period_codes(dates, freq)

    in_cal = codes <= cal_period
    if not in_cal.any():
        raise DataValidationError(
            f"no transaction on or before calibration_end {cal_end}", column=date_col,
            fix="pass a calibration_end after the first transaction",
        )
    in_hold = ~in_cal & (codes <= obs_period)
    leave_out_after_end(int(len(dates) - np.count_nonzero(in_cal | in_hold)), len(dates), obs_end, date_col)
    present, cal = _summarise(
        cust[in_cal], codes[in_cal], None if amounts is None else amounts[in_cal], cal_period, freq_multiplier
    )
    out = pd.DataFrame({f"{k}_cal": v for k, v in cal.items()}, index=ids_of(present).rename(customer_col))

    position = np.full(n_codes, -1)
    position[present] = np.arange(len(present))
    hold_rows = position[cust[in_hold]]
    known = hold_rows >= 0  # holdout purchases of customers first seen in the holdout do not count
    span = obs_period - cal_period + 1
    pairs, pair_spend = _distinct_keys(
        hold_rows[known].astype("int64") * span + (codes[in_hold][known] - cal_period),
        None if amounts is None else amounts[in_hold][known],
    )
    pair_rows = pairs // span
    n_hold = np.bincount(pair_rows, minlength=len(present)).astype("int64")
    out["frequency_holdout"] = n_hold
    if amounts is not None:
        spend = np.bincount(pair_rows, weights=pair_spend, minlength=len(present))
        out["monetary_value_holdout"] = np.divide(spend, n_hold, out=np.zeros(len(present)), where=n_hold > 0)
    out["duration_holdout"] = (obs_period - cal_period) / float(freq_multiplier)
    out.attrs.update(
        freq=freq, freq_multiplier=freq_multiplier, calibration_end=str(cal_end), observation_end=str(obs_end)
    )
    return out


def holdout_periods(cal_end: pd.Timestamp, obs_end: pd.Timestamp | None, freq: str) -> tuple[int, int | None]:
    """The periods of the calibration and observation ends; the holdout must hold at least one period."""
    cal_period = _end_period(cal_end, freq)
    obs_period = None if obs_end is None else _end_period(obs_end, freq)
    if obs_period is not None and obs_period <= cal_period:
        raise ParameterError(
            f"observation_end {obs_end} must be after calibration_end {cal_end}, in a later period (freq={freq!r}): "
            "the holdout runs from the period after calibration_end's to the period of observation_end"
        )
    return cal_period, obs_period
