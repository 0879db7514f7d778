"""The summary kernel: from purchase periods to the per-customer summaries of the BTYD models.

The summary follows lifetimes' definitions (Fader, Hardie & Lee 2005): time is cut into periods of
``freq``; purchases in the same period collapse into one; a customer's first period is the trial and
does not count, so

* ``frequency`` x = number of distinct purchase periods - 1 (repeat purchases),
* ``recency``   t_x = (last purchase period - first purchase period) / ``freq_multiplier``,
* ``T``         = (observation-end period - first purchase period) / ``freq_multiplier``,
* ``monetary_value`` = mean spend of the repeat periods (spend summed within a period), 0 when x = 0.

The period arithmetic is defined once, in :mod:`crmlab.transactions` (:data:`~crmlab.transactions.PERIOD_UNITS`,
:func:`~crmlab.transactions.period_codes` in numpy, :func:`~crmlab.transactions.period_sql` in SQL). This module
holds the rest, once, for every engine of :mod:`crmlab.clv.engines`:

* the split of periods into calibration, holdout and "after the end" (:func:`holdout_periods`,
  :func:`split_periods`);
* the numpy reduction of (customer, period) codes to one row per customer (:func:`distinct_keys`,
  :func:`customer_table`), which the pandas and Dask engines use and the DuckDB engine states in SQL;
* the assembly of the results from one row per customer (:data:`CUSTOMER_COLUMNS`): :func:`summary_columns`,
  :func:`rfm_frame` and :func:`calibration_holdout_frame`. Engines return the per-customer pieces; the
  frames are built here only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.errors import DataValidationError, ParameterError
from crmlab.transactions import period_codes

#: The per-customer pieces every engine returns, one row per customer of the calibration (or the whole
#: observation) period, and their dtypes: ``n`` distinct purchase periods, ``first`` and ``last``
#: period, ``repeat_spend`` (spend of the periods after the first), ``total_spend``, and the holdout's
#: distinct purchase periods ``hold_periods`` and spend ``hold_spend`` (0 without a holdout).
CUSTOMER_COLUMNS = {
    "n": "int64",
    "first": "int64",
    "last": "int64",
    "repeat_spend": "float64",
    "total_spend": "float64",
    "hold_periods": "int64",
    "hold_spend": "float64",
}


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

    Parameters
    ----------
    n_periods, first_period, last_period : numpy.ndarray
        Per customer: distinct purchase periods, first and last purchase period (integer codes).
    end_period : int or numpy.ndarray
        The period of the observation end.
    freq_multiplier : float
        Periods per model time unit.

    Returns
    -------
    dict of str to numpy.ndarray
        ``frequency`` (int64), ``recency`` and ``T`` (float64).

    Examples
    --------
    >>> cols = summary_columns(np.array([3, 1]), np.array([0, 5]), np.array([14, 5]), 21, 7)
    >>> cols["frequency"].tolist(), cols["recency"].tolist(), cols["T"].tolist()
    ([2, 0], [2.0, 0.0], [3.0, 2.2857142857142856])
    """
    return {
        "frequency": np.asarray(n_periods, dtype="int64") - 1,
        "recency": (np.asarray(last_period) - first_period) / float(freq_multiplier),
        "T": (np.asarray(end_period) - first_period) / float(freq_multiplier),
    }


def end_period(stamp: pd.Timestamp, freq: str) -> int:
    """The period code of one timestamp.

    Parameters
    ----------
    stamp : pandas.Timestamp
    freq : str
        A key of :data:`~crmlab.transactions.PERIOD_UNITS`.

    Returns
    -------
    int

    Examples
    --------
    >>> end_period(pd.Timestamp("1970-01-08"), "D")
    7
    """
    return int(period_codes(np.array([stamp.asm8]), freq)[0])


