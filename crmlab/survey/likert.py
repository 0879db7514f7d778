"""Likert-type survey data: declare the questionnaire, check and clean answers, reverse-code, plot.

A :class:`Questionnaire` lists the items with their response scale (e.g. 1-10 or 1-5), whether they
are reverse-keyed, their block (the construct they measure) and their wording. :func:`check_responses`
lists every problem (out-of-range, non-integer, missing) per item and respondent;
:func:`clean_responses` raises on invalid answers and applies an explicit, reported missing-data
policy. Reverse coding maps x to (min + max) - x (e.g. 1-5: 1<->5, 2<->4).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    SpecificationError,
    check_rows,
    offending_rows,
    require_columns,
)

MissingPolicy = Literal["error", "listwise", "mean", "keep"]
MISSING_POLICIES: tuple[str, ...] = ("error", "listwise", "mean", "keep")


@dataclass(frozen=True)
class Item:
    """One closed question: ``name`` (column), integer scale ``low``..``high``, reverse-keyed or not."""

    name: str
    low: int = 1
    high: int = 5
    reverse: bool = False
    block: str | None = None
    wording: str = ""

    @property
    def categories(self) -> list[int]:
        """The admissible answers low, low + 1, ..., high."""
        return list(range(self.low, self.high + 1))


@dataclass(frozen=True)
class Questionnaire:
    """An ordered set of :class:`Item` (validated: unique names, low < high)."""

    items: Sequence[Item]
    name: str = "questionnaire"
    _index: dict[str, Item] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = []
        names = [it.name for it in self.items]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            problems.append(f"items listed twice: {dup}")
        for it in self.items:
            if not (isinstance(it.low, (int, np.integer)) and isinstance(it.high, (int, np.integer))):
                problems.append(f"{it.name}: scale ends must be integers, got {it.low!r}..{it.high!r}")
            elif it.low >= it.high:
                problems.append(f"{it.name}: scale {it.low}..{it.high} is empty or reversed (low must be < high)")
        if not self.items:
            problems.append("no items")
        if problems:
            raise SpecificationError(f"questionnaire {self.name!r}", problems,
                                     fix="declare each item once with low < high, e.g. Item('q1', 1, 5)")
        object.__setattr__(self, "_index", {it.name: it for it in self.items})

    @classmethod
    def from_blocks(cls, blocks: Mapping[str, Sequence[str]], low: int = 1, high: int = 5, *,
                    reverse: Iterable[str] = (), wording: Mapping[str, str] | None = None,
                    name: str = "questionnaire") -> Questionnaire:
        """Items grouped in blocks, all on the same ``low``..``high`` scale."""
        rev, wording = set(reverse), dict(wording or {})
        known = {i for items in blocks.values() for i in items}
        unknown = sorted((rev | set(wording)) - known)
        if unknown:
            raise SpecificationError(f"questionnaire {name!r}", [f"unknown items in reverse=/wording=: {unknown}"],
                                     fix="use the item names of the blocks")
        items = [Item(i, low, high, i in rev, block, wording.get(i, "")) for block, its in blocks.items() for i in its]
        return cls(items, name=name)

    def __getitem__(self, name: str) -> Item:
        return self._index[name]

    @property
    def names(self) -> list[str]:
        """Item names in questionnaire order."""
        return [it.name for it in self.items]

    @property
    def blocks(self) -> dict[str, list[str]]:
        """Block -> its item names (items without a block are left out)."""
        out: dict[str, list[str]] = {}
        for it in self.items:
            if it.block is not None:
                out.setdefault(it.block, []).append(it.name)
        return out

    def table(self) -> pd.DataFrame:
        """One row per item: block, scale, reverse-keyed, wording."""
        return pd.DataFrame(
            [(it.name, it.block, f"{it.low}-{it.high}", it.reverse, it.wording) for it in self.items],
            columns=["item", "block", "scale", "reverse", "wording"],
        ).set_index("item")


def mobi_questionnaire() -> Questionnaire:
    """The ECSI mobile-phone questionnaire behind ``mobi``: 24 items on a 1-10 scale, no reverse keys.

    Wording paraphrased from Tenenhaus et al. (2005, Table 1); [operator] is the respondent's provider.

    Returns
    -------
    Questionnaire
        The items in the blocks of :data:`crmlab.datasets.MOBI_BLOCKS`, each on the scale 1-10 with its
        wording.

    Examples
    --------
    >>> q = mobi_questionnaire()
    >>> len(q.names), q["CUSL3"].low, q["CUSL3"].high
    (24, 1, 10)
    >>> {block: len(items) for block, items in q.blocks.items()}
    {'Image': 5, 'Expectation': 3, 'Quality': 7, 'Value': 2, 'Satisfaction': 3, 'Complaints': 1, 'Loyalty': 3}
    """
    from crmlab.datasets.schema.survey import MOBI_BLOCKS, MOBI_SCALE, MOBI_WORDING

    return Questionnaire.from_blocks(MOBI_BLOCKS, *MOBI_SCALE, wording=MOBI_WORDING, name="ECSI mobile phone")


def check_responses(data: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """Every invalid or missing answer: one row per (respondent, item) with ``value`` and ``problem``.

    Problems: ``"missing"``, ``"not a number"`` (text, true/false, infinity), ``"not an integer"``,
    ``"out of range"``. An empty table means the data are clean. Columns of ``data`` that are not items
    are ignored; an item that is a column twice is refused.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows (the index identifies them), items in columns.
    questionnaire : Questionnaire
        The items and their scales.

    Returns
    -------
    pandas.DataFrame
        Columns ``respondent`` (index label), ``item``, ``value`` (as given) and ``problem``, item by
        item in questionnaire order.

    Examples
    --------
    >>> q = Questionnaire.from_blocks({"Satisfaction": ["s1", "s2"]}, 1, 5, reverse=["s2"])
    >>> data = pd.DataFrame({"s1": [5, 6, "x", None], "s2": [1, 2, 2.5, 4]}, index=["r1", "r2", "r3", "r4"])
    >>> check_responses(data, q)
      respondent item value         problem
    0         r2   s1     6    out of range
    1         r3   s1     x    not a number
    2         r4   s1  None         missing
    3         r3   s2   2.5  not an integer
    """
    _require_single_columns(data, questionnaire.names)
    rows = []
    for it in questionnaire.items:
        raw = data[it.name].reset_index(drop=True)
        is_bool = raw.map(lambda v: isinstance(v, (bool, np.bool_)))
        num = pd.to_numeric(raw.where(~is_bool), errors="coerce")
        num = num.where(np.isfinite(num.astype("float64")))
        problems = pd.Series(pd.NA, index=raw.index, dtype="string")
        problems[raw.isna()] = "missing"
        problems[raw.notna() & num.isna()] = "not a number"
        problems[num.notna() & (num % 1 != 0)] = "not an integer"
        problems[num.notna() & (num % 1 == 0) & ((num < it.low) | (num > it.high))] = "out of range"
        for position, problem in problems.dropna().items():
            rows.append((data.index[position], it.name, raw[position], problem))
    return pd.DataFrame(rows, columns=["respondent", "item", "value", "problem"])


def _require_single_columns(data: pd.DataFrame, names: Sequence[str]) -> None:
    require_columns(data, list(names), what="the survey data")
    twice = sorted({str(c) for c in data.columns[data.columns.duplicated()] if c in set(names)})
    if twice:
        raise DataValidationError(f"the survey data has the item column(s) {twice} more than once", column=twice[0],
                                  fix="rename or drop the repeated columns so that each item is one column")


def _require_unique_respondents(data: pd.DataFrame, id_col: str | None) -> pd.DataFrame:
    """``data`` indexed by respondent, refusing missing and repeated respondent ids (named)."""
    if id_col is not None:
        require_columns(data, [id_col], what="the survey data")
        ids = data[id_col]
        check_rows(ids.isna(), column=id_col, problem="missing respondent id", data=data,
                   fix="give every respondent an id, or drop the rows without one")
        data = data.set_index(id_col, drop=True)
    where = repr(id_col) if id_col is not None else "the index"
    repeated = data.index.duplicated(keep=False)
    if repeated.any():
        ids = list(dict.fromkeys(data.index[repeated]))
        check_rows(pd.Series(repeated), column=id_col,
                   problem=f"{len(ids)} respondent id(s) in {where} appear more than once: {ids[:10]}"
                           f"{' ...' if len(ids) > 10 else ''} (rows are numbered from 0 below)",
                   data=data.reset_index(),
                   fix="give each respondent one row: drop repeated submissions (e.g. data.drop_duplicates(...)) "
                       "or, if the rows are different respondents, give them distinct ids")
    return data


def missing_summary(data: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """Missing answers per item: count and share of respondents.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, items in columns.
    questionnaire : Questionnaire
        The items to count.

    Returns
    -------
    pandas.DataFrame
        Indexed by item: ``missing`` (count) and ``share`` (of all respondents).

    Examples
    --------
    >>> q = Questionnaire.from_blocks({"Satisfaction": ["s1", "s2"]}, 1, 5, reverse=["s2"])
    >>> data = pd.DataFrame({"s1": [5, 4, None, 2], "s2": [1, 2, 4, None]})
    >>> missing_summary(data, q)
          missing  share
    item
    s1          1   0.25
    s2          1   0.25
    """
    _require_single_columns(data, questionnaire.names)
    miss = data[questionnaire.names].isna()
    return pd.DataFrame({"missing": miss.sum(), "share": miss.mean()}).rename_axis("item")


def clean_responses(data: pd.DataFrame, questionnaire: Questionnaire, *,
                    missing: MissingPolicy = "error", reverse: bool = True,
                    id_col: str | None = None) -> pd.DataFrame:
    """Validated item answers as ``int64`` (or float with ``missing="keep"/"mean"``), reverse-coded.

    Respondents are the rows, identified by the index or by the column ``id_col`` (which then becomes
    the index); missing or repeated respondent ids are refused, naming them, because every later step
    (dropping, reporting) refers to respondents by id. Invalid answers (not a number, true/false,
    infinite, not an integer, out of the item's scale) always raise a :class:`DataValidationError`
    naming the item and the first respondents. Missing answers follow ``missing``: ``"error"`` raises;
    ``"listwise"`` drops respondents with any missing item; ``"mean"`` replaces a missing answer by the
    item mean of the respondents who answered it (as SmartPLS and seminr do; it shrinks variances and
    correlations), refused for an item no one answered; ``"keep"`` leaves NaN.

    What was done is reported exactly: every policy but "error" warns with the counts (answers,
    respondents, rows removed, the means used), and ``df.attrs["cleaning"]`` records ``rows_in``,
    ``rows_out``, ``dropped`` (respondent ids), ``replaced`` (item -> number of answers and the mean used),
    ``kept_missing`` (item -> count), ``reversed`` (items recoded) and ``ignored_columns`` (columns of
    ``data`` that are not items, left out of the result). ``df.attrs["missing"]`` keeps the summary of
    earlier versions (``policy``, ``answers``, ``respondents``, ``per_item``).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, items in columns (other columns are ignored and listed).
    questionnaire : Questionnaire
        The items, their scales and reverse keys.
    missing : {"error", "listwise", "mean", "keep"}, default "error"
        The missing-data policy.
    reverse : bool, default True
        Recode the reverse-keyed items with :func:`reverse_code`.
    id_col : str, optional
        The column of respondent ids (default: the index identifies respondents).

    Returns
    -------
    pandas.DataFrame
        The items only, indexed by respondent: ``int64``, or ``float64`` when missing answers were kept
        or replaced by means.

    Raises
    ------
    DataValidationError
        On an invalid answer, a missing or repeated respondent id, or (``missing="error"``) a missing
        answer.
    EmptyDataError
        When ``data`` has no rows, or listwise deletion leaves none.

    Warns
    -----
    CrmlabWarning
        Counting the missing answers and saying what was done with them.

    Examples
    --------
    Listwise deletion drops r3 and r4; s2 is reverse-keyed, so 1 -> 5 and 2 -> 4:

    >>> import warnings
    >>> q = Questionnaire.from_blocks({"Satisfaction": ["s1", "s2"]}, 1, 5, reverse=["s2"])
    >>> data = pd.DataFrame({"s1": [5, 4, None, 2], "s2": [1, 2, 4, None]}, index=["r1", "r2", "r3", "r4"])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     clean = clean_responses(data, q, missing="listwise")
    >>> clean
        s1  s2
    r1   5   5
    r2   4   4
    >>> print(caught[0].message)
    2 missing answer(s) from 2 respondent(s) in 2 item(s) {'s1': 1, 's2': 1}: 2 respondent(s) dropped (2 row(s) removed, 2 left): ['r3', 'r4'] (missing='listwise')
    >>> {key: clean.attrs["cleaning"][key] for key in ("rows_in", "rows_out", "dropped", "reversed")}
    {'rows_in': 4, 'rows_out': 2, 'dropped': ['r3', 'r4'], 'reversed': ['s2']}
    """
    if missing not in MISSING_POLICIES:
        raise SpecificationError("clean_responses", [f"missing={missing!r} is not one of {MISSING_POLICIES}"])
    if len(data) == 0:
        raise EmptyDataError("the survey data has no rows", fix="check the file and its filters")
    data = _require_unique_respondents(data, id_col)
    report = check_responses(data, questionnaire)
    invalid = report[report["problem"] != "missing"]
    if len(invalid):
        item = invalid["item"].iloc[0]
        spec = questionnaire[item]
        sub = invalid[invalid["item"] == item]
        check_rows(
            pd.Series(data.index.isin(sub["respondent"]), index=data.index), column=item,
            problem=f"{len(invalid)} invalid answer(s) in {invalid['item'].nunique()} item(s) "
                    f"({', '.join(sorted(invalid['item'].unique()))}); here: {sub['problem'].iloc[0]} "
                    f"(values {list(sub['value'].head(5))}, scale {spec.low}-{spec.high})",
            data=data[questionnaire.names],
            fix=f"answers to {item!r} must be whole numbers from {spec.low} to {spec.high}; recode codes such as "
                "'don't know' (e.g. 99) to missing, then choose a missing= policy",
        )
    names = questionnaire.names
    out = data[names].apply(pd.to_numeric)
    cleaning: dict[str, object] = {
        "policy": missing, "rows_in": len(data), "rows_out": len(data), "dropped": [], "replaced": {},
        "kept_missing": {}, "reversed": [], "ignored_columns": [str(c) for c in data.columns if c not in set(names)],
    }
    miss = out.isna()
    n_missing = int(miss.to_numpy().sum())
    if n_missing:
        rows = offending_rows(miss.any(axis=1))
        per_item = miss.sum()[lambda s: s > 0].to_dict()
        if missing == "error":
            check_rows(
                miss.any(axis=1), column=next(iter(per_item)), data=data[names],
                problem=f"{n_missing} missing answer(s) from {len(rows)} respondent(s); per item: {per_item}",
                fix='choose a policy: missing="listwise" (drop those respondents), "mean" (item-mean '
                    'replacement) or "keep" (leave NaN)',
            )
        if missing == "listwise":
            before = len(out)
            out = out.drop(index=rows)
            removed = before - len(out)
            if len(out) == 0:
                raise EmptyDataError(
                    f"every one of the {before} respondents has at least one missing answer, so "
                    'missing="listwise" leaves no data', fix='use missing="mean" or "keep", or drop the items '
                    f"most respondents skipped ({sorted(per_item, key=per_item.get, reverse=True)[:3]})")
            action = f"{removed} respondent(s) dropped ({removed} row(s) removed, {len(out)} left): {rows[:10]}"
            cleaning.update(dropped=rows, rows_out=len(out))
        elif missing == "mean":
            means = out.mean()
            nobody = [item for item in per_item if miss[item].all()]
            if nobody:
                raise DataValidationError(
                    f"no respondent answered {nobody}, so there is no item mean to fill in", column=nobody[0],
                    fix='drop these items from the questionnaire, or use missing="keep"')
            replaced = {item: {"answers": int(count), "mean": float(means[item])} for item, count in per_item.items()}
            out = out.fillna(means)
            shown = ", ".join(f"{item}: {v['answers']} by {v['mean']:.4g}" for item, v in replaced.items())
            action = f"replaced by the item mean ({shown})"
            cleaning.update(replaced=replaced)
        else:
            action = "kept as NaN"
            cleaning.update(kept_missing={item: int(count) for item, count in per_item.items()})
        warnings.warn(f"{n_missing} missing answer(s) from {len(rows)} respondent(s) in {len(per_item)} item(s) "
                      f"{per_item}: {action} (missing={missing!r})", CrmlabWarning, stacklevel=2)
        out.attrs["missing"] = {"policy": missing, "answers": n_missing, "respondents": rows, "per_item": per_item}
    if not miss.to_numpy().any() or missing == "listwise":
        out = out.astype("int64")
    if reverse:
        out = reverse_code(out, questionnaire)
        cleaning["reversed"] = [it.name for it in questionnaire.items if it.reverse]
    out.attrs["cleaning"] = cleaning
    return out


def reverse_code(data: pd.DataFrame, questionnaire: Questionnaire, items: Sequence[str] | None = None) -> pd.DataFrame:
    """Recode reverse-keyed items (or ``items``) as (low + high) - x; other columns are unchanged.

    Missing answers stay missing; an answer off the item's scale (e.g. a "don't know" code 99, which
    would become -93) or an item the questionnaire does not declare is refused.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, items in columns.
    questionnaire : Questionnaire
        The items' scales and reverse keys.
    items : sequence of str, optional
        The items to recode (default: those declared reverse-keyed).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with those items recoded.

    Examples
    --------
    On a 1-5 scale, x -> 6 - x:

    >>> q = Questionnaire.from_blocks({"Satisfaction": ["s1", "s2"]}, 1, 5, reverse=["s2"])
    >>> reverse_code(pd.DataFrame({"s1": [5, 4], "s2": [1, 2]}), q)
       s1  s2
    0   5   5
    1   4   4
    """
    names = [it.name for it in questionnaire.items if it.reverse] if items is None else list(items)
    require_columns(data, names, what="the survey data")
    unknown = [n for n in names if n not in questionnaire.names]
    if unknown:
        raise SpecificationError(f"questionnaire {questionnaire.name!r}", [f"items not declared: {unknown}"],
                                 fix="reverse only items of the questionnaire (their scale gives low + high)")
    out = data.copy()
    for name in names:
        it = questionnaire[name]
        _require_on_scale(data[name], it, points=False)
        out[name] = (it.low + it.high) - pd.to_numeric(out[name])
    return out


def _require_on_scale(values: pd.Series, item: Item, *, points: bool = True) -> None:
    """Refuse answers that are present but not one of the item's scale points (``points=True``) or
    not a number from low to high (``points=False``: item means filled in by clean_responses pass)."""
    is_bool = values.map(lambda v: isinstance(v, (bool, np.bool_))).astype(bool)
    number = pd.to_numeric(values.where(~is_bool), errors="coerce")
    inside = number.isin(item.categories) if points else number.between(item.low, item.high)
    off = values.notna() & (is_bool | ~inside)
    check_rows(off, column=item.name,
               problem=f"answers that are not {'on the scale' if points else 'numbers from'} {item.low}-{item.high}",
               fix="check the answers with crmlab.survey.check_responses and clean them with clean_responses first")


def as_ordered(data: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """Items as ordered categoricals with every scale point as a category (even unused ones).

    An answer off the scale is refused (pandas would turn it into a missing value without a word).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, items in columns; answers may be numbers or numeric text.
    questionnaire : Questionnaire
        The items and their scales.

    Returns
    -------
    pandas.DataFrame
        The items as ordered categoricals, index unchanged; missing answers stay missing.

    Examples
    --------
    >>> q = Questionnaire.from_blocks({"Satisfaction": ["s1", "s2"]}, 1, 5, reverse=["s2"])
    >>> ordered = as_ordered(pd.DataFrame({"s1": [5, "4"], "s2": [1, 2]}), q)
    >>> ordered["s1"].cat.categories.tolist(), ordered["s1"].tolist()
    ([1, 2, 3, 4, 5], [5, 4])
    """
    _require_single_columns(data, questionnaire.names)
    out = pd.DataFrame(index=data.index)
    for name in questionnaire.names:
        it = questionnaire[name]
        _require_on_scale(data[name], it)
        values = pd.to_numeric(data[name].astype(object).where(data[name].notna()))  # '3' and 3.0 are 3
        out[name] = pd.Categorical(values, categories=it.categories, ordered=True)
    return out


def item_distribution(data: pd.DataFrame, questionnaire: Questionnaire, items: Sequence[str] | None = None) -> pd.DataFrame:
    """Share of respondents choosing each scale point, one row per item (columns = scale points).

    Shares are of the respondents who answered the item (each row sums to 1). An answer outside the
    scale is refused; a value between two scale points (an item mean filled in by
    ``clean_responses(missing="mean")``) is left out of the shares and counted in a warning.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, items in columns.
    questionnaire : Questionnaire
        The items and their scales.
    items : sequence of str, optional
        The items to tabulate, all on one scale (default: every item of the questionnaire).

    Returns
    -------
    pandas.DataFrame
        Indexed by item, one column per scale point, shares from 0 to 1.

    Examples
    --------
    >>> q = Questionnaire.from_blocks({"Satisfaction": ["s1", "s2"]}, 1, 5, reverse=["s2"])
    >>> item_distribution(pd.DataFrame({"s1": [5, 4, 4, 2], "s2": [1, 2, 4, 5]}), q)
             1     2    3     4     5
    item
    s1    0.00  0.25  0.0  0.50  0.25
    s2    0.25  0.25  0.0  0.25  0.25
    """
    names = list(items) if items is not None else questionnaire.names
    require_columns(data, names, what="the survey data")
    lows = {questionnaire[n].low for n in names}
    highs = {questionnaire[n].high for n in names}
    if len(lows) > 1 or len(highs) > 1:
        raise SpecificationError("item_distribution", [f"items on different scales: {sorted(lows)}..{sorted(highs)}"],
                                 fix="plot items of one scale at a time (items=...)")
    cats = questionnaire[names[0]].categories
    shares, between = {}, {}
    for n in names:  # shares of the respondents who answered; an answer off the scale is refused
        _require_on_scale(data[n], questionnaire[n], points=False)
        values = pd.to_numeric(data[n].astype(object).where(data[n].notna()))
        filled = values.notna() & ~values.isin(cats)
        if filled.any():
            between[n] = int(filled.sum())
        shares[n] = values[~filled].value_counts(normalize=True).reindex(cats, fill_value=0.0)
    if between:
        warnings.warn(f"{sum(between.values())} value(s) between scale points (item means filled in by "
                      f"clean_responses(missing='mean')?) left out of the shares: {between}", CrmlabWarning,
                      stacklevel=2)
    return pd.DataFrame(shares).T.rename_axis("item")


def plot_likert(data: pd.DataFrame, questionnaire: Questionnaire, items: Sequence[str] | None = None, *,
                ax: plt.Axes | None = None, title: str | None = None, cmap: str = "RdBu") -> plt.Axes:
    """Diverging stacked bar chart of item distributions (Robbins & Heiberger 2011).

    Each bar is centred on the scale midpoint: answers below it extend left, above it right, the
    middle category (odd scales) straddles zero. Items are sorted by their share of high answers.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, items in columns.
    questionnaire : Questionnaire
        The items and their scales.
    items : sequence of str, optional
        The items to plot, all on one scale (default: every item).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure sized to the number of items).
    title : str, optional
        The title (default: the questionnaire's name and the scale).
    cmap : str, default "RdBu"
        The matplotlib colour map of the scale points, low to high.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``: one bar per item, one segment per scale point (percent of respondents).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> q = Questionnaire.from_blocks({"Satisfaction": ["s1", "s2"]}, 1, 5, reverse=["s2"])
    >>> ax = plot_likert(pd.DataFrame({"s1": [5, 4, 4, 2], "s2": [1, 2, 4, 5]}), q)
    >>> ax.get_title(), [t.get_text() for t in ax.get_yticklabels()], len(ax.patches)
    ('Item distributions (questionnaire, scale 1–5)', ['s2', 's1'], 10)
    >>> plt.close(ax.figure)
    """
    dist = item_distribution(data, questionnaire, items) * 100
    cats = list(dist.columns)
    k = len(cats)
    mid = (k - 1) / 2
    low_cols = [c for i, c in enumerate(cats) if i < mid]
    centre = [c for i, c in enumerate(cats) if i == mid]
    high_share = dist[[c for i, c in enumerate(cats) if i > mid]].sum(axis=1)
    dist = dist.loc[high_share.sort_values().index]
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 0.35 * len(dist) + 1.6))
    colours = plt.get_cmap(cmap)(np.linspace(0.05, 0.95, k))
    left = -dist[low_cols].sum(axis=1) - (dist[centre[0]] / 2 if centre else 0)
    y = np.arange(len(dist))
    for i, c in enumerate(cats):
        ax.barh(y, dist[c], left=left, color=colours[i], edgecolor="white", linewidth=0.5, label=str(c))
        left = left + dist[c]
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, dist.index)
    half = dist[centre[0]] / 2 if centre else 0
    extent = max((dist[low_cols].sum(axis=1) + half).max(), (high_share + half).max())
    lim = 10 * float(np.ceil(extent / 10))
    ticks = np.arange(-lim, lim + 1, 25 if lim > 60 else 10)
    ax.set_xlim(-lim, lim)
    ax.set_xticks(ticks, [f"{abs(t):.0f}" for t in ticks])
    ax.set_xlabel("share of respondents (%) — low answers left, high answers right")
    ax.set_ylabel("item")
    ax.set_title(title or f"Item distributions ({questionnaire.name}, scale {cats[0]}–{cats[-1]})")
    ax.legend(title="answer", fontsize=8, title_fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5),
              frameon=False)
    ax.grid(axis="y", visible=False)
    return ax
