"""RFM quintile scoring (Hughes) with a calibration/holdout validation; the RFM table is a view of the
one summary kernel, :func:`crmlab.clv.rfm_summary`.

Part of :mod:`crmlab.value`; see the course notebook ``01_customer_value_theory``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv.kernel import holdout_periods, split_periods
from crmlab.clv.summary import rfm_summary
from crmlab.errors import (
    CrmlabWarning,
    EmptyDataError,
    ParameterError,
    SpecificationError,
    require_columns,
    require_rows,
)
from crmlab.plotting import axes
from crmlab.transactions import leave_out_after_end, parse_dates, period_codes, to_timestamp, validate_log
from crmlab.validation import is_count, numeric_column


def checked_transactions(transactions: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None) -> pd.DataFrame:
    """The log checked by the transaction-log contract (:func:`crmlab.transactions.validate_log`), with
    its dates as naive UTC ``datetime64[ns]`` and amounts as floats.

    Parameters
    ----------
    transactions : pandas.DataFrame
    customer_col, date_col : str
    amount_col : str or None

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [10.0, 5.0, 7.0, 3.0],
    ...                     "date": ["2024-01-01", "2024-01-20", "2024-01-03", "2024-01-25"]})
    >>> str(checked_transactions(log, "customer_id", "date", "amount")["date"].dtype)
    'datetime64[ns]'
    """
    log = validate_log(transactions, customer_col, date_col, amount_col)
    df = transactions.reset_index(drop=True).copy()
    df[date_col] = log.dates
    if amount_col is not None:
        df[amount_col] = log.amounts
    return df


def rfm_table(
    transactions: pd.DataFrame,
    observation_end: str | pd.Timestamp | None = None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer from a transaction log (Hughes's RFM).

    ``recency`` = days from the last purchase day to the day of ``observation_end`` (default: the last
    date in the log), ``frequency`` = number of purchase occasions (distinct purchase days),
    ``monetary`` = total spend. A view of the one summary kernel, :func:`crmlab.clv.rfm_summary` with
    daily periods and ``include_first=True``: recency = T - t_x, frequency = x + 1. The log is checked
    by the transaction-log contract; rows after the day of ``observation_end`` are left out with a
    warning that counts them. Indexed by customer, sorted by customer id.

    Parameters
    ----------
    transactions : pandas.DataFrame
    observation_end : date, optional
    customer_col, date_col, amount_col : str

    Returns
    -------
    pandas.DataFrame
        ``recency`` (days), ``frequency``, ``monetary`` per customer.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 7.0],
    ...                     "date": ["2024-01-01", "2024-01-05", "2024-01-03"]})
    >>> rfm_table(log, "2024-01-10")
                 recency  frequency  monetary
    customer_id
    a                  5          2      15.0
    b                  7          1       7.0
    """
    if not isinstance(amount_col, str):
        raise ParameterError(f"amount_col={amount_col!r}: RFM needs the name of the amount column (monetary value)")
    summary = rfm_summary(transactions, customer_col, date_col, amount_col, freq="D",
                          observation_end=observation_end, include_first=True)
    out = pd.DataFrame(
        {
            "recency": (summary["T"] - summary["recency"]).round().astype("int64"),
            "frequency": summary["frequency"].astype("int64"),
            "monetary": summary["total_spend"].astype("float64"),
        },
        index=summary.index,
    )
    out.index.name = customer_col
    return out


def rank_groups(values: pd.Series, shares: Sequence[float]) -> np.ndarray:
    """0-based group of each value when sorted ascending and cut at the cumulative ``shares`` of customers.

    A customer's position is its ``rank(method="min") - 1``: tied customers share the position of the
    first of them, so a tie block that straddles a cut point goes entirely to the lower group.

    Parameters
    ----------
    values : pandas.Series
    shares : sequence of float
        Share of customers per group, lowest first; they sum to 1.

    Returns
    -------
    numpy.ndarray
        0-based group per value.

    Examples
    --------
    >>> rank_groups(pd.Series([1, 2, 2, 3]), [0.5, 0.5]).tolist()
    [0, 0, 0, 1]
    """
    positions = values.rank(method="min").to_numpy(float) - 1.0
    bounds = np.cumsum(shares)[:-1] * len(values)
    return np.searchsorted(bounds - 1e-9, positions, side="right")


