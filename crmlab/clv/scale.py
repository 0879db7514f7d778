"""Customer-base summaries and predictions beyond memory, by engine name: DuckDB on files, Dask on clusters.

The engines themselves are :mod:`crmlab.clv.engines`; the functions here are
:func:`crmlab.clv.rfm_summary` and :func:`crmlab.clv.calibration_holdout` with the engine named, and
DuckDB's own options (``memory_limit``, ``threads``). :func:`predict_to_parquet` is
:func:`crmlab.clv.predict.predict_to_parquet`. DuckDB and Dask are optional (``pip install crmlab[scale]``)
and imported only when used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from crmlab.clv.engines import engine_name
from crmlab.clv.engines.duckdb_engine import FileSource
from crmlab.clv.predict import predict_to_parquet
from crmlab.clv.summary import summarise_log
from crmlab.errors import ParameterError

__all__ = [
    "FileSource",
    "calibration_holdout_dask",
    "calibration_holdout_duckdb",
    "engine",
    "predict_to_parquet",
    "rfm_summary_dask",
    "rfm_summary_duckdb",
]


def rfm_summary_duckdb(
    source: FileSource,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    observation_end: str | pd.Timestamp | None = None,
    *,
    date_format: str | None = None,
    include_first: bool = False,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> pd.DataFrame:
    """:func:`crmlab.clv.rfm_summary` of CSV/Parquet files (a path, glob, folder or list), out of core.

    DuckDB streams the files and aggregates them within ``memory_limit`` (spilling to a temporary
    folder beyond it); the result equals ``rfm_summary`` of the same rows read into pandas. The files are
    checked first by the rules of :mod:`crmlab.transactions`, written in SQL, and every failure raises a
    :mod:`crmlab.errors` exception naming the file and rows. A name that is a file is read literally;
    each file is read once.

    Parameters
    ----------
    source : path, glob, folder or list of them
    customer_col, date_col, monetary_col, freq, freq_multiplier, observation_end, date_format, include_first
        As in :func:`crmlab.clv.rfm_summary`.
    memory_limit : str, default "1GB"
    threads : int, optional

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = path.write_text("customer_id,date\\na,2024-01-01\\na,2024-01-08\\nb,2024-01-05\\n")
    >>> rfm_summary_duckdb(path, observation_end="2024-01-15")
                 frequency  recency     T
    customer_id
    a                    1      7.0  14.0
    b                    0      0.0  10.0
    """
    return summarise_log(source, customer_col=customer_col, date_col=date_col, monetary_col=monetary_col, freq=freq,
                         freq_multiplier=freq_multiplier, observation_end=observation_end, date_format=date_format,
                         include_first=include_first, engine="duckdb",
                         engine_options={"memory_limit": memory_limit, "threads": threads}, stacklevel=4)


def calibration_holdout_duckdb(
    source: FileSource,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    *,
    date_format: str | None = None,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> pd.DataFrame:
    """:func:`crmlab.clv.calibration_holdout` of CSV/Parquet files, out of core with DuckDB.

    Parameters
    ----------
    source : path, glob, folder or list of them
    calibration_end, observation_end, customer_col, date_col, monetary_col, freq, freq_multiplier, date_format
        As in :func:`crmlab.clv.calibration_holdout`.
    memory_limit : str, default "1GB"
    threads : int, optional

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = path.write_text("customer_id,date\\na,2024-01-01\\na,2024-01-03\\na,2024-01-12\\n")
    >>> calibration_holdout_duckdb(path, "2024-01-05", "2024-01-15")["frequency_holdout"].tolist()
    [1]
    """
    return summarise_log(source, customer_col=customer_col, date_col=date_col, monetary_col=monetary_col, freq=freq,
                         freq_multiplier=freq_multiplier, observation_end=observation_end,
                         calibration_end=calibration_end, date_format=date_format, engine="duckdb",
                         engine_options={"memory_limit": memory_limit, "threads": threads}, stacklevel=4)


def rfm_summary_dask(
    ddf: Any,
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
    """:func:`crmlab.clv.rfm_summary` of a Dask DataFrame, computed on the scheduler it is attached to.

    Each partition is checked (:func:`crmlab.transactions.validate_log`) and reduced to distinct
    (customer, period) pairs by the pandas code; the pairs are shuffled by customer, so a customer's
    purchases may lie in any partitions. The result (one row per customer) is gathered into pandas and
    equals ``rfm_summary`` of the same rows.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    customer_col, date_col, monetary_col, freq, freq_multiplier, observation_end, date_format, include_first
        As in :func:`crmlab.clv.rfm_summary`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-05"])})
    >>> rfm_summary_dask(dd.from_pandas(log, npartitions=2), observation_end="2024-01-15")["T"].tolist()
    [14.0, 10.0]
    """
    return summarise_log(ddf, customer_col=customer_col, date_col=date_col, monetary_col=monetary_col, freq=freq,
                         freq_multiplier=freq_multiplier, observation_end=observation_end, date_format=date_format,
                         include_first=include_first, engine="dask", stacklevel=4)


def calibration_holdout_dask(
    ddf: Any,
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
    """:func:`crmlab.clv.calibration_holdout` of a Dask DataFrame; see :func:`rfm_summary_dask`.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
    calibration_end, observation_end, customer_col, date_col, monetary_col, freq, freq_multiplier, date_format
        As in :func:`crmlab.clv.calibration_holdout`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a"],
    ...                     "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-12"])})
    >>> calibration_holdout_dask(dd.from_pandas(log, npartitions=2), "2024-01-05", "2024-01-15")["frequency_holdout"].tolist()
    [1]
    """
    return summarise_log(ddf, customer_col=customer_col, date_col=date_col, monetary_col=monetary_col, freq=freq,
                         freq_multiplier=freq_multiplier, observation_end=observation_end,
                         calibration_end=calibration_end, date_format=date_format, engine="dask", stacklevel=4)


_BY_ENGINE = {
    "duckdb": {"rfm_summary": rfm_summary_duckdb, "calibration_holdout": calibration_holdout_duckdb},
    "dask": {"rfm_summary": rfm_summary_dask, "calibration_holdout": calibration_holdout_dask},
}


def engine(transactions: object, function: str) -> Callable[..., pd.DataFrame] | None:
    """The engine's version of ``function`` (``"rfm_summary"`` or ``"calibration_holdout"``) for the input.

    Parameters
    ----------
    transactions : object
        A path, glob or list of paths -> DuckDB; a Dask DataFrame -> Dask; anything else -> ``None``
        (the pandas path).
    function : {"rfm_summary", "calibration_holdout"}

    Returns
    -------
    callable or None

    Examples
    --------
    >>> engine("sales/*.parquet", "rfm_summary").__name__
    'rfm_summary_duckdb'
    >>> engine(pd.DataFrame(), "rfm_summary") is None
    True
    """
    if function not in ("rfm_summary", "calibration_holdout"):
        raise ParameterError(f"unknown function {function!r}; use 'rfm_summary' or 'calibration_holdout'")
    name = engine_name(transactions)
    return None if name == "pandas" else _BY_ENGINE[name][function]
