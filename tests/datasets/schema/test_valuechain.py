"""crmlab.datasets.schema.valuechain: reading and validating value-chain and value-system specifications, every error path."""

import copy
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.patches import Circle, FancyArrowPatch

from crmlab import datasets
from crmlab import valuechain as vc
from crmlab.datasets.schema import valuechain as schema
from crmlab.course.exercises import check, exercises
from crmlab.errors import CrmlabError, CrmlabWarning, DataFileError, ParameterError, SpecificationError

from valuechain.specs import hand_spec, mutate, small_spec


TESTS = Path(__file__).resolve().parents[2]
DATA = TESTS / "data"


@pytest.fixture(scope="module")
def system() -> vc.ValueSystem:
    return datasets.load_valuesystem_case()


MALFORMED = [
    ("valuechain_unknown_activity.yaml", ["unknown activity 'marketing'", "did you mean 'marketing_sales'",
                                          "activities missing: marketing_sales"]),
    ("valuechain_missing_cost.yaml", ["2 problem(s)", "activity 'operations' has no cost_share",
                                      "activity 'service' has no cost_share"]),
    ("valuechain_shares_not_one.yaml", ["cost shares sum to 0.95, not 1", "off by -0.05"]),
    ("valuechain_duplicate_keys.yaml", ["duplicate key 'revenue' at line 5 (first at line 3)",
                                        "activity 'service' appears 2 times (entries [5, 6])"]),
    ("valuechain_not_mapping.yaml", ["must be a mapping"]),
    ("valuechain_many_problems.yaml", ["6 problem(s)", "revenue must be > 0", "'operatons' (did you mean 'operations'",
                                       "importance must be between 1 and 7, got 9",
                                       "unknown touchpoint 'phone'", "'service' links to itself"]),
]


