"""Exercises of notebook 03, BG/NBD lifetime estimation (answers computed with :mod:`crmlab.clv`)."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from crmlab import clv
from crmlab.datasets import load_cdnow_transactions
from crmlab.exercises import Exercise

CALIBRATION_END, OBSERVATION_END = "1997-09-30", "1998-06-30"
WEEKS = {"freq": "D", "freq_multiplier": 7}


@functools.cache
def _cal_holdout() -> pd.DataFrame:
    return clv.calibration_holdout(
        load_cdnow_transactions(), CALIBRATION_END, OBSERVATION_END, monetary_col="amount", **WEEKS
    )


@functools.cache
def _model(name: str):
    return clv.fit(_cal_holdout(), name)


def _no_repeat(kind: str) -> int:
    if kind == "days":
        return int((_cal_holdout()["frequency_cal"] == 0).sum())
    tx = load_cdnow_transactions()
    if kind == "rows":
        rows = tx[tx["date"] <= CALIBRATION_END].groupby("customer_id").size()
        return int((rows == 1).sum())
    return int((clv.rfm_summary(tx, **WEEKS)["frequency"] == 0).sum())


def _top_share(by: str) -> float:
    cal = _cal_holdout()
    value = _clv()
    ranking = value if by == "clv" else cal["monetary_value_cal"] * cal["frequency_cal"]
    top = ranking.sort_values(ascending=False, kind="stable").index[: int(np.ceil(0.2 * len(cal)))]
    return float(value.loc[top].sum() / value.sum())


@functools.cache
def _clv() -> pd.Series:
    cal = _cal_holdout()
    return clv.customer_lifetime_value(
        _model("bgnbd"), _model("gamma_gamma"), cal["frequency_cal"], cal["recency_cal"], cal["T_cal"],
        cal["monetary_value_cal"], horizon=12, period_length=52 / 12, discount_rate=0.01,
    )


EXERCISES = [
    Exercise(
        id="03.1",
        prompt=(
            "How many of the 2,357 CDNOW sample customers made no repeat purchase in the calibration period "
            "(to 1997-09-30), counting purchases in days as the BG/NBD summary does?"
        ),
        expected=lambda: _no_repeat("days"),
        hint="calibration_holdout(tx, '1997-09-30', '1998-06-30', freq='D', freq_multiplier=7), then frequency_cal == 0.",
        mistakes=[
            (lambda: _no_repeat("rows"),
             "that counts customers with one transaction row: two rows on the same day are one purchase."),
            (lambda: _no_repeat("whole"),
             "that uses all 78 weeks; the question asks about the calibration period only."),
        ],
    ),
    Exercise(
        id="03.2",
        prompt=(
            "With the BG/NBD model fitted to the calibration period, how many purchases do you expect in the "
            "next 52 weeks from a customer with x = 4, t_x = 32 and T = 39 weeks?"
        ),
        expected=lambda: float(clv.expected_purchases(_model("bgnbd"), 4, 32, 39, 52)),
        hint="clv.expected_purchases(model, frequency, recency, T, t) with t = 52.",
        mistakes=[
            (lambda: float(clv.expected_repeat_purchases(_model("bgnbd"), 52)),
             "that is E[X(52)] for a brand-new customer; condition on this customer's history."),
            (lambda: float(clv.expected_purchases(_model("bgnbd"), 4, 32, 39, 39)),
             "that is the next 39 weeks (the holdout length); the question asks for 52."),
        ],
    ),
    Exercise(
        id="03.3",
        prompt=(
            "Same customer (x = 4, T = 39), but the last purchase was in week 10 (t_x = 10). What is the "
            "BG/NBD probability that this customer is still alive?"
        ),
        expected=lambda: float(clv.probability_alive(_model("bgnbd"), 4, 10, 39)),
        hint="clv.probability_alive(model, frequency, recency, T).",
        mistakes=[
            (lambda: float(1 - clv.probability_alive(_model("bgnbd"), 4, 10, 39)),
             "that is the probability that the customer has dropped out."),
            (lambda: float(clv.probability_alive(_model("bgnbd"), 4, 32, 39)),
             "that uses t_x = 32; the last purchase was in week 10."),
        ],
    ),
    Exercise(
        id="03.4",
        prompt=(
            "Predict every customer's 12-month CLV (BG/NBD + Gamma-Gamma on the calibration period, months of "
            "52/12 weeks, 1% monthly discount rate). What share of the total do the top 20% of customers "
            "(ranked by predicted CLV) hold?"
        ),
        expected=lambda: _top_share("clv"),
        hint="sort the CLV Series in descending order and divide the sum of the first 20% by the total.",
        mistakes=[
            (lambda: _top_share("past"),
             "that ranks customers by past calibration spend; rank them by the predicted CLV itself."),
        ],
    ),
]
