"""The in-memory engine: a transaction log in a pandas DataFrame, summarised with numpy.

The log is checked by :func:`crmlab.transactions.validate_log` (which codes the customer ids once), its
dates become period codes (:func:`~crmlab.transactions.period_codes`), the periods are split by
:func:`crmlab.clv.kernel.split_periods` and reduced to one row per customer by
:func:`crmlab.clv.kernel.customer_table`; the kernel assembles the result.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv.kernel import CUSTOMER_COLUMNS, customer_table, split_periods
from crmlab.transactions import period_codes, validate_log


def accepts(transactions: object) -> bool:
    """Whether ``transactions`` is a pandas DataFrame, this engine's input.

    Parameters
    ----------
    transactions : object

    Returns
    -------
    bool

    Examples
    --------
    >>> accepts(pd.DataFrame()), accepts("log.csv")
    (True, False)
    """
    return isinstance(transactions, pd.DataFrame)


def customers(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
    freq: str,
    date_format: str | None = None,
    end_period: int | None = None,
    cal_period: int | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per customer (:data:`crmlab.clv.kernel.CUSTOMER_COLUMNS`) of a log in memory.

    Parameters
    ----------
    transactions : pandas.DataFrame
        The log.
    customer_col, date_col, monetary_col : str
        Column names (``monetary_col=None`` ignores spend).
    freq : str
        The period.
    date_format : str, optional
        ``strftime`` format of text or numeric dates.
    end_period : int, optional
        The last period kept (the observation end); ``None`` keeps every row.
    cal_period : int, optional
        The last calibration period; ``None`` for a plain summary (no holdout).

    Returns
    -------
    tuple
        The per-customer table (indexed by sorted customer id) and the counts ``rows``, ``after``,
        ``calibration`` and ``last``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01", "2024-01-08", "2024-01-03"]})
    >>> table, counts = customers(log, customer_col="customer_id", date_col="date", monetary_col=None, freq="D")
    >>> table[["n", "first", "last"]].to_dict("list"), counts["rows"]
    ({'n': [2, 1], 'first': [19723, 19725], 'last': [19730, 19725]}, 3)
    """
    _, dates, amounts, (cust, n_codes, ids_of) = validate_log(transactions, customer_col, date_col, monetary_col,
                                                              date_format=date_format)
    codes = period_codes(dates, freq)
    in_cal, in_hold, n_after = split_periods(codes, cal_period, end_period)
    counts = {"rows": len(codes), "after": n_after, "calibration": int(np.count_nonzero(in_cal)),
              "last": pd.Timestamp(dates.max())}
    if not in_cal.any():  # nothing to summarise: the caller refuses it by name
        return pd.DataFrame({c: np.zeros(0, t) for c, t in CUSTOMER_COLUMNS.items()}), counts
    present, pieces = customer_table(cust, codes, amounts, in_cal, in_hold, n_codes)
    return pd.DataFrame(pieces, index=ids_of(present).rename(customer_col)), counts
