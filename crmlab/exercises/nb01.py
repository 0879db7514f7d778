"""Exercises of notebook 01, customer value theory (answers computed with :mod:`crmlab.value`)."""

from __future__ import annotations

import pandas as pd

from crmlab import value
from crmlab.datasets import load_cdnow_transactions, load_delivered_value_example
from crmlab.exercises import Exercise

CALIBRATION_END, HOLDOUT_END = "1997-09-30", "1998-06-30"
EQUITY = {"current_customers": 1000, "new_customers": 100, "acquisition_cost": 50}


def _weighted_delivered_value(weights: dict[str, float]) -> dict[str, float]:
    table = load_delivered_value_example()
    table["weight"] = table["dimension"].map(weights).fillna(1.0)
    out = value.delivered_value(table, weight_col="weight")["delivered_value"]
    return {str(k): float(x) for k, x in out.items()}


def _cdnow_validation() -> pd.DataFrame:
    return value.rfm_holdout_validation(load_cdnow_transactions(), CALIBRATION_END, HOLDOUT_END)


def _top_rate_ratio(score: str) -> float:
    rates = value.holdout_response(_cdnow_validation(), score)["active_rate"]
    return float(rates.iloc[-1] / rates.iloc[0])


def _platinum_gold_share(spend: str) -> float:
    if spend == "calibration":
        values = _cdnow_validation()["monetary"]
    else:
        values = load_cdnow_transactions().groupby("customer_id")["amount"].sum()
    summary = value.tier_summary(values, value.customer_pyramid(values))
    return float(summary.loc[["platinum", "gold"], "value_share"].sum())


def _equity_gain(current_only: bool) -> float:
    if current_only:
        return value.clv_closed_form(100, 0.85, 0.1) * 1000 - value.clv_closed_form(100, 0.8, 0.1) * 1000
    after = value.customer_equity(100, 0.85, 0.1, **EQUITY)["customer_equity"]
    return float(after - value.customer_equity(100, 0.8, 0.1, **EQUITY)["customer_equity"])


EXERCISES = [
    Exercise(
        id="01.1",
        prompt=(
            "A subscriber yields a margin of 50 per year, stays each year with probability 0.75, and the "
            "firm discounts at 12% a year. What is the CLV (Gupta & Lehmann, margins from the end of year 1)?"
        ),
        expected=lambda: value.clv_closed_form(50, 0.75, 0.12),
        hint="CLV = m r / (1 + i - r): value.clv_closed_form(margin, retention, discount).",
        mistakes=[
            (lambda: 50 / (1 + 0.12 - 0.75),
             "the first margin only comes if the customer is retained once: multiply by r."),
            (lambda: 50 * (1 + 0.12) / (1 + 0.12 - 0.75),
             "that counts a margin today as well (m + m r/(1+i-r)); this CLV starts at the end of year 1."),
            (lambda: 50 * 0.75 / (1 - 0.75), "you forgot to discount: the denominator is 1 + i - r."),
        ],
    ),
    Exercise(
        id="01.2",
        prompt=(
            "A busy, anxious shopper weighs time costs twice (weight 2) and psychic costs one and a half times "
            "(weight 1.5); every other component keeps weight 1. Using the delivered-value example, give a dict "
            "{'online': ..., 'offline': ...} of the two delivered values."
        ),
        expected=lambda: _weighted_delivered_value({"time": 2.0, "psychic": 1.5}),
        hint="Set a 'weight' column from the dimension and call value.delivered_value(table, weight_col='weight').",
        mistakes=[
            (lambda: _weighted_delivered_value({}), "these are the unweighted values: apply the weights first."),
            (lambda: _weighted_delivered_value({"time": 2.0}), "the psychic costs need weight 1.5 too."),
        ],
    ),
    Exercise(
        id="01.3",
        prompt=(
            "Score CDNOW customers on the calibration period (to 1997-09-30) and look at the holdout (to "
            "1998-06-30). How many times more likely to buy in the holdout is an R = 5 customer than an "
            "R = 1 customer (ratio of the holdout purchase rates)?"
        ),
        expected=lambda: _top_rate_ratio("R"),
        hint="value.rfm_holdout_validation, then value.holdout_response(validation, 'R')['active_rate'].",
        mistakes=[(lambda: _top_rate_ratio("F"), "that ratio is for the F score; the question asks about R.")],
    ),
    Exercise(
        id="01.4",
        prompt=(
            "Build the default customer pyramid (10/20/30/40%) on CDNOW calibration-period spend. What share of "
            "calibration spend do the platinum and gold customers hold together (a share between 0 and 1)?"
        ),
        expected=lambda: _platinum_gold_share("calibration"),
        hint="value.customer_pyramid(spend) and value.tier_summary(spend, tiers)['value_share'].",
        mistakes=[
            (lambda: 0.3, "0.3 is their share of customers; the question asks for their share of spend."),
            (lambda: _platinum_gold_share("whole period"),
             "that uses spend over the whole period; use the calibration period only (to 1997-09-30)."),
        ],
    ),
    Exercise(
        id="01.5",
        prompt=(
            "A firm has 1,000 customers (margin 100, retention 0.8, discount rate 10%) and acquires 100 new "
            "customers a year at 50 each, for ever. By how much does its customer equity rise if retention "
            "goes up to 0.85 for everybody?"
        ),
        expected=lambda: _equity_gain(current_only=False),
        hint="Difference of value.customer_equity(...)['customer_equity'] at r = 0.85 and r = 0.8.",
        mistakes=[(lambda: _equity_gain(current_only=True),
                   "that is only the gain on today's customers; future cohorts are retained better too.")],
    ),
]
