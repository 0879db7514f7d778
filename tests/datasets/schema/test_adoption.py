"""crmlab.datasets.schema.adoption: the statistics table, the readiness instrument and scorecards are validated."""

import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit

from crmlab import adoption, datasets
from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    MissingColumnError,
    ParameterError,
    SpecificationError,
)


ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return datasets.load_firm_survey()


@pytest.fixture(scope="module")
def statistics() -> pd.DataFrame:
    return datasets.load_adoption_statistics()


@pytest.fixture(scope="module")
def instrument() -> pd.DataFrame:
    return datasets.load_readiness_instrument()


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return datasets.load_readiness_cases()


def test_every_statistic_has_a_source(statistics):
    assert len(statistics) >= 40
    for col in ("source", "url_or_citation"):
        assert (statistics[col].str.strip() != "").all()
    verified = statistics[statistics["verified"]]
    assert verified["url_or_citation"].str.startswith("http").all()
    assert set(verified["kind"]) <= {"official statistic", "industry claim"}


def test_uncertain_figures_are_flagged(statistics):
    claim = statistics.query("indicator == 'crm_expected_return_claim'")
    assert claim[["value", "value_high"]].values.tolist() == [[25.0, 30.0]]
    assert not claim["verified"].item() and claim["kind"].item() == "source-document claim"
    failure = statistics.query("indicator == 'crm_project_failure_claim'")
    assert set(failure["kind"]) == {"industry claim"}
    assert failure["verified"].sum() == 1  # only the HBR article was seen
    assert len(datasets.load_adoption_statistics(verified_only=True)) == statistics["verified"].sum()


def test_statistics_without_source_are_rejected():
    raw = pd.read_csv(DATA / "adoption_statistics_no_source.csv")
    with pytest.raises(DataValidationError, match="no source") as err:
        adoption.validate_statistics(raw)
    assert err.value.column == "source" and err.value.rows == [1]
    with pytest.raises(MissingColumnError):
        adoption.validate_statistics(raw.drop(columns="verified"))


def test_provenance_agrees_with_verified(statistics):
    assert set(statistics["provenance"]) == set(adoption.PROVENANCE)
    assert (statistics["verified"] == statistics["provenance"].isin(["primary", "derived"])).all()
    derived = statistics[statistics["provenance"] == "derived"]
    # the 2017 EU share is not printed: it is 33% minus the stated one-point decline
    assert derived[["geography", "year", "indicator", "value"]].values.tolist() == [["EU27_2020", 2017, "crm_use", 34.0]]
    assert derived["note"].str.startswith("Derived").all()


def test_provenance_errors(statistics):
    raw = pd.read_csv(ROOT / "crmlab" / "datasets" / "data" / "crm_adoption_statistics.csv", keep_default_na=False,
                      na_values={"year": [""], "value": [""], "value_high": [""]})
    bad = raw.copy()
    bad.loc[3, "provenance"] = "seen"
    with pytest.raises(DataValidationError, match="provenance must be one of") as err:
        adoption.validate_statistics(bad)
    assert err.value.column == "provenance" and err.value.rows == [3]
    clash = raw.copy()
    clash.loc[1, "verified"] = False  # derived, yet not verified
    with pytest.raises(DataValidationError, match="verified disagrees with provenance") as err:
        adoption.validate_statistics(clash)
    assert err.value.rows == [1]


def test_instrument_covers_gartners_blocks(instrument):
    assert set(instrument["building_block"]) == set(adoption.BUILDING_BLOCKS)
    assert instrument["practice_id"].is_unique
    factors = set(instrument["source_factor"]) - {""}
    assert {"e-business vision", "e-CRM assessment", "touchpoint understanding",
            "outside-in process re-engineering", "change management"} <= factors
    assert {"top-management support", "capable team", "staff training", "suitable software and hardware"} <= factors


def test_scorecard_out_of_range(instrument):
    with pytest.raises(DataValidationError, match="whole number from 0 to 5") as err:
        adoption.validate_scorecard(pd.read_csv(DATA / "adoption_scorecard_out_of_range.csv"), instrument)
    assert err.value.column == "reality" and err.value.rows == [1]
    half = pd.DataFrame({"firm": ["A"], "practice_id": ["V1"], "intention": [2.5], "reality": [1]})
    with pytest.raises(DataValidationError) as err:
        adoption.validate_scorecard(half, instrument)
    assert err.value.column == "intention"


def test_scorecard_structural_problems_listed_together(instrument):
    with pytest.raises(SpecificationError) as err:
        adoption.validate_scorecard(pd.read_csv(DATA / "adoption_scorecard_structure.csv"), instrument)
    problems = err.value.problems
    assert len(problems) == 3
    assert "not in the instrument" in problems[0] and "X9" in problems[0]
    assert "more than once" in problems[1] and "[0, 1]" in problems[1]
    assert "no score for practice(s)" in problems[2] and "'V2'" in problems[2]


def test_blank_template_is_rejected_with_a_fix(instrument):
    template = pd.read_csv(ROOT / "crmlab" / "datasets" / "data" / "crm_readiness_template.csv")
    assert template["practice_id"].tolist() == instrument["practice_id"].tolist()
    with pytest.raises(DataValidationError, match="firm name missing"):
        adoption.validate_scorecard(template, instrument)
    filled = template.assign(firm="My firm", intention=3, reality=2)
    assert adoption.gap_table(filled, instrument)["gap"].eq(1).all()


def test_instrument_problems_listed(instrument):
    with pytest.raises(SpecificationError) as err:
        adoption.validate_instrument(pd.read_csv(DATA / "adoption_instrument_bad_block.csv"))
    text = " ".join(err.value.problems)
    assert "duplicate practice_id" in text and "'software'" in text and "no practice for building block" in text
