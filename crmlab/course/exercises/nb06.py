"""Exercises and self-check questions of notebook 06, customer analysis and segmentation
(answers computed with :mod:`crmlab.segmentation`)."""

from __future__ import annotations

import functools

import pandas as pd

from crmlab import segmentation as seg
from crmlab import value
from crmlab.datasets import load_cdnow_transactions
from crmlab.course.exercises import Exercise, Option, Question

CALIBRATION_END, OBSERVATION_END = "1997-09-30", "1998-06-30"
K = 3

#: The customer of exercise 06.1 (not in CDNOW), in the units of behaviour_features (weeks, US$).
NEW_CUSTOMER = {"frequency": 1, "time_since_last": 20.0, "interpurchase_time": 10.0, "mean_spend": 30.0,
                "p_alive": 0.45, "expected_purchases": 0.5}


@functools.cache
def _features() -> pd.DataFrame:
    return seg.behaviour_features(load_cdnow_transactions(), CALIBRATION_END, OBSERVATION_END)


@functools.cache
def _standardised() -> pd.DataFrame:
    return seg.standardise(_features())


@functools.cache
def _fit() -> seg.SegmentFit:
    return seg.fit_segments(_standardised(), K, seed=0, order_by=_features()["total_spend"])


def _new_customer_segment(logged: bool = True) -> int:
    new = pd.DataFrame([NEW_CUSTOMER], index=pd.Index(["new"], name="customer_id"))
    if logged:
        z = seg.standardise_like(new, _standardised())
    else:  # the mistake: raw values put on the scale of the logged features
        ref = _standardised().attrs
        z = (new[list(ref["mean"])] - pd.Series(ref["mean"])) / pd.Series(ref["scale"])
    return int(_fit().predict(z).iloc[0])


def _three_feature_silhouette() -> float:
    columns = ("frequency", "time_since_last", "mean_spend")
    X = seg.standardise(_features(), columns=columns, log=("frequency", "mean_spend"))
    return seg.silhouette(X, seg.fit_segments(X, K, seed=0).labels)


def _agreement_with_volume(adjusted: bool = True) -> float:
    from sklearn.metrics import adjusted_rand_score, rand_score

    volume = value.volume_groups(_features()["total_spend"]).astype(str)
    score = adjusted_rand_score if adjusted else rand_score
    return float(score(volume, _fit().labels))


def _pyramid_separation(column: str) -> float:
    tiers = value.customer_pyramid(_features()["total_spend"])
    return float(seg.separation(_features(), {"pyramid": tiers}).loc["pyramid", column])


def _plan_cost(one_to_one: float) -> float:
    treatments = seg.TREATMENTS.copy()
    treatments.loc["one_to_one", "cost_per_customer"] = one_to_one
    f = _features()
    plan = seg.treatment_plan(f["expected_purchases"] * f["mean_spend"], _fit().labels, treatments=treatments)
    return float(plan["cost"].sum())


EXERCISES = [
    Exercise(
        id="06.1",
        prompt=(
            "A customer who is not in CDNOW has 1 repeat purchase, 20 weeks since the last purchase, a mean "
            "inter-purchase time of 10 weeks, US$ 30 per purchase, P(alive) 0.45 and 0.5 expected purchases. "
            "Put this customer on the scale of the notebook's standardised features and give the k-means "
            "segment (1-3) it belongs to."
        ),
        expected=lambda: _new_customer_segment(),
        decimals=0,
        unit="as a segment number",
        hints=(
            "the new customer must be transformed exactly like the clustered ones: the same logs, the same "
            "means and standard deviations; then the nearest centroid decides.",
            "seg.standardise_like(new_customer_frame, X), then km.predict(...) with the notebook's fit.",
        ),
        mistakes=[
            (lambda: _new_customer_segment(logged=False),
             "the raw values were z-scored without the log transform that the clustered features had."),
        ],
    ),
    Exercise(
        id="06.2",
        prompt=(
            "Cluster the CDNOW customers on three features only: frequency, time since the last purchase and "
            "mean spend (logs of frequency and mean spend, then z-scores), with k-means, k = 3, seed 0. "
            "What is the mean silhouette width?"
        ),
        expected=_three_feature_silhouette,
        decimals=3,
        unit="as a width between -1 and 1",
        hints=(
            "the silhouette compares each customer's distance to its own segment with the distance to the "
            "nearest other segment; recompute it on the new feature set.",
            "seg.standardise(features, columns=[...], log=[...]), seg.fit_segments(X3, 3, seed=0), "
            "seg.silhouette(X3, fit.labels).",
        ),
        mistakes=[
            (lambda: seg.silhouette(_standardised(), _fit().labels),
             "that is the silhouette of the six-feature segmentation of the notebook; use the three features."),
        ],
    ),
    Exercise(
        id="06.3",
        prompt=(
            "How well do the k = 3 k-means segments agree with the rule-based volume groups (large, "
            "small-medium, scattered by calibration spend) of notebook 01? Give the adjusted Rand index."
        ),
        expected=lambda: _agreement_with_volume(),
        decimals=3,
        unit="as an index between -1 and 1",
        hints=(
            "agreement between two partitions of the same customers, corrected for chance: the adjusted "
            "Rand index.",
            "value.volume_groups(features['total_spend']) and "
            "sklearn.metrics.adjusted_rand_score(volume, km.labels).",
        ),
        mistakes=[
            (lambda: _agreement_with_volume(adjusted=False),
             "that is the plain Rand index, which is high even for unrelated partitions; adjust it for chance."),
        ],
    ),
    Exercise(
        id="06.4",
        prompt=(
            "Group the customers into the customer pyramid of notebook 01 (platinum, gold, iron, lead by "
            "calibration spend, 10/20/30/40%). What share of the variance of holdout purchases does the "
            "pyramid explain, adjusted for its number of groups (epsilon squared)?"
        ),
        expected=lambda: _pyramid_separation("holdout_purchases_eta2_adj"),
        decimals=3,
        unit="share",
        hints=(
            "the between-group share of the variance of the holdout measure, less what that many groups "
            "would explain by chance.",
            "value.customer_pyramid(features['total_spend']), then seg.separation(features, {'pyramid': tiers}) "
            "and its column holdout_purchases_eta2_adj.",
        ),
        mistakes=[
            (lambda: _pyramid_separation("holdout_purchases_eta2"),
             "that is eta squared without the adjustment for the number of groups."),
            (lambda: _pyramid_separation("holdout_spend_eta2_adj"),
             "that is for holdout spend; the question asks about holdout purchases."),
        ],
    ),
    Exercise(
        id="06.5",
        prompt=(
            "Suppose one-to-one care costs US$ 20 per customer over the planning period instead of 15, "
            "everything else as in the notebook's treatment plan. What is the total cost of the plan?"
        ),
        expected=lambda: _plan_cost(20.0),
        decimals=0,
        unit="US$",
        hints=(
            "a dearer treatment may no longer fit within 20% of a segment's expected value, so the plan can "
            "change, not only its price.",
            "copy seg.TREATMENTS, set the one_to_one cost, pass treatments= to seg.treatment_plan and sum "
            "the cost column.",
        ),
        mistakes=[
            (lambda: _plan_cost(15.0), "that is the plan at the default cost of 15; change the cost first."),
        ],
    ),
]


