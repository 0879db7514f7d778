"""The synthetic firm survey: byte-identical regeneration, calibration to the published figures, consistency."""

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


ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "datasets"))
import make_firm_survey  # noqa: E402


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


def test_generator_is_byte_identical(tmp_path):
    out = tmp_path / "survey.csv"
    subprocess.run([sys.executable, str(ROOT / "datasets" / "make_firm_survey.py"), "--output", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == (ROOT / "crmlab" / "datasets" / "data" / "crm_firm_survey.csv").read_bytes()


def test_generator_changes_with_seed():
    a = make_firm_survey.generate(seed=1)
    b = make_firm_survey.generate(seed=2)
    assert not a.equals(b)
    assert a.shape == b.shape == (1500, 25)


def test_adoption_calibrated_by_size_class(survey):
    table = adoption.adoption_by_size(survey)
    for cls, target in make_firm_survey.ADOPTION_TARGETS.items():
        se = np.sqrt(target * (1 - target) / table.loc[cls, "n"])
        assert abs(table.loc[cls, "share"] - target) < 3 * se, cls


def test_weighted_adoption_reproduces_eu_level(survey, statistics):
    eu = statistics.query("geography == 'EU27_2020' and year == 2019 and indicator == 'crm_use'")
    assert eu["verified"].item()
    targets = make_firm_survey.ADOPTION_TARGETS
    implied = sum(make_firm_survey.POPULATION_SHARES[c] * targets[c] for c in targets)
    assert 100 * implied == pytest.approx(eu["value"].item(), abs=0.5)
    weighted = np.average(survey["adopted"], weights=survey["weight"])
    assert 100 * weighted == pytest.approx(eu["value"].item(), abs=2.5)


def test_barrier_shares_match_source_documents(survey, statistics):
    asked = survey["crm_status"] != "not_considering"
    table = adoption.barriers_by_size(survey)
    overall = table[table["size_class"] == "all"].set_index("barrier")
    for col, label in adoption.BARRIERS.items():
        published = statistics.query("indicator == @col")["value"].item()
        assert make_firm_survey.BARRIER_TARGETS[col] == pytest.approx(published / 100)
        assert overall.loc[label, "n"] == asked.sum()
        assert overall.loc[label, "share"] == pytest.approx(published / 100, abs=0.5 / asked.sum())
        assert survey.loc[~asked, col].isna().all()


def test_survey_is_internally_consistent(survey):
    assert survey["size_class"].tolist() == [adoption.eurostat_size_class(e) for e in survey["employees"]]
    assert survey["tier_segment"].tolist() == [
        adoption.crm_tier(e, r) for e, r in zip(survey["employees"], survey["regions_served"], strict=True)
    ]
    adopters = survey["adopted"] == 1
    assert (survey.loc[adopters, "crm_status"] == "adopted").all()
    assert survey.loc[adopters, "crm_tier_used"].isin(adoption.TIERS).all()
    assert survey.loc[~adopters, "crm_tier_used"].isna().all()
    scores = survey.loc[adopters, list(adoption.SUCCESS_FACTORS)]
    assert scores.notna().all().all() and scores.isin(range(1, 6)).all().all()
    assert survey.loc[~adopters, "met_expectations"].isna().all()
    assert survey["met_expectations"].mean() == pytest.approx(make_firm_survey.MET_EXPECTATIONS_TARGET, abs=0.06)


def test_survey_provenance(survey):
    assert survey.attrs["synthetic"] is True
    assert "make_firm_survey.py" in survey.attrs["source"]
