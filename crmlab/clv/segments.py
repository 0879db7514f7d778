"""Customer groups by value share and by relationship state, the concentration curve they cut, and
what a CRM team does with each group.

One definition of each idea, used by :mod:`crmlab.clv` and by the tiers of :mod:`crmlab.value`:

* the Lorenz curve of customer values (:func:`lorenz_curve`), and from it the share held by the top
  customers (:func:`top_share`) and, per customer, the share held by customers worth strictly more
  (:func:`share_above`);
* the value-share grouping of the course's source papers (:func:`value_groups`): 大客户 / 中小客户 /
  零散客户, large / small-medium / scattered customers (labels :data:`VALUE_GROUPS`); tied customers
  share a group;
* the playbook (:data:`PLAYBOOK`): what to do with each tier of the customer pyramid, each value
  group, each tenure group and each relationship state;
* :func:`customer_groups`: value group and relationship state (new, old, lapsing) of every customer of a
  fitted BTYD model, and :func:`group_overview`, their customers, P(alive) and value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlab.clv import fitters as lt
from crmlab.clv.predict import probability_alive
from crmlab.errors import DataValidationError, EmptyDataError, ParameterError, offending_rows, require_columns
from crmlab.validation import is_number

#: Customer values: a Series (indexed by customer), a list or an array.
Values = pd.Series | Sequence[float] | np.ndarray


def check_values(values: Values, what: str = "the customer values") -> pd.Series:
    """Customer values as a float Series, refused when empty, missing, infinite, negative or all 0.

    Parameters
    ----------
    values : Series, list or array
        One value >= 0 per customer (revenue, spend, CLV).
    what : str
        What the values are, for the messages.

    Returns
    -------
    pandas.Series
        float64, on the index of ``values`` (a RangeIndex for a list or array).

    Examples
    --------
    >>> check_values([3, 1]).tolist()
    [3.0, 1.0]
    """
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    if len(series) == 0:
        raise EmptyDataError(f"{what} are empty", fix="pass one value per customer")
    numeric = pd.to_numeric(series, errors="coerce")
    bad = numeric.isna() | ~np.isfinite(numeric.astype(float))
    if bad.any():
        raise DataValidationError(f"{what}: missing or not a finite number", rows=offending_rows(bad),
                                  fix="fill in or remove these customers")
    if (numeric < 0).any():
        raise DataValidationError(
            f"{what}: negative value", rows=offending_rows(numeric < 0),
            fix="concentration measures need values >= 0 (revenue, spend); treat loss-making customers apart",
        )
    if numeric.sum() <= 0:
        raise DataValidationError(f"{what} sum to 0", fix="concentration is undefined when nobody has any value")
    return numeric.astype("float64")


def lorenz_curve(values: Values) -> pd.DataFrame:
    """Lorenz curve: cumulative share of value held by the poorest share of customers, from (0, 0) to (1, 1).

    With x_(1) <= ... <= x_(n) sorted ascending, L(k/n) = sum_{i<=k} x_(i) / sum x. Every concentration
    measure of crmlab is read off this one curve.

    Parameters
    ----------
    values : Series, list or array
        One value >= 0 per customer.

    Returns
    -------
    pandas.DataFrame
        n + 1 rows: ``customer_share`` k/n and ``value_share`` L(k/n).

    Examples
    --------
    >>> lorenz_curve([1, 3]).to_dict("list")
    {'customer_share': [0.0, 0.5, 1.0], 'value_share': [0.0, 0.25, 1.0]}
    """
    x = np.sort(check_values(values).to_numpy())
    n = len(x)
    return pd.DataFrame({"customer_share": np.arange(n + 1) / n,
                         "value_share": np.concatenate([[0.0], np.cumsum(x) / x.sum()])})


def top_share(values: Values, share: float = 0.2) -> float:
    """Share of total value held by the top ``share`` of customers: 1 - L(1 - share), L interpolated linearly.

    Parameters
    ----------
    values : Series, list or array
        One value >= 0 per customer.
    share : float, default 0.2
        The top share of customers, in (0, 1].

    Returns
    -------
    float

    Examples
    --------
    >>> top_share([1, 1, 1, 7], 0.25)
    0.7
    """
    if not (is_number(share) and 0 < share <= 1):
        raise ParameterError(f"share = {share!r} must be in (0, 1], e.g. 0.2 for the top 20%")
    curve = lorenz_curve(values)
    return float(1.0 - np.interp(1.0 - share, curve["customer_share"], curve["value_share"]))


def share_above(values: Values) -> pd.Series:
    """Per customer, the share of total value held by the customers with a strictly larger value.

    1 - L(k/n) with k the number of customers worth at most as much (:func:`lorenz_curve`), so tied
    customers get the same share: the value held by everyone ranked above their tie block.

    Parameters
    ----------
    values : Series, list or array
        One value >= 0 per customer.

    Returns
    -------
    pandas.Series
        On the index of ``values``, named ``share_above``.

    Examples
    --------
    >>> share_above([5, 3, 2]).round(2).tolist()
    [0.0, 0.5, 0.8]
    """
    v = check_values(values)
    curve = lorenz_curve(v)["value_share"].to_numpy()
    at_most = np.searchsorted(np.sort(v.to_numpy()), v.to_numpy(), side="right")
    return pd.Series(np.maximum(1.0 - curve[at_most], 0.0), index=v.index, name="share_above")


#: The value-share groups, top first: 大客户 / 中小客户 / 零散客户 (large / small-medium / scattered customers).
VALUE_GROUPS = ("large", "small_medium", "scattered")


def value_groups(values: Values, cutoffs: tuple[float, float] = (0.5, 0.9)) -> pd.Series:
    """Group customers by their share of total value into large, small-medium and scattered customers.

    Customers are ranked by value, largest first. A customer is *large* if the customers with a
    strictly larger value (:func:`share_above`) hold less than ``cutoffs[0]`` of total value,
    *small_medium* if they hold less than ``cutoffs[1]``, and *scattered* otherwise: the large customers
    are the few who together make up about half of the value (default) and the scattered ones the many
    who make up the last 10%. Tied customers share a group, so the result never depends on row order.
    The grouping by volume of 彭聪 (Peng Cong), 《网络环境下企业客户关系管理》: 大客户 (key accounts),
    中小客户, 零散客户.

    Parameters
    ----------
    values : Series, list or array
        One value >= 0 per customer (spend, predicted CLV).
    cutoffs : tuple of two floats, default (0.5, 0.9)
        0 < first < second < 1: the cumulative value shares that end the large and small-medium groups.

    Returns
    -------
    pandas.Series
        An ordered categorical (scattered < small_medium < large) on the index of ``values``, named
        ``value_group``.

    Examples
    --------
    >>> value_groups([50, 30, 10, 5, 5]).astype(str).tolist()
    ['large', 'small_medium', 'small_medium', 'scattered', 'scattered']
    """
    v = check_values(values)
    if len(cutoffs) != 2 or not all(is_number(c) for c in cutoffs) or not 0 < cutoffs[0] < cutoffs[1] < 1:
        raise ParameterError(f"cutoffs = {cutoffs!r} must be two numbers 0 < first < second < 1, e.g. (0.5, 0.9)")
    low, high = cutoffs
    above = share_above(v).to_numpy()
    labels = np.where(above < low, VALUE_GROUPS[0], np.where(above < high, VALUE_GROUPS[1], VALUE_GROUPS[2]))
    return pd.Series(pd.Categorical(labels, categories=list(reversed(VALUE_GROUPS)), ordered=True), index=v.index,
                     name="value_group")


_CHINESE_CRM = "Chinese e-commerce CRM literature"
_PYRAMID = "Zeithaml, Rust & Lemon (2001)"
_BTYD = "P(alive) of a BTYD model (Fader, Hardie & Lee 2005a)"

#: What a CRM team does with each group: one row per (grouping, tier) with its ``treatment``, ``goal``
#: and ``source``. Groupings: ``pyramid`` (:func:`crmlab.value.customer_pyramid`), ``volume``
#: (:func:`value_groups`), ``tenure`` (:func:`crmlab.value.tenure_groups`) and ``relationship``
#: (:func:`customer_groups`).
PLAYBOOK = pd.DataFrame(
    [
        ("pyramid", "platinum", "reward and protect: named contact, priority service, early access",
         "keep and deepen the most profitable relationships", _PYRAMID),
        ("pyramid", "gold", "grow: cross- and up-selling, loyalty-programme incentives to move up",
         "turn gold into platinum", _PYRAMID),
        ("pyramid", "iron", "serve efficiently: standard service, digital channels, targeted offers",
         "keep the volume at a lower cost to serve", _PYRAMID),
        ("pyramid", "lead", "change the economics: self-service, fees or prices that cover cost, less paid contact",
         "make unprofitable customers break even, or let them go", _PYRAMID),
        ("volume", "large", "one-to-one: key-account management, personal contact, tailored offers",
         "protect the few customers who carry most of the value", _CHINESE_CRM),
        ("volume", "small_medium", "one-to-many: programmes and campaigns by segment or region",
         "serve many customers well at a moderate cost", _CHINESE_CRM),
        ("volume", "scattered", "low-touch: automated, self-service channels; watch for customers who grow",
         "serve at minimal cost without neglecting them", _CHINESE_CRM),
        ("tenure", "new", "onboarding: welcome contact, help with first use, second-purchase incentive",
         "turn first-time buyers into repeat buyers", _CHINESE_CRM),
        ("tenure", "old", "retention and development: loyalty benefits, satisfaction tracking, win-back",
         "keep established customers and grow their value", _CHINESE_CRM),
        ("tenure", "potential", "acquisition: targeted prospecting, word of mouth, referral offers",
         "acquire customers whose expected CLV exceeds the acquisition cost", _CHINESE_CRM),
        ("relationship", "new", "onboarding: make the second purchase easy (welcome offer within the first weeks)",
         "turn first-time buyers into repeat buyers", _BTYD),
        ("relationship", "old", "retain and reward: recognition, service quality, cross-selling",
         "keep proven buyers who are probably still active", _BTYD),
        ("relationship", "lapsing", "win-back: proven buyers gone quiet; a targeted reactivation offer before they are lost",
         "recover repeat buyers whose P(alive) has fallen", _BTYD),
    ],
    columns=["grouping", "tier", "treatment", "goal", "source"],
).set_index(["grouping", "tier"])


def playbook(groupings: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of :data:`PLAYBOOK` for ``groupings`` (all by default), as a copy.

    Parameters
    ----------
    groupings : sequence of str, optional
        Any of ``"pyramid"``, ``"volume"``, ``"tenure"``, ``"relationship"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``grouping``, ``tier``); columns ``treatment``, ``goal``, ``source``.

    Examples
    --------
    >>> playbook(["volume"]).index.get_level_values("tier").tolist()
    ['large', 'small_medium', 'scattered']
    """
    known = list(dict.fromkeys(PLAYBOOK.index.get_level_values("grouping")))
    chosen = known if groupings is None else list(groupings)
    unknown = [g for g in chosen if g not in known]
    if unknown:
        raise ParameterError(f"unknown grouping(s) {unknown}; use any of {known}")
    return PLAYBOOK.loc[chosen].copy()


