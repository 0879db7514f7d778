"""Model checking: the calibration-period fit, holdout predictions by frequency, tracking over time,
likelihood-ratio tests and a comparison table of models (Fader, Hardie & Lee 2005a, Figures 1-4;
Fader, Hardie & Shang 2010, Figure 4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from crmlab.clv import fitters as lt
from crmlab.clv.fit import log_likelihood
from crmlab.clv.kernel import holdout_periods
from crmlab.clv.models import BTYD_MODELS, MODELS, columns_for, model_name, model_spec
from crmlab.clv.predict import expected_purchases, expected_repeat_purchases, purchase_count_pmf
from crmlab.errors import DataValidationError, ParameterError
from crmlab.transactions import check_freq, leave_out_after_end, period_codes, to_timestamp, validate_log



def require_cal_holdout(cal_holdout: pd.DataFrame) -> None:
    """Refuse a calibration/holdout table without the columns of :func:`crmlab.clv.calibration_holdout`.

    Parameters
    ----------
    cal_holdout : pandas.DataFrame

    Returns
    -------
    None
        A :class:`~crmlab.errors.DataValidationError` names the first missing column.

    Examples
    --------
    >>> require_cal_holdout(pd.DataFrame(columns=["frequency_cal", "recency_cal", "T_cal", "frequency_holdout",
    ...                                           "duration_holdout"]))
    """
    required = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]
    missing = [c for c in required if c not in getattr(cal_holdout, "columns", ())]
    if missing:
        raise DataValidationError(
            f"cal_holdout needs the columns {missing}", column=missing[0],
            fix="build it with crmlab.clv.calibration_holdout(transactions, calibration_end, observation_end)",
        )


def holdout_by_frequency(
    model: lt.BaseFitter, cal_holdout: pd.DataFrame, max_frequency: int = 7
) -> pd.DataFrame:
    """Mean holdout purchases, actual and predicted, by calibration frequency (FHL 2005a, Figure 4).

    Customers with ``frequency_cal >= max_frequency`` are pooled in the last bin (``"7+"``).

    Parameters
    ----------
    model : fitted BTYD model
    cal_holdout : pandas.DataFrame
        From :func:`crmlab.clv.calibration_holdout`.
    max_frequency : int, default 7
        The first pooled bin.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``frequency_cal`` ("0" ... "7+"): ``customers``, ``actual`` and ``predicted`` means.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> cal = pd.DataFrame({"frequency_cal": [0, 2], "recency_cal": [0.0, 30.43], "T_cal": [38.86, 38.86],
    ...                     "frequency_holdout": [0, 1], "duration_holdout": [39.0, 39.0]})
    >>> holdout_by_frequency(bgnbd, cal, max_frequency=2)["predicted"].round(3).tolist()
    [0.195, nan, 1.226]
    """
    require_cal_holdout(cal_holdout)
    if not (isinstance(max_frequency, (int, np.integer)) and max_frequency >= 1):
        raise ParameterError(f"max_frequency={max_frequency!r} must be a whole number >= 1")
    predicted = np.asarray(
        expected_purchases(model, cal_holdout["frequency_cal"], cal_holdout["recency_cal"],
                           cal_holdout["T_cal"], cal_holdout["duration_holdout"]), dtype=float,
    )
    x = cal_holdout["frequency_cal"].to_numpy()
    bins = np.minimum(x, max_frequency).astype(int)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    frame = pd.DataFrame({"bin": bins, "actual": cal_holdout["frequency_holdout"].to_numpy(dtype=float),
                          "predicted": predicted})
    table = frame.groupby("bin").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                     predicted=("predicted", "mean"))
    table = table.reindex(range(max_frequency + 1))
    table.index = pd.Index(labels, name="frequency_cal")
    table["customers"] = table["customers"].fillna(0).astype("int64")
    return table


def likelihood_ratio_test(restricted: lt.BaseFitter, full: lt.BaseFitter) -> dict[str, float]:
    """LR = 2 (LL_full - LL_restricted) ~ chi2(k_full - k_restricted) for nested models on the same data.

    Parameters
    ----------
    restricted, full : fitted models
        Nested, fitted on the same data; ``full`` has more parameters.

    Returns
    -------
    dict
        ``lr_statistic``, ``df`` and ``p_value``.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> counts = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> test = likelihood_ratio_test(fit(counts, "sbg"), fit(counts, "sbg"))
    Traceback (most recent call last):
    ...
    crmlab.errors.ParameterError: the full model must have more parameters than the restricted one
    """
    df = len(full.params_) - len(restricted.params_)
    if df <= 0:
        raise ParameterError("the full model must have more parameters than the restricted one")
    stat = 2.0 * (log_likelihood(full) - log_likelihood(restricted))
    return {"lr_statistic": stat, "df": df, "p_value": float(stats.chi2.sf(max(stat, 0.0), df))}


def compare_models(
    models: Mapping[str, lt.BaseFitter],
    cal_holdout: pd.DataFrame,
    nested: Sequence[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Log-likelihood, parameters, AIC, BIC and holdout errors per model (one row each).

    AIC = 2k - 2LL, BIC = k ln(N) - 2LL (N customers). Holdout errors compare each customer's
    predicted with actual ``frequency_holdout``: MAE, RMSE and bias (mean predicted - actual).
    ``nested`` lists (restricted, full) pairs of names for likelihood-ratio tests.

    Parameters
    ----------
    models : mapping of str to fitted model
    cal_holdout : pandas.DataFrame
        From :func:`crmlab.clv.calibration_holdout`.
    nested : sequence of (str, str)
        (restricted, full) names for likelihood-ratio tests.

    Returns
    -------
    pandas.DataFrame
        One row per model.

    Examples
    --------
    >>> from crmlab.clv import calibration_holdout, fit
    >>> from crmlab.datasets import load_cdnow_summary
    >>> summary = load_cdnow_summary()
    >>> cal = pd.DataFrame({"frequency_cal": summary["frequency"], "recency_cal": summary["recency"],
    ...                     "T_cal": summary["T"], "frequency_holdout": 0, "duration_holdout": 39.0})
    >>> compare_models({"bgnbd": fit(summary, "bgnbd")}, cal)["log_likelihood"].round(1).tolist()
    [-9582.4]
    """
    require_cal_holdout(cal_holdout)
    actual = cal_holdout["frequency_holdout"].to_numpy(dtype=float)
    rows = {}
    for name, model in models.items():
        spec = model_spec(model)
        ll = log_likelihood(model)
        k = len(model.params_)
        n = int(round(model.data["weights"].sum())) if "weights" in model.data else len(model.data)
        predicted = np.asarray(expected_purchases(
            model, cal_holdout["frequency_cal"], cal_holdout["recency_cal"], cal_holdout["T_cal"],
            cal_holdout["duration_holdout"]), dtype=float)
        error = predicted - actual
        rows[name] = {
            "model": spec.label,
            "parameters": ", ".join(f"{p}={v:.4g}" for p, v in model.params_.items()),
            "n_params": k,
            "log_likelihood": ll,
            "AIC": 2 * k - 2 * ll,
            "BIC": k * np.log(n) - 2 * ll,
            "holdout_MAE": float(np.mean(np.abs(error))),
            "holdout_RMSE": float(np.sqrt(np.mean(error ** 2))),
            "holdout_bias": float(np.mean(error)),
        }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("name")
    for restricted, full in nested:
        if restricted not in models or full not in models:
            raise ParameterError(f"nested pair {(restricted, full)} names a model not in `models`")
        test = likelihood_ratio_test(models[restricted], models[full])
        table.loc[full, f"LR vs {restricted}"] = test["lr_statistic"]
        table.loc[full, f"p vs {restricted}"] = test["p_value"]
    return table