def rfm_scores(rfm: pd.DataFrame, n_groups: int = 5) -> pd.DataFrame:
    """Hughes's RFM scores: quintile scores 1-5 (5 = best) for R, F and M and the cell 111-555.

    Each dimension is scored separately on the whole customer base (independent sort): customers are
    ranked (R: the fewer days since the last purchase the better; F and M: the more the better) and cut
    into ``n_groups`` groups of equal size. Ties are deterministic: tied customers always get the same score,
    the lower one when their block straddles a cut point (``rank(method="min")``), so scores never
    depend on row order; with many ties (e.g. one-time buyers) some scores stay empty.
    ``rfm_cell`` is the three digits R F M as a string ("111" to "555").

    Parameters
    ----------
    rfm : pandas.DataFrame
        From :func:`rfm_table`.
    n_groups : int, default 5

    Returns
    -------
    pandas.DataFrame
        ``rfm`` with ``R``, ``F``, ``M`` and ``rfm_cell``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [10.0, 5.0, 7.0, 3.0],
    ...                     "date": ["2024-01-01", "2024-01-20", "2024-01-03", "2024-01-25"]})
    >>> rfm_scores(rfm_table(log, "2024-01-31"), n_groups=3)["rfm_cell"].tolist()
    ['233', '112', '311']
    """
    require_rows(rfm, what="the RFM table", fix="score a non-empty customer table (rfm_table)")
    require_columns(rfm, ["recency", "frequency", "monetary"], what="the RFM table")
    if not (is_count(n_groups) and 2 <= n_groups <= 9):
        raise ParameterError(f"n_groups = {n_groups!r} must be a whole number from 2 to 9 (5 for quintiles)")
    for col in ("recency", "frequency", "monetary"):
        numeric_column(rfm, col, col)
    shares = [1.0 / n_groups] * n_groups
    out = rfm.copy()
    out["R"] = rank_groups(-rfm["recency"], shares) + 1
    out["F"] = rank_groups(rfm["frequency"], shares) + 1
    out["M"] = rank_groups(rfm["monetary"], shares) + 1
    out["rfm_cell"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


#: Segments on the R x F grid (quintile scores): each (R, F) pair belongs to exactly one segment.
RFM_SEGMENT_RULES = pd.DataFrame(
    [
        ("champions", 4, 5, 4, 5, "bought recently and often"),
        ("promising", 4, 5, 1, 3, "bought recently, not yet often"),
        ("loyal but cooling", 3, 3, 4, 5, "bought often, less recently"),
        ("needs attention", 3, 3, 1, 3, "middling recency, few purchases"),
        ("at risk", 1, 2, 4, 5, "bought often, but long ago"),
        ("hibernating", 1, 2, 1, 3, "few purchases, long ago"),
    ],
    columns=["segment", "r_min", "r_max", "f_min", "f_max", "description"],
)


def rfm_segments(scores: pd.DataFrame, rules: pd.DataFrame | None = None, n_groups: int = 5) -> pd.Series:
    """Segment label of each customer from its R and F scores and a rules table (default ``RFM_SEGMENT_RULES``).

    ``rules`` has columns ``segment``, ``r_min``, ``r_max``, ``f_min``, ``f_max`` (inclusive score ranges)
    and must cover every (R, F) pair of 1..``n_groups`` exactly once; the result is an ordered categorical
    in the order of the rules.

    Parameters
    ----------
    scores : pandas.DataFrame
        With ``R`` and ``F``.
    rules : pandas.DataFrame, optional
        Default :data:`RFM_SEGMENT_RULES`.
    n_groups : int, default 5

    Returns
    -------
    pandas.Series
        Ordered categorical ``segment``.

    Examples
    --------
    >>> rfm_segments(pd.DataFrame({"R": [5, 1], "F": [5, 1]})).tolist()
    ['champions', 'hibernating']
    """
    rules = RFM_SEGMENT_RULES if rules is None else rules
    require_columns(rules, ["segment", "r_min", "r_max", "f_min", "f_max"], what="the segment rules")
    require_columns(scores, ["R", "F"], what="the RFM scores")
    grid = {(r, f): [] for r in range(1, n_groups + 1) for f in range(1, n_groups + 1)}
    for rule in rules.itertuples(index=False):
        for r in range(int(rule.r_min), int(rule.r_max) + 1):
            for f in range(int(rule.f_min), int(rule.f_max) + 1):
                grid.setdefault((r, f), []).append(str(rule.segment))
    problems = [f"(R={r}, F={f}) is in no segment" for (r, f), segs in grid.items() if not segs]
    problems += [f"(R={r}, F={f}) is in several segments: {segs}" for (r, f), segs in grid.items() if len(segs) > 1]
    problems += [f"(R={r}, F={f}) is outside the scores 1..{n_groups}" for (r, f), segs in grid.items()
                 if segs and not (1 <= r <= n_groups and 1 <= f <= n_groups)]
    if problems:
        raise SpecificationError("RFM segment rules", problems,
                                 fix="make the R and F ranges of the rules tile the score grid exactly once")
    lookup = {key: segs[0] for key, segs in grid.items()}
    labels = [lookup[(int(r), int(f))] for r, f in zip(scores["R"], scores["F"], strict=True)]
    order = list(dict.fromkeys(rules["segment"].astype(str)))
    return pd.Series(pd.Categorical(labels, categories=order, ordered=True), index=scores.index, name="segment")


def calibration_holdout_split(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    date_col: str = "date",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a log into calibration (up to the day of ``calibration_end``) and holdout (the days after it,
    up to the day of ``holdout_end``).

    A view of the summary kernel's split (:func:`crmlab.clv.kernel.holdout_periods` and
    :func:`~crmlab.clv.kernel.split_periods`, the rule of :func:`crmlab.clv.calibration_holdout`) in daily
    periods: rows after the day of ``holdout_end`` belong to neither part and are counted in a
    ``CrmlabWarning``.

    Parameters
    ----------
    transactions : pandas.DataFrame
        The log.
    calibration_end, holdout_end : date
        The ends of the two parts; ``holdout_end`` on a later day.
    date_col : str, default "date"

    Returns
    -------
    tuple of pandas.DataFrame
        The calibration rows and the holdout rows, as in ``transactions``.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01", "2024-01-09", "2024-01-03"]})
    >>> calibration, holdout = calibration_holdout_split(log, "2024-01-05", "2024-01-31")
    >>> len(calibration), len(holdout)
    (2, 1)
    """
    require_rows(transactions, what="the transaction log", fix="pass a log with at least one purchase")
    require_columns(transactions, [date_col], what="the transaction log")
    cal_end, hold_end = to_timestamp(calibration_end, "calibration_end"), to_timestamp(holdout_end, "holdout_end")
    cal_day, hold_day = holdout_periods(cal_end, hold_end, "D", end_name="holdout_end")
    days = period_codes(parse_dates(transactions[date_col], column=date_col, data=transactions).to_numpy(), "D")
    in_cal, in_hold, n_after = split_periods(days, cal_day, hold_day)
    leave_out_after_end(n_after, len(days), hold_end, date_col)
    calibration = transactions.loc[in_cal]
    holdout = transactions.loc[in_hold]
    if calibration.empty:
        raise EmptyDataError(f"no transaction on or before the calibration end {cal_end.date()}",
                             column=date_col, fix="choose a later calibration_end")
    return calibration, holdout


def rfm_holdout_validation(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    n_groups: int = 5,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """RFM scored on the calibration period next to each customer's behaviour in the holdout period.

    Returns, per customer with a calibration purchase, the :func:`rfm_scores` columns, ``segment``
    (:func:`rfm_segments`, for quintiles only) and
    ``holdout_purchases`` (distinct purchase days), ``holdout_amount`` and ``holdout_active`` (bought at
    least once). Customers whose first purchase falls in the holdout cannot be scored; their number is
    reported with a ``CrmlabWarning``.

    Parameters
    ----------
    transactions : pandas.DataFrame
    calibration_end, holdout_end : date
    n_groups : int, default 5
    customer_col, date_col, amount_col : str

    Returns
    -------
    pandas.DataFrame
        One row per customer scored on the calibration period.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [10.0, 5.0, 7.0, 3.0],
    ...                     "date": ["2024-01-01", "2024-01-20", "2024-01-03", "2024-01-25"]})
    >>> first_buyers = log[log["customer_id"] != "c"]  # c first buys in the holdout: it cannot be scored
    >>> rfm_holdout_validation(first_buyers, "2024-01-10", "2024-01-31", n_groups=2)["holdout_purchases"].tolist()
    [1, 0]
    """
    df = checked_transactions(transactions, customer_col, date_col, amount_col)
    calibration, holdout = calibration_holdout_split(df, calibration_end, holdout_end, date_col=date_col)
    holdout = holdout.assign(**{date_col: holdout[date_col].dt.floor("D")})
    scores = rfm_scores(rfm_table(calibration, calibration_end, customer_col=customer_col, date_col=date_col,
                                  amount_col=amount_col), n_groups=n_groups)
    if n_groups == 5:
        scores["segment"] = rfm_segments(scores)
    unscored = set(holdout[customer_col]) - set(scores.index)
    if unscored:
        warnings.warn(f"{len(unscored)} customer(s) first bought in the holdout period and have no RFM score; "
                      "they are left out of the validation", CrmlabWarning, stacklevel=2)
    grouped = holdout.groupby(customer_col)
    scores["holdout_purchases"] = grouped[date_col].nunique().reindex(scores.index, fill_value=0).astype("int64")
    scores["holdout_amount"] = grouped[amount_col].sum().reindex(scores.index, fill_value=0.0).astype("float64")
    scores["holdout_active"] = scores["holdout_purchases"] > 0
    return scores


def holdout_response(validation: pd.DataFrame, by: str | list[str] = "R") -> pd.DataFrame:
    """Holdout behaviour by RFM score, cell or segment (from :func:`rfm_holdout_validation`).

    Columns: ``customers``, ``active_rate`` (share who bought in the holdout), ``mean_purchases``,
    ``mean_amount`` and ``lift`` = active_rate / overall active rate.

    Parameters
    ----------
    validation : pandas.DataFrame
        From :func:`rfm_holdout_validation`.
    by : str or list of str, default "R"

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> validation = pd.DataFrame({"R": [1, 1, 2, 2], "holdout_active": [False, True, True, True],
    ...                            "holdout_purchases": [0, 1, 2, 1], "holdout_amount": [0.0, 5.0, 9.0, 4.0]})
    >>> holdout_response(validation)["lift"].round(3).tolist()
    [0.667, 1.333]
    """
    keys = [by] if isinstance(by, str) else list(by)
    require_columns(validation, keys + ["holdout_active", "holdout_purchases", "holdout_amount"],
                    what="the validation table")
    require_rows(validation, what="the validation table")
    out = validation.groupby(keys, observed=True, sort=True).agg(
        customers=("holdout_active", "size"),
        active_rate=("holdout_active", "mean"),
        mean_purchases=("holdout_purchases", "mean"),
        mean_amount=("holdout_amount", "mean"),
    )
    out["customers"] = out["customers"].astype("int64")
    overall = validation["holdout_active"].mean()
    out["lift"] = out["active_rate"] / overall if overall > 0 else np.nan
    return out


def plot_holdout_response(response: pd.DataFrame, ax: Any = None, *, overall: float | None = None) -> Any:
    """Bars of the holdout purchase rate per group of :func:`holdout_response`, with customer counts.

    Parameters
    ----------
    response : pandas.DataFrame
        From :func:`holdout_response`.
    ax : matplotlib Axes, optional
    overall : float, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> response = pd.DataFrame({"customers": [2, 2], "active_rate": [0.5, 1.0]}, index=pd.Index([1, 2], name="R"))
    >>> plot_holdout_response(response, ax=ax).get_title()
    'Holdout purchase rate by R'
    """
    require_columns(response, ["customers", "active_rate"], what="the holdout response table")
    ax = axes(ax)
    labels = [str(i) for i in response.index]
    bars = ax.bar(labels, 100 * response["active_rate"], color="#4393c3")
    for bar, n in zip(bars, response["customers"], strict=True):
        ax.annotate(f"n={n}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", fontsize=8)
    if overall is not None:
        ax.axhline(100 * overall, color="black", linestyle="--", linewidth=1, label=f"all customers {overall:.1%}")
        ax.legend(fontsize=8)
    name = response.index.name or "group"
    ax.set_xlabel(f"{name} (scored on the calibration period)")
    ax.set_ylabel("customers buying in the holdout (%)")
    ax.set_title(f"Holdout purchase rate by {name}")
    return ax


def plot_rfm_heatmap(validation: pd.DataFrame, ax: Any = None, *, n_groups: int = 5) -> Any:
    """Heat map of the holdout purchase rate on the R x F grid (empty cells: no customer with that score).

    Parameters
    ----------
    validation : pandas.DataFrame
        With ``R``, ``F`` and ``holdout_active``.
    ax : matplotlib Axes, optional
    n_groups : int, default 5

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> validation = pd.DataFrame({"R": [1, 2], "F": [1, 2], "holdout_active": [False, True]})
    >>> plot_rfm_heatmap(validation, ax=ax, n_groups=2).get_xlabel()
    'R score (5 = most recent)'
    """
    require_columns(validation, ["R", "F", "holdout_active"], what="the validation table")
    ax = axes(ax)
    grid = validation.pivot_table(index="F", columns="R", values="holdout_active", aggfunc="mean", observed=True)
    scores = list(range(1, n_groups + 1))
    grid = grid.reindex(index=scores, columns=scores).astype(float)
    counts = validation.groupby(["F", "R"]).size()
    image = ax.imshow(100 * grid.to_numpy(), origin="lower", cmap="Blues", vmin=0, vmax=100, aspect="auto")
    ax.grid(False)
    for (f, r), n in counts.items():
        rate = grid.loc[f, r]
        ax.text(r - 1, f - 1, f"{rate:.0%}\nn={n}", ha="center", va="center", fontsize=7,
                color="white" if rate > 0.6 else "black")
    ax.set_xticks(range(n_groups), scores)
    ax.set_yticks(range(n_groups), scores)
    ax.set_xlabel("R score (5 = most recent)")
    ax.set_ylabel("F score (5 = most frequent)")
    ax.set_title("Share of customers buying in the holdout, by R and F score")
    ax.figure.colorbar(image, ax=ax, label="buying in the holdout (%)")
    return ax
