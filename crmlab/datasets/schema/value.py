"""Schema of customer-value tables: Kotler's dimensions of customer delivered value and the validator of
a tidy offerings x components table (data layer).

:func:`crmlab.datasets.load_delivered_value_example` validates with :func:`value_components`; the
analyses are in :mod:`crmlab.value` (perceived and delivered value).
"""

from __future__ import annotations

import pandas as pd

from crmlab.errors import check_rows, require_columns, require_rows
from crmlab.validation import numeric_column

#: Kotler's four sources of total customer value and four kinds of total customer cost.
KOTLER_VALUE_DIMENSIONS = ("product", "services", "personnel", "image")
KOTLER_COST_DIMENSIONS = ("monetary", "time", "energy", "psychic")
SIDES = ("value", "cost")


def value_components(
    table: pd.DataFrame,
    *,
    offering_col: str,
    side_col: str,
    dimension_col: str | None,
    amount_col: str,
    weight_col: str | None,
) -> pd.DataFrame:
    """Validate a tidy offerings x components table; return offering, side, dimension, weighted amount.

    Checks (each failure raises :class:`~crmlab.errors.DataValidationError` naming the column and rows):
    an offering name on every row, ``side`` "value" (received) or "cost" (given), amounts that are
    numbers >= 0, weights >= 0, and with ``dimension_col`` one of Kotler's four dimensions of its side.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per offering and component.
    offering_col, side_col, dimension_col, amount_col, weight_col : str
        Column names; ``dimension_col`` and ``weight_col`` may be ``None``.

    Returns
    -------
    pandas.DataFrame
        ``offering``, ``side``, ``weighted`` (amount x weight) and, with ``dimension_col``, ``dimension``.

    Examples
    --------
    >>> t = pd.DataFrame({"offering": ["a", "a"], "side": ["value", "cost"], "amount": [10.0, 4.0]})
    >>> value_components(t, offering_col="offering", side_col="side", dimension_col=None,
    ...                  amount_col="amount", weight_col=None)["weighted"].tolist()
    [10.0, 4.0]
    """
    what = "the value table"
    require_rows(table, what=what, fix="give one row per offering and component")
    require_columns(table, [c for c in (offering_col, side_col, dimension_col, amount_col, weight_col) if c], what=what)
    df = table.reset_index(drop=True)
    check_rows(df[offering_col].isna(), column=offering_col, problem="missing offering name", fix="name the offering on every row", data=df)
    side = df[side_col].astype("string").str.strip().str.lower()
    check_rows(~side.isin(SIDES), column=side_col, problem="side must be 'value' (received) or 'cost' (given)", fix="write 'value' for what the customer receives and 'cost' for what the customer gives", data=df)
    amount = numeric_column(df, amount_col, "amount")
    check_rows((amount < 0) & (side == "cost"), column=amount_col, problem="negative cost", fix="costs are what the customer gives up and cannot be negative; enter a benefit as a 'value' row", data=df)
    check_rows((amount < 0) & (side == "value"), column=amount_col, problem="negative value", fix="a drawback is something the customer gives up: enter it as a positive 'cost' row", data=df)
    if weight_col is None:
        weight = pd.Series(1.0, index=df.index)
    else:
        weight = numeric_column(df, weight_col, "weight")
        check_rows(weight < 0, column=weight_col, problem="negative weight", fix="weights are importances and must be >= 0", data=df)
    out = pd.DataFrame(
        {"offering": df[offering_col], "side": side.astype(str), "weighted": amount * weight}
    )
    if dimension_col is not None:
        dimension = df[dimension_col].astype("string").str.strip().str.lower().fillna("")
        allowed = {"value": KOTLER_VALUE_DIMENSIONS, "cost": KOTLER_COST_DIMENSIONS}
        ok = pd.Series([d in allowed.get(s, ()) for s, d in zip(side, dimension, strict=True)], index=df.index)
        check_rows(~ok, column=dimension_col, problem="not one of Kotler's dimensions for its side", fix=f"value rows use {list(KOTLER_VALUE_DIMENSIONS)}, cost rows use {list(KOTLER_COST_DIMENSIONS)}", data=df)
        out["dimension"] = dimension.astype(str)
    return out
