"""Exercises and self-check questions of notebook 02, value-chain mapping (answers from :mod:`crmlab.valuechain`).

Every exercise applies a method of the notebook to inputs it does not print: another margin rate,
another set of initiatives, another share of the expected effects, another lead time of the channel
partner.
"""

from __future__ import annotations

from crmlab import valuechain
from crmlab.datasets import DATA_DIR, load_valuechain_case, load_valuechain_template
from crmlab.course.exercises import Exercise, Option, Question

NEW_MARGIN_RATE = 0.08
TWO_INITIATIVES = ["site_performance", "web_self_service"]
EFFECT_SCALE = 0.6


def _service_cost(margin_rate: float, of: str = "cost") -> float:
    case = load_valuechain_case()
    share = float(valuechain.cost_structure(case).loc["service", "cost_share"])
    base = case.revenue * (1 - margin_rate) if of == "cost" else case.revenue
    return share * base


def _largest_gap(initiatives: list[str] | None) -> float:
    case = load_valuechain_case()
    chain = case if initiatives is None else valuechain.to_be(case, initiatives)
    return float(valuechain.touchpoint_gaps(chain)["gap"].max())


def _paying() -> list[str]:
    summary = valuechain.initiative_summary(load_valuechain_case())
    return list(summary.index[summary["margin_change"] >= 0])


def _margin_change(only_paying: bool, effect_scale: float) -> float:
    case = load_valuechain_case()
    keep = _paying() if only_paying else None
    return valuechain.to_be(case, keep, effect_scale=effect_scale).margin - case.margin


def _template_margin(effect_scale: float | None) -> float:
    template = load_valuechain_template()
    return template.margin if effect_scale is None else valuechain.to_be(template, effect_scale=effect_scale).margin


def _system() -> valuechain.ValueSystem:
    return valuechain.read_value_system(DATA_DIR / "valuesystem_case_ecommerce.yaml")


def _retailer_orders(marketplace_lead_time: float, columns: tuple[str, str] = ("ratio_not_shared", "ratio_shared"),
                     chain: str = "retailer") -> list[float]:
    table = valuechain.value_system_bullwhip(_system(), lead_times={"marketplace": marketplace_lead_time})
    return [float(table.loc[chain, c]) for c in columns]


EXERCISES = [
    Exercise(
        id="02.1",
        prompt=("Suppose the case firm earned an 8% margin rate instead of 5%, with the same revenue and cost "
                "shares. What would its service activity cost a year?"),
        expected=lambda: _service_cost(NEW_MARGIN_RATE),
        decimals=2,
        unit="CNY million",
        hints=("Total activity cost is revenue x (1 - margin rate); each activity takes its cost share of it.",
               "vc.cost_structure(case).loc['service', 'cost_share'] x case.revenue x (1 - 0.08)."),
        mistakes=[
            (lambda: _service_cost(0.05), "That is the service cost at the case's own 5% margin; use 8%."),
            (lambda: _service_cost(NEW_MARGIN_RATE, of="revenue"),
             "The cost shares are shares of total cost, not of revenue: multiply by revenue x (1 - 0.08)."),
        ],
    ),
    Exercise(
        id="02.2",
        prompt=("If the firm implemented only the site speed and search optimisation and the web self-service "
                "centre, what would the largest importance - performance gap among its touchpoints be?"),
        expected=lambda: _largest_gap(TWO_INITIATIVES),
        decimals=1,
        unit="scale points",
        hints=("Apply just those two initiatives to the chain, then recompute every touchpoint's gap.",
               "vc.touchpoint_gaps(vc.to_be(case, ['site_performance', 'web_self_service']))['gap'].max()."),
        mistakes=[
            (lambda: _largest_gap(None), "That is the largest as-is gap (site speed); apply the two initiatives "
                                         "first with vc.to_be(case, [...])."),
            (lambda: _largest_gap(list(load_valuechain_case().initiatives.index)),
             "That is the largest gap with all seven initiatives; keep the two named."),
        ],
    ),
    Exercise(
        id="02.3",
        prompt=("The firm implements only the initiatives whose own margin change is zero or positive, and only "
                "60% of their expected revenue effects come true. By how much does its margin change?"),
        expected=lambda: _margin_change(True, EFFECT_SCALE),
        decimals=3,
        unit="CNY million",
        hints=("Keep the initiatives with margin_change >= 0 and shrink every revenue effect to 60%: the costs "
               "stay, the gains shrink.",
               "vc.to_be(case, paying, effect_scale=0.6).margin - case.margin, with paying from "
               "vc.initiative_summary(case)."),
        mistakes=[
            (lambda: _margin_change(True, 1.0), "That assumes the full expected effects (effect_scale 1); only 60% "
                                                "come true."),
            (lambda: _margin_change(False, EFFECT_SCALE), "That is with all seven initiatives; leave out those "
                                                          "whose margin_change is negative."),
        ],
    ),
    Exercise(
        id="02.4",
        prompt=("Read the value-chain template as shipped (datasets/valuechain_template.yaml). What is the margin "
                "of its to-be chain if only half of its initiative's expected revenue effect comes true?"),
        expected=lambda: _template_margin(0.5),
        decimals=3,
        unit="EUR million",
        hints=("The template is a chain like the case: read it, apply its initiative at half strength.",
               "vc.to_be(vc.read_value_chain(DATA_DIR / 'valuechain_template.yaml'), effect_scale=0.5).margin."),
        mistakes=[
            (lambda: _template_margin(1.0), "That is the to-be margin with the full expected effect; use "
                                            "effect_scale=0.5."),
            (lambda: _template_margin(None), "That is the as-is margin: apply the initiative with vc.to_be first."),
        ],
    ),
    Exercise(
        id="02.5",
        prompt=("The channel partner (the marketplace) switches to a carrier with a 2-week replenishment lead time "
                "instead of 1 week. What is the variance of the retailer's orders to the makers relative to the "
                "households' demand, [without, with] the marketplace sharing its daily sales?"),
        expected=lambda: _retailer_orders(2.0),
        decimals=2,
        unit="as ratios of variances",
        hints=("Each stocking stage amplifies the variance it sees; sharing the customer demand turns the "
               "multiplication into a sum of lead times. Change only the marketplace's lead time.",
               "vc.value_system_bullwhip(system, lead_times={'marketplace': 2}).loc['retailer', ['ratio_not_shared', "
               "'ratio_shared']]."),
        mistakes=[
            (lambda: _retailer_orders(1.0), "Those are the ratios with the marketplace's current 1-week lead time; "
                                            "set it to 2."),
            (lambda: _retailer_orders(2.0, ("lower_bound_not_shared", "ratio_shared")),
             "The first value is Chen et al.'s lower bound (the product of the stages' factors); the exact variance "
             "ratio without sharing is ratio_not_shared."),
            (lambda: _retailer_orders(2.0, chain="marketplace"),
             "Those are the marketplace's own orders; the question asks for the retailer's orders to the makers."),
        ],
    ),
]


