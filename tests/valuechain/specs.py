"""Hand-checked value-chain and value-system specifications shared by the tests."""

import copy

from crmlab import valuechain as vc


def hand_spec() -> dict:
    """Revenue 1000, margin 20 %: total cost 800, costs 200/240/80/120/40/40/32/32/16."""
    shares = [0.25, 0.30, 0.10, 0.15, 0.05, 0.05, 0.04, 0.04, 0.02]
    values = [0.20, 0.30, 0.10, 0.20, 0.10, 0.03, 0.03, 0.03, 0.01]
    variable = [1.0, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    return {
        "firm": "Hand example",
        "currency": "EUR",
        "revenue": 1000,
        "margin": 0.2,
        "activities": [
            {"activity": a, "cost_share": s, "value_share": v, "variable_share": u}
            for a, s, v, u in zip(vc.ACTIVITIES, shares, values, variable, strict=True)
        ],
        "touchpoints": [
            {"key": "t1", "name": "Help desk", "stage": "after-sales", "activity": "service",
             "importance": 6, "performance": 4},
            {"key": "t2", "name": "Shop", "stage": "purchase", "activity": "marketing_sales",
             "importance": 4, "performance": 5},
        ],
        "initiatives": [
            {"key": "A", "name": "Service upgrade", "revenue_effect": 0.05,
             "cost_changes": {"service": 10, "marketing_sales": -4}, "touchpoint_effects": {"t1": 1.5}},
            {"key": "B", "name": "Lean shop", "revenue_effect": 0.0,
             "cost_changes": {"operations": -6}, "touchpoint_effects": {"t2": 3}},
        ],
        "linkages": [
            {"source": "service", "target": "technology_development", "strength": 3},
            {"source": "procurement", "target": "inbound_logistics"},
        ],
    }


def small_spec() -> dict:
    return {
        "firm": "Hand example",
        "forecast_window": 2,
        "chains": [
            {"key": "maker", "role": "supplier", "lead_time": 3},
            {"key": "shop", "role": "firm", "lead_time": 1},
            {"key": "people", "role": "buyer"},
        ],
        "links": [
            {"source": "people", "target": "shop.marketing_sales", "kind": "customer_data"},
            {"source": "shop.procurement", "target": "maker.operations", "kind": "demand_signal"},
            {"source": "shop.service", "target": "maker.service", "kind": "service_handoff"},
            {"source": "maker.service", "target": "people", "kind": "service_handoff"},
        ],
    }


def mutate(path: str, value):
    """A copy of the hand spec with one entry replaced (``None`` deletes it)."""
    spec = copy.deepcopy(hand_spec())
    *parents, last = path.split(".")
    target = spec
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is None:
        del target[key]
    else:
        target[key] = value
    return spec
