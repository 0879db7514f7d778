"""Exercises and self-check questions of notebook 04 (satisfaction surveys).

Every exercise applies a method of the notebook to inputs the notebook does not print: another item
block, another target construct, another customer group.
"""

from __future__ import annotations

import functools

from crmlab import datasets, survey
from crmlab.course.exercises import Exercise, Option, Question

IMAGE_WITHOUT_IMAG3 = [item for item in datasets.MOBI_BLOCKS["Image"] if item != "IMAG3"]


def _alpha(items: list[str], standardized: bool = False) -> float:
    return float(survey.cronbach_alpha(datasets.load_ecsi_mobi(), items, standardized=standardized)["alpha"])


@functools.cache
def _ecsi_fit() -> survey.PLSResult:
    return survey.pls_path_model(datasets.load_ecsi_mobi(), survey.ecsi_model(), scheme="centroid")


def _total(source: str, target: str) -> float:
    return float(_ecsi_fit().total_effects.set_index(["source", "target"]).loc[(source, target), "estimate"])


def _direct(source: str, target: str) -> float:
    return float(_ecsi_fit().path_coefficients.set_index(["source", "target"]).loc[(source, target), "estimate"])


def _nps(channel: str | None) -> float:
    data = datasets.load_servqual_survey()
    scores = data["recommend"] if channel is None else data.loc[data["channel"] == channel, "recommend"]
    return float(survey.net_promoter_score(scores)["nps"])


def _nps_wrong_cut(channel: str) -> float:
    scores = datasets.load_servqual_survey().query("channel == @channel")["recommend"]
    return float(100 * ((scores >= 8).mean() - (scores <= 6).mean()))


def _empathy_gap(segment: str | None) -> float:
    data = datasets.load_servqual_survey()
    data = data if segment is None else data[data["segment"] == segment]
    return float(survey.dimension_gaps(data).loc["empathy", "gap"])


def _empathy_item_sum_gap(segment: str) -> float:
    data = datasets.load_servqual_survey().query("segment == @segment")
    return float(sum((data[f"P{i:02d}"] - data[f"E{i:02d}"]).mean() for i in survey.SERVQUAL_DIMENSIONS["empathy"]))


