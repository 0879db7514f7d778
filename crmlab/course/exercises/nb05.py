"""Exercises and self-check questions of notebook 05, CRM adoption by firm size (answers from :mod:`crmlab.adoption`).

Five of the seven exercises apply a method of the notebook to inputs it does not print: another
variable, another group of firms, another threshold, another pair of years. 05.1 and 05.3 read back two
numbers the notebook prints, to practise the methods behind them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crmlab import adoption
from crmlab.datasets import (
    load_adoption_statistics,
    load_firm_survey,
    load_readiness_cases,
    load_readiness_instrument,
)
from crmlab.course.exercises import Exercise, Option, Question

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper


def _wilson(size_class: str | None, confidence: float = 0.95) -> list[float]:
    survey = load_firm_survey()
    part = survey if size_class is None else survey[survey["size_class"] == size_class]
    low, high = adoption.wilson_interval(int(part["adopted"].sum()), len(part), confidence)
    return [float(low), float(high)]


def _association(column: str, statistic: str) -> float:
    return float(adoption.chi2_independence(load_firm_survey(), column, "adopted")[statistic])


def _adoption_logit() -> BinaryResultsWrapper:
    return adoption.fit_adoption_logit(load_firm_survey())


def _ame_log_employees() -> float:
    return float(adoption.average_marginal_effects(_adoption_logit()).loc["np.log(employees)", "ame"])


def _coef_log_employees() -> float:
    return float(_adoption_logit().params["np.log(employees)"])


CONDITIONS = ("V2", "O1", "O3", "T1")  # the supply-chain paper's four conditions on the instrument


def _distributor(column: str, practices: tuple[str, ...] | None = CONDITIONS) -> float:
    instrument = load_readiness_instrument()
    table = adoption.gap_table(load_readiness_cases(), instrument, by="practice_id")
    firm = table.xs("Mid-size distributor", level="firm")
    if practices is None:  # all nine factors and conditions
        practices = tuple(instrument.loc[instrument["source_factor"] != "", "practice_id"])
    return float(firm.loc[list(practices), column].mean())


def _weighted_share(offering: str | None, weighted: bool = True) -> float:
    survey = load_firm_survey()
    part = survey if offering is None else survey[survey["offering"] == offering]
    return float(np.average(part["adopted"], weights=part["weight"] if weighted else None))


def _exposed(threshold: int) -> dict[str, int]:
    diagnostic = adoption.failure_diagnostic(load_readiness_cases(), load_readiness_instrument(), threshold)
    return {str(k): int(v) for k, v in diagnostic.groupby("firm", sort=False)["exposed"].sum().items()}


def _growth(kind: str) -> float:
    stats = load_adoption_statistics()
    if kind == "annual":
        return adoption.series_growth(stats, "crm_software_revenue", 2011, 2015)
    rows = adoption.market_figures(stats).query("indicator == 'crm_software_revenue' and not forecast")
    values = rows.set_index("year")["value"]
    total = float(values[2015] / values[2011] - 1)
    return total if kind == "total" else total / 4


EXERCISES = [
    Exercise(
        id="05.1",
        prompt=("Give the 95% Wilson interval [low, high] for the CRM adoption rate of medium firms "
                "(50-249 employees) in the synthetic survey."),
        expected=lambda: _wilson("50-249"),
        decimals=3,
        unit="share",
        hints=("Count the adopters x and the firms n of the 50-249 class; the Wilson interval inverts the score "
               "test around x/n.",
               "adoption.wilson_interval(x, n) returns (low, high); or read the class's row of "
               "adoption.adoption_by_size(survey)."),
        mistakes=[
            (lambda: _wilson(None), "That interval pools all 1,500 firms: keep the 50-249 class only."),
            (lambda: _wilson("50-249", 0.90), "That is a 90% interval; the question asks for 95% (confidence=0.95)."),
        ],
    ),
    Exercise(
        id="05.2",
        prompt="How strongly is the sector associated with CRM adoption? Give Cramér's V of sector by adoption.",
        expected=lambda: _association("sector", "cramers_v"),
        decimals=3,
        unit="as Cramér's V between 0 and 1",
        hints=("Cross-tabulate sector against adopted, compute Pearson's X² and scale it: "
               "V = √(X² / (n (min(r, c) − 1))).",
               "adoption.chi2_independence(survey, 'sector', 'adopted')['cramers_v']."),
        mistakes=[
            (lambda: _association("sector", "chi2"),
             "That is the chi-squared statistic X²; Cramér's V is √(X² / (n (min(r, c) − 1)))."),
            (lambda: _association("size_class", "cramers_v"),
             "That is Cramér's V of size class, printed in section 4; the question asks about sector."),
        ],
    ),
    Exercise(
        id="05.3",
        prompt=("Fit the default adoption logit and give the average marginal effect of ln(employees) "
                "on the probability of using CRM."),
        expected=_ame_log_employees,
        decimals=3,
        unit="as a change in probability per unit of ln(employees)",
        hints=("An average marginal effect averages β·p̂(1 − p̂) over the firms: the change in probability, not "
               "in log-odds.",
               "adoption.average_marginal_effects(adoption.fit_adoption_logit(survey)), row 'np.log(employees)', "
               "column 'ame'."),
        mistakes=[(_coef_log_employees, "That is the logit coefficient (log-odds per unit of ln employees); "
                                        "the AME is on the probability scale: average β·p(1−p) over firms.")],
    ),
    Exercise(
        id="05.4",
        prompt=("Across the supply-chain paper's four conditions (top-management support, a capable team, staff "
                "training, suitable software and hardware), what is the mid-size distributor's mean "
                "intention − reality gap?"),
        expected=lambda: _distributor("gap"),
        decimals=2,
        unit="score points",
        hints=("Find the practice that measures each condition (the success-factor map), take the distributor's "
               "gap on each, and average the four.",
               "adoption.gap_table(scores, instrument, by='practice_id'), rows ('Mid-size distributor', pid) for "
               "pid in V2, O1, O3, T1, column 'gap', then .mean()."),
        mistakes=[
            (lambda: _distributor("reality"), "That is the mean reality score; the gap is intention − reality."),
            (lambda: _distributor("gap", None),
             "That averages all nine factors and conditions; keep the supply-chain paper's four."),
        ],
    ),
    Exercise(
        id="05.5",
        prompt=("Estimate the share of all service-providing enterprises (offering == 'services', 10+ persons "
                "employed) that use CRM, from the over-sampled survey."),
        expected=lambda: _weighted_share("services"),
        decimals=3,
        unit="share",
        hints=("Keep the services firms, then weight each by its design weight: large firms are over-sampled.",
               "np.average(part['adopted'], weights=part['weight']) with part = survey[survey['offering'] == "
               "'services']."),
        mistakes=[
            (lambda: _weighted_share("services", weighted=False),
             "That is the unweighted sample share: large firms are over-represented, so use the `weight` column."),
            (lambda: _weighted_share(None), "That is the weighted share of all firms; keep the services firms."),
        ],
    ),
    Exercise(
        id="05.6",
        prompt=("Run the failure diagnostic with a stricter threshold: a firm is exposed to a problem when the "
                "detecting practice's reality score is 3 or less. How many of the six problems is each case firm "
                "exposed to? Give a dict {firm: count}."),
        expected=lambda: _exposed(3),
        decimals=0,
        unit="problems",
        hints=("The threshold decides when a practice counts as not in place; count, per firm, the problems whose "
               "detecting practice scores at or below it.",
               "adoption.failure_diagnostic(scores, instrument, threshold=3).groupby('firm')['exposed'].sum()."),
        mistakes=[(lambda: _exposed(2), "Those are the counts at the default threshold 2; use threshold=3.")],
    ),
    Exercise(
        id="05.7",
        prompt=("By how much a year did Gartner's total CRM software revenue grow on average from 2011 to 2015 "
                "(compound annual growth)?"),
        expected=lambda: _growth("annual"),
        decimals=3,
        unit="share",
        hints=("Compound annual growth is (v₁ / v₀)^(1/n) − 1 over n years; here n = 4.",
               "adoption.series_growth(stats, 'crm_software_revenue', 2011, 2015), or adoption.growth_rate(16, "
               "26.3, 4)."),
        mistakes=[
            (lambda: _growth("total"), "That is the growth over all four years; the annual rate is its fourth "
                                       "root, (v₁ / v₀)^(1/4) − 1."),
            (lambda: _growth("simple"), "That divides the four-year growth by 4; growth compounds: take the "
                                        "fourth root of v₁ / v₀ instead."),
        ],
    ),
]


QUESTIONS = [
    Question(
        id="05.q1",
        prompt="Eurostat's EU-27 share of enterprises using CRM was 33% in 2019 and 25.8% in 2023. What does the "
               "comparison show?",
        options=[
            Option("CRM use fell by about 7 percentage points.", False,
                   "the 2023 figure answers a new question on CRM software; a break in the series means the two "
                   "numbers measure different things, so their difference is not a change."),
            Option("Nothing about the change: the question changed in 2023, so the series breaks.", True,
                   "a change can only be read within one definition; compare 2023 with later years asked the same "
                   "way."),
            Option("The 2023 figure must be a typing error.", False,
                   "it is flagged as not verified against Eurostat's table, but a lower figure is what a narrower "
                   "question would give; the break, not an error, explains it."),
        ],
    ),
    Question(
        id="05.q2",
        prompt="The 2017 EU share (34%) is drawn as 'derived from a primary source'. What can you say about the "
               "2017 share?",
        options=[
            Option("It was exactly 34%.", False,
                   "no source prints 34%: it is 33% minus the stated one-point decline, and both are rounded."),
            Option("It was about 34%, give or take a point: 33% and the one-point decline are both rounded.", True,
                   "a figure derived from rounded figures inherits their rounding, so it is an approximation of the "
                   "real share, not a printed statistic."),
            Option("Nothing: without the table the figure is useless.", False,
                   "the article's statement does pin it down approximately; 'derived' says how it was obtained, so "
                   "the reader can judge its precision."),
        ],
    ),
    Question(
        id="05.q3",
        prompt="The supply-chain paper forecast a US$67 bn CRM market for 2004; Gartner put CRM new-licence revenue "
               "in 2004 at about US$3.5 bn. What follows?",
        options=[
            Option("The forecast was about 19 times too high.", False,
                   "the two numbers measure different things (the paper's undefined market vs licence sales only); "
                   "a forecast can only be scored against an outcome of the same measure."),
            Option("The forecast cannot be scored, because its measure is undefined; where a measure is defined, "
                   "Gartner's own one- and two-year forecasts were 18-29% too high: read market forecasts "
                   "sceptically.", True,
                   "matching the measure first is the rule; the like-for-like comparisons that can be made show "
                   "forecasts made in a boom overshooting."),
            Option("The CRM market collapsed after 2000.", False,
                   "licence sales dipped in 2001-2002, but total CRM software revenue grew to US$26 bn by 2015; "
                   "nothing here shows a collapse of the paper's (undefined) market."),
        ],
    ),
    Question(
        id="05.q4",
        prompt="The large retailer has suitable software in place (T1 reality 5) but is exposed to blind adoption, a "
               "culture at odds with CRM and flawed processes. What should come first?",
        options=[
            Option("An upgrade of the CRM suite.", False,
                   "technology is the one part already in place; more of it leaves the exposed problems untouched "
                   "and adds cost."),
            Option("The countermeasures for the exposed problems: a stated need and business case, customer-"
                   "centred incentives, and outside-in redesign of the processes.", True,
                   "the paper answers each problem with its countermeasure; the diagnostic points at organisation "
                   "and process, as Rigby, Reichheld & Schefter (2002) warn: technology before strategy fails."),
            Option("Dropping CRM, since it has not paid.", False,
                   "the diagnostic shows why it has not paid and what to change; abandoning it wastes the part "
                   "that works."),
        ],
    ),
]
