"""Customer analysis and segmentation: behavioural features, clustering, profiles, holdout validation.

The workflow follows the network-era CRM account of the course's source papers (彭聪, 《网络环境下企业
客户关系管理》: build customer profiles, mine them statistically, analyse customer value, group and
treat customers differently) with the tools of the segmentation literature (Wedel & Kamakura 2000):

1. :func:`behaviour_features` — per-customer features from a transaction log: the RFM summary and
   holdout counts of :func:`crmlab.clv.calibration_holdout`, spend from
   :func:`crmlab.value.rfm_holdout_validation`, and the BTYD outputs P(alive) and expected purchases
   of a model fitted with :func:`crmlab.clv.fit`.
2. :func:`standardise` — log transforms for skewed counts and money, then z-scores, so that no
   feature dominates a Euclidean distance by its unit alone.
3. :func:`fit_segments` (k-means, MacQueen 1967 / Lloyd 1982; Gaussian mixture), :func:`choose_k`
   (silhouette, Rousseeuw 1987; BIC), :func:`stability` (adjusted Rand index, Hubert & Arabie 1985).
4. :func:`segment_profiles`, :func:`name_segments` — size, share of value, centroids, names.
5. :func:`holdout_comparison`, :func:`separation` — do segments found in the calibration period
   differ in later behaviour, compared with the rule-based groups of :mod:`crmlab.value`?
6. :func:`profile_model` — a multinomial logit of segment membership on profile variables
   (age band, region, channel, household): how well does a profile predict a segment?
7. :func:`treatment_plan` — the source papers' treatments (one-to-one, one-to-many by region,
   low-cost) assigned by a cost–value rule.

Every function takes and returns pandas objects; plots take ``ax=`` and return it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from crmlab.errors import (
    DataValidationError,
    ParameterError,
    check_rows,
    require_columns,
    require_rows,
)
from crmlab.plotting import axes
from crmlab.validation import check_number

Method = Literal["kmeans", "gmm"]

#: Columns of :func:`behaviour_features` that describe the calibration period (clustering inputs).
FEATURE_COLUMNS = (
    "frequency", "recency", "T", "time_since_last", "interpurchase_time",
    "total_spend", "mean_spend", "p_alive", "expected_purchases",
)
#: Columns of :func:`behaviour_features` that describe the holdout period (validation only).
HOLDOUT_COLUMNS = ("holdout_purchases", "holdout_spend")
#: The default clustering inputs and which of them are log-transformed by :func:`standardise`: counts
#: and money (right-skewed), and inter-purchase time (a duration: 2 vs 4 weeks is as different as 16 vs 32).
DEFAULT_CLUSTER_COLUMNS = ("frequency", "time_since_last", "interpurchase_time", "mean_spend", "p_alive",
                           "expected_purchases")
DEFAULT_LOG_COLUMNS = ("frequency", "interpurchase_time", "mean_spend", "expected_purchases")


# ---------------------------------------------------------------------------------------------------
# 1. Features


def behaviour_features(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp | None = None,
    *,
    model: str = "pareto_nbd",
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    freq: str = "D",
    freq_multiplier: float = 7,
) -> pd.DataFrame:
    """Behavioural features of every customer in the calibration period, and their holdout behaviour.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase, e.g. from :func:`crmlab.datasets.read_transactions`.
    calibration_end, observation_end : str or Timestamp
        The calibration period ends on ``calibration_end`` (inclusive); the holdout runs from there to
        ``observation_end`` (default: the last transaction).
    model : str, default "pareto_nbd"
        The BTYD model of :func:`crmlab.clv.fit` behind ``p_alive`` and ``expected_purchases``.
        Pareto/NBD is the default because BG/NBD sets P(alive) = 1 for every customer without a
        repeat purchase (Fader, Hardie & Lee 2005), which would make one-time buyers look the most
        active; Pareto/NBD and MBG/NBD let P(alive) fall with the time since the first purchase.
    customer_col, date_col, amount_col : str
        Column names in ``transactions``.
    freq, freq_multiplier : str, float
        Resolution of purchase times and periods per model time unit (default days, 7 per week).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer (sorted), with, in model time units (weeks by default):
        ``frequency`` x (repeat purchases), ``recency`` t_x, ``T``, ``time_since_last`` = T − t_x,
        ``interpurchase_time`` = t_x / x for repeat buyers and T for one-time buyers (censored: no
        second purchase within T, so at least T), ``total_spend`` (calibration spend, first purchase
        included), ``mean_spend`` = total_spend / (x + 1) per purchase occasion, ``p_alive`` and
        ``expected_purchases`` (over a period as long as the holdout); then ``holdout_purchases``
        (distinct purchase periods) and ``holdout_spend``. ``attrs`` records the model, its
        parameters, the time unit and the holdout length.

    Examples
    --------
    Fitting the BTYD model on the CDNOW sample takes several seconds, so this one is not run::

        from crmlab.datasets import load_cdnow_transactions
        features = behaviour_features(load_cdnow_transactions(), "1997-09-30", "1998-06-30")
        features.shape  # (2357, 11): one row per customer of the 1/10th sample, in weeks

    Customer 1 of CDNOW bought on 1997-01-01, 1997-01-18 and 1997-08-02, so frequency = 2 repeat
    purchases, recency = 213 days / 7 = 30.43 weeks and mean_spend = (29.33 + 29.73 + 14.96) / 3 = 24.67
    per purchase occasion.
    """
    from crmlab import clv, value

    cal = clv.calibration_holdout(transactions, calibration_end, observation_end, customer_col=customer_col,
                                  date_col=date_col, monetary_col=amount_col, freq=freq,
                                  freq_multiplier=freq_multiplier)
    fitted = clv.fit(cal, model)
    x, t_x, T = cal["frequency_cal"], cal["recency_cal"], cal["T_cal"]
    horizon = float(cal["duration_holdout"].iloc[0])
    rfm = value.rfm_holdout_validation(transactions, cal.attrs["calibration_end"], cal.attrs["observation_end"],
                                       customer_col=customer_col, date_col=date_col, amount_col=amount_col)
    rfm = rfm.reindex(cal.index)
    out = pd.DataFrame(
        {
            "frequency": x.astype("int64"),
            "recency": t_x.astype("float64"),
            "T": T.astype("float64"),
            "time_since_last": (T - t_x).astype("float64"),
            "interpurchase_time": np.where(x > 0, t_x / np.maximum(x, 1), T).astype("float64"),
            "total_spend": rfm["monetary"].astype("float64"),
            "mean_spend": (rfm["monetary"] / (x + 1)).astype("float64"),
            "p_alive": np.asarray(clv.probability_alive(fitted, x, t_x, T), dtype="float64"),
            "expected_purchases": np.asarray(clv.expected_purchases(fitted, x, t_x, T, horizon), dtype="float64"),
            "holdout_purchases": cal["frequency_holdout"].astype("int64"),
            "holdout_spend": rfm["holdout_amount"].astype("float64"),
        },
        index=cal.index,
    )
    out.attrs.update(model=model, params={k: float(v) for k, v in fitted.params_.items()},
                     time_unit=f"{freq_multiplier:g} x {freq}", horizon=horizon,
                     calibration_end=cal.attrs["calibration_end"], observation_end=cal.attrs["observation_end"])
    return out


def _numeric_frame(df: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    require_rows(df, what=what, fix="pass one row per customer")
    require_columns(df, list(columns), what=what)
    out = pd.DataFrame(index=df.index)
    for col in columns:
        values = pd.to_numeric(df[col], errors="coerce")
        check_rows(values.isna(), column=col, problem="missing or not a number",
                   fix="fill in or remove these customers before clustering", data=df)
        check_rows(~np.isfinite(values.astype(float)), column=col, problem="infinite value",
                   fix="use finite numbers", data=df)
        out[col] = values.astype("float64")
    return out


def standardise(
    features: pd.DataFrame,
    columns: Sequence[str] = DEFAULT_CLUSTER_COLUMNS,
    log: Sequence[str] = DEFAULT_LOG_COLUMNS,
) -> pd.DataFrame:
    """Log-transform the skewed columns, then z-score every column (scikit-learn ``StandardScaler``).

    z = (g(v) − mean) / sd with g(v) = log(1 + v) for the columns in ``log`` and g(v) = v otherwise;
    sd is the population standard deviation (ddof = 0), as in scikit-learn. Counts and money are
    right-skewed (a few customers buy 20 times), so without the log a handful of customers would
    decide the clusters; without the z-score the column with the largest unit (weeks vs dollars vs
    probabilities) would dominate every Euclidean distance.

    Parameters
    ----------
    features : pandas.DataFrame
        One row per customer, e.g. :func:`behaviour_features`.
    columns : sequence of str, default :data:`DEFAULT_CLUSTER_COLUMNS`
        The columns to standardise (the clustering inputs).
    log : sequence of str, default :data:`DEFAULT_LOG_COLUMNS`
        The columns among ``columns`` to transform by log(1 + v) first; their values must be >= 0.

    Returns
    -------
    pandas.DataFrame
        The z-scores on the index of ``features``; ``attrs["mean"]``, ``attrs["scale"]`` (of the
        transformed columns) and ``attrs["log"]`` let new customers be put on the same scale.

    Raises
    ------
    DataValidationError
        When a value is missing, not a number, infinite, negative in a ``log`` column, or a column is
        constant.

    Examples
    --------
    log(1 + 3) = 2 log(1 + 1), so the logged frequencies 0, log 2, 2 log 2 are evenly spaced, like the
    spends 10, 20, 30; both z-scores are (−1, 0, 1) / sqrt(2/3):

    >>> f = pd.DataFrame({"frequency": [0, 1, 3], "mean_spend": [10.0, 20.0, 30.0]}, index=["a", "b", "c"])
    >>> z = standardise(f, ["frequency", "mean_spend"], log=["frequency"])
    >>> z.round(3)
       frequency  mean_spend
    a     -1.225      -1.225
    b      0.000       0.000
    c      1.225       1.225
    >>> round(z.attrs["mean"]["frequency"], 4), round(z.attrs["scale"]["mean_spend"], 4)
    (0.6931, 8.165)
    """
    from sklearn.preprocessing import StandardScaler

    unknown = [c for c in log if c not in columns]
    if unknown:
        raise ParameterError(f"log = {list(log)!r} names columns that are not clustered: {unknown}; "
                             f"choose among {list(columns)}")
    data = _numeric_frame(features, columns, "the features")
    for col in log:
        check_rows(data[col] < 0, column=col, problem="negative value cannot be log-transformed",
                   fix="leave this column out of log=, or shift it to be >= 0", data=features)
        data[col] = np.log1p(data[col])
    constant = [c for c in columns if data[c].std(ddof=0) == 0]
    if constant:
        raise DataValidationError(f"constant column(s) {constant}: a z-score is undefined", column=constant[0],
                                  fix="leave constant columns out of the clustering")
    scaler = StandardScaler().fit(data.to_numpy())
    out = pd.DataFrame(scaler.transform(data.to_numpy()), index=data.index, columns=list(columns))
    out.attrs.update(mean=dict(zip(columns, scaler.mean_.tolist())),
                     scale=dict(zip(columns, scaler.scale_.tolist())), log=list(log))
    return out


def standardise_like(features: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Put new customers on the scale of an earlier :func:`standardise` result (``reference``).

    Applies the reference's log transforms and its means and standard deviations, so a new customer
    lands where the clustered customers' geometry says, e.g. to assign it to a segment with
    :meth:`SegmentFit.predict`.

    Parameters
    ----------
    features : pandas.DataFrame
        The new customers, with the columns of ``reference``.
    reference : pandas.DataFrame
        A result of :func:`standardise` (its ``attrs`` hold the means, scales and logged columns).

    Returns
    -------
    pandas.DataFrame
        The new customers' z-scores, in the columns of ``reference``.

    Raises
    ------
    ParameterError
        When ``reference`` does not come from :func:`standardise`.

    Examples
    --------
    A new customer with 1 repeat purchase (log 2, the reference mean) and a spend of 40 (two reference
    standard deviations of 8.165 above the mean of 20):

    >>> f = pd.DataFrame({"frequency": [0, 1, 3], "mean_spend": [10.0, 20.0, 30.0]}, index=["a", "b", "c"])
    >>> z = standardise(f, ["frequency", "mean_spend"], log=["frequency"])
    >>> new = pd.DataFrame({"frequency": [1], "mean_spend": [40.0]}, index=["new"])
    >>> standardise_like(new, z).round(3)
         frequency  mean_spend
    new        0.0       2.449
    """
    try:
        means, scales, logged = reference.attrs["mean"], reference.attrs["scale"], reference.attrs["log"]
    except KeyError:
        raise ParameterError("reference must be the output of standardise(), which records its means and scales "
                             "in .attrs") from None
    columns = list(means)
    data = _numeric_frame(features, columns, "the features")
    for col in logged:
        check_rows(data[col] < 0, column=col, problem="negative value cannot be log-transformed",
                   fix="check the new customers' features", data=features)
        data[col] = np.log1p(data[col])
    out = (data - pd.Series(means)) / pd.Series(scales)
    return out[columns]