def tracking(
    model: lt.BaseFitter,
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp | None = None,
    observation_end: str | pd.Timestamp | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    freq: str = "D",
    freq_multiplier: float = 7,
    *,
    periods: int | None = None,
    actual: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Actual vs expected repeat transactions per model time unit, incremental and cumulative.

    Continuous-time models: the cohort is every customer whose first purchase is on or before
    ``calibration_end``; time 0 is the start of the cohort's first purchase period, customer i enters
    at b_i and the expected cumulative count at time t is sum_i E[X(t - b_i)] (FHL 2005a, Figures
    2-3). Actual repeat transactions are purchase periods (of ``freq``) after each customer's first,
    as in the summary.

    BG/BB: ``transactions`` is the calibration summary (``frequency``, ``recency``, ``n_periods`` or
    ``periods``, optional ``weights``); a customer with n opportunities entered max(n) - n
    opportunities after the first ones, and the expected count up to opportunity k is
    sum_i E[X(k - b_i)] (Fader, Hardie & Shang 2010, Figure 4). Give ``periods`` (opportunities to
    track) and, to compare, ``actual`` (repeat transactions at each opportunity).

    Parameters
    ----------
    model : fitted model
    transactions : pandas.DataFrame
        The log (BG/BB: the calibration summary).
    calibration_end, observation_end : date
    customer_col, date_col : str
    freq, freq_multiplier
        The period and the periods per model time unit.
    periods : int, optional
        BG/BB: opportunities to track.
    actual : sequence of float, optional
        BG/BB: actual repeat transactions per opportunity.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period``: ``actual``, ``expected`` and their cumulative sums.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.clv.fitters import BetaGeoFitter
    >>> bgnbd = BetaGeoFitter()
    >>> bgnbd.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})  # FHL (2005a), CDNOW
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01", "2024-01-20", "2024-01-03"]})
    >>> tracking(bgnbd, log, "2024-01-10", "2024-01-21")["actual_cumulative"].tolist()
    [0.0, 0.0, 1.0]
    """
    if model_spec(model).name == "bgbb":
        return _bgbb_tracking(model, transactions, periods, actual)
    if calibration_end is None:
        raise ParameterError("calibration_end is required: the date that ends the calibration period")
    check_freq(freq, freq_multiplier)
    customers, dates, _, _ = validate_log(transactions, customer_col, date_col)
    cal_end = to_timestamp(calibration_end, "calibration_end")
    obs_end = pd.Timestamp(dates.max()) if observation_end is None else to_timestamp(observation_end, "observation_end")
    cal_period, end_period = holdout_periods(cal_end, obs_end, freq)
    codes = period_codes(dates, freq)
    keep = codes <= end_period
    leave_out_after_end(int(len(keep) - np.count_nonzero(keep)), len(keep), obs_end, date_col)
    cust, _ = pd.factorize(customers[keep], sort=True)
    codes = codes[keep]
    order = np.lexsort((codes, cust))
    cust, codes = cust[order], codes[order]
    distinct = np.r_[True, (cust[1:] != cust[:-1]) | (codes[1:] != codes[:-1])]
    cust, codes = cust[distinct], codes[distinct]
    first_row = np.r_[True, cust[1:] != cust[:-1]]
    birth = np.repeat(codes[first_row], np.diff(np.r_[np.flatnonzero(first_row), len(cust)]))
    in_cohort = birth <= cal_period
    origin = int(birth[in_cohort].min())
    n_units = int(np.ceil((end_period + 1 - origin) / freq_multiplier))
    repeat = in_cohort & ~first_row
    unit = ((codes[repeat] - origin) // freq_multiplier).astype(int)
    actual = np.bincount(unit, minlength=n_units)[:n_units].astype(float)

    births, counts = np.unique((codes[first_row & in_cohort] - origin) / freq_multiplier, return_counts=True)
    ends = np.arange(1, n_units + 1, dtype=float)
    ages = np.clip(ends[:, None] - births[None, :], 0.0, None)
    expected_cum = np.asarray(expected_repeat_purchases(model, ages.ravel()), dtype=float).reshape(ages.shape) @ counts
    out = pd.DataFrame(
        {
            "actual": actual,
            "expected": np.diff(np.r_[0.0, expected_cum]),
            "actual_cumulative": np.cumsum(actual),
            "expected_cumulative": expected_cum,
        },
        index=pd.Index(np.arange(1, n_units + 1), name="period"),
    )
    out.attrs.update(
        calibration_periods=(cal_period + 1 - origin) / freq_multiplier,
        customers=int(counts.sum()),
        time_unit=f"{freq_multiplier:g} x {freq}",
    )
    return out


def _bgbb_tracking(
    model: lt.BaseFitter, summary: pd.DataFrame, periods: int | None, actual: Sequence[float] | None
) -> pd.DataFrame:
    """Expected (and actual, when given) repeat transactions per opportunity of a BG/BB cohort."""
    if not (isinstance(periods, (int, np.integer)) and periods >= 1):
        raise ParameterError(
            f"periods={periods!r}: for BG/BB give the number of transaction opportunities to track, "
            "e.g. periods=11 for the donations cohort's years 1996-2006"
        )
    names = columns_for(summary, MODELS["bgbb"])
    n = pd.to_numeric(summary[names["n_periods"]], errors="raise").to_numpy(dtype=float)
    weights = summary["weights"].to_numpy(dtype=float) if "weights" in summary.columns else np.ones(len(n))
    birth = n.max() - n
    k = np.arange(1, periods + 1, dtype=float)
    ages = np.clip(k[:, None] - birth[None, :], 0.0, None)
    expected_cum = np.asarray(expected_repeat_purchases(model, ages.ravel()), dtype=float).reshape(ages.shape) @ weights
    out = pd.DataFrame({"expected": np.diff(np.r_[0.0, expected_cum]), "expected_cumulative": expected_cum},
                       index=pd.Index(np.arange(1, periods + 1), name="period"))
    if actual is not None:
        counts = np.asarray(actual, dtype=float)
        if counts.shape != (periods,) or np.any(~np.isfinite(counts)) or np.any(counts < 0):
            raise ParameterError(
                f"actual must be {periods} counts >= 0 (one per opportunity), got {np.size(counts)} values")
        out.insert(0, "actual", counts)
        out.insert(2, "actual_cumulative", np.cumsum(counts))
    out.attrs.update(calibration_periods=float(n.max()), customers=int(round(weights.sum())), time_unit="opportunity")
    return out


def _column(summary: pd.DataFrame, names: Sequence[str]) -> str:
    hit = next((n for n in names if n in summary.columns), None)
    if hit is None:
        raise DataValidationError(
            f"the summary needs one of the columns {list(names)}", column=names[0],
            fix=f"the summary has {list(summary.columns)}; build it with crmlab.clv.rfm_summary",
        )
    return hit


def frequency_fit(model: object, summary: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Calibration-period fit: actual and expected numbers of customers with x = 0, 1, ..., ``max_frequency``+
    repeat purchases (FHL 2005a, Figure 1), and a chi-square goodness-of-fit statistic.

    The expected count in bin x is sum_i w_i P(X(T_i) = x) over customers i (weights w_i from a
    ``weights`` column, else 1), with each customer's own T_i (n_i for BG/BB); the last bin pools
    x >= ``max_frequency``. chi2 = sum (actual - expected)^2 / expected, with (bins - 1 - parameters)
    degrees of freedom, in ``attrs`` (``chi_square``, ``df``, ``p_value``).

    Parameters
    ----------
    model : fitted BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model
    summary : DataFrame
        The calibration summary the model was fitted to (``frequency`` or ``frequency_cal``; ``T`` or
        ``T_cal``, for BG/BB ``n_periods`` or ``periods``; optional ``weights``).
    max_frequency : int
        The first pooled bin (default 7: bins 0..6 and 7+).

    Returns
    -------
    DataFrame
        Index ``frequency`` ("0", ..., "7+"); columns ``actual`` and ``expected``.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> from crmlab.datasets import load_cdnow_summary
    >>> summary = load_cdnow_summary()
    >>> table = frequency_fit(fit(summary, "bgnbd"), summary)
    >>> int(table.loc["0", "actual"])
    1411
    """
    name = model_name(model)
    if name not in BTYD_MODELS:
        raise ParameterError(f"frequency_fit needs a BG/NBD, Pareto/NBD, MBG/NBD or BG/BB model, not {name!r}")
    if not (isinstance(max_frequency, (int, np.integer)) and max_frequency >= 1):
        raise ParameterError(f"max_frequency={max_frequency!r} must be a whole number >= 1")
    if not isinstance(summary, pd.DataFrame) or len(summary) == 0:
        raise DataValidationError("expected a non-empty summary DataFrame",
                                  fix="build it with crmlab.clv.rfm_summary or calibration_holdout")
    x = summary[_column(summary, ("frequency", "frequency_cal"))].to_numpy(dtype=float)
    age_names = ("n_periods", "periods", "n_periods_cal") if name == "bgbb" else ("T", "T_cal")
    age = summary[_column(summary, age_names)].to_numpy(dtype=float)
    weights = summary["weights"].to_numpy(dtype=float) if "weights" in summary.columns else np.ones(len(x))
    ages, which = np.unique(age, return_inverse=True)
    counts = np.bincount(which, weights=weights)
    bins = np.arange(max_frequency)
    grid_x, grid_t = np.meshgrid(bins, ages)
    pmf = np.asarray(purchase_count_pmf(model, grid_x.ravel(), grid_t.ravel()), dtype=float).reshape(grid_x.shape)
    expected = counts @ pmf
    total = weights.sum()
    expected = np.r_[expected, total - expected.sum()]
    actual = np.bincount(np.minimum(x, max_frequency).astype(int), weights=weights, minlength=max_frequency + 1)
    table = pd.DataFrame({"actual": actual[: max_frequency + 1], "expected": expected},
                         index=pd.Index([str(k) for k in bins] + [f"{max_frequency}+"], name="frequency"))
    chi_square = float(((table["actual"] - table["expected"]) ** 2 / table["expected"]).sum())
    df = len(table) - 1 - len(model.params_)
    table.attrs.update(chi_square=chi_square, df=df,
                       p_value=float(stats.chi2.sf(chi_square, df)) if df > 0 else float("nan"))
    return table