def holdout_periods(
    cal_end: pd.Timestamp, obs_end: pd.Timestamp | None, freq: str, *, end_name: str = "observation_end"
) -> tuple[int, int | None]:
    """The periods of the calibration and observation ends; the holdout must hold at least one period.

    Parameters
    ----------
    cal_end : pandas.Timestamp
        The end of the calibration period.
    obs_end : pandas.Timestamp or None
        The end of observation (``None``: not known yet, only ``cal_end``'s period is returned).
    freq : str
        The period.
    end_name : str, default "observation_end"
        The name of ``obs_end`` in the caller's signature, for the message.

    Returns
    -------
    tuple of int and int or None
        ``(calibration period, observation period)``.

    Raises
    ------
    crmlab.errors.ParameterError
        When ``obs_end`` is not in a later period than ``cal_end``.

    Examples
    --------
    >>> holdout_periods(pd.Timestamp("1970-01-02"), pd.Timestamp("1970-01-05"), "D")
    (1, 4)
    """
    cal_period = end_period(cal_end, freq)
    obs_period = None if obs_end is None else end_period(obs_end, freq)
    if obs_period is not None and obs_period <= cal_period:
        raise ParameterError(
            f"{end_name} {obs_end} must be after calibration_end {cal_end}, in a later period (freq={freq!r}): "
            f"the holdout runs from the period after calibration_end's to the period of {end_name}"
        )
    return cal_period, obs_period