# ---------------------------------------------------------------------------------------------------
# 2. Clustering


@dataclass(frozen=True)
class SegmentFit:
    """A fitted segmentation: ``labels`` (1..k, 1 = the segment with the highest ``order_by`` mean),
    the scikit-learn ``model`` and how it was fitted."""

    labels: pd.Series
    model: Any
    method: str
    k: int
    mapping: tuple[int, ...] = ()

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Segments (1..k, numbered as ``labels``) of new customers on the same standardised scale.

        Put new customers on the scale of the fitted ones with :func:`standardise_like` first.
        """
        data = _numeric_frame(X, list(X.columns), "the standardised features")
        raw = self.model.predict(data.to_numpy())
        return pd.Series(np.asarray(self.mapping)[raw], index=data.index, name="segment")


def _check_k(k: Any, n: int) -> None:
    if not (isinstance(k, numbers.Integral) and not isinstance(k, bool) and 2 <= k < n):
        raise ParameterError(f"k = {k!r} must be a whole number of segments from 2 to {n - 1} (fewer than the customers)")


def _estimator(method: str, k: int, seed: int, n_init: int, reg_covar: float) -> Any:
    if method == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=n_init, random_state=seed)
    if method == "gmm":
        from sklearn.mixture import GaussianMixture

        return GaussianMixture(n_components=k, covariance_type="full", n_init=n_init, reg_covar=reg_covar,
                               random_state=seed)
    raise ParameterError(f"method = {method!r} must be 'kmeans' or 'gmm'")


def _relabel(raw: np.ndarray, k: int, order_by: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Labels 1..k of the raw cluster numbers, and the raw -> label map: by descending mean of ``order_by``
    (else by size), ties by raw number."""
    present = np.arange(k)
    if order_by is None:
        key = -np.bincount(raw, minlength=k).astype(float)
    else:
        sums = np.bincount(raw, weights=order_by, minlength=k)
        sizes = np.bincount(raw, minlength=k)
        key = -np.divide(sums, sizes, out=np.full(k, -np.inf), where=sizes > 0)
    order = np.lexsort((present, key))
    mapping = np.empty(k, dtype=int)
    mapping[order] = np.arange(1, k + 1)
    return mapping[raw], mapping


