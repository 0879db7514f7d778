"""Customer lifetime value from a user's own transaction file: what ``crmlab clv FILE …`` runs.

1. read and validate the log (:func:`crmlab.datasets.read_transactions`);
2. validate BG/NBD on a calibration/holdout split (holdout errors, the tracking plot);
3. refit on the whole log and predict for every customer: P(alive), expected purchases over the
   horizon and, with amounts, Gamma-Gamma spend and discounted CLV (Fader, Hardie & Lee 2005);
4. write ``predictions.csv``, ``report.png`` (one page) and ``report.html`` (the same page, offline).
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab.clv.diagnostics import holdout_by_frequency, tracking
from crmlab.clv.fit import fit, parameter_table
from crmlab.clv.predict import customer_lifetime_value, expected_purchases, probability_alive
from crmlab.clv.plots import plot_clv_distribution, plot_holdout_by_frequency, plot_tracking
from crmlab.clv.summary import calibration_holdout, rfm_summary
from crmlab.datasets import read_transactions
from crmlab.errors import ParameterError
from crmlab.transactions import TIME_UNITS, check_date_format, to_timestamp
from crmlab.validation import check_number, check_output_folder

#: The files a report writes into its folder.
REPORT_FILES = ("predictions.csv", "report.png", "report.html")


def rate_per_unit(annual_rate: float, units_per_year: float) -> float:
    """The discount rate per model time unit equivalent to ``annual_rate`` a year: (1 + a)^(1/n) - 1.

    Parameters
    ----------
    annual_rate : float
        a, per year.
    units_per_year : float
        n, e.g. 12 for months.

    Returns
    -------
    float

    Examples
    --------
    >>> round(rate_per_unit(0.10, 12), 6)  # 10% a year is 0.797% a month
    0.007974
    """
    return (1.0 + annual_rate) ** (1.0 / units_per_year) - 1.0


def clv_report(
    file: str | os.PathLike[str],
    *,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    calibration_end: str,
    observation_end: str | None = None,
    date_format: str | None = None,
    freq: str = "W",
    horizon: float = 52,
    annual_discount_rate: float = 0.10,
    output: str | os.PathLike[str] = "crmlab-clv",
    progress: bool = True,
    force: bool = False,
    encoding: str = "utf-8",
) -> list[Path]:
    """Validate, fit, predict and report; returns the paths written (CSV, PNG, HTML).

    ``horizon`` is in model time units (days, weeks or months for ``freq`` "D", "W", "M"), a whole number
    up to 100 years. ``annual_discount_rate`` is a rate per year, converted to the time unit by
    :func:`rate_per_unit` (10% a year is 0.183% a week); the report states both. Every argument and the
    output folder are checked before the log is read: ``output`` must be a writable folder, and earlier
    results there are kept unless ``force``.

    Parameters
    ----------
    file : path
        The transaction log (CSV, TSV or Parquet).
    customer_col, date_col, amount_col : str
        Columns (``amount_col=None``: no spend, no CLV).
    calibration_end, observation_end : str
    date_format : str, optional
    freq : {"D", "W", "M"}
        The model time unit (:data:`crmlab.transactions.TIME_UNITS`).
    horizon : float, default 52
    annual_discount_rate : float, default 0.10
    output : path, default "crmlab-clv"
    progress, force : bool
    encoding : str, default "utf-8"

    Returns
    -------
    list of pathlib.Path
        ``predictions.csv``, ``report.png``, ``report.html``.

    Examples
    --------
    >>> clv_report("log.csv", customer_col="id", date_col="day", amount_col=None, calibration_end="2024-01-01",
    ...            freq="Y")
    Traceback (most recent call last):
    ...
    crmlab.errors.ParameterError: freq='Y': use one of ['D', 'M', 'W'] (days, weeks, calendar months)
    """
    from tqdm.auto import tqdm

    if not isinstance(freq, str) or freq not in TIME_UNITS:
        raise ParameterError(f"freq={freq!r}: use one of {sorted(TIME_UNITS)} (days, weeks, calendar months)")
    units_per_year = TIME_UNITS[freq][3]
    horizon = check_number(horizon, "horizon", low=1, high=round(100 * units_per_year))
    if horizon % 1:
        raise ParameterError(f"horizon={horizon:g} must be a whole number of {TIME_UNITS[freq][2]}s")
    annual_discount_rate = check_number(annual_discount_rate, "discount_rate", low=0, high=1)
    check_date_format(date_format)
    cal_end = to_timestamp(calibration_end, "calibration_end")
    if observation_end is not None and to_timestamp(observation_end, "observation_end") <= cal_end:
        raise ParameterError(f"observation_end {observation_end} must be after calibration_end {calibration_end}")
    folder = check_output_folder(output, REPORT_FILES, force=force, name="--output")
    # a progress bar on a terminal only (disable=None); never in logs or captured output
    with tqdm(total=5, desc="crmlab clv", unit="step", disable=None if progress else True) as steps:
        return _run(steps, file, customer_col, date_col, amount_col, calibration_end, observation_end,
                    date_format, freq, int(horizon), annual_discount_rate, folder, encoding, cal_end)


def _run(steps, file, customer_col, date_col, amount_col, calibration_end, observation_end, date_format,
         freq, horizon, annual_discount_rate, folder: Path, encoding, cal_end: pd.Timestamp) -> list[Path]:
    period, multiplier, unit, units_per_year = TIME_UNITS[freq]
    discount_rate = rate_per_unit(annual_discount_rate, units_per_year)

    steps.set_postfix_str("reading")
    tx = read_transactions(file, customer_col, date_col, amount_col, date_format, observation_end=observation_end,
                           encoding=encoding)
    end = to_timestamp(observation_end, "observation_end") if observation_end else tx["date"].max()
    money = "amount" if amount_col else None
    steps.update()

    steps.set_postfix_str("holdout validation")
    cal = calibration_holdout(tx, calibration_end, end, monetary_col=money, freq=period, freq_multiplier=multiplier)
    cal_summary = cal.rename(columns={"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T"})
    validation_model = fit(cal_summary[["frequency", "recency", "T"]], "bgnbd")
    by_frequency = holdout_by_frequency(validation_model, cal)
    predicted = expected_purchases(validation_model, cal["frequency_cal"], cal["recency_cal"], cal["T_cal"],
                                   cal["duration_holdout"])
    error = predicted - cal["frequency_holdout"]
    track = tracking(validation_model, tx, cal_end, end, freq=period, freq_multiplier=multiplier)
    steps.update()

    steps.set_postfix_str("fitting on the whole log")
    summary = rfm_summary(tx, monetary_col=money, freq=period, freq_multiplier=multiplier, observation_end=end)
    model = fit(summary[["frequency", "recency", "T"]], "bgnbd")
    steps.update()

    steps.set_postfix_str("predicting")
    out = summary.copy()
    out["p_alive"] = probability_alive(model, summary["frequency"], summary["recency"], summary["T"])
    out[f"expected_purchases_{horizon:g}{freq}"] = expected_purchases(
        model, summary["frequency"], summary["recency"], summary["T"], horizon
    )
    params = parameter_table(model).assign(model="BG/NBD")
    if money:
        repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
        spend_model = fit(repeat[["frequency", "monetary_value"]], "gamma_gamma")
        out["clv"] = customer_lifetime_value(
            model, spend_model, summary["frequency"], summary["recency"], summary["T"],
            summary["monetary_value"], horizon=horizon, period_length=1.0, discount_rate=discount_rate,
        )
        params = pd.concat([params, parameter_table(spend_model).assign(model="Gamma-Gamma")])
    steps.update()

    steps.set_postfix_str("writing")
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / "predictions.csv"
    out.round(6).to_csv(csv)
    figure = _figure(track, by_frequency, out, unit)
    png = folder / "report.png"
    figure.savefig(png, dpi=100)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    figure.clear()
    facts = {
        "transactions": f"{len(tx):,}",
        "customers": f"{len(summary):,}",
        "period": f"{tx['date'].min():%Y-%m-%d} to {end:%Y-%m-%d} (calibration to {cal_end:%Y-%m-%d})",
        "time unit": unit,
        "horizon": f"{horizon} {unit}s = {horizon / units_per_year:.2f} years, from {end:%Y-%m-%d} to "
                   f"{end + pd.Timedelta(days=horizon * 365.25 / units_per_year):%Y-%m-%d}",
        "discount rate": f"{annual_discount_rate:.2%} a year = {discount_rate:.4%} a {unit}",
        "holdout MAE per customer": f"{np.abs(error).mean():.3f} purchases",
        "holdout bias (predicted - actual)": f"{error.sum():+.1f} purchases in total",
        "mean P(alive)": f"{out['p_alive'].mean():.3f}",
    }
    if money:
        facts[f"total CLV over {horizon} {unit}s (discounted at {annual_discount_rate:.2%} a year)"] = (
            f"{out['clv'].sum():,.2f}"
        )
    page = folder / "report.html"
    page.write_text(_html(facts, params, base64.b64encode(buffer.getvalue()).decode()), encoding="utf-8")
    steps.update()
    return [csv, png, page]


def _figure(track: pd.DataFrame, by_frequency: pd.DataFrame, predictions: pd.DataFrame, unit: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 8), layout="constrained")
    axes = fig.subplots(2, 2)
    plot_tracking(track, cumulative=True, unit=unit, ax=axes[0, 0])
    plot_holdout_by_frequency(by_frequency, ax=axes[0, 1])
    axes[1, 0].hist(predictions["p_alive"], bins=20, range=(0, 1), color="tab:blue")
    axes[1, 0].set(title="P(alive) at the end of the data", xlabel="probability alive",
                   ylabel="customers (count)")
    if "clv" in predictions:
        plot_clv_distribution(predictions["clv"], currency="currency units", ax=axes[1, 1])
    else:
        column = [c for c in predictions.columns if c.startswith("expected_purchases")][0]
        axes[1, 1].hist(predictions[column], bins=30, color="tab:green")
        axes[1, 1].set(title="Expected purchases over the horizon", xlabel="expected purchases",
                       ylabel="customers (count)")
    fig.suptitle("crmlab clv: BG/NBD customer-base report")
    return fig


def _html(facts: dict[str, str], params: pd.DataFrame, png_base64: str) -> str:
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in facts.items())
    table = params.round(4).to_html(border=0)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>crmlab clv report</title>
<style>body{{font:15px/1.4 system-ui,sans-serif;max-width:60rem;margin:2rem auto}}
table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}}</style>
</head><body><h1>Customer-base report (BG/NBD)</h1>
<table>{rows}</table>
<h2>Parameter estimates</h2>{table}
<h2>Figures</h2><img alt="tracking, holdout by frequency, P(alive) and CLV" src="data:image/png;base64,{png_base64}" width="100%">
<p>Models: Fader, Hardie &amp; Lee (2005), "Counting your customers" the easy way, <i>Marketing Science</i> 24(2);
Gamma-Gamma spend: Fader, Hardie &amp; Lee (2005), <i>Journal of Marketing Research</i> 42(4). Predictions for
every customer are in predictions.csv.</p></body></html>
"""