@pytest.mark.parametrize(("name", "fragments"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files_list_every_problem(name, fragments):
    with pytest.raises(SpecificationError) as info:
        vc.read_value_chain(DATA / name)
    assert isinstance(info.value, CrmlabError) and isinstance(info.value, ValueError)
    message = str(info.value)
    assert "How to fix" in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_many_problems_are_all_in_the_problems_attribute():
    with pytest.raises(SpecificationError) as info:
        vc.read_value_chain(DATA / "valuechain_many_problems.yaml")
    assert len(info.value.problems) == 6


def test_unreadable_files():
    with pytest.raises(DataFileError, match=r"(?s)not valid YAML.*line 4"):
        vc.read_value_chain(DATA / "valuechain_bad_syntax.yaml")
    with pytest.raises(DataFileError, match="no such file"):
        vc.read_value_chain(DATA / "valuechain_nowhere.yaml")


SPEC_ERRORS = [
    ("firm", None, "required key 'firm' is missing"),
    ("revenu", 5, "unknown top-level key 'revenu' (did you mean 'revenue'?)"),
    ("revenue", "lots", "revenue must be a number, got 'lots'"),
    ("margin", 1.0, "margin must be below 1 (a share of revenue"),
    ("margin", None, "required key 'margin' is missing"),
    ("initiatives.0.revenue_effect", -1, "revenue_effect must be above -1"),
    ("scale", [7, 1], "scale must be [lowest, highest]"),
    ("activities", "all of them", "activities must be a list of entries"),
    ("activities", [], "activities is empty"),
    ("activities.2", "outbound", "activities entry 3 must be a mapping"),
    ("activities.2.activity", None, "activities entry 3 has no 'activity' name"),
    ("activities.1.cost_shre", 0.3, "unknown field 'cost_shre' (did you mean 'cost_share'?)"),
    ("activities.1.cost_share", -0.1, "cost_share must be between 0 and 1, got -0.1"),
    ("activities.1.variable_share", 2, "variable_share must be between 0 and 1"),
    ("activities.4.value_share", None, "value_share is given for some activities but not for service"),
    ("activities.4.value_share", 0.2, "value shares sum to 1.1, not 1"),
    ("touchpoints.0.activity", "helpdesk", "touchpoint 't1': unknown activity 'helpdesk'"),
    ("touchpoints.0.performance", None, "touchpoint 't1': performance is missing"),
    ("touchpoints.1.key", "t1", "touchpoints: key 't1' appears 2 times"),
    ("touchpoints.1.key", None, "touchpoints entry 2 has no 'key'"),
    ("initiatives.0.cost_changes", None, "initiative 'A': cost_changes must map the activities"),
    ("initiatives.0.cost_changes", {"servise": 1}, "cost_changes names unknown activity 'servise' (did you mean 'service'?)"),
    ("initiatives.0.cost_changes", {"service": "ten"}, "cost change of 'service' must be a number"),
    ("initiatives.0.revenue_effect", None, "initiative 'A': revenue_effect is missing"),
    ("initiatives.0.touchpoint_effects", [1], "touchpoint_effects must map touchpoint keys"),
    ("initiatives.1.key", "A", "initiatives: key 'A' appears 2 times"),
    ("initiatives.1.key", None, "initiatives entry 2 has no 'key'"),
    ("linkages.0.target", "tech", "unknown target activity 'tech'"),
    ("linkages.1", {"source": "service", "target": "technology_development"}, "duplicates entry 1"),
    ("linkages.0.strength", 5, "strength must be between 1 and 3"),
    ("linkages.0.source", None, "linkages entry 1 has no source"),
    ("touchpoints.0.activity", None, "touchpoint 't1' has no 'activity'"),
    ("activities.3.value_share", 2, "activity 'marketing_sales': value_share must be between 0 and 1, got 2"),
    ("initiatives.0.touchpoint_effects", {"t1": "lots"}, "effect on touchpoint 't1' must be a number, got 'lots'"),
    ("activities.0.activity", ["inbound_logistics"], "activity must be a name, got a list ['inbound_logistics']"),
]


@pytest.mark.parametrize(("path", "value", "fragment"), SPEC_ERRORS, ids=[f"{p}={v!r}" for p, v, _ in SPEC_ERRORS])
def test_spec_errors(path, value, fragment):
    with pytest.raises(SpecificationError) as info:
        vc.read_value_chain(mutate(path, value))
    assert fragment in str(info.value), str(info.value)


def test_template_file_is_a_valid_spec_with_every_field():
    spec = yaml.safe_load((datasets.DATA_DIR / "valuechain_template.yaml").read_text(encoding="utf-8"))
    assert set(spec) == schema.TOP_KEYS
    assert {a["activity"] for a in spec["activities"]} == set(vc.ACTIVITIES)
    assert set(spec["activities"][0]) == schema.ACTIVITY_KEYS


def test_minimal_chain_needs_only_the_required_keys():
    spec = {key: hand_spec()[key] for key in ("firm", "revenue", "margin")}
    spec["activities"] = [{"activity": a["activity"], "cost_share": a["cost_share"]} for a in hand_spec()["activities"]]
    chain = vc.read_value_chain(spec)
    assert chain.attrs["licence"] == "the user's own data" and chain.attrs["synthetic"] is False
    assert chain.currency == "currency units" and chain.scale == (1.0, 7.0)
    assert (chain.activities["variable_share"] == 1.0).all() and chain.activities["value_share"].isna().all()
    assert chain.touchpoints.empty and chain.initiatives.empty and chain.linkages.empty
    assert vc.impact_matrix(chain).shape == (0, 9)
    after = vc.to_be(chain)
    assert after.margin == pytest.approx(chain.margin) == pytest.approx(200.0)
    assert vc.plot_value_chain(chain, "cost_share").get_title() == "Hand example (as-is): cost share"
    assert vc.plot_linkages(chain).get_title()
    with pytest.raises(SpecificationError, match="no touchpoints"):
        vc.touchpoint_index(chain)


def test_case_value_system_has_the_four_roles_in_order(system):
    assert system.chains["role"].tolist() == list(vc.VALUE_SYSTEM_ROLES)
    assert system.chains.loc["retailer", "name"].startswith("Online home-goods retailer")
    assert system.chains["lead_time"].tolist()[:3] == [4.0, 2.0, 1.0] and np.isnan(system.chains["lead_time"].iloc[3])
    assert system.forecast_window == 4 and system.time_unit == "weeks"
    # every kind of CRM link appears, and the channel partner takes part in all three
    assert set(system.links["kind"]) == set(vc.CRM_LINK_KINDS)
    channel = system.links[(system.links["source_chain"] == "marketplace") | (system.links["target_chain"] == "marketplace")]
    assert set(channel["kind"]) == set(vc.CRM_LINK_KINDS)
    assert "ValueSystem('Online home-goods retailer (illustrative)'" in repr(system)


def test_hand_spec_reads(tmp_path):
    system = vc.read_value_system(small_spec())
    assert list(system.chains.index) == ["maker", "shop", "people"]
    assert system.links.loc[0, "source_activity"] == "" and system.links.loc[0, "target_activity"] == "marketing_sales"
    path = tmp_path / "vs.yaml"
    path.write_text("firm: X\nfirm: Y\nchains: []\n", encoding="utf-8")
    with pytest.raises(SpecificationError, match="duplicate key 'firm'"):
        vc.read_value_system(path)


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda s: s["chains"][0].update(role="vendor"), "role must be one of supplier, firm, channel, buyer"),
    (lambda s: s["chains"].reverse(), "list the chains upstream to downstream"),
    (lambda s: s["chains"][1].update(role="supplier"), "exactly one chain with role 'firm'"),
    (lambda s: s["chains"].pop(), "needs a buyer chain"),
    (lambda s: s["chains"][2].update(lead_time=1), "a buyer chain holds no stock"),
    (lambda s: s["chains"][0].update(lead_time=-1), "lead_time must be >= 0"),
    (lambda s: s["links"][0].update(target="shop.marketing"), "unknown activity 'marketing' (did you mean 'marketing_sales'?)"),
    (lambda s: s["links"][1].update(source="shopp.procurement"), "unknown chain 'shopp' (did you mean 'shop'?)"),
    (lambda s: s["links"][1].update(kind="demand"), "kind must be one of customer_data, demand_signal, service_handoff"),
    (lambda s: s["links"][1].update(target="shop.service"), "'shop' links to itself"),
    (lambda s: s.update(forecast_window=0), "forecast_window must be a whole number"),
    (lambda s: s.update(chain=[]), "unknown top-level key 'chain' (did you mean 'chains'?)"),
])
def test_spec_errors_name_the_entry(change, fragment):
    spec = copy.deepcopy(small_spec())
    change(spec)
    with pytest.raises(SpecificationError) as info:
        vc.read_value_system(spec)
    assert fragment in str(info.value)


def test_every_problem_listed_at_once():
    spec = small_spec()
    spec["links"][0]["kind"] = "x"
    spec["links"][1]["target"] = "nowhere"
    with pytest.raises(SpecificationError) as info:
        vc.read_value_system(spec)
    assert len(info.value.problems) == 2
