"""Checks every survey measure runs before it computes: numeric answers, and variance to divide by.

Reliability (alpha, omega, item analysis), discriminant validity (HTMT, Fornell-Larcker), PLS path
models and driver regressions all divide by a variance or a correlation. A constant item (every
respondent gave the same answer), a block whose items add up to the same total for everyone (an item
that should have been reverse-coded, ``x`` and ``6 - x``), or an item that is uncorrelated with the
rest of its block makes that division 0/0 or x/0. These functions refuse such data with a
:class:`~crmlab.errors.DataValidationError` that names every item concerned and says what to do,
instead of letting ``NaN`` or ``inf`` through as a result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab.errors import DataValidationError, check_rows, require_columns

#: The advice for answers that are not complete numbers.
CLEAN_FIX = "clean with crmlab.survey.clean_responses(..., missing=...) first"

#: Relative size under which a variance counts as zero (rounding noise of standardised sums).
ZERO_VARIANCE = 1e-10


def numeric_answers(data: pd.DataFrame, columns: Sequence[str], *, what: str = "the survey data",
                    fix: str = CLEAN_FIX) -> pd.DataFrame:
    """``data[columns]`` as float64, refusing what cannot be computed with.

    Refused, each naming the column and the first rows (:func:`crmlab.errors.check_rows`): a column
    listed twice in ``data``, missing answers, text that is not a number, booleans (code them as 0/1
    explicitly) and infinite values.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows.
    columns : sequence of str
        The items (or outcome and drivers) to use.
    what : str
        How messages name the data.
    fix : str
        The advice for missing or non-numeric answers.

    Returns
    -------
    pandas.DataFrame
        The columns as ``float64``, index unchanged.

    Raises
    ------
    DataValidationError
        Naming the column and the first offending rows.

    Examples
    --------
    >>> answers = pd.DataFrame({"q1": ["1", "4"], "q2": [5, 2], "comment": ["", "ok"]})
    >>> numeric_answers(answers, ["q1", "q2"]).to_dict("list")
    {'q1': [1.0, 4.0], 'q2': [5.0, 2.0]}
    >>> numeric_answers(pd.DataFrame({"q1": ["1", "n/a", "3"]}), ["q1"])
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'q1': not a number
    1 offending row(s): [1]
    ...
    How to fix: clean with crmlab.survey.clean_responses(..., missing=...) first
    """
    cols = list(columns)
    require_columns(data, cols, what=what)
    repeated = sorted({str(c) for c in data.columns[data.columns.duplicated()] if c in cols})
    if repeated:
        raise DataValidationError(f"{what} has the column(s) {repeated} more than once", column=repeated[0],
                                  fix="rename or drop the repeated columns so that each item is one column")
    sub = data[cols]
    out = pd.DataFrame(index=data.index)
    for col in cols:
        raw = sub[col]
        check_rows(raw.isna(), column=col, problem="missing answer", fix=fix, data=sub)
        if pd.api.types.is_bool_dtype(raw) or raw.map(lambda v: isinstance(v, (bool, np.bool_))).any():
            check_rows(raw.map(lambda v: isinstance(v, (bool, np.bool_))), column=col,
                       problem="true/false value where a numeric answer belongs", data=sub,
                       fix=f"code the answers as numbers, e.g. data[{col!r}].astype(int) for 1 = true, 0 = false")
        num = pd.to_numeric(raw, errors="coerce")
        check_rows(num.isna(), column=col, problem="not a number", fix=fix, data=sub)
        num = num.astype("float64")
        check_rows(~np.isfinite(num), column=col, problem="infinite value", data=sub,
                   fix="replace it by the answer given, or treat it as missing")
        out[col] = num
    return out


def require_variance(frame: pd.DataFrame, *, measure: str, min_rows: int = 2) -> None:
    """Refuse fewer than ``min_rows`` respondents, or any constant column (all of them named).

    ``measure`` names what would be undefined, e.g. ``"Cronbach's alpha"``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Numeric answers (:func:`numeric_answers`), respondents in rows.
    measure : str
        The measure to be computed, named in the message.
    min_rows : int, default 2
        The fewest respondents the measure needs.

    Raises
    ------
    DataValidationError
        When there are too few respondents, or naming every constant item and its answer.

    Examples
    --------
    >>> require_variance(pd.DataFrame({"q1": [1.0, 2.0, 4.0], "q2": [3.0, 3.0, 2.0]}), measure="Cronbach's alpha")
    >>> require_variance(pd.DataFrame({"q1": [1.0, 2.0, 4.0], "q2": [3.0, 3.0, 3.0]}), measure="Cronbach's alpha")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'q2': 1 item(s) have the same answer from every respondent (zero variance), so Cronbach's alpha is undefined: ['q2'] (answers q2: 3)
    How to fix: drop these items from the block: ...
    """
    if len(frame) < min_rows:
        raise DataValidationError(f"{measure} needs at least {min_rows} respondents, got {len(frame)}",
                                  fix="collect more answers")
    constant = [str(c) for c in frame.columns if frame[c].max() == frame[c].min()]
    if constant:
        values = ", ".join(f"{c}: {float(frame[c].iloc[0]):g}" for c in constant[:5])
        raise DataValidationError(
            f"{len(constant)} item(s) have the same answer from every respondent (zero variance), so {measure} "
            f"is undefined: {constant} (answers {values}{', ...' if len(constant) > 5 else ''})",
            column=constant[0],
            fix="drop these items from the block: a constant item carries no information about the construct "
                "and its correlations are 0/0; check that the right column was read",
        )


def require_total_variance(frame: pd.DataFrame, *, measure: str) -> None:
    """Refuse items whose sum (of standardised items too) is the same for every respondent.

    The test is relative: Var(sum) <= :data:`ZERO_VARIANCE` x (sum of the item variances).

    Parameters
    ----------
    frame : pandas.DataFrame
        Numeric answers of one block, respondents in rows.
    measure : str
        The measure to be computed, named in the message.

    Raises
    ------
    DataValidationError
        When the block's total has zero variance.

    Examples
    --------
    q2 = 6 − q1 on a 1-5 scale (an item keyed the other way and not recoded): every total is 6.

    >>> require_total_variance(pd.DataFrame({"q1": [1.0, 2.0, 5.0], "q2": [5.0, 4.0, 1.0]}), measure="alpha")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'q1': the items ['q1', 'q2'] add up to the same total for every respondent: the block has zero total variance, so alpha is undefined
    How to fix: an item is probably keyed the other way: recode it with crmlab.survey.reverse_code (x -> low + high - x) or drop it from the block
    """
    total = float(frame.sum(axis=1).var(ddof=1))
    parts = float(frame.var(ddof=1).sum())
    if not total > ZERO_VARIANCE * parts:
        raise DataValidationError(
            f"the items {[str(c) for c in frame.columns]} add up to the same total for every respondent: the "
            f"block has zero total variance, so {measure} is undefined",
            column=str(frame.columns[0]),
            fix="an item is probably keyed the other way: recode it with crmlab.survey.reverse_code "
                "(x -> low + high - x) or drop it from the block",
        )


def require_correlated(frame: pd.DataFrame, *, block: str, measure: str) -> None:
    """Refuse a block of two or more items whose mean absolute inter-item correlation is zero.

    Parameters
    ----------
    frame : pandas.DataFrame
        Numeric answers of one block (no constant item: :func:`require_variance` first).
    block : str
        The block's name, in the message.
    measure : str
        The measure to be computed, named in the message.

    Raises
    ------
    DataValidationError
        When the mean |r| over the pairs of items is zero; a block of one item passes.

    Examples
    --------
    >>> frame = pd.DataFrame({"q1": [1.0, 2.0, 1.0, 2.0], "q2": [1.0, 1.0, 2.0, 2.0]})
    >>> require_correlated(frame, block="Loyalty", measure="HTMT")
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: column 'q1': the items of block 'Loyalty' ['q1', 'q2'] are uncorrelated (mean |r| = 0), so HTMT divides by zero
    How to fix: check the block's items: items of one construct should correlate
    """
    k = frame.shape[1]
    if k < 2:
        return
    r = np.abs(np.corrcoef(frame.to_numpy(), rowvar=False))
    mean_r = (r.sum() - k) / (k * (k - 1))
    if not mean_r > ZERO_VARIANCE:
        raise DataValidationError(
            f"the items of block {block!r} {[str(c) for c in frame.columns]} are uncorrelated (mean |r| = 0), "
            f"so {measure} divides by zero",
            column=str(frame.columns[0]),
            fix="check the block's items: items of one construct should correlate",
        )
