"""crmlab.clv.diagnostics: holdout by frequency, model comparison, tracking and likelihood-ratio tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import clv
from crmlab.errors import (
    DataValidationError,
    ParameterError,
)

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


# ---------------------------------------------------------------------------------------------------
# holdout validation


def test_holdout_by_frequency(bgnbd, cal_holdout):
    table = clv.holdout_by_frequency(bgnbd, cal_holdout)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    zero = cal_holdout[cal_holdout["frequency_cal"] == 0]
    assert table.loc["0", "actual"] == pytest.approx(zero["frequency_holdout"].mean())
    assert table.loc["0", "customers"] == 1411  # FHL (2005a): 1,411 customers made no repeat purchase
    assert np.all(np.abs(table["predicted"] - table["actual"]) < 1.0)
    with pytest.raises(DataValidationError, match="frequency_holdout"):
        clv.holdout_by_frequency(bgnbd, cal_holdout.drop(columns="frequency_holdout"))
    with pytest.raises(ParameterError, match="max_frequency"):
        clv.holdout_by_frequency(bgnbd, cal_holdout, max_frequency=0)


def test_compare_models(bgnbd, pareto, summary, cal_holdout):
    mbg = clv.fit(summary, "mbgnbd")
    table = clv.compare_models({"BG/NBD": bgnbd, "Pareto/NBD": pareto, "MBG/NBD": mbg}, cal_holdout)
    assert table.loc["BG/NBD", "AIC"] == pytest.approx(8 - 2 * clv.log_likelihood(bgnbd))
    assert table.loc["Pareto/NBD", "BIC"] == pytest.approx(4 * np.log(2357) - 2 * clv.log_likelihood(pareto))
    assert (table["holdout_RMSE"] >= table["holdout_MAE"]).all()
    assert table.loc["BG/NBD", "parameters"].startswith("r=0.2426")
    with pytest.raises(ParameterError, match="more parameters"):  # none of the three nests another
        clv.compare_models({"BG/NBD": bgnbd, "MBG/NBD": mbg}, cal_holdout, nested=[("BG/NBD", "MBG/NBD")])
    with pytest.raises(ParameterError, match="not in `models`"):
        clv.compare_models({"BG/NBD": bgnbd}, cal_holdout, nested=[("NBD", "BG/NBD")])


def test_tracking_counts_and_expectations(bgnbd, transactions):
    track = clv.tracking(bgnbd, transactions, CAL_END, OBS_END)
    assert len(track) == 78 and track.attrs["calibration_periods"] == 39.0
    full = clv.rfm_summary(transactions, freq="D", observation_end=OBS_END)
    assert track["actual_cumulative"].iloc[-1] == full["frequency"].sum()
    first = transactions.groupby("customer_id")["date"].min()
    ages = 78 - (first - pd.Timestamp("1997-01-01")).dt.days / 7
    expected = clv.expected_repeat_purchases(bgnbd, ages.to_numpy()).sum()
    assert track["expected_cumulative"].iloc[-1] == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(track["expected"].cumsum(), track["expected_cumulative"])
    with pytest.raises(ParameterError, match="must be after calibration_end"):
        clv.tracking(bgnbd, transactions, OBS_END, CAL_END)


def test_likelihood_ratio_test_arithmetic(bgnbd, exact_summary):
    spend = clv.fit(exact_summary, "gamma_gamma")
    test = clv.likelihood_ratio_test(spend, bgnbd)  # arithmetic only: 3 vs 4 parameters
    assert test["df"] == 1
    assert test["lr_statistic"] == pytest.approx(2 * (clv.log_likelihood(bgnbd) - clv.log_likelihood(spend)))
    with pytest.raises(ParameterError, match="more parameters"):
        clv.likelihood_ratio_test(bgnbd, spend)