def fit_segments(
    X: pd.DataFrame,
    k: int,
    method: Method = "kmeans",
    *,
    seed: int = 0,
    n_init: int = 10,
    reg_covar: float = 0.1,
    order_by: pd.Series | None = None,
) -> SegmentFit:
    """Cluster customers into ``k`` segments with k-means or a Gaussian mixture (scikit-learn).

    k-means (MacQueen 1967; Lloyd's algorithm, Lloyd 1982) minimises the within-segment sum of squared
    Euclidean distances sum_i ||z_i − c_{s(i)}||², best of ``n_init`` seeded starts (k-means++). The
    Gaussian mixture fits k multivariate normal components with full covariances by EM and assigns each
    customer to its most probable component; ``reg_covar`` is added to every covariance diagonal.
    On standardised features the default 0.1 is a floor of 10% of a unit variance: one-time buyers lie on
    a curve (all their features are functions of T), where an unregularised mixture fits a nearly
    singular component and its likelihood grows without bound.

    Parameters
    ----------
    X : pandas.DataFrame
        Standardised features (:func:`standardise`), one row per customer.
    k : int
        Number of segments.
    method : {"kmeans", "gmm"}
    seed, n_init : int
        Random state and number of starts (the best is kept).
    reg_covar : float
        Covariance floor of the mixture (ignored by k-means).
    order_by : pandas.Series, optional
        A value per customer (e.g. total spend); segment 1 has the highest mean of it. Default: size.

    Returns
    -------
    SegmentFit
        ``labels`` is an integer Series 1..k named ``segment`` on the index of ``X``.

    Examples
    --------
    Two groups on one standardised feature; segment 1 is the group with the higher mean spend:

    >>> X = pd.DataFrame({"z": [-1.0, -0.9, -1.1, 1.0, 0.9, 1.1]}, index=list("abcdef"))
    >>> spend = pd.Series([10.0, 12.0, 22.0, 280.0, 360.0, 450.0], index=list("abcdef"))
    >>> fit = fit_segments(X, 2, order_by=spend)
    >>> fit.labels.to_dict()
    {'a': 2, 'b': 2, 'c': 2, 'd': 1, 'e': 1, 'f': 1}
    >>> fit.predict(pd.DataFrame({"z": [0.8, -1.2]}, index=["new1", "new2"])).tolist()
    [1, 2]
    """
    data = _numeric_frame(X, list(X.columns), "the standardised features")
    _check_k(k, len(data))
    check_number(reg_covar, "reg_covar", low=0)
    estimator = _estimator(method, k, seed, n_init, reg_covar).fit(data.to_numpy())
    raw = estimator.predict(data.to_numpy())
    key = None if order_by is None else _aligned(order_by, data.index, "order_by").to_numpy(float)
    labels, mapping = _relabel(raw, k, key)
    return SegmentFit(pd.Series(labels, index=data.index, name="segment"), estimator, method, k,
                      tuple(int(m) for m in mapping))


def _aligned(series: pd.Series, index: pd.Index, what: str) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise ParameterError(f"{what} must be a pandas Series indexed by customer")
    missing = index.difference(series.index)
    check_rows(pd.Series(index.isin(missing), index=index), column=what,
               problem=f"customers without a value of {what}",
               fix=f"pass {what} on the same customers (index) as the features")
    out = series.reindex(index)
    check_rows(out.isna(), column=what, problem="missing value", fix=f"fill in {what} for every customer")
    return out


def silhouette(X: pd.DataFrame, labels: pd.Series, *, sample_size: int | None = None, seed: int = 0) -> float:
    """Mean silhouette width of a clustering (Rousseeuw 1987), scikit-learn's ``silhouette_score``.

    For customer i with mean distance a(i) to the other members of its segment and mean distance b(i)
    to the members of the nearest other segment, s(i) = (b(i) − a(i)) / max(a(i), b(i)) (0 for a
    segment of one); the score is the mean of s(i), from −1 to 1. ``sample_size`` computes it on a
    seeded random sample of customers (the full score needs all n² distances).

    Parameters
    ----------
    X : pandas.DataFrame
        Standardised features, one row per customer.
    labels : pandas.Series
        The segment of each customer, on the index of ``X``; 2 to n − 1 distinct segments.
    sample_size : int, optional
        Compute the score on this many customers (more than 2); ``None`` (or n or more) uses all.
    seed : int, default 0
        Random state of the sample.

    Returns
    -------
    float
        The mean silhouette width, from −1 to 1.

    Examples
    --------
    Points 0, 1 | 10, 11: s = (10.5 − 1) / 10.5 for 0 and 11, (9.5 − 1) / 9.5 for 1 and 10, mean 0.8997:

    >>> X = pd.DataFrame({"z": [0.0, 1.0, 10.0, 11.0]})
    >>> round(silhouette(X, pd.Series([1, 1, 2, 2])), 4)
    0.8997
    """
    data = _numeric_frame(X, list(X.columns), "the standardised features")
    lab = _aligned(labels, data.index, "labels")
    n_labels = lab.nunique()
    if not 2 <= n_labels < len(data):
        raise ParameterError(f"the silhouette needs 2 to n - 1 segments; the labels have {n_labels} for "
                             f"{len(data)} customers")
    if sample_size is not None and not (isinstance(sample_size, numbers.Integral) and 2 < sample_size):
        raise ParameterError(f"sample_size = {sample_size!r} must be a whole number > 2, or None for every customer")
    from sklearn.metrics import silhouette_score

    if sample_size is not None and sample_size >= len(data):
        sample_size = None
    return float(silhouette_score(data.to_numpy(), lab.to_numpy(), sample_size=sample_size, random_state=seed))


