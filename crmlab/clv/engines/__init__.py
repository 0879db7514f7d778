"""The engines that reduce a transaction log to one row per customer, behind one dispatch.

* ``"pandas"`` (:mod:`~crmlab.clv.engines.pandas_engine`): a DataFrame in memory, with numpy;
* ``"duckdb"`` (:mod:`~crmlab.clv.engines.duckdb_engine`): a path, glob, folder or list of CSV/Parquet
  files, out of core;
* ``"dask"`` (:mod:`~crmlab.clv.engines.dask_engine`): a Dask DataFrame, on its scheduler.

Every engine takes the same keyword arguments and returns the same per-customer pieces
(:data:`crmlab.clv.kernel.CUSTOMER_COLUMNS`) and row counts; :mod:`crmlab.clv.kernel` assembles the
summaries from them, once for all engines, so the results agree: same index (sorted customer ids),
columns, dtypes and ``attrs``; counts and times exactly, spend up to the last bits of a sum (the
engines add amounts in a different order). Importing this package imports neither DuckDB nor Dask.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pandas as pd

from crmlab.clv.engines import dask_engine, duckdb_engine, pandas_engine
from crmlab.errors import ParameterError

#: The engines by name.
ENGINES: dict[str, ModuleType] = {"pandas": pandas_engine, "duckdb": duckdb_engine, "dask": dask_engine}


def engine_name(transactions: object) -> str:
    """The engine for an input: ``"duckdb"`` for files, ``"dask"`` for a Dask DataFrame, else ``"pandas"``
    (whose validator refuses what is not a DataFrame, by name).

    Parameters
    ----------
    transactions : object
        The log, as given to :func:`crmlab.clv.rfm_summary`.

    Returns
    -------
    str

    Examples
    --------
    >>> engine_name(pd.DataFrame()), engine_name("sales/*.parquet")
    ('pandas', 'duckdb')
    """
    for name in ("duckdb", "dask"):
        if ENGINES[name].accepts(transactions):
            return name
    return "pandas"


def customers(
    transactions: Any, *, engine: str | None = None, **arguments: Any
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per customer from the engine for ``transactions`` (or the one named by ``engine``).

    Parameters
    ----------
    transactions : DataFrame, path(s) or Dask DataFrame
        The log.
    engine : {"pandas", "duckdb", "dask"}, optional
        Default: :func:`engine_name` of the input.
    **arguments
        The engine's keyword arguments: ``customer_col``, ``date_col``, ``monetary_col``, ``freq``,
        ``date_format``, ``end_period``, ``cal_period`` and, for DuckDB, ``memory_limit`` and ``threads``.

    Returns
    -------
    tuple
        The per-customer table and the row counts (see the engines' ``customers``).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b"], "date": ["2024-01-01", "2024-01-03"]})
    >>> table, counts = customers(log, customer_col="customer_id", date_col="date", monetary_col=None, freq="D")
    >>> table["n"].tolist(), counts["rows"]
    ([1, 1], 2)
    """
    name = engine_name(transactions) if engine is None else engine
    if name not in ENGINES:
        raise ParameterError(f"engine={engine!r}: use one of {sorted(ENGINES)}")
    return ENGINES[name].customers(transactions, **arguments)