def split_periods(
    codes: np.ndarray, cal_period: int | None, obs_period: int | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Which rows are in the calibration part, which in the holdout, and how many are after the end.

    A row is in the calibration part when its period is not after ``cal_period``, in the holdout when it
    is after ``cal_period`` and not after ``obs_period``; rows after ``obs_period`` are in neither
    (:func:`crmlab.transactions.leave_out_after_end` reports them). Without a ``cal_period`` every row up to
    ``obs_period`` is in the "calibration" part (a plain summary); ``None`` for ``obs_period`` keeps every
    later row.

    Parameters
    ----------
    codes : numpy.ndarray
        Period code of each row (:func:`crmlab.transactions.period_codes`).
    cal_period, obs_period : int or None
        The periods of the calibration and observation ends.

    Returns
    -------
    tuple
        Boolean masks ``in_calibration`` and ``in_holdout``, and the number of rows after the end.

    Examples
    --------
    >>> cal, hold, after = split_periods(np.array([0, 1, 2, 3]), 1, 2)
    >>> cal.tolist(), hold.tolist(), after
    ([True, True, False, False], [False, False, True, False], 1)
    """
    keep = np.ones(len(codes), dtype=bool) if obs_period is None else codes <= obs_period
    if cal_period is None:
        in_cal, in_hold = keep, np.zeros(len(codes), dtype=bool)
    else:
        in_cal = codes <= cal_period
        in_hold = ~in_cal & keep
    return in_cal, in_hold, int(len(codes) - np.count_nonzero(keep))


# ---------------------------------------------------------------------------------------------------
# the numpy reduction (integer codes in, one row per customer out)


def distinct_keys(key: np.ndarray, amounts: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Sorted distinct values of ``key`` and, with ``amounts``, the sum of the amounts of each.

    ``key`` must be >= 0. A plain sort is much faster than ``np.unique`` on millions of int64 keys;
    with amounts, the row number is packed into the low bits of the key before sorting (a stable
    argsort in one radix-friendly sort; ``argsort(kind="stable")`` when the bits do not fit), so each
    sum runs in row order.

    Parameters
    ----------
    key : numpy.ndarray of int64
    amounts : numpy.ndarray or None

    Returns
    -------
    tuple
        The distinct keys (ascending) and the summed amounts per key (``None`` without amounts).

    Examples
    --------
    >>> keys, sums = distinct_keys(np.array([5, 2, 5, 0]), np.array([1.0, 2.0, 3.0, 4.0]))
    >>> keys.tolist(), sums.tolist()
    ([0, 2, 5], [4.0, 2.0, 4.0])
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


def customer_table(
    cust: np.ndarray,
    periods: np.ndarray,
    amounts: np.ndarray | None,
    in_cal: np.ndarray,
    in_hold: np.ndarray,
    n_codes: int,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The per-customer pieces (:data:`CUSTOMER_COLUMNS`) from row-level customer and period codes.

    Calibration rows are reduced to distinct (customer, period) pairs by sorting one int64 key, so each
    customer is a contiguous run of ascending periods. Holdout rows count for the customers present in
    the calibration part only (customers first seen in the holdout are not in the cohort).

    Parameters
    ----------
    cust : numpy.ndarray of int
        Customer code of each row, ``0 <= code < n_codes``.
    periods : numpy.ndarray of int64
        Period code of each row.
    amounts : numpy.ndarray or None
        Spend of each row; ``None`` ignores spend (the spend pieces are 0).
    in_cal, in_hold : numpy.ndarray of bool
        The rows of each part (:func:`split_periods`).
    n_codes : int
        The number of customer codes.

    Returns
    -------
    tuple
        The customer codes present (ascending) and the pieces, one array per column.

    Examples
    --------
    >>> codes, pieces = customer_table(np.array([0, 0, 1, 0]), np.array([0, 2, 1, 5]), None,
    ...                                np.array([True, True, True, False]), np.array([False, False, False, True]), 2)
    >>> codes.tolist(), pieces["n"].tolist(), pieces["hold_periods"].tolist()
    ([0, 1], [2, 1], [1, 0])
    """
    cal_cust, cal_periods = cust[in_cal], periods[in_cal]
    cal_amounts = None if amounts is None else amounts[in_cal]
    p0 = int(cal_periods.min())
    span = int(cal_periods.max()) - p0 + 1
    pairs, period_spend = distinct_keys(cal_cust.astype("int64") * span + (cal_periods - p0), cal_amounts)
    pair_cust = pairs // span
    pair_period = pairs - pair_cust * span + p0
    starts = np.flatnonzero(np.r_[True, pair_cust[1:] != pair_cust[:-1]])
    ends = np.r_[starts[1:], len(pairs)] - 1
    present = pair_cust[starts]
    pieces = {"n": ends - starts + 1, "first": pair_period[starts], "last": pair_period[ends]}
    if amounts is None:
        pieces["repeat_spend"] = pieces["total_spend"] = np.zeros(len(starts))
    else:
        pieces["total_spend"] = np.add.reduceat(period_spend, starts)
        period_spend[starts] = 0.0  # the first (trial) period does not count
        pieces["repeat_spend"] = np.add.reduceat(period_spend, starts)
    pieces["hold_periods"] = np.zeros(len(present), dtype="int64")
    pieces["hold_spend"] = np.zeros(len(present))
    if in_hold.any():
        position = np.full(n_codes, -1)
        position[present] = np.arange(len(present))
        hold_rows = position[cust[in_hold]]
        known = hold_rows >= 0  # holdout purchases of customers first seen in the holdout do not count
        hold_codes = periods[in_hold][known]
        first_hold = int(hold_codes.min()) if len(hold_codes) else 0
        hold_span = (int(hold_codes.max()) - first_hold + 1) if len(hold_codes) else 1
        hold_pairs, hold_spend = distinct_keys(
            hold_rows[known].astype("int64") * hold_span + (hold_codes - first_hold),
            None if amounts is None else amounts[in_hold][known],
        )
        pair_rows = hold_pairs // hold_span
        pieces["hold_periods"] = np.bincount(pair_rows, minlength=len(present)).astype("int64")
        if amounts is not None:
            pieces["hold_spend"] = np.bincount(pair_rows, weights=hold_spend, minlength=len(present))
    return present, pieces


# ---------------------------------------------------------------------------------------------------
# the results, assembled once for every engine


def _mean(spend: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.divide(np.asarray(spend, dtype="float64"), count, out=np.zeros(len(count)), where=count > 0)


def rfm_frame(
    table: pd.DataFrame,
    *,
    monetary: bool,
    end: pd.Timestamp,
    end_period: int,
    freq: str,
    freq_multiplier: float,
    include_first: bool = False,
) -> pd.DataFrame:
    """The result of :func:`crmlab.clv.rfm_summary` from one row per customer (:data:`CUSTOMER_COLUMNS`).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by customer id (sorted), with the columns ``n``, ``first``, ``last`` and, with spend,
        ``repeat_spend`` and ``total_spend``.
    monetary : bool
        Whether spend was read.
    end : pandas.Timestamp
        The observation end (recorded in ``attrs``).
    end_period : int
        Its period.
    freq, freq_multiplier
        The period and the periods per model time unit.
    include_first : bool, default False
        RFM scoring: ``frequency`` counts every purchase period, ``monetary_value`` is the mean spend of
        all of them and ``total_spend`` their sum.

    Returns
    -------
    pandas.DataFrame
        ``frequency``, ``recency``, ``T`` (and ``monetary_value``, ``total_spend``).

    Examples
    --------
    >>> table = pd.DataFrame({"n": [2], "first": [0], "last": [7], "repeat_spend": [5.0], "total_spend": [15.0]},
    ...                      index=pd.Index(["a"], name="customer_id"))
    >>> rfm_frame(table, monetary=True, end=pd.Timestamp("1970-01-15"), end_period=14, freq="D", freq_multiplier=1)
                 frequency  recency     T  monetary_value
    customer_id
    a                    1      7.0  14.0             5.0
    """
    columns = summary_columns(table["n"].to_numpy(), table["first"].to_numpy(), table["last"].to_numpy(),
                              end_period, freq_multiplier)
    if include_first:
        columns["frequency"] = columns["frequency"] + 1
        if monetary:
            total = table["total_spend"].to_numpy(dtype="float64")
            columns["monetary_value"] = total / columns["frequency"]
            columns["total_spend"] = total
    elif monetary:
        columns["monetary_value"] = _mean(table["repeat_spend"].to_numpy(), columns["frequency"])
    out = pd.DataFrame(columns, index=table.index)
    out.attrs.update(freq=freq, freq_multiplier=freq_multiplier, observation_end=str(end))
    return out


def calibration_holdout_frame(
    table: pd.DataFrame,
    *,
    monetary: bool,
    cal_end: pd.Timestamp,
    obs_end: pd.Timestamp,
    cal_period: int,
    obs_period: int,
    freq: str,
    freq_multiplier: float,
) -> pd.DataFrame:
    """The result of :func:`crmlab.clv.calibration_holdout` from one row per customer (:data:`CUSTOMER_COLUMNS`).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by customer id (sorted), one row per customer of the calibration period.
    monetary : bool
        Whether spend was read.
    cal_end, obs_end : pandas.Timestamp
        The calibration and observation ends (recorded in ``attrs``).
    cal_period, obs_period : int
        Their periods.
    freq, freq_multiplier
        The period and the periods per model time unit.

    Returns
    -------
    pandas.DataFrame
        ``frequency_cal``, ``recency_cal``, ``T_cal`` (``monetary_value_cal``), ``frequency_holdout``
        (``monetary_value_holdout``: mean spend per holdout purchase period) and ``duration_holdout``.

    Examples
    --------
    >>> table = pd.DataFrame({"n": [2], "first": [0], "last": [2], "hold_periods": [1]},
    ...                      index=pd.Index(["a"], name="customer_id"))
    >>> calibration_holdout_frame(table, monetary=False, cal_end=pd.Timestamp("1970-01-05"),
    ...                           obs_end=pd.Timestamp("1970-01-15"), cal_period=4, obs_period=14,
    ...                           freq="D", freq_multiplier=1).iloc[0].to_dict()
    {'frequency_cal': 1.0, 'recency_cal': 2.0, 'T_cal': 4.0, 'frequency_holdout': 1.0, 'duration_holdout': 10.0}
    """
    columns = summary_columns(table["n"].to_numpy(), table["first"].to_numpy(), table["last"].to_numpy(),
                              cal_period, freq_multiplier)
    if monetary:
        columns["monetary_value"] = _mean(table["repeat_spend"].to_numpy(), columns["frequency"])
    out = pd.DataFrame({f"{k}_cal": v for k, v in columns.items()}, index=table.index)
    hold = table["hold_periods"].to_numpy().astype("int64")
    out["frequency_holdout"] = hold
    if monetary:
        out["monetary_value_holdout"] = _mean(table["hold_spend"].to_numpy(), hold)
    out["duration_holdout"] = (obs_period - cal_period) / float(freq_multiplier)
    out.attrs.update(
        freq=freq, freq_multiplier=freq_multiplier, calibration_end=str(cal_end), observation_end=str(obs_end)
    )
    return out


def require_calibration_rows(n_calibration: int, cal_end: pd.Timestamp, date_col: str) -> None:
    """Refuse a calibration period without any transaction.

    Parameters
    ----------
    n_calibration : int
        Rows on or before the period of ``cal_end``.
    cal_end : pandas.Timestamp
    date_col : str
        The date column, named in the error.

    Returns
    -------
    None

    Raises
    ------
    crmlab.errors.DataValidationError
        When ``n_calibration`` is 0.

    Examples
    --------
    >>> require_calibration_rows(3, pd.Timestamp("2024-01-01"), "date")
    """
    if n_calibration == 0:
        raise DataValidationError(
            f"no transaction on or before calibration_end {cal_end}", column=date_col,
            fix="pass a calibration_end after the first transaction",
        )