def choose_k(
    X: pd.DataFrame,
    ks: Iterable[int] = range(2, 9),
    *,
    seed: int = 0,
    n_init: int = 10,
    gmm_n_init: int = 3,
    reg_covar: float = 0.1,
    silhouette_sample: int | None = None,
) -> pd.DataFrame:
    """Fit k-means (best of ``n_init`` starts) and the Gaussian mixture (best of ``gmm_n_init``, EM is
    slower) for every k, and report the criteria for choosing k.

    Columns: ``kmeans_inertia`` (within-segment sum of squares), ``kmeans_silhouette`` and
    ``gmm_silhouette`` (:func:`silhouette`; higher is better), ``gmm_bic`` = −2 log L + p log n and
    ``gmm_aic`` = −2 log L + 2p (lower is better; p = parameters of the mixture).

    Parameters
    ----------
    X : pandas.DataFrame
        Standardised features, one row per customer.
    ks : iterable of int, default range(2, 9)
        The numbers of segments to try, each from 2 to n − 1.
    seed, n_init, gmm_n_init : int
        Random state, and the number of starts of k-means and of the mixture.
    reg_covar : float, default 0.1
        Covariance floor of the mixture (see :func:`fit_segments`).
    silhouette_sample : int, optional
        Sample size of :func:`silhouette` (``None``: every customer).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``k``, with the columns above.

    Examples
    --------
    With k = 2 each group of (−1, −0.9, −1.1) and (1, 0.9, 1.1) has the sum of squares 0.01 + 0 + 0.01:

    >>> X = pd.DataFrame({"z": [-1.0, -0.9, -1.1, 1.0, 0.9, 1.1]})
    >>> choose_k(X, [2, 3], n_init=3, gmm_n_init=1)[["kmeans_inertia", "kmeans_silhouette"]].round(3)
       kmeans_inertia  kmeans_silhouette
    k
    2           0.040              0.933
    3           0.025              0.549
    """
    data = _numeric_frame(X, list(X.columns), "the standardised features")
    rows = []
    for k in ks:
        _check_k(k, len(data))
        km = fit_segments(data, k, "kmeans", seed=seed, n_init=n_init)
        gm = fit_segments(data, k, "gmm", seed=seed, n_init=gmm_n_init, reg_covar=reg_covar)
        z = data.to_numpy()
        rows.append({
            "k": k,
            "kmeans_inertia": float(km.model.inertia_),
            "kmeans_silhouette": silhouette(data, km.labels, sample_size=silhouette_sample, seed=seed),
            "gmm_bic": float(gm.model.bic(z)),
            "gmm_aic": float(gm.model.aic(z)),
            "gmm_silhouette": (silhouette(data, gm.labels, sample_size=silhouette_sample, seed=seed)
                               if gm.labels.nunique() > 1 else float("nan")),
        })
    return pd.DataFrame(rows).set_index("k")


def stability(
    X: pd.DataFrame,
    k: int,
    method: Method = "kmeans",
    *,
    seeds: Iterable[int] = range(1, 11),
    n_bootstrap: int = 20,
    seed: int = 0,
    n_init: int = 10,
    reg_covar: float = 0.1,
) -> pd.DataFrame:
    """Agreement of the segmentation with itself across random starts and bootstrap samples.

    The reference is :func:`fit_segments` with ``seed``. *seed* rows refit on the same customers with
    each of ``seeds``; *bootstrap* rows refit on a resample of the customers (drawn with replacement,
    seeded) and assign every customer with the refitted model. Each row gives the adjusted Rand index
    (Hubert & Arabie 1985) with the reference labels: ARI = (RI − E[RI]) / (max RI − E[RI]), 1 for
    identical partitions (whatever the segment numbers), about 0 for chance agreement.

    Parameters
    ----------
    X : pandas.DataFrame
        Standardised features, one row per customer.
    k : int
        Number of segments.
    method : {"kmeans", "gmm"}, default "kmeans"
        The clustering of :func:`fit_segments`.
    seeds : iterable of int, default range(1, 11)
        The random states of the *seed* replicates.
    n_bootstrap : int, default 20
        The number of bootstrap replicates.
    seed : int, default 0
        Random state of the reference fit and of the bootstrap draws.
    n_init : int, default 10
        Starts per fit.
    reg_covar : float, default 0.1
        Covariance floor of the mixture.

    Returns
    -------
    pandas.DataFrame
        One row per replicate: ``kind`` (``"seed"`` or ``"bootstrap"``), ``replicate`` and ``ari``.

    Examples
    --------
    Two well separated groups are found again whatever the start or the resample:

    >>> X = pd.DataFrame({"z": [-1.0, -0.9, -1.1, 1.0, 0.9, 1.1]})
    >>> stability(X, 2, seeds=[1, 2], n_bootstrap=2, n_init=3)
            kind  replicate  ari
    0       seed          1  1.0
    1       seed          2  1.0
    2  bootstrap          1  1.0
    3  bootstrap          2  1.0
    """
    from sklearn.metrics import adjusted_rand_score

    data = _numeric_frame(X, list(X.columns), "the standardised features")
    _check_k(k, len(data))
    if not (isinstance(n_bootstrap, numbers.Integral) and n_bootstrap >= 0):
        raise ParameterError(f"n_bootstrap = {n_bootstrap!r} must be a whole number >= 0")
    check_number(reg_covar, "reg_covar", low=0)
    z = data.to_numpy()
    reference = fit_segments(data, k, method, seed=seed, n_init=n_init, reg_covar=reg_covar).labels.to_numpy()
    rows = []
    for s in seeds:
        labels = fit_segments(data, k, method, seed=s, n_init=n_init, reg_covar=reg_covar).labels.to_numpy()
        rows.append({"kind": "seed", "replicate": int(s), "ari": float(adjusted_rand_score(reference, labels))})
    rng = np.random.default_rng(seed)
    for b in range(n_bootstrap):
        take = rng.integers(0, len(z), len(z))
        model = _estimator(method, k, seed, n_init, reg_covar).fit(z[take])
        rows.append({"kind": "bootstrap", "replicate": b + 1,
                     "ari": float(adjusted_rand_score(reference, model.predict(z)))})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------
# 3. Profiles


