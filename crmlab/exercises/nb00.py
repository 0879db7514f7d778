"""Exercises of notebook 00 (start here)."""

from crmlab import datasets
from crmlab.exercises import Exercise


def _repeat_buyers() -> int:
    return int((datasets.load_cdnow_summary()["frequency"] > 0).sum())


def _revenue_per_customer() -> float:
    tx = datasets.load_cdnow_transactions()
    return float(tx["amount"].sum() / tx["customer_id"].nunique())


def _satisfied_share() -> float:
    return float((datasets.load_ecsi_mobi()["CUSA1"] >= 8).mean())


EXERCISES = [
    Exercise(
        id="00.1",
        prompt="How many customers of the CDNOW sample made at least one repeat purchase by week 39?",
        expected=_repeat_buyers,
        rtol=0,
        hint="Count the customers whose `frequency` in `load_cdnow_summary()` is above zero.",
        mistakes=[(lambda: 2357, "That is every customer: keep only those with frequency > 0.")],
    ),
    Exercise(
        id="00.2",
        prompt="What is the average revenue per customer (US$) in the CDNOW sample, 1997-01 to 1998-06?",
        expected=_revenue_per_customer,
        hint="Divide total `amount` by the number of distinct `customer_id`s.",
        mistakes=[(lambda: float(datasets.load_cdnow_transactions()["amount"].mean()),
                   "That is the average per transaction: divide by customers, not rows.")],
    ),
    Exercise(
        id="00.3",
        prompt="What share of ECSI respondents score overall satisfaction CUSA1 at 8 or more (out of 10)?",
        expected=_satisfied_share,
        hint="Compare the column with 8 and take the mean of the booleans.",
        mistakes=[(lambda: float((datasets.load_ecsi_mobi()["CUSA1"] > 8).mean()),
                   "Close: 'at 8 or more' includes 8 (use >=).")],
    ),
]
