"""Exercises and self-check questions of notebook 00 (start here).

Each exercise applies a first pandas step of the notebook to a question it has not answered: another
month, another period, another item, another dataset.
"""

from __future__ import annotations

from crmlab import datasets
from crmlab.course.exercises import Exercise, Option, Question


def _first_purchases_in_february(kind: str = "customers") -> int:
    tx = datasets.load_cdnow_transactions()
    in_feb = (tx["date"] >= "1997-02-01") & (tx["date"] < "1997-03-01")
    if kind == "rows":
        return int(in_feb.sum())
    if kind == "any":
        return int(tx.loc[in_feb, "customer_id"].nunique())
    first = tx.groupby("customer_id")["date"].min()
    return int(((first >= "1997-02-01") & (first < "1997-03-01")).sum())


def _revenue_1998(per: str = "buyer") -> float:
    tx = datasets.load_cdnow_transactions()
    y98 = tx[tx["date"] >= "1998-01-01"]
    if per == "transaction":
        return float(y98["amount"].mean())
    if per == "customer":
        return float(y98["amount"].sum() / tx["customer_id"].nunique())
    return float(y98["amount"].sum() / y98["customer_id"].nunique())


def _recommend_share(rule: str = ">=9") -> float:
    score = datasets.load_ecsi_mobi()["CUSL3"]
    return float({">=9": score >= 9, ">9": score > 9, ">=8": score >= 8}[rule].mean())


def _donors_three_years(kind: str = "weighted") -> float:
    d = datasets.load_donations()
    if kind == "rows":
        return float((d["frequency"] >= 3).mean())
    if kind == "more than 3":
        return float(d.loc[d["frequency"] > 3, "weights"].sum() / d["weights"].sum())
    return float(d.loc[d["frequency"] >= 3, "weights"].sum() / d["weights"].sum())


EXERCISES = [
    Exercise(
        id="00.1",
        prompt="How many CDNOW sample customers made their first purchase in February 1997?",
        expected=_first_purchases_in_february,
        decimals=0,
        unit="customers",
        hints=(
            "A customer's first purchase is the earliest date in their rows: find it per customer, then count "
            "the customers whose first date falls in February 1997.",
            "tx.groupby('customer_id')['date'].min(), then compare with '1997-02-01' and '1997-03-01' and sum.",
        ),
        mistakes=[
            (lambda: _first_purchases_in_february("rows"),
             "That counts transactions in February; count customers, once each."),
            (lambda: _first_purchases_in_february("any"),
             "That counts every customer who bought in February, including those who had first bought in "
             "January: use each customer's first date."),
        ],
    ),
    Exercise(
        id="00.2",
        prompt="Average revenue per buying customer in January-June 1998 (CDNOW sample).",
        expected=_revenue_1998,
        decimals=2,
        unit="US$",
        hints=(
            "Keep the 1998 transactions; divide their total amount by the number of distinct customers among them.",
            "y98 = tx[tx['date'] >= '1998-01-01'], then y98['amount'].sum() / y98['customer_id'].nunique().",
        ),
        mistakes=[
            (lambda: _revenue_1998("transaction"),
             "That is the average per transaction: divide by customers, not rows."),
            (lambda: _revenue_1998("customer"),
             "That divides by all 2,357 customers; the question asks per customer who bought in 1998."),
        ],
    ),
    Exercise(
        id="00.3",
        prompt="Share of ECSI respondents who answer 9 or 10 to 'would you recommend your operator' (CUSL3).",
        expected=_recommend_share,
        decimals=3,
        unit="share",
        hints=(
            "The share of a condition is the mean of a column of True/False values.",
            "(mobi['CUSL3'] >= 9).mean().",
        ),
        mistakes=[
            (lambda: _recommend_share(">9"), "Close: '9 or 10' includes 9 (use >= 9)."),
            (lambda: _recommend_share(">=8"), "That counts 8 too; the question asks for 9 or 10."),
        ],
    ),
    Exercise(
        id="00.4",
        prompt="Share of the 11,104 donors of the donations data who gave again in at least 3 of the six years.",
        expected=_donors_three_years,
        decimals=3,
        unit="share",
        hints=(
            "Each row is a pattern shared by `weights` donors: count donors, not rows.",
            "d.loc[d['frequency'] >= 3, 'weights'].sum() / d['weights'].sum().",
        ),
        mistakes=[
            (lambda: _donors_three_years("rows"),
             "That is the share of rows (patterns); each row stands for `weights` donors."),
            (lambda: _donors_three_years("more than 3"), "'At least 3' includes 3 (use >= 3)."),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="00.q1",
        prompt="The CDNOW purchases per week jump in the first three months of 1997 and then fall to a slow "
               "decline. Why?",
        options=[
            Option("Everyone in the sample made their first purchase in that quarter: the sample is a cohort "
                   "acquired in January-March 1997.", True,
                   "The data follows the customers acquired in the first quarter of 1997, so every first "
                   "purchase falls in those weeks; afterwards only repeat purchases remain."),
            Option("CD sales are seasonal and peak after Christmas.", False,
                   "Seasonality would return in early 1998, and it does not: the jump is a property of how the "
                   "sample was drawn, not of the market."),
            Option("Many customers' records were lost after March 1997.", False,
                   "Nothing is lost: the customers are followed to June 1998; most of them simply never buy again, "
                   "which is what the models of notebook 03 describe."),
        ],
    ),
    Question(
        id="00.q2",
        prompt="The SERVQUAL survey of the catalogue is synthetic. What can you learn from it?",
        options=[
            Option("How large the service gaps of real online retailers are.", False,
                   "Its gaps were set by the simulation (documented in datasets/make_servqual.py), so they say "
                   "nothing about real firms."),
            Option("How a gap analysis works and how to read its output, with a known truth to check the "
                   "methods against.", True,
                   "Synthetic data teaches the method, and because the true gaps are known you can see whether the "
                   "method recovers them; findings about real firms need real data."),
            Option("Nothing: synthetic data has no use in a course.", False,
                   "Where no public microdata exists, a labelled, seeded simulation is the honest way to practise "
                   "the method, as long as no conclusion is drawn about the real world."),
        ],
    ),
    Question(
        id="00.q3",
        prompt="read_transactions stops on a row with a negative amount (a refund). What should you do?",
        options=[
            Option("Take the absolute value of the amount.", False,
                   "That turns a refund into a purchase: the customer would look more valuable than they are."),
            Option("Decide what a refund means for the analysis, for example drop refunds from a purchase log, "
                   "and record how many rows were dropped.", True,
                   "The error asks for a decision; making it explicit (and counting what was dropped) keeps the "
                   "analysis reproducible and honest."),
            Option("Delete the file's bad rows by hand and run again.", False,
                   "Hand edits leave no trace: nobody, including you later, can see what was changed or why."),
        ],
    ),
]