def segment_profiles(
    features: pd.DataFrame,
    labels: pd.Series,
    *,
    value_col: str = "total_spend",
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Size, share of customers, share of value and the mean of every feature, per segment.

    ``value_share`` is the segment's share of the sum of ``value_col``; the feature means are the
    segment centroids in the original units (weeks, purchases, currency), which a manager can read.

    Parameters
    ----------
    features : pandas.DataFrame
        One row per customer, in original units (e.g. :func:`behaviour_features`).
    labels : pandas.Series
        The segment of each customer, on the index of ``features``.
    value_col : str, default "total_spend"
        The column whose sum the segments share; its total must be positive.
    columns : sequence of str, optional
        The features to average (those present in ``features``); default :data:`FEATURE_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        One row per segment (sorted): ``customers``, ``customer_share``, ``value_share`` and the mean of
        each column.

    Examples
    --------
    Segment 1 holds (280 + 360 + 450) / 1134 = 96.1% of the spend:

    >>> f = pd.DataFrame({"frequency": [0, 0, 1, 6, 7, 8], "total_spend": [10.0, 12, 22, 280, 360, 450]})
    >>> labels = pd.Series([2, 2, 2, 1, 1, 1], name="segment")
    >>> segment_profiles(f, labels, columns=["frequency"]).round(3)
             customers  customer_share  value_share  frequency
    segment
    1                3             0.5        0.961      7.000
    2                3             0.5        0.039      0.333
    """
    columns = list(FEATURE_COLUMNS if columns is None else columns)
    cols = list(dict.fromkeys([value_col, *[c for c in columns if c in features.columns]]))
    data = _numeric_frame(features, cols, "the features")
    lab = _aligned(labels, data.index, "labels")
    total = data[value_col].sum()
    if total <= 0:
        raise DataValidationError(f"{value_col} sums to {total:g}: value shares are undefined", column=value_col,
                                  fix="pass a value column with a positive total (spend, CLV)")
    grouped = data.groupby(lab, sort=True)
    out = pd.DataFrame({"customers": grouped.size().astype("int64")})
    out["customer_share"] = out["customers"] / len(data)
    out["value_share"] = grouped[value_col].sum() / total
    for col in [c for c in columns if c in data.columns]:
        out[col] = grouped[col].mean()
    out.index.name = lab.name or "segment"
    return out


#: How :func:`name_segments` words a segment: for each column of the profile, two cut points and the
#: words for below, between and above them; ``relative`` cut points are multiples of the mean over
#: all customers. Activity from the mean P(alive), frequency from the mean number of repeat
#: purchases, basket size from the mean spend per purchase.
NAMING_RULES: dict[str, dict[str, Any]] = {
    "p_alive": {"cuts": (0.4, 0.6), "words": ("lapsing", "at-risk", "active"), "relative": False},
    "frequency": {"cuts": (0.5, 2.5), "words": ("one-time", "occasional", "frequent"), "relative": False},
    "mean_spend": {"cuts": (0.75, 1.25), "words": ("small-basket", "mid-basket", "big-basket"), "relative": True},
}


def name_segments(profiles: pd.DataFrame, rules: Mapping[str, Mapping[str, Any]] | None = None) -> pd.Series:
    """A name a manager can read for each segment of :func:`segment_profiles`: "active frequent buyers, mid-basket".

    Each rule (default :data:`NAMING_RULES`) looks at one column of the profile (segment means in
    original units) and picks the word for a mean below the first cut point, between the cut points,
    or at or above the second. Relative cut points are multiples of the customer-weighted mean of the
    column over all segments (e.g. a basket 25% above the average customer's). The last rule's word
    follows a comma; segments that would share a name get their number appended.

    Parameters
    ----------
    profiles : pandas.DataFrame
        A result of :func:`segment_profiles`: ``customers`` and a column per rule.
    rules : mapping, optional
        Column -> ``{"cuts": (low, high), "words": (below, between, above), "relative": bool}``;
        default :data:`NAMING_RULES`.

    Returns
    -------
    pandas.Series
        The name of each segment, on the index of ``profiles``, named ``name``.

    Examples
    --------
    The customer-weighted mean basket is (20·60 + 30·40 + 50·20) / 100 = 34, so the relative cut points
    are 25.5 and 42.5:

    >>> profiles = pd.DataFrame({"customers": [20, 30, 50], "p_alive": [0.9, 0.5, 0.2],
    ...                          "frequency": [4.0, 1.0, 0.0], "mean_spend": [60.0, 40.0, 20.0]}, index=[1, 2, 3])
    >>> name_segments(profiles).to_dict()
    {1: 'active frequent buyers, big-basket', 2: 'at-risk occasional buyers, mid-basket', 3: 'lapsing one-time buyers, small-basket'}
    """
    rules = dict(NAMING_RULES if rules is None else rules)
    require_columns(profiles, ["customers", *rules], what="the segment profiles")
    problems = [name for name, rule in rules.items()
                if len(rule.get("words", ())) != 3 or len(rule.get("cuts", ())) != 2
                or not all(_is_number(c) for c in rule["cuts"]) or not rule["cuts"][0] < rule["cuts"][1]]
    if problems:
        raise ParameterError(f"naming rules for {problems} need three words and two increasing cut points")
    weights = profiles["customers"].to_numpy(float)
    parts = {}
    for column, rule in rules.items():
        values = profiles[column].to_numpy(float)
        low, high = rule["cuts"]
        if rule.get("relative", False):
            overall = float(np.sum(weights * values) / weights.sum())
            low, high = low * overall, high * overall
        parts[column] = np.where(values < low, rule["words"][0],
                                 np.where(values < high, rule["words"][1], rule["words"][2]))
    words = list(parts.values())
    if len(words) == 1:
        names = list(words[0])
    else:
        names = [" ".join(w[:-1]) + " buyers, " + w[-1] for w in zip(*words)]
    series = pd.Series(names, index=profiles.index, name="name")
    dup = series.duplicated(keep=False)
    series[dup] = [f"{n} ({i})" for n, i in zip(series[dup], series.index[dup])]
    return series


# ---------------------------------------------------------------------------------------------------
# 4. Validation on the holdout


def holdout_comparison(features: pd.DataFrame, groupings: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Holdout behaviour of each group of each grouping: the measure every segmentation is judged on.

    Columns: ``customers``, ``holdout_active`` (share who bought in the holdout), ``holdout_purchases``
    and ``holdout_spend`` (means per customer), ``holdout_spend_share`` (share of all holdout spend).
    Index: (``grouping``, ``group``).

    Parameters
    ----------
    features : pandas.DataFrame
        One row per customer with ``holdout_purchases`` and ``holdout_spend`` (:func:`behaviour_features`).
    groupings : mapping of str to pandas.Series
        Name -> the group of each customer (segments, RFM groups, tiers), on the index of ``features``.

    Returns
    -------
    pandas.DataFrame
        One row per group of each grouping, with the columns above; groups shown as text.

    Examples
    --------
    >>> f = pd.DataFrame({"holdout_purchases": [0, 2, 1, 3], "holdout_spend": [0.0, 20.0, 10.0, 30.0]})
    >>> groupings = {"segments": pd.Series([2, 2, 1, 1]), "rfm": pd.Series(["low", "high", "low", "high"])}
    >>> holdout_comparison(f, groupings)[["customers", "holdout_active", "holdout_spend_share"]].round(3)
                    customers  holdout_active  holdout_spend_share
    grouping group
    segments 1              2             1.0                0.667
             2              2             0.5                0.333
    rfm      high           2             1.0                0.833
             low            2             0.5                0.167
    """
    data = _numeric_frame(features, list(HOLDOUT_COLUMNS), "the features")
    frames = []
    for name, groups in groupings.items():
        lab = _aligned(groups, data.index, f"grouping {name!r}")
        g = data.groupby(lab, sort=True, observed=True)
        part = pd.DataFrame({
            "customers": g.size().astype("int64"),
            "holdout_active": g["holdout_purchases"].apply(lambda s: float((s > 0).mean())),
            "holdout_purchases": g["holdout_purchases"].mean(),
            "holdout_spend": g["holdout_spend"].mean(),
            "holdout_spend_share": g["holdout_spend"].sum() / data["holdout_spend"].sum(),
        })
        part.index = pd.MultiIndex.from_product([[name], part.index.astype(str)], names=["grouping", "group"])
        frames.append(part)
    return pd.concat(frames)


def separation(features: pd.DataFrame, groupings: Mapping[str, pd.Series],
               measures: Sequence[str] = HOLDOUT_COLUMNS) -> pd.DataFrame:
    """How much of the holdout behaviour each grouping explains: eta², adjusted eta² and Kruskal–Wallis.

    For a measure y and g groups of sizes n_j: eta² = SS_between / SS_total; the adjusted value
    epsilon² = (SS_between − (g − 1) MS_within) / SS_total removes what g groups of noise would
    explain on average, so groupings with different numbers of groups compare fairly. The
    Kruskal–Wallis H test (scipy) asks whether the groups' distributions differ at all.

    Parameters
    ----------
    features : pandas.DataFrame
        One row per customer with the ``measures``.
    groupings : mapping of str to pandas.Series
        Name -> the group of each customer, on the index of ``features``; at least 2 groups each.
    measures : sequence of str, default :data:`HOLDOUT_COLUMNS`
        The columns to explain.

    Returns
    -------
    pandas.DataFrame
        One row per grouping: ``groups``, and for each measure m ``m_eta2``, ``m_eta2_adj`` and
        ``m_kruskal_p``.

    Examples
    --------
    y = 0, 2 | 10, 12: SS_total = 104, SS_within = 4, so eta² = 100/104 = 0.9615 and epsilon² =
    (100 − 1 · 4/2) / 104 = 0.9423:

    >>> f = pd.DataFrame({"holdout_purchases": [0, 2, 10, 12]})
    >>> table = separation(f, {"segments": pd.Series([2, 2, 1, 1])}, ["holdout_purchases"])
    >>> table.loc["segments"].round(4).to_dict()
    {'groups': 2.0, 'holdout_purchases_eta2': 0.9615, 'holdout_purchases_eta2_adj': 0.9423, 'holdout_purchases_kruskal_p': 0.1213}
    """
    from scipy.stats import kruskal

    data = _numeric_frame(features, list(measures), "the features")
    rows = []
    for name, groups in groupings.items():
        lab = _aligned(groups, data.index, f"grouping {name!r}").astype(str)
        g = lab.nunique()
        if g < 2:
            raise ParameterError(f"grouping {name!r} has {g} group: separation needs at least 2")
        row: dict[str, Any] = {"grouping": name, "groups": g}
        for m in measures:
            y = data[m]
            means = y.groupby(lab).transform("mean")
            ss_total = float(((y - y.mean()) ** 2).sum())
            ss_within = float(((y - means) ** 2).sum())
            ss_between = ss_total - ss_within
            ms_within = ss_within / (len(y) - g)
            row[f"{m}_eta2"] = ss_between / ss_total
            row[f"{m}_eta2_adj"] = (ss_between - (g - 1) * ms_within) / ss_total
            row[f"{m}_kruskal_p"] = float(kruskal(*[v.to_numpy() for _, v in y.groupby(lab)]).pvalue)
        rows.append(row)
    return pd.DataFrame(rows).set_index("grouping")


# ---------------------------------------------------------------------------------------------------
# 5. Profiles -> segments: multinomial logit


@dataclass(frozen=True)
class ProfileModel:
    """A multinomial logit of segment membership on profile variables (see :func:`profile_model`)."""

    coefficients: pd.DataFrame
    accuracy: float
    cv_accuracy: float
    baseline_accuracy: float
    log_loss: float
    null_log_loss: float
    model: Any
    design_columns: list[str]

    @property
    def pseudo_r2(self) -> float:
        """McFadden's pseudo R² = 1 − log L(model) / log L(intercepts only)."""
        return 1.0 - self.log_loss / self.null_log_loss


def _design(profiles: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    require_columns(profiles, list(columns), what="the profiles")
    parts = []
    for col in columns:
        values = profiles[col]
        check_rows(values.isna(), column=col, problem="missing profile value",
                   fix="fill in the value or remove these customers", data=profiles)
        cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
        dummies = pd.get_dummies(cat, prefix=col, prefix_sep="=", drop_first=True, dtype="float64")
        if dummies.shape[1] == 0:
            raise DataValidationError(f"profile variable {col!r} has a single category", column=col,
                                      fix="leave it out of the model")
        parts.append(dummies)
    return pd.concat(parts, axis=1)


def profile_model(
    profiles: pd.DataFrame,
    segments: pd.Series,
    columns: Sequence[str],
    *,
    cv_folds: int = 5,
    seed: int = 0,
) -> ProfileModel:
    """Multinomial logit of segment membership on categorical profile variables (scikit-learn).

    P(segment = s | profile) = exp(β_s'x) / sum_r exp(β_r'x), with x the dummies of every profile
    variable (the first category of each is the base) and β of the first segment fixed at 0, so each
    coefficient is the log odds ratio of being in segment s rather than the reference segment for a
    customer with that category rather than the base category, other variables held equal. Fitted by
    maximum likelihood without penalty (``LogisticRegression(C=np.inf)``; scikit-learn's symmetric
    parametrisation is converted by subtracting the reference segment's coefficients). A segment model
    with concomitant variables of this kind is the standard way to describe segments by who the
    customers are (Wedel & Kamakura 2000, ch. 7).

    Parameters
    ----------
    profiles : pandas.DataFrame
        One row per customer with the profile variables.
    segments : pandas.Series
        The segment of each customer, on the index of ``profiles``; at least two segments.
    columns : sequence of str
        The categorical profile variables, each with at least two categories.
    cv_folds : int, default 5
        Folds of the cross-validated accuracy (every segment needs at least that many customers).
    seed : int, default 0
        Random state of the folds.

    Returns
    -------
    ProfileModel
        ``coefficients`` (index segment and term, columns ``coef`` and ``odds_ratio``), in-sample
        ``accuracy``, ``cv_accuracy`` (seeded stratified ``cv_folds``-fold cross-validation),
        ``baseline_accuracy`` (always predicting the largest segment), mean ``log_loss`` of the model
        and ``null_log_loss`` of the segment shares alone.

    Examples
    --------
    In the north 3 of 4 customers are in segment 1, in the south 1 of 4: the log odds of segment 2 are
    log(1/3) = −1.099 in the north and log 3 in the south, a difference of 2.197 (odds ratio 9):

    >>> profiles = pd.DataFrame({"region": ["north"] * 4 + ["south"] * 4})
    >>> segments = pd.Series([1, 1, 1, 2, 1, 2, 2, 2])
    >>> fit = profile_model(profiles, segments, ["region"], cv_folds=2)
    >>> fit.coefficients.round(3)
                          coef  odds_ratio
    segment term
    2       intercept    -1.099       0.333
            region=south  2.197       9.000
    >>> fit.accuracy, fit.baseline_accuracy, round(fit.pseudo_r2, 3)
    (0.75, 0.5, 0.189)
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    X = _design(profiles, columns)
    y = _aligned(segments, X.index, "segments")
    classes = np.sort(y.unique())
    if len(classes) < 2:
        raise DataValidationError("all customers are in one segment: nothing to predict", column="segments",
                                  fix="pass at least two segments")
    if not (isinstance(cv_folds, numbers.Integral) and cv_folds >= 2):
        raise ParameterError(f"cv_folds = {cv_folds!r} must be a whole number >= 2")
    model = LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10).fit(X.to_numpy(), y.to_numpy())
    coef = np.column_stack([model.intercept_, model.coef_]) if len(classes) > 2 else \
        np.vstack([np.zeros(1 + X.shape[1]), np.r_[model.intercept_, model.coef_[0]]])
    coef = coef - coef[0]
    terms = ["intercept", *X.columns]
    rows = [(classes[i], term, coef[i, j]) for i in range(1, len(classes)) for j, term in enumerate(terms)]
    table = pd.DataFrame(rows, columns=["segment", "term", "coef"]).set_index(["segment", "term"])
    table["odds_ratio"] = np.exp(table["coef"])
    proba = model.predict_proba(X.to_numpy())
    position = np.searchsorted(model.classes_, y.to_numpy())
    log_loss = float(-np.mean(np.log(proba[np.arange(len(y)), position])))
    shares = y.value_counts(normalize=True)
    null_log_loss = float(-np.mean(np.log(shares.reindex(y.to_numpy()).to_numpy())))
    folds = StratifiedKFold(n_splits=cv_folds, shuffle=True, random_state=seed)
    cv = cross_val_score(LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10), X.to_numpy(), y.to_numpy(),
                         cv=folds, scoring="accuracy")
    return ProfileModel(
        coefficients=table,
        accuracy=float((model.predict(X.to_numpy()) == y.to_numpy()).mean()),
        cv_accuracy=float(cv.mean()),
        baseline_accuracy=float(shares.max()),
        log_loss=log_loss,
        null_log_loss=null_log_loss,
        model=model,
        design_columns=list(X.columns),
    )


# ---------------------------------------------------------------------------------------------------
# 6. Strategy: the source papers' treatments, by a cost-value rule


#: The treatments of the firm-size paper (刘莹莹), most personal first, with an ASSUMED cost per
#: customer over the planning period, in currency units (illustrative: a key-account manager's time, a
#: regional programme, automated e-mail). Replace the costs with the firm's own.
TREATMENTS = pd.DataFrame(
    [
        ("one_to_one", "key accounts: one-to-one care through an account manager", 15.0),
        ("one_to_many_by_region", "small and medium customers: one-to-many programmes by region", 2.5),
        ("low_cost", "scattered customers: automated contact at minimal cost", 0.5),
    ],
    columns=["treatment", "description", "cost_per_customer"],
).set_index("treatment")


def treatment_plan(
    expected_value: pd.Series,
    segments: pd.Series,
    *,
    treatments: pd.DataFrame | None = None,
    max_cost_share: float = 0.2,
    names: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """Assign each segment the most personal treatment whose cost stays within its expected value.

    For segment s with mean expected value v_s per customer over the planning period (e.g. expected
    purchases × spend per purchase), the affordable treatments are those with cost c ≤ ``max_cost_share``
    × v_s; the plan picks the most personal of them (the first row of ``treatments`` that fits,
    default :data:`TREATMENTS`), and the last (cheapest) treatment when none fits. The output shows
    for each segment the customers, the value per customer and in total, the chosen treatment, its
    total cost and the cost as a share of the segment's expected value.

    Parameters
    ----------
    expected_value : pandas.Series
        The expected value of each customer over the planning period, in currency units.
    segments : pandas.Series
        The segment of each customer, on the index of ``expected_value``.
    treatments : pandas.DataFrame, optional
        Indexed by treatment, most personal first, with ``cost_per_customer`` >= 0; default
        :data:`TREATMENTS`.
    max_cost_share : float, default 0.2
        The largest cost per customer as a share of the value per customer (> 0).
    names : mapping, optional
        Segment -> name (e.g. from :func:`name_segments`), shown in a first column ``name``.

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``customers``, ``value_per_customer``, ``value``, ``treatment``, ``cost``,
        ``cost_share_of_value`` and ``value_share``.

    Examples
    --------
    With the default costs 15, 2.5 and 0.5: 0.2 × 100 = 20 affords one-to-one care, 0.2 × 20 = 4
    the regional programme, and 0.2 × 1 = 0.2 nothing, so segment 3 gets the cheapest treatment:

    >>> value = pd.Series([100.0, 100.0, 20.0, 20.0, 1.0])
    >>> segments = pd.Series([1, 1, 2, 2, 3])
    >>> treatment_plan(value, segments)[["customers", "treatment", "cost", "cost_share_of_value"]]
             customers              treatment  cost  cost_share_of_value
    segment
    1                2             one_to_one  30.0                0.150
    2                2  one_to_many_by_region   5.0                0.125
    3                1               low_cost   0.5                0.500
    """
    table = TREATMENTS if treatments is None else treatments
    require_columns(table, ["cost_per_customer"], what="the treatments")
    costs = pd.to_numeric(table["cost_per_customer"], errors="coerce")
    check_rows(costs.isna() | (costs < 0), column="cost_per_customer", problem="cost must be a number >= 0",
               fix="give every treatment its cost per customer", data=table)
    check_number(max_cost_share, "max_cost_share", low=0, low_open=True)
    v = _numeric_frame(expected_value.rename("value").to_frame(), ["value"], "the expected values")["value"]
    lab = _aligned(segments, v.index, "segments")
    g = v.groupby(lab, sort=True)
    out = pd.DataFrame({"customers": g.size().astype("int64"), "value_per_customer": g.mean(), "value": g.sum()})
    chosen = []
    for per_customer in out["value_per_customer"]:
        fits = costs[costs <= max_cost_share * per_customer]
        chosen.append(fits.index[0] if len(fits) else costs.index[-1])
    out["treatment"] = chosen
    out["cost"] = out["customers"] * costs.reindex(chosen).to_numpy()
    out["cost_share_of_value"] = out["cost"] / out["value"]
    out["value_share"] = out["value"] / out["value"].sum()
    if names is not None:
        out.insert(0, "name", [names.get(s, str(s)) for s in out.index])
    out.index.name = lab.name or "segment"
    return out


# ---------------------------------------------------------------------------------------------------
# 7. Plots


def plot_k_selection(table: pd.DataFrame, criterion: Literal["silhouette", "bic"] = "silhouette",
                     ax: Any = None) -> Any:
    """The silhouette of k-means and of the mixture against k, or the mixture's BIC against k.

    A dotted line marks the best k: the highest k-means silhouette, or the lowest BIC.

    Parameters
    ----------
    table : pandas.DataFrame
        A result of :func:`choose_k`.
    criterion : {"silhouette", "bic"}, default "silhouette"
        What to plot.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> table = pd.DataFrame({"gmm_bic": [30.0, 25.0, 28.0]}, index=pd.Index([2, 3, 4], name="k"))
    >>> ax = plot_k_selection(table, "bic")
    >>> ax.get_legend_handles_labels()[1]
    ['BIC', 'minimum at k = 3']
    >>> plt.close(ax.figure)
    """
    ax = axes(ax)
    if criterion == "silhouette":
        require_columns(table, ["kmeans_silhouette", "gmm_silhouette"], what="the k-selection table")
        ax.plot(table.index, table["kmeans_silhouette"], marker="o", label="k-means")
        ax.plot(table.index, table["gmm_silhouette"], marker="s", label="Gaussian mixture")
        best = table["kmeans_silhouette"].idxmax()
        ax.axvline(best, color="grey", linestyle=":", linewidth=1)
        ax.set(title="Choosing k: mean silhouette width (higher is better)", xlabel="number of segments k",
               ylabel="mean silhouette width (−1 to 1)")
        ax.legend(fontsize=8)
    elif criterion == "bic":
        require_columns(table, ["gmm_bic"], what="the k-selection table")
        ax.plot(table.index, table["gmm_bic"], marker="s", color="tab:orange", label="BIC")
        best = table["gmm_bic"].idxmin()
        ax.axvline(best, color="grey", linestyle=":", linewidth=1, label=f"minimum at k = {best}")
        ax.set(title="Choosing k: BIC of the Gaussian mixture (lower is better)", xlabel="number of segments k",
               ylabel="BIC (−2 log L + p log n)")
        ax.legend(fontsize=8)
    else:
        raise ParameterError(f"criterion = {criterion!r} must be 'silhouette' or 'bic'")
    ax.set_xticks(list(table.index))
    return ax


def plot_segment_heatmap(centroids: pd.DataFrame, ax: Any = None, *, names: Mapping[Any, str] | None = None) -> Any:
    """Heat map of the standardised centroids (segments x features), each cell annotated with its z-score.

    The colour scale is symmetric, from −m to m with m the largest absolute z-score (at least 1).

    Parameters
    ----------
    centroids : pandas.DataFrame
        Mean z-score of each feature (columns) per segment (index), e.g.
        ``standardise(features).groupby(labels).mean()``.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure).
    names : mapping, optional
        Segment -> name, shown as "segment: name" on the vertical axis.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (with a colour bar beside it).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> centroids = pd.DataFrame({"frequency": [1.2, -0.8], "p_alive": [0.9, -0.6]}, index=[1, 2])
    >>> ax = plot_segment_heatmap(centroids, names={1: "loyal", 2: "lapsing"})
    >>> [t.get_text() for t in ax.get_yticklabels()], [t.get_text() for t in ax.texts]
    (['1: loyal', '2: lapsing'], ['+1.2', '+0.9', '-0.8', '-0.6'])
    >>> plt.close(ax.figure)
    """
    ax = axes(ax)
    values = centroids.to_numpy(float)
    limit = max(1.0, float(np.nanmax(np.abs(values))))
    image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j]:+.1f}", ha="center", va="center", fontsize=8,
                    color="white" if abs(values[i, j]) > 0.6 * limit else "black")
    labels = [f"{s}: {names[s]}" if names is not None else str(s) for s in centroids.index]
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xticks(range(values.shape[1]), list(centroids.columns), rotation=30, ha="right")
    ax.grid(False)
    ax.set(title="Segment centroids (standardised features)", xlabel="feature (z-score after log where used)",
           ylabel="segment")
    ax.figure.colorbar(image, ax=ax, label="mean z-score (standard deviations)")
    return ax


def plot_stability(table: pd.DataFrame, ax: Any = None) -> Any:
    """The adjusted Rand index of every replicate of :func:`stability`, by kind (seed / bootstrap).

    A box plot per kind (means marked) with the replicates as points.

    Parameters
    ----------
    table : pandas.DataFrame
        A result of :func:`stability` (columns ``kind`` and ``ari``).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> table = pd.DataFrame({"kind": ["seed", "seed", "bootstrap"], "replicate": [1, 2, 1], "ari": [1.0, 0.9, 0.7]})
    >>> ax = plot_stability(table)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['seed', 'bootstrap']
    >>> plt.close(ax.figure)
    """
    require_columns(table, ["kind", "ari"], what="the stability table")
    ax = axes(ax)
    kinds = list(dict.fromkeys(table["kind"]))
    data = [table.loc[table["kind"] == k, "ari"].to_numpy() for k in kinds]
    ax.boxplot(data, tick_labels=kinds, showmeans=True)
    for i, d in enumerate(data, start=1):
        ax.scatter(np.full(len(d), i) + np.linspace(-0.08, 0.08, len(d)), d, s=10, alpha=0.6, color="tab:blue")
    ax.set(title="Stability: agreement with the reference segmentation", xlabel="replicate kind",
           ylabel="adjusted Rand index (1 = identical)")
    ax.set_ylim(min(0.0, float(table["ari"].min()) - 0.05), 1.05)
    return ax


def plot_holdout_comparison(comparison: pd.DataFrame, measure: str = "holdout_spend", ax: Any = None, *,
                            unit: str = "US$ per customer") -> Any:
    """Mean holdout behaviour of every group, one panel of bars per grouping side by side.

    Parameters
    ----------
    comparison : pandas.DataFrame
        A result of :func:`holdout_comparison`.
    measure : str, default "holdout_spend"
        The column to plot.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure).
    unit : str, default "US$ per customer"
        The unit of ``measure``, in the axis label.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``; each grouping's bars share a colour.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> f = pd.DataFrame({"holdout_purchases": [0, 2, 1, 3], "holdout_spend": [0.0, 20.0, 10.0, 30.0]})
    >>> comparison = holdout_comparison(f, {"segments": pd.Series([2, 2, 1, 1])})
    >>> ax = plot_holdout_comparison(comparison)
    >>> [float(bar.get_height()) for bar in ax.patches], ax.get_ylabel()
    ([20.0, 10.0], 'holdout spend (US$ per customer)')
    >>> plt.close(ax.figure)
    """
    require_columns(comparison, [measure], what="the holdout comparison")
    ax = axes(ax)
    positions, ticks, colours = [], [], []
    palette = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown"]
    x = 0.0
    for i, (grouping, part) in enumerate(comparison.groupby(level="grouping", sort=False)):
        for group in part.index.get_level_values("group"):
            positions.append(x)
            ticks.append(f"{grouping}: {group}")
            colours.append(palette[i % len(palette)])
            x += 1
        x += 0.6
    ax.bar(positions, comparison[measure].to_numpy(), color=colours)
    ax.set_xticks(positions, ticks, rotation=40, ha="right", fontsize=8)
    label = measure.replace("_", " ")
    ax.set(title=f"Groups formed in the calibration period: mean {label}", xlabel="grouping: group",
           ylabel=f"{label} ({unit})")
    return ax


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)