QUESTIONS = [
    Question(
        id="02.q1",
        prompt="Procurement creates only 0.53 of value per unit of cost on the case. Should the firm cut it?",
        options=[
            Option("Yes: an activity that costs more than the value it creates should be cut.", False,
                   "support activities create value through the primary ones (supplier choice sets the quality "
                   "the buyer receives), and the value shares are a judgement; a low ratio is a question, not a "
                   "verdict."),
            Option("Not on this number alone: look at its linkages and how the value shares were set.", True,
                   "Porter's linkages carry value from one activity to another, and the ratio moves with the "
                   "attributed value shares; check both before acting."),
            Option("Yes, and move its budget to the activity with the highest ratio.", False,
                   "ranking by value per cost ignores linkages and scale: technology development's high ratio does "
                   "not mean more money there creates value at the same rate."),
        ],
    ),
    Question(
        id="02.q2",
        prompt="The phone contact's gap is −0.4 before the initiatives and −0.6 after them. What does it mean?",
        options=[
            Option("Customers are unhappy with the phone line.", False,
                   "a negative gap means performance exceeds importance: customers get more than they need there."),
            Option("The firm over-serves the phone line, and the initiatives add to the over-service.", True,
                   "importance minus performance below zero is over-service; growing more negative, it signals "
                   "resources spent where customers care least."),
            Option("The gap is too small to matter, whatever its sign.", False,
                   "both the sign and the direction of change are informative: here the initiatives move effort "
                   "the wrong way for this touchpoint."),
        ],
    ),
    Question(
        id="02.q3",
        prompt="With all seven initiatives the margin rises from 10.00 to 10.31 (CNY million), but the margin rate "
               "falls from 5.0% to 4.8%. Why?",
        options=[
            Option("Extra revenue brings only its contribution (revenue minus variable cost), while the initiatives "
                   "add fixed costs, so margin grows more slowly than revenue.", True,
                   "revenue rises 7.5% but the margin only 3.1%: the contribution ratio is about 0.25 and the "
                   "new spending is fixed."),
            Option("Prices were cut to win the extra customers.", False,
                   "the model has no price change: revenue grows by the initiatives' revenue effects."),
            Option("It is a rounding artefact.", False,
                   "0.050 against 0.048 is a real difference of the two computed rates, not rounding."),
        ],
    ),
    Question(
        id="02.q4",
        prompt="When the marketplace shares its daily sales with the retailer and the makers, why do the makers' "
               "orders swing less?",
        options=[
            Option("Households buy more steadily.", False,
                   "customer demand is the same in both cases; only what each stage forecasts from changes."),
            Option("Each stage no longer forecasts from the already amplified orders of the stage below: the "
                   "amplification grows with the sum of the lead times instead of multiplying stage by stage.",
                   True,
                   "that is Chen et al.'s (2000) result: centralised demand information removes the compounding "
                   "(10.6 instead of 30.7 for the makers on the case)."),
            Option("The marketplace holds more safety stock.", False,
                   "nothing in the model changes the stock policy; the difference comes from the demand signal."),
        ],
    ),
]
