"""What the out-of-core engines share: the optional import of their library and the customer index."""

from __future__ import annotations

from typing import Any

import pandas as pd

#: How to install DuckDB and Dask, named in every error for a missing engine library.
INSTALL_HINT = "install the optional engines with: pip install 'crmlab[scale]'"


def require_module(module: str, what: str) -> Any:
    """Import an optional library, or raise an :class:`ImportError` that says how to install it.

    Parameters
    ----------
    module : str
        The module to import (``"duckdb"``, ``"dask.dataframe"``, ``"pyarrow.parquet"`` ...).
    what : str
        What needs it, for the message.

    Returns
    -------
    module

    Examples
    --------
    >>> require_module("json", "reading JSON").__name__
    'json'
    """
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        raise ImportError(f"{what} needs the package {module.split('.')[0]!r}; {INSTALL_HINT}") from exc


def customer_index(values: pd.Series, name: str) -> pd.Index:
    """Customer ids as an Index; Dask's and Arrow's string types come back as pandas' ``str``.

    Parameters
    ----------
    values : pandas.Series
        The ids, one per customer.
    name : str
        The index name (the customer column).

    Returns
    -------
    pandas.Index

    Examples
    --------
    >>> customer_index(pd.Series(["a", "b"], dtype="string"), "customer_id").dtype == pd.Index(["a"]).dtype
    True
    """
    index = pd.Index(values, name=name)
    if isinstance(index.dtype, pd.StringDtype):
        index = index.astype("str")
    return index
