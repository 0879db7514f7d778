"""Exercises and self-check questions of notebook 01, customer value theory (answers computed with
:mod:`crmlab.value` and :mod:`crmlab.clv`).

Five of the six exercises apply a method of the notebook to inputs it does not print: another
customer's margin, retention and discount rate, another shopper's weights, another pyramid, another
retention rate for the firm, another cohort.
"""

from __future__ import annotations

import functools

import pandas as pd

from crmlab import clv, value
from crmlab.datasets import load_cdnow_transactions, load_delivered_value_example
from crmlab.course.exercises import Exercise, Option, Question

CALIBRATION_END, HOLDOUT_END = "1997-09-30", "1998-06-30"
EQUITY = {"current_customers": 1000, "new_customers": 100, "acquisition_cost": 50}
NARROW_PYRAMID = {"platinum": 0.05, "gold": 0.15, "iron": 0.30, "lead": 0.50}


def _weighted_delivered_value(weights: dict[str, float]) -> dict[str, float]:
    table = load_delivered_value_example()
    table["weight"] = table["dimension"].map(weights).fillna(1.0)
    out = value.delivered_value(table, weight_col="weight")["delivered_value"]
    return {str(k): float(x) for k, x in out.items()}


@functools.cache
def _cdnow_validation() -> pd.DataFrame:
    return value.rfm_holdout_validation(load_cdnow_transactions(), CALIBRATION_END, HOLDOUT_END)


def _top_rate_ratio(score: str) -> float:
    rates = value.holdout_response(_cdnow_validation(), score)["active_rate"]
    return float(rates.iloc[-1] / rates.iloc[0])


def _platinum_gold_share(spend: str, shares: dict[str, float] | None) -> float:
    if spend == "calibration":
        values = _cdnow_validation()["monetary"]
    else:
        values = load_cdnow_transactions().groupby("customer_id")["amount"].sum()
    tiers = value.customer_pyramid(values, shares) if shares else value.customer_pyramid(values)
    summary = value.tier_summary(values, tiers)
    return float(summary.loc[["platinum", "gold"], "value_share"].sum())


def _equity_gain(current_only: bool) -> float:
    if current_only:
        return value.clv_closed_form(100, 0.85, 0.1) * 1000 - value.clv_closed_form(100, 0.8, 0.1) * 1000
    after = value.customer_equity(100, 0.85, 0.1, **EQUITY)["customer_equity"]
    return float(after - value.customer_equity(100, 0.8, 0.1, **EQUITY)["customer_equity"])


@functools.cache
def _sbg(cohort: str):
    return clv.fit(clv.retention_cohorts()[cohort].iloc[:8], "sbg")


