"""The Dask engine: a transaction log in a ``dask.dataframe.DataFrame``, summarised on its scheduler.

Each partition is checked by the pandas path's own validator (:func:`crmlab.transactions.validate_log`)
and reduced to distinct (customer, part, period) triples; the triples are shuffled by customer and
reduced to one row per customer (:data:`crmlab.clv.kernel.CUSTOMER_COLUMNS`) on whatever scheduler the
collection is attached to (a ``dask.distributed`` cluster, or threads), so a customer's purchases may
lie in any partitions. The periods are split by :func:`crmlab.clv.kernel.split_periods`, like the
pandas engine's; the kernel assembles the result. Dask is optional (``pip install crmlab[scale]``)
and imported only when a Dask DataFrame is summarised.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv.engines.common import customer_index, require_module
from crmlab.clv.kernel import split_periods
from crmlab.errors import DataValidationError, EmptyDataError, MissingColumnError
from crmlab.transactions import check_columns, period_codes, validate_log


def accepts(transactions: object) -> bool:
    """Whether ``transactions`` is a Dask DataFrame (never imports Dask to find out).

    Parameters
    ----------
    transactions : object

    Returns
    -------
    bool

    Examples
    --------
    >>> accepts(pd.DataFrame())
    False
    """
    dask_dataframe = sys.modules.get("dask.dataframe")
    return dask_dataframe is not None and isinstance(transactions, dask_dataframe.DataFrame)


def _pair_table(
    customers: pd.Series | pd.Index, holdout: np.ndarray, periods: np.ndarray, spend: np.ndarray, rows: np.ndarray
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (customer, holdout, period) triples, sorted, with their summed ``spend`` and ``rows``.

    One int64 key per triple, (customer code * 2 + holdout) * span + period offset; sums run in row
    order (hashing, then a sort of the distinct keys only). Returns the customer ids and, per triple,
    the customer code, holdout flag, period, spend and rows.
    """
    codes, ids = pd.factorize(customers)
    p0 = int(periods.min())
    span = int(periods.max()) - p0 + 1
    key = (codes.astype("int64") * 2 + holdout) * span + (periods - p0)
    key_codes, distinct = pd.factorize(key)
    order = np.argsort(distinct)
    spend = np.bincount(key_codes, weights=spend, minlength=len(distinct))[order]
    rows = np.bincount(key_codes, weights=rows, minlength=len(distinct)).astype("int64")[order]
    distinct = distinct[order]
    group = distinct // span
    return pd.Index(ids), group // 2, (group % 2).astype(bool), distinct - group * span + p0, spend, rows


