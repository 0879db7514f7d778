"""From a transaction log to the per-customer summaries the "buy till you die" models need.

:func:`rfm_summary` (``frequency``, ``recency``, ``T``, ``monetary_value``) and :func:`calibration_holdout`
(the calibration summary and the holdout counts) take a DataFrame, files or a Dask DataFrame; the
arguments are checked here, the engine for the input (:mod:`crmlab.clv.engines`) returns one row per
customer, and :mod:`crmlab.clv.kernel` assembles the result: one path for every engine.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmlab.clv import engines
from crmlab.clv.kernel import (
    calibration_holdout_frame,
    end_period,
    holdout_periods,
    require_calibration_rows,
    rfm_frame,
)
from crmlab.transactions import check_date_format, check_freq, leave_out_after_end, to_timestamp


def summarise_log(
    transactions: pd.DataFrame | Any,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    observation_end: str | pd.Timestamp | None = None,
    calibration_end: str | pd.Timestamp | None = None,
    date_format: str | None = None,
    include_first: bool = False,
    engine: str | None = None,
    engine_options: dict[str, Any] | None = None,
    stacklevel: int = 3,
) -> pd.DataFrame:
    """The summary of a log by any engine: :func:`rfm_summary` without ``calibration_end``,
    :func:`calibration_holdout` with it.

    Parameters
    ----------
    transactions : DataFrame, path(s) or Dask DataFrame
        The log.
    customer_col, date_col, monetary_col, freq, freq_multiplier, observation_end, date_format, include_first
        As in :func:`rfm_summary`.
    calibration_end : date, optional
        The end of the calibration period; ``None`` for a plain summary.
    engine : {"pandas", "duckdb", "dask"}, optional
        Default: the engine for the input (:func:`crmlab.clv.engines.engine_name`).
    engine_options : dict, optional
        Engine-only keyword arguments (DuckDB: ``memory_limit``, ``threads``).
    stacklevel : int, default 3
        Where the warning about rows after the end points (3: the caller of the caller).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01", "2024-01-08", "2024-01-05"]})
    >>> summarise_log(log, observation_end="2024-01-15")
                 frequency  recency     T
    customer_id
    a                    1      7.0  14.0
    b                    0      0.0  10.0
    """
    check_freq(freq, freq_multiplier)
    check_date_format(date_format)
    cal_end = None if calibration_end is None else to_timestamp(calibration_end, "calibration_end")
    given_end = None if observation_end is None else to_timestamp(observation_end, "observation_end")
    cal_period = None
    if cal_end is not None:
        cal_period, _ = holdout_periods(cal_end, given_end, freq)
    table, counts = engines.customers(
        transactions, engine=engine, customer_col=customer_col, date_col=date_col, monetary_col=monetary_col,
        freq=freq, date_format=date_format, end_period=None if given_end is None else end_period(given_end, freq),
        cal_period=cal_period, **(engine_options or {}),
    )
    end = counts["last"] if given_end is None else given_end
    money = monetary_col is not None
    if cal_end is None:
        leave_out_after_end(counts["after"], counts["rows"], end, date_col, stacklevel=stacklevel + 1)
        return rfm_frame(table, monetary=money, end=end, end_period=end_period(end, freq), freq=freq,
                         freq_multiplier=freq_multiplier, include_first=include_first)
    cal_period, obs_period = holdout_periods(cal_end, end, freq)
    require_calibration_rows(counts["calibration"], cal_end, date_col)
    leave_out_after_end(counts["after"], counts["rows"], end, date_col, stacklevel=stacklevel + 1)
    return calibration_holdout_frame(table, monetary=money, cal_end=cal_end, obs_end=end, cal_period=cal_period,
                                     obs_period=obs_period, freq=freq, freq_multiplier=freq_multiplier)


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
        by :mod:`crmlab.clv.engines` with the same definitions and rules.
    customer_col, date_col, monetary_col : str
        Column names; ``monetary_col=None`` ignores spend.
    freq : {"h", "D", "W", "M"}
        The period (:data:`~crmlab.transactions.PERIOD_UNITS`); ``freq_multiplier`` periods make one model
        time unit.
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
    return summarise_log(transactions, customer_col=customer_col, date_col=date_col, monetary_col=monetary_col,
                         freq=freq, freq_multiplier=freq_multiplier, observation_end=observation_end,
                         date_format=date_format, include_first=include_first, stacklevel=4)


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

    Holdout spend follows the calibration definition, the mean of per-period spend (FHL 2005; as
    PyMC-Marketing): two purchases on one day count as one period with their summed spend. lifetimes'
    ``calibration_and_holdout_data`` instead averages over transaction rows (CDNOW customer 297's two
    purchases on one day give 179.86 there and 359.72 here). Files and Dask DataFrames go to
    :mod:`crmlab.clv.engines`, as in :func:`rfm_summary`.

    Parameters
    ----------
    transactions : pandas.DataFrame, path, glob, list of paths or Dask DataFrame
        The log.
    calibration_end : date
        The end of the calibration period.
    observation_end : date, optional
        The end of the holdout (default: the last transaction); in a later period than ``calibration_end``.
    customer_col, date_col, monetary_col, freq, freq_multiplier, date_format
        As in :func:`rfm_summary`.

    Returns
    -------
    pandas.DataFrame
        Columns ``frequency_cal``, ``recency_cal``, ``T_cal``, ``frequency_holdout`` (distinct purchase
        periods in the holdout), ``duration_holdout`` (holdout length in model time units) and, with
        ``monetary_col``, ``monetary_value_cal`` and ``monetary_value_holdout``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                     "date": ["2024-01-01", "2024-01-03", "2024-01-12", "2024-01-11"]})
    >>> calibration_holdout(log, "2024-01-05", "2024-01-15")[["frequency_cal", "T_cal", "frequency_holdout"]]
                 frequency_cal  T_cal  frequency_holdout
    customer_id
    a                        1    4.0                  1
    """
    return summarise_log(transactions, customer_col=customer_col, date_col=date_col, monetary_col=monetary_col,
                         freq=freq, freq_multiplier=freq_multiplier, observation_end=observation_end,
                         calibration_end=calibration_end, date_format=date_format, stacklevel=4)