QUESTIONS = [
    Question(
        "06.q1",
        "Why are the features log-transformed and standardised before k-means?",
        [
            Option("So that every segment ends up with the same number of customers.", False,
                   "k-means does not balance segment sizes; on CDNOW they range from 411 to 1,411 customers."),
            Option("Because a Euclidean distance adds squared differences in each feature's own unit, so "
                   "the feature with the largest spread (and a few extreme buyers) would decide the "
                   "clusters.", True,
                   "the z-score puts every feature in standard deviations and the log pulls in the long "
                   "right tail of counts and money, so each feature counts about equally."),
            Option("Because k-means assumes normally distributed features.", False,
                   "k-means assumes no distribution: it minimises squared distances. The Gaussian mixture "
                   "is the model that assumes normal components."),
        ],
    ),
    Question(
        "06.q2",
        "The mean silhouette is highest at k = 2 (0.530), yet the notebook uses k = 3 (0.521). Which "
        "reason is sound?",
        [
            Option("The silhouette hardly changes from 2 to 3 and drops at 4, the mixture's BIC falls steeply "
                   "from 2 to 3 and is nearly flat after, and k = 3 separates groups a manager treats "
                   "differently.", True,
                   "the silhouette rules out k >= 4 and BIC rules out k = 2; the choice is then made on "
                   "usefulness, and the segments must prove stable and valid on the holdout."),
            Option("More segments are always better because the within-segment sum of squares falls.", False,
                   "the sum of squares falls with every k, down to 0 at one customer per segment; it cannot "
                   "choose k on its own."),
            Option("The k with the lowest BIC is always the right one.", False,
                   "BIC's minimum (k = 5) is less than 1% below its value at k = 3, and on data with many "
                   "tied one-time buyers a mixture's likelihood rewards extra components; BIC is evidence, "
                   "not a rule."),
        ],
    ),
    Question(
        "06.q3",
        "Refitting k-means on bootstrap samples gives a mean adjusted Rand index of about 0.97 with the "
        "reference segmentation. What does that tell you?",
        [
            Option("About 97% of customers are in their correct segment.", False,
                   "there is no 'correct' segment to compare with; the ARI measures chance-corrected "
                   "agreement between two partitions, not accuracy."),
            Option("The partition is reproducible: customers drawn again fall into nearly the same groups.",
                   True,
                   "stability across resamples means the segments are a feature of the data, not of one "
                   "sample or one random start."),
            Option("The segments will differ in future purchases.", False,
                   "that is validity, checked separately on the holdout period; a stable partition can still "
                   "be useless for prediction."),
        ],
    ),
    Question(
        "06.q4",
        "The profile logit predicts the segment correctly for about 62% of customers, against 60% for "
        "always guessing the largest segment (the one-time buyers). What follows?",
        [
            Option("Profiles are useless for CRM.", False,
                   "they shift the odds clearly (referral customers are far more often active frequent "
                   "buyers) and are all a firm knows about a prospect before the first purchase."),
            Option("Profiles help target prospects and new customers, but once customers have bought, their "
                   "behaviour segments them far better.", True,
                   "this is the usual finding in segmentation research: descriptors such as age or region "
                   "explain little of the variation in behaviour (Wedel & Kamakura 2000)."),
            Option("The logit shows that referrals cause customers to buy more.", False,
                   "a logit on observational data shows association, not cause; and here the profiles are "
                   "synthetic, generated with that association built in."),
        ],
    ),
]
