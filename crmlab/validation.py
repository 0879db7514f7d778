"""Shared checks of arguments: numbers in a range, output locations. Every message names the argument.

Tables have their own validators (:mod:`crmlab.transactions` for transaction logs, the survey and
value-chain readers for theirs); this module checks the scalar arguments and paths that a function or
the ``crmlab`` command receives, in the manner of statsmodels' ``tools.validation``: one function per
kind of argument, the argument's name in every message.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import CrmlabError, ParameterError, check_rows


def check_number(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float, refused unless it is a finite real number within [low, high].

    ``low_open``/``high_open`` exclude the bound itself. Text, booleans, ``nan`` and infinities are refused.

    Parameters
    ----------
    value : Any
        The argument to check.
    name : str
        The argument's name, as every message shows it.
    low, high : float, optional
        The lower and upper bounds (none when ``None``).
    low_open, high_open : bool, default False
        Exclude the bound itself (``value > low`` rather than ``value >= low``).

    Returns
    -------
    float
        ``value`` as a float.

    Raises
    ------
    ParameterError
        When ``value`` is not a finite real number within the bounds.

    Examples
    --------
    >>> check_number(52, "horizon", low=0, low_open=True)
    52.0
    >>> check_number(float("nan"), "discount_rate", low=0)
    Traceback (most recent call last):
    ...
    crmlab.errors.ParameterError: discount_rate=nan must be a finite number >= 0
    """
    bounds = []
    if low is not None:
        bounds.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        bounds.append(f"{'<' if high_open else '<='} {high:g}")
    wanted = "a finite number" + (" " + " and ".join(bounds) if bounds else "")
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ParameterError(f"{name}={value!r} must be {wanted}")
    number = float(value)
    if low is not None and (number < low or (low_open and number == low)):
        raise ParameterError(f"{name}={value!r} must be {wanted}")
    if high is not None and (number > high or (high_open and number == high)):
        raise ParameterError(f"{name}={value!r} must be {wanted}")
    return number


def check_output_folder(folder: str | os.PathLike[str], files: Sequence[str], *, force: bool, name: str) -> Path:
    """A folder that ``files`` may be written into, checked before any work is done.

    It must not be a file, it must be writable (or creatable: its nearest existing parent is a writable
    folder), and none of ``files`` may exist there unless ``force`` is true. Nothing is created here.
    ``name`` is how messages call the argument (e.g. ``"--output"``).

    Parameters
    ----------
    folder : str or os.PathLike
        The folder to write into; it may not exist yet.
    files : sequence of str
        The names of the files that will be written there.
    force : bool
        Allow overwriting files of ``files`` already in the folder.
    name : str
        The argument's name in messages.

    Returns
    -------
    pathlib.Path
        ``folder`` as a path (not created).

    Raises
    ------
    CrmlabError
        When ``folder`` is a file or inside one, is not writable, or already holds one of ``files`` and
        ``force`` is false.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "summary.csv").write_text("")
    ...     print(check_output_folder(Path(tmp) / "new", ["summary.csv"], force=False, name="--output").name)
    ...     try:
    ...         check_output_folder(tmp, ["summary.csv"], force=False, name="--output")
    ...     except CrmlabError as error:
    ...         print(str(error).split("' ", 1)[1])
    new
    already holds earlier results (summary.csv); choose a new folder, or pass --force to overwrite them
    """
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise CrmlabError(f"{name} {str(path)!r} is a file, not a folder; choose a folder for the results")
    existing_parent = next(p for p in [path, *path.absolute().parents] if p.exists())
    if not existing_parent.is_dir():
        raise CrmlabError(f"{name} {str(path)!r} is inside the file {str(existing_parent)!r}; choose a folder")
    if not os.access(existing_parent, os.W_OK | os.X_OK):
        raise CrmlabError(f"{name} {str(path)!r} is not writable ({str(existing_parent)!r}); choose a folder you can "
                          "write to")
    existing = [f for f in files if (path / f).exists()]
    if existing and not force:
        raise CrmlabError(
            f"{name} {str(path)!r} already holds earlier results ({', '.join(existing)}); choose a new folder, "
            "or pass --force to overwrite them"
        )
    return path