#: What a CRM team would do with each group of :func:`customer_groups` (a view of :data:`PLAYBOOK`:
#: the ``volume`` and ``relationship`` treatments).
GROUP_ACTIONS = {
    tier: text for (grouping, tier), text in PLAYBOOK["treatment"].items() if grouping in ("volume", "relationship")
}


def customer_groups(
    summary: pd.DataFrame,
    model: lt.BaseFitter,
    value: pd.Series,
    *,
    p_alive_threshold: float = 0.5,
    value_shares: tuple[float, float] = (0.5, 0.9),
) -> pd.DataFrame:
    """Group customers by predicted value and by relationship state, for CRM actions.

    ``value_group``: :func:`value_groups` of ``value`` (e.g. CLV) with cutoffs ``value_shares``: the
    customers who together hold the first ``value_shares[0]`` of total predicted value are "large",
    those up to ``value_shares[1]`` "small_medium", the rest "scattered" (tied customers share a
    group). ``relationship``: "new" (no repeat purchase yet, x = 0), "old" (repeat buyer with P(alive)
    >= ``p_alive_threshold``), "lapsing" (repeat buyer whose P(alive) fell below it: worth a win-back).
    See :data:`GROUP_ACTIONS`. ("Potential customers", in the source papers' sense, are prospects who
    have not bought yet; they are not in a summary of buyers, see :func:`crmlab.value.tenure_groups`.)

    Parameters
    ----------
    summary : pandas.DataFrame
        ``frequency``, ``recency`` and ``T`` per customer.
    model : fitted BTYD model
        For P(alive).
    value : pandas.Series
        One value >= 0 per customer, on the index of ``summary``.
    p_alive_threshold : float, default 0.5
        Between 0 and 1.
    value_shares : tuple of two floats, default (0.5, 0.9)
        The cutoffs of :func:`value_groups`.

    Returns
    -------
    pandas.DataFrame
        ``p_alive``, ``value``, ``value_group`` and ``relationship`` (text labels) on the index of ``summary``.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> from crmlab.datasets import load_cdnow_summary
    >>> summary = load_cdnow_summary().rename(columns={"x": "frequency", "t_x": "recency", "T": "T"})
    >>> model = fit(summary, "bgnbd")
    >>> groups = customer_groups(summary.head(4), model, pd.Series([90.0, 5.0, 5.0, 0.0], index=summary.index[:4]))
    >>> groups[["value_group", "relationship"]].to_dict("list")
    {'value_group': ['large', 'scattered', 'scattered', 'scattered'], 'relationship': ['old', 'lapsing', 'new', 'new']}
    """
    if not 0 < p_alive_threshold < 1:
        raise ParameterError("p_alive_threshold must be between 0 and 1")
    low, high = value_shares
    if not 0 < low < high < 1:
        raise ParameterError("value_shares must be two increasing shares between 0 and 1, e.g. (0.5, 0.9)")
    if not value.index.equals(summary.index):
        raise DataValidationError(
            "value and summary must have the same index (one value per customer, same order)",
            fix="compute value from the same summary, e.g. customer_lifetime_value(model, gg, summary['frequency'], ...)",
        )
    p_alive = np.asarray(probability_alive(model, summary["frequency"], summary["recency"], summary["T"]), dtype=float)
    group = value_groups(value, value_shares).astype(str).to_numpy(dtype=object)
    repeat = summary["frequency"].to_numpy() > 0
    relationship = np.where(~repeat, "new", np.where(p_alive >= p_alive_threshold, "old", "lapsing"))
    return pd.DataFrame(
        {"p_alive": p_alive, "value": value.to_numpy(), "value_group": group, "relationship": relationship},
        index=summary.index,
    )


def group_overview(groups: pd.DataFrame) -> pd.DataFrame:
    """Customers, mean P(alive), value and share of value of each (value group, relationship) cell.

    Parameters
    ----------
    groups : pandas.DataFrame
        From :func:`customer_groups`.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``value_group``, ``relationship``), in sorted order; columns ``customers``,
        ``mean_p_alive``, ``value`` (sum) and ``value_share`` (of the total value; the shares add up to 1).

    Examples
    --------
    >>> groups = pd.DataFrame({"p_alive": [0.9, 0.5, 1.0], "value": [60.0, 30.0, 10.0],
    ...                        "value_group": ["large", "small_medium", "scattered"],
    ...                        "relationship": ["old", "lapsing", "new"]})
    >>> group_overview(groups)["value_share"].tolist()
    [0.6, 0.1, 0.3]
    """
    require_columns(groups, ["p_alive", "value", "value_group", "relationship"], what="the customer groups")
    overview = groups.groupby(["value_group", "relationship"]).agg(
        customers=("value", "size"), mean_p_alive=("p_alive", "mean"), value=("value", "sum"))
    overview["value_share"] = overview["value"] / overview["value"].sum()
    return overview
