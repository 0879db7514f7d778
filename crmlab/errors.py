"""The one error family crmlab users see.

Every exception is a :class:`CrmlabError` (itself a :class:`ValueError`, so code that already catches
``ValueError`` keeps working). Messages say what is wrong, show up to five offending rows, and say how
to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

MAX_ROWS_SHOWN = 5


class CrmlabError(ValueError):
    """Base class of every error raised by crmlab."""


class DataValidationError(CrmlabError):
    """A table failed validation: a column is missing, or some of its rows are bad.

    Attributes
    ----------
    column : the offending column (``None`` when the problem is the table as a whole)
    rows : the row labels (or 0-based line numbers of the input) that are bad, all of them
    """

    def __init__(
        self,
        problem: str,
        *,
        column: str | None = None,
        rows: Sequence[Any] = (),
        fix: str = "",
        data: pd.DataFrame | None = None,
    ) -> None:
        self.problem = problem
        self.column = column
        self.rows = list(rows)
        self.fix = fix
        super().__init__(_format_message(problem, column, self.rows, fix, data))


class EmptyDataError(DataValidationError):
    """The input has no rows (or no usable rows)."""


class MissingColumnError(DataValidationError):
    """Required columns are absent from the input."""

    def __init__(self, missing: Sequence[str], available: Sequence[str], *, what: str = "the data") -> None:
        self.missing = list(missing)
        self.available = list(available)
        names = ", ".join(repr(m) for m in self.missing)
        super().__init__(
            f"{what} has no column {names}",
            column=self.missing[0] if self.missing else None,
            fix=(
                f"the columns present are {list(self.available)!r}; pass the right names "
                "(e.g. customer_col=..., date_col=...) or rename the columns"
            ),
        )


class SpecificationError(CrmlabError):
    """A model or framework specification (value chain, survey model, scorecard) is inconsistent.

    ``problems`` lists every problem found, so a user can fix them all at once.
    """

    def __init__(self, what: str, problems: Sequence[str], fix: str = "") -> None:
        self.problems = list(problems)
        lines = [f"{what}: {len(self.problems)} problem(s)"]
        lines += [f"  - {p}" for p in self.problems]
        if fix:
            lines.append(f"How to fix: {fix}")
        super().__init__("\n".join(lines))


class ParameterError(CrmlabError):
    """A numeric argument is outside its admissible range (e.g. retention r >= 1 + i)."""


class ConvergenceError(CrmlabError):
    """A model fit did not converge; the message says what to try."""


def _format_message(
    problem: str,
    column: str | None,
    rows: list[Any],
    fix: str,
    data: pd.DataFrame | None,
) -> str:
    head = f"column {column!r}: {problem}" if column else problem
    lines = [head]
    if rows:
        shown = rows[:MAX_ROWS_SHOWN]
        more = f" (showing the first {MAX_ROWS_SHOWN})" if len(rows) > MAX_ROWS_SHOWN else ""
        lines.append(f"{len(rows)} offending row(s){more}: {shown}")
        if data is not None:
            try:
                excerpt = data.loc[shown]
            except (KeyError, TypeError):
                excerpt = None
            if excerpt is not None:
                with pd.option_context("display.width", 120, "display.max_columns", 12):
                    lines.append(excerpt.to_string())
    if fix:
        lines.append(f"How to fix: {fix}")
    return "\n".join(lines)


def offending_rows(mask: pd.Series) -> list[Any]:
    """Labels of the rows where ``mask`` is true (``NaN`` counts as false).

    Parameters
    ----------
    mask : pandas.Series
        True where a row breaks a rule; missing values (``NaN``, ``pd.NA``) count as false.

    Returns
    -------
    list
        The index labels of the true rows, in the order of ``mask``.

    Examples
    --------
    >>> import pandas as pd
    >>> offending_rows(pd.Series([True, False, None, True], index=["a", "b", "c", "d"], dtype="boolean"))
    ['a', 'd']
    """
    return list(mask.index[mask.fillna(False).to_numpy(dtype=bool)])


def check_rows(
    mask: pd.Series | Sequence[bool],
    *,
    column: str | None,
    problem: str,
    fix: str,
    data: pd.DataFrame | None = None,
    error: type[DataValidationError] = DataValidationError,
) -> None:
    """Raise ``error`` naming ``column``, the offending rows and the fix if any row of ``mask`` is true.

    The one row check of crmlab: every validator states a rule as a boolean mask over the rows and
    hands it here, so every message has the same shape (problem, count, first rows, excerpt, fix).

    Parameters
    ----------
    mask : pandas.Series or sequence of bool
        True where a row breaks the rule; ``NaN`` counts as false. A plain sequence is labelled
        0, 1, 2, ... (line numbers of the input).
    column : str or None
        The column the rule is about, named in the message.
    problem : str
        What is wrong with those rows, e.g. ``"missing customer id"``.
    fix : str
        How to fix it, in words a user can act on.
    data : pandas.DataFrame, optional
        The table, to show an excerpt of the first offending rows.
    error : type, default DataValidationError
        The exception class to raise (a subclass of :class:`DataValidationError`).

    Raises
    ------
    DataValidationError
        When any row is offending.

    Examples
    --------
    >>> import pandas as pd
    >>> check_rows(pd.Series([False, True]), column="amount", problem="negative amount", fix="remove returns")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'amount': negative amount
    1 offending row(s): [1]
    How to fix: remove returns
    """
    if not isinstance(mask, pd.Series):
        mask = pd.Series(mask, dtype="boolean" if len(mask) == 0 else None)
    rows = offending_rows(mask)
    if rows:
        raise error(problem, column=column, rows=rows, fix=fix, data=data)


def require_columns(df: pd.DataFrame, columns: Sequence[str], *, what: str = "the data") -> None:
    """Raise :class:`MissingColumnError` if any of ``columns`` is absent from ``df``.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to check.
    columns : sequence of str
        The columns it must have.
    what : str, default "the data"
        What the table is, as the message names it (e.g. ``"the transaction log"``).

    Raises
    ------
    MissingColumnError
        Naming every absent column and listing the columns present.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1], "date": ["2024-01-01"]})
    >>> require_columns(df, ["id", "date"])
    >>> require_columns(df, ["id", "amount"], what="the log")
    Traceback (most recent call last):
    ...
    crmlab.errors.MissingColumnError: column 'amount': the log has no column 'amount'
    How to fix: the columns present are ['id', 'date']; pass the right names (e.g. customer_col=..., date_col=...) or rename the columns
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MissingColumnError(missing, list(df.columns), what=what)


def require_rows(df: pd.DataFrame, *, what: str = "the data", fix: str = "check the file and its filters") -> None:
    """Raise :class:`EmptyDataError` if ``df`` has no rows.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to check.
    what : str, default "the data"
        What the table is, as the message names it.
    fix : str, default "check the file and its filters"
        How to fix it, in the message.

    Raises
    ------
    EmptyDataError
        When ``df`` has no rows.

    Examples
    --------
    >>> import pandas as pd
    >>> require_rows(pd.DataFrame({"id": [1]}))
    >>> require_rows(pd.DataFrame({"id": []}), what="the holdout")
    Traceback (most recent call last):
    ...
    crmlab.errors.EmptyDataError: the holdout has no rows
    How to fix: check the file and its filters
    """
    if len(df) == 0:
        raise EmptyDataError(f"{what} has no rows", fix=fix)


class DataFileError(CrmlabError):
    """A data file cannot be found or read (wrong path, unknown format, not a table)."""


class CrmlabWarning(UserWarning):
    """A cleaning or validation step changed or flagged data; the message says what and how much."""
