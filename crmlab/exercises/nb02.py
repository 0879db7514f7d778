"""Exercises of notebook 02, value-chain mapping (answers computed with :mod:`crmlab.valuechain`)."""

from __future__ import annotations

from crmlab import valuechain
from crmlab.datasets import load_valuechain_case, load_valuechain_template
from crmlab.exercises import Exercise


def _service_cost(of: str) -> float:
    case = load_valuechain_case()
    share = float(valuechain.cost_structure(case).loc["service", "cost_share"])
    return {"amount": share * case.total_cost, "share": share, "of_revenue": share * case.revenue}[of]


def _largest(column: str) -> str:
    gaps = valuechain.touchpoint_gaps(load_valuechain_case())
    if column == "performance":
        return str(gaps[column].idxmin())
    return str(gaps[column].idxmax())


def _margin_change(only_paying: bool) -> float:
    case = load_valuechain_case()
    summary = valuechain.initiative_summary(case)
    keep = summary.index[summary["margin_change"] >= 0] if only_paying else summary.index
    return valuechain.to_be(case, list(keep)).margin - case.margin


def _template_margin(state: str) -> float:
    template = load_valuechain_template()
    return template.margin if state == "as-is" else valuechain.to_be(template).margin


EXERCISES = [
    Exercise(
        id="02.1",
        prompt="What is the annual cost of the case firm's service activity, in CNY million?",
        expected=lambda: _service_cost("amount"),
        hint="valuechain.cost_structure(case) has a cost column: cost share x total cost.",
        mistakes=[
            (lambda: _service_cost("share"),
             "that is the cost share; the cost is the share times the total cost, revenue x (1 - margin)."),
            (lambda: _service_cost("of_revenue"),
             "the cost shares are shares of total cost, not of revenue: total cost is 200 x (1 - 0.05)."),
        ],
    ),
    Exercise(
        id="02.2",
        prompt="Which touchpoint has the largest importance-performance gap? Give its key (e.g. 'checkout').",
        expected=lambda: _largest("gap"),
        hint="valuechain.touchpoint_gaps(case) adds gap = importance - performance; take the row with the largest gap.",
        mistakes=[
            (lambda: _largest("performance"),
             "that touchpoint performs worst, but the gap also weighs how important it is to customers."),
            (lambda: _largest("importance"),
             "that is the most important touchpoint; the gap subtracts its performance from its importance."),
        ],
    ),
    Exercise(
        id="02.3",
        prompt=(
            "The firm implements only the initiatives whose own margin change is zero or positive. By how much "
            "does its margin change (CNY million) from as-is to to-be?"
        ),
        expected=lambda: _margin_change(True),
        hint=("valuechain.initiative_summary(case) has margin_change per initiative; pass the keys you keep "
              "to valuechain.to_be(case, keep) and compare its margin with case.margin."),
        mistakes=[
            (lambda: _margin_change(False),
             "that is the change with all seven initiatives; leave out those whose margin_change is negative."),
        ],
    ),
    Exercise(
        id="02.4",
        prompt=(
            "Read the value-chain template as shipped (datasets/valuechain_template.yaml) and compute the margin "
            "of its to-be chain, in the template's currency."
        ),
        expected=lambda: _template_margin("to-be"),
        hint="chain = valuechain.read_value_chain(path); valuechain.to_be(chain).margin",
        mistakes=[
            (lambda: _template_margin("as-is"),
             "that is the as-is margin: apply the initiatives with valuechain.to_be(chain) first."),
        ],
    ),
]