def _partition_pairs(
    part: pd.DataFrame,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
    freq: str,
    end_period: int | None,
    cal_period: int | None,
    date_format: str | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One partition, checked by the pandas path's own validator and reduced to distinct triples.

    Returns the (customer, ``holdout``, ``period``) triples with their ``spend`` and ``rows``, and the
    partition's row counts and last timestamp; a validation error comes back as data (to be raised by
    the client with the partition's number), so it never depends on pickling an exception.
    """
    stats: dict[str, Any] = {"rows": len(part), "last": None, "after": 0, "calibration": 0, "error": None}
    empty = pd.DataFrame({
        customer_col: part[customer_col].iloc[:0], "holdout": np.zeros(0, bool), "period": np.zeros(0, "int64"),
        "spend": np.zeros(0), "rows": np.zeros(0, "int64"),
    })
    if len(part) == 0:
        return empty, stats
    try:
        customers, dates, amounts, _ = validate_log(part, customer_col, date_col, monetary_col, date_format=date_format)
    except DataValidationError as exc:
        shown = [r for r in exc.rows[:5] if r in part.index]
        stats["error"] = {
            "type": type(exc), "problem": exc.problem, "column": exc.column, "rows": exc.rows, "fix": exc.fix,
            "data": part.loc[shown, [c for c in (customer_col, date_col, monetary_col) if c is not None]],
        }
        return empty, stats
    codes = period_codes(dates, freq)
    stats["last"] = dates.max()
    in_cal, holdout, stats["after"] = split_periods(codes, cal_period, end_period)
    keep = in_cal | holdout
    stats["calibration"] = int(np.count_nonzero(in_cal))
    if not keep.any():
        return empty, stats
    spend = amounts[keep] if amounts is not None else np.zeros(int(keep.sum()))
    ids, cust, hold, period, spend, rows = _pair_table(
        customers[keep], holdout[keep], codes[keep], spend, np.ones(len(spend))
    )
    pairs = pd.DataFrame(
        {customer_col: ids.take(cust), "holdout": hold, "period": period, "spend": spend, "rows": rows}
    )
    return pairs.astype(empty.dtypes.to_dict()), stats


def _customers_of_pairs(pairs: pd.DataFrame, customer_col: str) -> pd.DataFrame:
    """One row per customer from all of its triples: the calibration ``n``, ``first``, ``last`` period
    and ``repeat_spend`` (the trial period left out), and the holdout's distinct periods, rows and spend.

    Customers whose first purchase is in the holdout are not in the cohort and are left out.
    """
    columns = {"n": "int64", "first": "int64", "last": "int64", "repeat_spend": "float64", "total_spend": "float64",
               "hold_periods": "int64", "hold_spend": "float64"}
    if len(pairs) == 0:
        return pd.DataFrame({customer_col: pairs[customer_col]} | {c: np.zeros(0, t) for c, t in columns.items()})
    ids, cust, hold, period, spend, rows = _pair_table(
        pairs[customer_col], pairs["holdout"].to_numpy(), pairs["period"].to_numpy(),
        pairs["spend"].to_numpy(), pairs["rows"].to_numpy(),
    )
    # sorted by customer, then calibration before holdout, then period: one run per (customer, part)
    starts = np.flatnonzero(np.r_[True, (cust[1:] != cust[:-1]) | (hold[1:] != hold[:-1])])
    ends = np.r_[starts[1:], len(cust)] - 1
    calibration = ~hold[starts]
    cal_starts, cal_ends = starts[calibration], ends[calibration]
    repeat = spend.copy()
    repeat[cal_starts] = 0.0  # the first (trial) period does not count
    out = pd.DataFrame({
        customer_col: ids.take(cust[cal_starts]),
        "n": cal_ends - cal_starts + 1,
        "first": period[cal_starts],
        "last": period[cal_ends],
        "repeat_spend": np.add.reduceat(repeat, starts)[calibration],
        "total_spend": np.add.reduceat(spend, starts)[calibration],
        "hold_periods": 0, "hold_spend": 0.0,
    })
    # a holdout run belongs to a cohort customer when it follows that customer's calibration run
    follows = np.flatnonzero(~calibration[1:] & calibration[:-1] & (cust[starts[1:]] == cust[starts[:-1]])) + 1
    row = np.cumsum(calibration)[follows] - 1
    out.loc[row, "hold_periods"] = (ends - starts + 1)[follows]
    out.loc[row, "hold_spend"] = np.add.reduceat(spend, starts)[follows]
    return out.astype(columns)


def _customers(
    ddf: Any,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
    freq: str,
    end_period: int | None = None,
    cal_period: int | None = None,
    date_format: str | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per-customer aggregates and totals of a Dask DataFrame, computed on its scheduler in one pass."""
    dask = require_module("dask", "summarising a Dask DataFrame")
    dd = require_module("dask.dataframe", "summarising a Dask DataFrame")
    columns = [customer_col, date_col] + ([monetary_col] if monetary_col is not None else [])
    check_columns(ddf.columns)
    missing = [c for c in columns if c not in ddf.columns]
    if missing:
        raise MissingColumnError(missing, list(ddf.columns), what="the transaction log")
    parts = ddf[columns].to_delayed()
    reduced = [
        dask.delayed(_partition_pairs, nout=2)(
            part, customer_col, date_col, monetary_col, freq, end_period, cal_period, date_format
        )
        for part in parts
    ]
    meta_pairs = pd.DataFrame({
        customer_col: pd.Series(dtype=ddf.dtypes[customer_col]), "holdout": np.zeros(0, bool),
        "period": np.zeros(0, "int64"), "spend": np.zeros(0), "rows": np.zeros(0, "int64"),
    })
    pairs = dd.from_delayed([pair for pair, _ in reduced], meta=meta_pairs, verify_meta=False)
    meta_customers = _customers_of_pairs(meta_pairs, customer_col)
    customers = pairs.shuffle(on=customer_col).map_partitions(
        _customers_of_pairs, customer_col, meta=meta_customers
    )
    # one graph, so each partition is read once; delayed on both sides (no mixed collections)
    tables, stats = dask.compute(customers.to_delayed(), [s for _, s in reduced])
    table = pd.concat(tables, ignore_index=True) if tables else meta_customers
    for number, part in enumerate(stats):
        if part["error"] is not None:
            error = part["error"]
            raise error["type"](
                f"{error['problem']} (partition {number} of the Dask DataFrame; rows are its index labels)",
                column=error["column"], rows=error["rows"], fix=error["fix"], data=error["data"],
            )
    total = {
        "rows": sum(p["rows"] for p in stats),
        "after": sum(p["after"] for p in stats),
        "calibration": sum(p["calibration"] for p in stats),
        "last": max((p["last"] for p in stats if p["last"] is not None), default=None),
    }
    if total["rows"] == 0:
        raise EmptyDataError("the transaction log has no rows", fix="check the data and its filters")
    table = table.sort_values(customer_col, kind="stable")
    table.index = customer_index(table.pop(customer_col), customer_col)
    return table, total


def customers(
    ddf: Any,
    *,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
    freq: str,
    date_format: str | None = None,
    end_period: int | None = None,
    cal_period: int | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per customer (:data:`crmlab.clv.kernel.CUSTOMER_COLUMNS`) of a Dask DataFrame, in one pass.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
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
    >>> import dask.dataframe as dd
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-03"])})
    >>> table, counts = customers(dd.from_pandas(log, npartitions=2), customer_col="customer_id", date_col="date",
    ...                           monetary_col=None, freq="D")
    >>> table[["n", "first", "last"]].to_dict("list"), counts["rows"]
    ({'n': [2, 1], 'first': [19723, 19725], 'last': [19730, 19725]}, 3)
    """
    table, counts = _customers(ddf, customer_col, date_col, monetary_col, freq, end_period=end_period,
                               cal_period=cal_period, date_format=date_format)
    counts["last"] = pd.Timestamp(counts["last"])
    return table, counts