EXERCISES = [
    Exercise(
        id="04.1",
        prompt="Cronbach's alpha (raw 1-10 scores) of the ECSI Image block without item IMAG3 (social contribution).",
        expected=lambda: _alpha(IMAGE_WITHOUT_IMAG3),
        decimals=3,
        hints=(
            "Alpha compares the sum of the item variances with the variance of the total score, for the four "
            "items that remain (IMAG1, IMAG2, IMAG4, IMAG5).",
            "survey.cronbach_alpha(mobi, ['IMAG1', 'IMAG2', 'IMAG4', 'IMAG5'])['alpha'].",
        ),
        mistakes=[
            (lambda: _alpha(IMAGE_WITHOUT_IMAG3, standardized=True),
             "That is the standardised alpha (computed on correlations); the question asks for alpha on the raw "
             "1-10 scores (standardized=False)."),
            (lambda: _alpha(datasets.MOBI_BLOCKS["Image"]),
             "That is alpha of all five Image items: leave IMAG3 out."),
        ],
    ),
    Exercise(
        id="04.2",
        prompt="In the ECSI model (centroid scheme), the total effect of Image on Satisfaction.",
        expected=lambda: _total("Image", "Satisfaction"),
        decimals=3,
        hints=(
            "A total effect adds the direct path to every indirect route (Image -> Expectation -> Quality -> "
            "Satisfaction, ...), each route the product of its path coefficients.",
            "fit.total_effects, a table of source, target and estimate: select source 'Image', target "
            "'Satisfaction'.",
        ),
        mistakes=[
            (lambda: _direct("Image", "Satisfaction"),
             "That is the direct path Image -> Satisfaction only; the total effect also adds the routes through "
             "Expectation, Quality and Value."),
            (lambda: _total("Image", "Loyalty"),
             "That is the total effect of Image on Loyalty; the question asks about Satisfaction."),
        ],
    ),
    Exercise(
        id="04.3",
        prompt="The Net Promoter Score of the customers who answered in the app (channel == 'app') in the "
               "SERVQUAL survey.",
        expected=lambda: _nps("app"),
        decimals=1,
        unit="NPS points",
        hints=(
            "NPS = 100 x (share of promoters, 9-10) - 100 x (share of detractors, 0-6), among the app "
            "customers only.",
            "survey.net_promoter_score(sq.loc[sq['channel'] == 'app', 'recommend'])['nps'].",
        ),
        mistakes=[
            (lambda: _nps_wrong_cut("app"), "Promoters answer 9 or 10 only; 7 and 8 are passives."),
            (lambda: _nps(None), "That is the NPS of every customer: keep only those who answered in the app."),
        ],
    ),
    Exercise(
        id="04.4",
        prompt="The mean SERVQUAL gap (perception - expectation) of the empathy dimension among repeat customers.",
        expected=lambda: _empathy_gap("repeat"),
        decimals=3,
        unit="scale points",
        hints=(
            "Keep the repeat customers; for each, average the five empathy items of P and of E; the dimension "
            "gap is the mean of P - E.",
            "survey.dimension_gaps(sq[sq['segment'] == 'repeat']).loc['empathy', 'gap'].",
        ),
        mistakes=[
            (lambda: _empathy_item_sum_gap("repeat"), "You summed the item gaps: a dimension score is their mean."),
            (lambda: _empathy_gap(None), "That is the gap of every customer: keep only the repeat customers."),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="04.q1",
        prompt="Expectation has the lowest Cronbach's alpha of the ECSI blocks (about 0.43). What is the most "
               "likely reason?",
        options=[
            Option("Too few respondents answered the Expectation items.", False,
                   "All 250 respondents answered them, the same as every other block; and alpha does not depend "
                   "on the sample size, only its confidence interval does."),
            Option("Its three items share little variance: CUEX3 (how often things could go wrong) correlates "
                   "weakly with the two items on overall expectations.", True,
                   "alpha grows with the inter-item correlations and the number of items. With three items "
                   "and a corrected item-total correlation of about 0.2 for CUEX3, alpha stays low; deleting "
                   "CUEX3 would raise it (the item analysis shows it)."),
            Option("Expectation has only a weak path to Satisfaction.", False,
                   "Alpha is a property of the items of one block, computed before any structural path; a weak "
                   "path says nothing about how consistent the items are."),
            Option("The items are on a 1-10 scale.", False,
                   "Every ECSI item is on the same 1-10 scale, and Quality's items reach an alpha of 0.87 on it."),
        ],
    ),
    Question(
        id="04.q2",
        prompt="The ECSI model reports R² = 0.68 for Satisfaction. What does it say?",
        options=[
            Option("Satisfaction explains about two thirds of the variance of Loyalty.", False,
                   "R² belongs to the endogenous construct it is reported for: Loyalty's own R² (about 0.46) "
                   "says how much of Loyalty its antecedents explain."),
            Option("Image, Expectation, Quality and Value together explain about two thirds of the variance of "
                   "the Satisfaction scores.", True,
                   "R² is the share of the variance of Satisfaction's scores reproduced by the regression "
                   "on its antecedents in the model."),
            Option("68% of the customers are satisfied.", False,
                   "R² is a share of variance, not of customers; the share who score 8 or more is a different "
                   "number (notebook 00)."),
        ],
    ),
    Question(
        id="04.q3",
        prompt="The reliability dimension of the SERVQUAL survey has a mean gap of about -0.7 with a 95% interval "
               "entirely below 0. What does it mean for the retailer?",
        options=[
            Option("Customers rate the retailer's reliability below what they expect of an excellent online "
                   "retailer: a shortfall to fix first where customers give the dimension a large weight.", True,
                   "the gap is perception minus expectation; a negative gap whose interval excludes 0 is a "
                   "significant shortfall, and the importance weights say how much it matters."),
            Option("Customers are dissatisfied with the retailer overall.", False,
                   "A gap compares perception with an ideal on one dimension; gaps are negative in most SERVQUAL "
                   "studies, and overall satisfaction is measured separately."),
            Option("The retailer should lower its customers' expectations.", False,
                   "Expectations are of an excellent retailer in the industry; the firm can manage what it "
                   "promises, but a lasting gap is closed by performing better."),
        ],
    ),
    Question(
        id="04.q4",
        prompt="The NPS of 400 customers rises from -10 to -5 between two monthly surveys. What do you report?",
        options=[
            Option("A real improvement of 5 points.", False,
                   "With 400 answers the 95% interval of each NPS is about ±8 points; a change of 5 is well within "
                   "the noise of two independent samples."),
            Option("A change too small to tell from sampling noise; compare the two with a test.", True,
                   "the standard error of a difference of two NPS adds both variances, so a 5-point change "
                   "needs far more than 400 answers per survey to be distinguishable from zero."),
        ],
    ),
]