EXERCISES = [
    Exercise(
        id="01.1",
        prompt=(
            "A subscriber yields a margin of 50 per year, stays each year with probability 0.75, and the "
            "firm discounts at 12% a year. What is the CLV (Gupta & Lehmann, margins from the end of year 1)?"
        ),
        expected=lambda: value.clv_closed_form(50, 0.75, 0.12),
        decimals=2,
        unit="currency units",
        hints=(
            "Each year's margin arrives only if the customer is still there (probability r^t) and is worth "
            "less the later it comes (1/(1+i)^t); the infinite sum has a closed form.",
            "CLV = m r / (1 + i - r): value.clv_closed_form(margin, retention, discount).",
        ),
        mistakes=[
            (lambda: 50 / (1 + 0.12 - 0.75),
             "The first margin only comes if the customer is retained once: multiply by r."),
            (lambda: 50 * (1 + 0.12) / (1 + 0.12 - 0.75),
             "That counts a margin today as well (m + m r/(1+i-r)); this CLV starts at the end of year 1."),
            (lambda: 50 * 0.75 / (1 - 0.75), "You forgot to discount: the denominator is 1 + i - r."),
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
        decimals=1,
        unit="currency units",
        hints=(
            "Delivered value is total customer value minus total customer cost; the weights multiply the "
            "time and psychic cost items before they are added up.",
            "Set a 'weight' column from the dimension and call value.delivered_value(table, weight_col='weight').",
        ),
        mistakes=[
            (lambda: _weighted_delivered_value({}), "These are the unweighted values: apply the weights first."),
            (lambda: _weighted_delivered_value({"time": 2.0}), "The psychic costs need weight 1.5 too."),
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
        decimals=1,
        unit="as a ratio",
        hints=(
            "Each R quintile has a holdout active rate (the share who buy again); the question asks for the "
            "top rate divided by the bottom one.",
            "value.holdout_response(validation, 'R')['active_rate'], then rates[5] / rates[1].",
        ),
        mistakes=[(lambda: _top_rate_ratio("F"), "That ratio is for the F score; the question asks about R.")],
    ),
    Exercise(
        id="01.4",
        prompt=(
            "Build a narrower customer pyramid on CDNOW calibration-period spend: 5% platinum, 15% gold, 30% "
            "iron, 50% lead. What share of calibration spend do the platinum and gold customers hold together?"
        ),
        expected=lambda: _platinum_gold_share("calibration", NARROW_PYRAMID),
        decimals=3,
        unit="share",
        hints=(
            "Rank customers by spend; the top 5% are platinum and the next 15% gold; add their shares of "
            "total spend.",
            "value.customer_pyramid(spend, {'platinum': 0.05, 'gold': 0.15, 'iron': 0.30, 'lead': 0.50}), then "
            "value.tier_summary(spend, tiers)['value_share'].",
        ),
        mistakes=[
            (lambda: 0.2, "0.2 is their share of customers; the question asks for their share of spend."),
            (lambda: _platinum_gold_share("calibration", None),
             "That is the default pyramid (10/20/30/40%); use 5/15/30/50%."),
            (lambda: _platinum_gold_share("whole period", NARROW_PYRAMID),
             "That uses spend over the whole period; use the calibration period only (to 1997-09-30)."),
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
        decimals=0,
        unit="currency units",
        hints=(
            "Customer equity is today's customers plus every future cohort; better retention raises the value "
            "of both, so compute the equity twice and subtract.",
            "Difference of value.customer_equity(100, r, 0.10, current_customers=1000, new_customers=100, "
            "acquisition_cost=50)['customer_equity'] at r = 0.85 and r = 0.8.",
        ),
        mistakes=[(lambda: _equity_gain(current_only=True),
                   "That is only the gain on today's customers; future cohorts are retained better too.")],
    ),
    Exercise(
        id="01.6",
        prompt=(
            "Fit the sBG model to the high-end cohort of Fader & Hardie (2007), years 0-7. At a discount rate "
            "of 10% a year, what is the discounted expected residual lifetime (DERL, in yearly payments) of a "
            "high-end customer who has renewed 7 times?"
        ),
        expected=lambda: float(clv.discounted_expected_residual_lifetime(_sbg("high_end"), 7, 0.10)),
        decimals=2,
        unit="yearly payments",
        hints=(
            "Seven renewals tell you this customer's churn probability is probably low; the model updates "
            "theta to Beta(gamma, delta + 7) and sums the discounted survival from the next renewal on.",
            "clv.fit(clv.retention_cohorts()['high_end'].iloc[:8], 'sbg'), then "
            "clv.discounted_expected_residual_lifetime(model, 7, 0.10).",
        ),
        mistakes=[
            (lambda: float(clv.discounted_expected_residual_lifetime(_sbg("regular"), 7, 0.10)),
             "That is the regular cohort; fit the high-end one."),
            (lambda: clv.discounted_expected_lifetime(_sbg("high_end"), 0.10),
             "That is the DEL of a just-acquired customer; the question is about one with 7 renewals."),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="01.q1",
        prompt="In Fader & Hardie's regular cohort the retention rate rises from 63% in year 1 to about 95% in "
               "year 12, yet in the sBG model every customer's own retention rate never changes. How?",
        options=[
            Option("Customers become more loyal the longer they stay.", False,
                   "That would be duration dependence inside each customer; the sBG has none, and it still "
                   "reproduces the rising curve."),
            Option("Customers with a high churn probability leave first, so each year the survivors are a more "
                   "loyal mix: the cohort's retention rises by selection.", True,
                   "with theta ~ Beta(gamma, delta), r_t = (delta + t - 1)/(gamma + delta + t - 1) rises with t "
                   "because the survivors' theta distribution shifts towards 0."),
            Option("The firm improved its service over the years.", False,
                   "Possible in real data, but not needed: the model fitted to years 0-7 with constant "
                   "individual rates already projects the rise."),
        ],
    ),
    Question(
        id="01.q2",
        prompt="A firm values its long-standing customers with CLV = m r / (1 + i - r), using the retention rate "
               "of its newest cohort. What goes wrong?",
        options=[
            Option("Nothing: one retention rate describes all customers.", False,
                   "Retention differs across customers; the customers still there after many years are the "
                   "loyal ones."),
            Option("It undervalues the existing customers: those who have renewed many times have a lower "
                   "churn probability than a new cohort's average (Fader & Hardie 2010, the perils of "
                   "ignoring heterogeneity).", True,
                   "DERL after n renewals uses theta | n ~ Beta(gamma, delta + n); in the regular cohort a "
                   "customer with 7 renewals is worth 622 per 100 of yearly margin, the constant rate says 135."),
            Option("It overvalues them, because old customers are about to leave.", False,
                   "Under the sBG nobody's churn probability rises with tenure; the survivors are, if "
                   "anything, the least likely to leave."),
        ],
    ),
    Question(
        id="01.q3",
        prompt="At r = 0.8 and i = 10%, why does a 1% rise in retention raise CLV by about 3.7%, but a 1% rise "
               "in margin by only 1%?",
        options=[
            Option("Margin enters CLV linearly, retention also through the denominator 1 + i - r, which is "
                   "small (0.3) and shrinks as r grows.", True,
                   "d ln CLV / d ln r = 1 + r/(1 + i - r) = 1 + 0.8/0.3 = 3.67, while the margin's elasticity "
                   "is exactly 1."),
            Option("Because retained customers also pay higher prices.", False,
                   "The formula holds the margin fixed; the effect is pure arithmetic of survival."),
            Option("Because retention is measured in percent.", False,
                   "Elasticities are unit-free: they compare relative changes."),
        ],
    ),
    Question(
        id="01.q4",
        prompt="Peng Cong's paper groups customers by tenure into old, new and potential customers. Who are the "
               "potential customers?",
        options=[
            Option("Prospects who have not bought yet, for example people on a marketing list.", True,
                   "that is the paper's meaning, and the one value.tenure_groups uses; former buyers who "
                   "have gone quiet are a different group (notebook 03 calls them lapsing)."),
            Option("Repeat buyers whose probability of still being a customer has fallen below one half.", False,
                   "Those have bought and may be lost: a win-back target, called lapsing in notebook 03, not "
                   "the paper's potential customers."),
            Option("Customers in the lead tier of the pyramid.", False,
                   "The pyramid ranks buyers by value; potential customers have no purchases to rank."),
        ],
    ),
]
