"""Exercises and self-check questions of notebook 03, BG/NBD lifetime estimation (answers computed with
:mod:`crmlab.clv`).

Six of the seven exercises apply the notebook's methods to inputs it does not print: another
calibration end, another customer history, another horizon, another discount rate, another donor.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from crmlab import clv
from crmlab.datasets import load_cdnow_transactions, load_donations
from crmlab.course.exercises import Exercise, Option, Question

CALIBRATION_END, OBSERVATION_END = "1997-09-30", "1998-06-30"
HALF_YEAR_END = "1997-06-30"
WEEKS = {"freq": "D", "freq_multiplier": 7}
WEEKLY_10_PERCENT = 1.10 ** (1 / 52) - 1


@functools.cache
def _cal_holdout() -> pd.DataFrame:
    return clv.calibration_holdout(
        load_cdnow_transactions(), CALIBRATION_END, OBSERVATION_END, monetary_col="amount", **WEEKS
    )


@functools.cache
def _model(name: str):
    return clv.fit(_cal_holdout(), name)


@functools.cache
def _bgbb():
    return clv.fit(load_donations(), "bgbb")


def _no_repeat(kind: str) -> int:
    tx = load_cdnow_transactions()
    if kind == "days":
        summary = clv.calibration_holdout(tx, HALF_YEAR_END, OBSERVATION_END, **WEEKS)
        return int((summary["frequency_cal"] == 0).sum())
    if kind == "rows":
        rows = tx[tx["date"] <= HALF_YEAR_END].groupby("customer_id").size()
        return int((rows == 1).sum())
    return int((_cal_holdout()["frequency_cal"] == 0).sum())  # the 39-week calibration period


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


def _dert(rate: float) -> float:
    return float(clv.dert(_model("bgnbd"), 4, 32, 39, rate))


def _pmf(x: int, t: float) -> float:
    return float(clv.purchase_count_pmf(_model("bgnbd"), x, t))


EXERCISES = [
    Exercise(
        id="03.1",
        prompt=(
            "How many of the 2,357 CDNOW customers made no repeat purchase by the end of June 1997 (a "
            "calibration period ending 1997-06-30), counting purchases in days as the model summary does?"
        ),
        expected=lambda: _no_repeat("days"),
        decimals=0,
        unit="customers",
        hints=(
            "A repeat purchase is a purchase day after the first one; customers with x = 0 in a summary "
            "that ends on 1997-06-30 made none.",
            "clv.calibration_holdout(tx, '1997-06-30', '1998-06-30', freq='D', freq_multiplier=7), then "
            "count frequency_cal == 0.",
        ),
        mistakes=[
            (lambda: _no_repeat("rows"),
             "That counts customers with one transaction row: two rows on the same day are one purchase."),
            (lambda: _no_repeat("september"),
             "That is the count for the 39-week calibration period of the notebook (to 1997-09-30); end it "
             "on 1997-06-30."),
        ],
    ),
    Exercise(
        id="03.2",
        prompt=(
            "With the BG/NBD model fitted to the calibration period, how many purchases do you expect in the "
            "next 52 weeks from a customer with x = 4, t_x = 32 and T = 39 weeks?"
        ),
        expected=lambda: float(clv.expected_purchases(_model("bgnbd"), 4, 32, 39, 52)),
        decimals=2,
        unit="purchases",
        hints=(
            "Condition on the customer's own history (x, t_x, T): P(alive) times what an alive customer "
            "with that purchase rate buys.",
            "clv.expected_purchases(bgnbd, 4, 32, 39, 52).",
        ),
        mistakes=[
            (lambda: float(clv.expected_repeat_purchases(_model("bgnbd"), 52)),
             "That is E[X(52)] for a brand-new customer; condition on this customer's history."),
            (lambda: float(clv.expected_purchases(_model("bgnbd"), 4, 32, 39, 39)),
             "That is the next 39 weeks (the holdout length); the question asks for 52."),
        ],
    ),
    Exercise(
        id="03.3",
        prompt=(
            "Same customer (x = 4, T = 39), but the last purchase was in week 10 (t_x = 10). What is the "
            "BG/NBD probability that this customer is still alive?"
        ),
        expected=lambda: float(clv.probability_alive(_model("bgnbd"), 4, 10, 39)),
        decimals=3,
        unit="share",
        hints=(
            "A customer who bought four times in ten weeks and then stayed silent for 29 weeks: silence that "
            "long is unusual for someone that active, so the model thinks they probably died.",
            "clv.probability_alive(bgnbd, 4, 10, 39).",
        ),
        mistakes=[
            (lambda: float(1 - clv.probability_alive(_model("bgnbd"), 4, 10, 39)),
             "That is the probability that the customer has dropped out."),
            (lambda: float(clv.probability_alive(_model("bgnbd"), 4, 32, 39)),
             "That uses t_x = 32; the last purchase was in week 10."),
        ],
    ),
    Exercise(
        id="03.4",
        prompt=(
            "With the 12-month CLV of section 8, what share of the total do the top 20% of customers "
            "(ranked by predicted CLV) hold?"
        ),
        expected=lambda: _top_share("clv"),
        decimals=2,
        unit="share",
        hints=(
            "Rank the customers by predicted CLV, keep the first fifth (rounded up), and divide their CLV "
            "by the total.",
            "value.sort_values(ascending=False); ranked.iloc[:ceil(0.2 * n)].sum() / ranked.sum().",
        ),
        mistakes=[
            (lambda: _top_share("past"),
             "That ranks customers by past calibration spend; rank them by the predicted CLV itself."),
        ],
    ),
    Exercise(
        id="03.5",
        prompt=(
            "The firm discounts at 10% a year. What is the DERT (discounted expected residual transactions, "
            "BG/NBD) of the customer with x = 4, t_x = 32, T = 39 weeks?"
        ),
        expected=lambda: _dert(WEEKLY_10_PERCENT),
        decimals=2,
        unit="discounted transactions",
        hints=(
            "DERT adds every future transaction, each discounted to today, over the whole remaining lifetime; "
            "the model is in weeks, so the yearly rate must become a weekly one: (1 + 0.10)^(1/52) - 1.",
            "clv.dert(bgnbd, 4, 32, 39, discount_rate=1.10 ** (1 / 52) - 1).",
        ),
        mistakes=[
            (lambda: _dert(0.10), "You discounted at 10% a week: convert the yearly rate to the model's weeks."),
            (lambda: _dert(0.10 / 52),
             "0.10 / 52 is a simple-interest weekly rate; the compounded one is 1.10 ** (1 / 52) - 1."),
        ],
    ),
    Exercise(
        id="03.6",
        prompt=(
            "What is the probability that a just-acquired CDNOW customer makes no repeat purchase in their "
            "first 52 weeks (BG/NBD)?"
        ),
        expected=lambda: _pmf(0, 52.0),
        decimals=3,
        unit="share",
        hints=(
            "This is P(X(t) = x) for a new customer, with x = 0 and t = 52: no history to condition on.",
            "clv.purchase_count_pmf(bgnbd, 0, 52).",
        ),
        mistakes=[
            (lambda: 1 - _pmf(0, 52.0), "That is the probability of at least one repeat purchase."),
            (lambda: _pmf(0, 39.0), "That is the first 39 weeks; the question asks for 52."),
        ],
    ),
    Exercise(
        id="03.7",
        prompt=(
            "BG/BB on the donations data: a donor of the 1995 cohort gave in 3 of the 6 years 1996-2001, the "
            "last time in 1999 (x = 3, t_x = 4, n = 6). What is the probability that they are alive in 2002, "
            "the next opportunity?"
        ),
        expected=lambda: float(clv.probability_alive(_bgbb(), 3, 4, 6)),
        decimals=3,
        unit="share",
        hints=(
            "The donor must have survived every year since 1999 and also the step into 2002; P(alive at "
            "the next opportunity) is what Fader, Hardie & Shang (2010) tabulate.",
            "clv.probability_alive(bgbb, 3, 4, 6) (at='next', the default).",
        ),
        mistakes=[
            (lambda: float(clv.probability_alive(_bgbb(), 3, 4, 6, at="last")),
             "That is P(alive in 2001), the last year observed (at='last'); the question asks about 2002."),
            (lambda: float(1 - clv.probability_alive(_bgbb(), 3, 4, 6)),
             "That is the probability that the donor has lapsed."),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="03.q1",
        prompt="Customer 1's P(alive) is 1.0 until the first repeat purchase (week 2.4) and falls to about "
               "0.75 right at that purchase. Why does buying lower it?",
        options=[
            Option("The model punishes frequent buyers.", False,
                   "A purchase raises P(alive) whenever it ends a silence that looked like death; only at the "
                   "first repeat purchase does it fall, and for a reason that has nothing to do with frequency."),
            Option("In the BG/NBD a customer can only die right after a repeat purchase. Before the first one "
                   "death was impossible; the purchase brings the first chance to die, a coin flip with "
                   "probability p, so P(alive) drops to 1 - E[p] = b / (a + b) = 0.75.", True,
                   "with x = 1 and t_x = T the formula 1 / (1 + a/(b + x - 1) ((alpha + T)/(alpha + t_x))^(r+x)) "
                   "is 1 / (1 + a/b) = b/(a + b); with a = 0.793, b = 2.426 that is 0.754."),
            Option("A numerical artefact of the hypergeometric function.", False,
                   "P(alive) of the BG/NBD is an elementary closed form with no hypergeometric function; the "
                   "drop is exactly b/(a + b)."),
        ],
    ),
    Question(
        id="03.q2",
        prompt="All 1,411 CDNOW customers with no repeat purchase get P(alive) = 1.000 from the BG/NBD. What "
               "does that tell you?",
        options=[
            Option("They are certainly still customers.", False,
                   "Many of them will never buy again: the holdout shows most stay silent. P(alive) = 1 is a "
                   "consequence of the model, not of the data."),
            Option("It is a BG/NBD assumption: dropout happens only after a repeat purchase, so a customer "
                   "who has not repurchased cannot have died. The MBG/NBD adds a death chance at the first "
                   "purchase and gives them P(alive) well below 1.", True,
                   "the model's story decides; the MBG/NBD (Batislam et al. 2007) fixes it with a coin flip "
                   "at time 0, and its P(alive) for x = 0 falls with the age T."),
            Option("The data are wrong: they should have frequency 1.", False,
                   "x counts repeat purchases; the first purchase is the trial and is not counted, so x = 0 "
                   "is right for one-time buyers."),
        ],
    ),
    Question(
        id="03.q3",
        prompt="The total DERT-based residual value of the cohort is several times the total 12-month CLV of "
               "section 8. Which explanation is right?",
        options=[
            Option("DERT uses a lower discount rate.", False,
                   "15% a year is higher than the 1% a month (12.7% a year) of the CLV; a higher rate makes "
                   "DERT smaller, not larger."),
            Option("DERT counts every future purchase over the whole remaining lifetime, the 12-month CLV only "
                   "the next year; for customers who live long the later years add most of the value.", True,
                   "a residual-lifetime measure has no horizon; the discount rate and the death process are "
                   "what make the sum finite."),
            Option("DERT ignores that customers die.", False,
                   "DERT is weighted by P(alive) and by the dropout process at every future date."),
        ],
    ),
    Question(
        id="03.q4",
        prompt="A BG/BB donor who gave in 2001, the last year observed, has P(alive) = 1 'at the last "
               "opportunity' but about 0.93 'at the next opportunity'. Which one should a fundraiser use to "
               "decide whom to ask in 2002?",
        options=[
            Option("The last opportunity: the donor certainly was alive in 2001.", False,
                   "True but useless for 2002: death happens between opportunities, so being alive in 2001 "
                   "says nothing certain about 2002."),
            Option("The next opportunity: it is the probability that the donor can still give in 2002, which "
                   "is what the decision is about and what Fader, Hardie & Shang (2010) tabulate.", True,
                   "it multiplies in the chance of surviving one more step, (delta + n)/(gamma + delta + n) "
                   "for a donor who gave at n."),
        ],
    ),
]