def check_output_file(file: str | os.PathLike[str], *, force: bool, name: str) -> Path:
    """A file path that may be written: its folder exists and is writable, it is not a folder, and it is
    not overwritten unless ``force`` is true.

    Parameters
    ----------
    file : str or os.PathLike
        The file to write.
    force : bool
        Allow overwriting an existing file.
    name : str
        The argument's name in messages.

    Returns
    -------
    pathlib.Path
        ``file`` as a path (nothing is written).

    Raises
    ------
    CrmlabError
        When ``file`` is a folder, its folder is missing or not writable, or it exists and ``force`` is
        false.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print(check_output_file(Path(tmp) / "run.ipynb", force=False, name="--output").name)
    ...     try:
    ...         check_output_file(Path(tmp) / "missing" / "run.ipynb", force=False, name="--output")
    ...     except CrmlabError as error:
    ...         print(str(error).split(": ", 1)[1])
    run.ipynb
    the folder '.../missing' does not exist; create it first
    """
    path = Path(file)
    if path.is_dir():
        raise CrmlabError(f"{name} {str(path)!r} is a folder; give a file name such as {str(path / 'run.ipynb')!r}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise CrmlabError(f"{name} {str(path)!r}: the folder {str(parent)!r} does not exist; create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CrmlabError(f"{name} {str(path)!r}: the folder {str(parent)!r} is not writable")
    if path.exists() and not force:
        raise CrmlabError(f"{name} {str(path)!r} exists; choose another name, or pass --force to overwrite it")
    return path


def is_number(x: Any) -> bool:
    """A finite real number (not a bool).

    Parameters
    ----------
    x : Any
        The value to test.

    Returns
    -------
    bool
        True when ``x`` is a real number, not a bool, and neither ``nan`` nor infinite.

    Examples
    --------
    >>> is_number(0.5), is_number(True), is_number(float("inf")), is_number("1")
    (True, False, False, False)
    """
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def is_count(x: Any) -> bool:
    """A whole number >= 1 (not a bool).

    Parameters
    ----------
    x : Any
        The value to test.

    Returns
    -------
    bool
        True when ``x`` is an integral number (``int``, ``numpy.int64``), not a bool, and at least 1; a
        float such as ``2.0`` is not a count.

    Examples
    --------
    >>> is_count(3), is_count(0), is_count(2.0), is_count(True)
    (True, False, False, False)
    """
    return isinstance(x, numbers.Integral) and not isinstance(x, bool) and x >= 1


def numeric_column(df: pd.DataFrame, column: str, what: str) -> pd.Series:
    """``df[column]`` as float64, refused (naming the rows) where a value is missing, not a number or infinite.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    column : str
        The column to convert; numbers may be stored as text (``"4.5"``).
    what : str
        What the values are, as messages name them (e.g. ``"cost"``).

    Returns
    -------
    pandas.Series
        The column as ``float64``, with ``df``'s index.

    Raises
    ------
    DataValidationError
        Naming the first rows whose value is not a number, missing or infinite.

    Examples
    --------
    >>> numeric_column(pd.DataFrame({"cost": ["3", "4.5"]}), "cost", "cost").tolist()
    [3.0, 4.5]
    >>> numeric_column(pd.DataFrame({"cost": ["3", "4,5 EUR"]}), "cost", "cost")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'cost': cost is not a number
    1 offending row(s): [1]
    ...
    How to fix: remove units, currency symbols and thousands separators
    """
    values = pd.to_numeric(df[column], errors="coerce")
    check_rows(values.isna() & df[column].notna(), column=column, problem=f"{what} is not a number",
               fix="remove units, currency symbols and thousands separators", data=df)
    check_rows(df[column].isna(), column=column, problem=f"missing {what}", fix="fill in or remove these rows",
               data=df)
    check_rows(~np.isfinite(values.astype(float)), column=column, problem=f"{what} is infinite",
               fix="use finite numbers", data=df)
    return values.astype("float64")
