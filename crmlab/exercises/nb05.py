"""Exercises of notebook 05, CRM adoption by firm size (answers computed with :mod:`crmlab.adoption`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from crmlab import adoption
from crmlab.datasets import load_firm_survey, load_readiness_cases, load_readiness_instrument
from crmlab.exercises import Exercise

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper


def _medium_counts() -> tuple[int, int]:
    survey = load_firm_survey()
    medium = survey[survey["size_class"] == "50-249"]
    return int(medium["adopted"].sum()), len(medium)


def _wilson_medium() -> list[float]:
    low, high = adoption.wilson_interval(*_medium_counts())
    return [float(low), float(high)]


def _wald_medium() -> list[float]:
    x, n = _medium_counts()
    p = x / n
    half = stats.norm.ppf(0.975) * np.sqrt(p * (1 - p) / n)
    return [p - half, p + half]


def _cramers_v() -> float:
    return float(adoption.chi2_independence(load_firm_survey(), "size_class", "adopted")["cramers_v"])


def _chi2() -> float:
    return float(adoption.chi2_independence(load_firm_survey(), "size_class", "adopted")["chi2"])


def _adoption_logit() -> BinaryResultsWrapper:
    return adoption.fit_adoption_logit(load_firm_survey())


def _ame_log_employees() -> float:
    return float(adoption.average_marginal_effects(_adoption_logit()).loc["np.log(employees)", "ame"])


def _coef_log_employees() -> float:
    return float(_adoption_logit().params["np.log(employees)"])


def _small_firm_gaps() -> pd.DataFrame:
    gaps = adoption.gap_table(load_readiness_cases(), load_readiness_instrument())
    return gaps.xs("Small design studio", level="firm")


def _largest_gap_block() -> str:
    return str(_small_firm_gaps()["gap"].idxmax())


def _lowest_reality_block() -> str:
    return str(_small_firm_gaps()["reality"].idxmin())


def _weighted_adoption() -> float:
    survey = load_firm_survey()
    return float(np.average(survey["adopted"], weights=survey["weight"]))


def _unweighted_adoption() -> float:
    return float(load_firm_survey()["adopted"].mean())


EXERCISES = [
    Exercise(
        id="05.1",
        prompt=("Give the 95% Wilson interval [low, high] for the CRM adoption rate of medium firms "
                "(50-249 employees) in the synthetic survey."),
        expected=_wilson_medium,
        hint="Count adopters and firms in the 50-249 class and call `adoption.wilson_interval(x, n)`.",
        mistakes=[(_wald_medium, "That is the Wald interval p ± 1.96·√(p(1−p)/n); the Wilson interval "
                                 "is centred nearer 0.5 — use `adoption.wilson_interval`.")],
    ),
    Exercise(
        id="05.2",
        prompt="How strong is the association between size class and adoption? Give Cramér's V.",
        expected=_cramers_v,
        hint="`adoption.chi2_independence(survey, 'size_class', 'adopted')` returns it.",
        mistakes=[(_chi2, "That is the chi-squared statistic X²; Cramér's V is √(X² / (n (min(r, c) − 1))).")],
    ),
    Exercise(
        id="05.3",
        prompt=("Fit the default adoption logit and give the average marginal effect of ln(employees) "
                "on the probability of using CRM."),
        expected=_ame_log_employees,
        hint="`adoption.average_marginal_effects(result)` — the row 'np.log(employees)', column 'ame'.",
        mistakes=[(_coef_log_employees, "That is the logit coefficient (log-odds per unit of ln employees); "
                                        "the AME is on the probability scale: average β·p(1−p) over firms.")],
    ),
    Exercise(
        id="05.4",
        prompt=("Which of Gartner's building blocks has the largest intention − reality gap for the small "
                "design studio? Give the block's name."),
        expected=_largest_gap_block,
        hint="`adoption.gap_table(scores, instrument)`, take the studio's rows and the largest `gap`.",
        mistakes=[(_lowest_reality_block, "That block has the lowest reality score, but the studio also "
                                          "intends little there: look at the gap, intention − reality.")],
    ),
    Exercise(
        id="05.5",
        prompt=("The survey over-samples medium and large firms. Estimate the share of all enterprises "
                "(10+ persons employed) that use CRM, as a share between 0 and 1."),
        expected=_weighted_adoption,
        hint="Weight each firm by its design weight: `np.average(survey['adopted'], weights=survey['weight'])`.",
        mistakes=[(_unweighted_adoption, "That is the unweighted sample share: large firms are over-represented, "
                                         "so use the `weight` column.")],
    ),
]
