"""crmlab.adoption.readiness: gap tables, recommendations, radar, success-factor map and failure diagnostic."""

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


def test_gap_table_by_hand(cases, instrument):
    gaps = adoption.gap_table(cases, instrument)
    row = gaps.loc[("Large retailer", "organisational collaboration")]
    assert row["intention"] == pytest.approx(18 / 4)  # O1 4, O2 5, O3 4, O4 5
    assert row["reality"] == pytest.approx(9 / 4)  # O1 3, O2 2, O3 2, O4 2
    assert row["gap"] == pytest.approx(9 / 4)
    assert gaps.shape == (24, 3)
    practices = adoption.gap_table(cases, instrument, by="practice_id")
    assert practices.loc[("Small design studio", "I1"), "gap"] == 3
    with pytest.raises(ParameterError):
        adoption.gap_table(cases, instrument, by="firm")


def test_recommendations(cases, instrument):
    profiles = datasets.load_readiness_cases(profiles=True)
    rec = adoption.recommend(profiles, cases, instrument)
    assert rec["recommended_tier"].to_dict() == {"Large retailer": "enterprise CRM",
                                                 "Mid-size distributor": "mid-market CRM",
                                                 "Small design studio": "SME CRM"}
    small = cases[cases["firm"] == "Small design studio"]
    assert rec.loc["Small design studio", "readiness_pct"] == pytest.approx(100 * small["reality"].mean() / 5)
    # largest gaps first; S3, O2, O4 and P1 tie on gap 3 and reality 2, so instrument order decides
    steps = rec.loc["Large retailer", "first_steps"].split("; ")
    assert [s.split(" [")[0][:20] for s in steps] == ["CRM is adopted to me", "Change management: s", "The firm's culture p"]
    assert rec.loc["Large retailer", "first_steps"].count("; ") == 2
    with pytest.raises(DataValidationError, match="no profile"):
        adoption.recommend(profiles.iloc[:2], cases, instrument)
    extra = pd.concat([profiles, profiles.iloc[[0]].assign(firm="Unscored shop")], ignore_index=True)
    with pytest.warns(CrmlabWarning, match="Unscored shop"):
        assert len(adoption.recommend(extra, cases, instrument)) == 3


def test_radar_needs_polar_axis(cases, instrument):
    gaps = adoption.gap_table(cases, instrument)
    ax = adoption.plot_radar(gaps, "Small design studio")
    assert ax.name == "polar" and "intention vs reality" in ax.get_title()
    plt.close(ax.figure)
    _, flat = plt.subplots()
    with pytest.raises(ParameterError, match="polar"):
        adoption.plot_radar(gaps, "Small design studio", ax=flat)
    with pytest.raises(ParameterError, match="no firm"):
        adoption.plot_radar(gaps, "Nobody")
    plt.close("all")


def test_success_factor_map(cases, instrument):
    table = adoption.success_factor_map(instrument, cases)
    assert len(table) == 9
    papers = table.index.get_level_values("paper")
    assert (papers == "five success factors (e-commerce paper)").sum() == 5
    assert (papers == "four conditions (supply-chain paper)").sum() == 4
    conditions = table.xs("four conditions (supply-chain paper)", level="paper")
    assert conditions["practice_id"].to_dict() == {"top-management support": "V2", "capable team": "O1",
                                                   "staff training": "O3", "suitable software and hardware": "T1"}
    # reality scores copied from the cases, by hand: the retailer's software is in place (T1 5), training is not
    assert conditions.loc["suitable software and hardware", "Large retailer"] == 5
    assert conditions.loc["staff training", "Large retailer"] == 2
    bare = adoption.success_factor_map(instrument)
    assert list(bare.columns) == ["practice_id", "building_block", "practice"]
    untagged = instrument.assign(source_factor=instrument["source_factor"].replace("capable team", ""))
    with pytest.raises(SpecificationError, match="no practice measures 'capable team'"):
        adoption.success_factor_map(untagged)


def test_failure_modes_cover_the_papers_six_problems(instrument):
    modes = adoption.failure_modes()
    assert list(modes.index) == ["blind_adoption", "culture_mismatch", "poor_data", "flawed_processes",
                                 "single_method", "ignoring_experience"]
    assert modes["practice_id"].is_unique and set(modes["practice_id"]) <= set(instrument["practice_id"])
    assert (modes[["symptom", "countermeasure"]].apply(lambda c: c.str.len()) > 30).all().all()
    assert "firm_size" in adoption.SOURCE_PAPERS and "刘莹莹" in adoption.SOURCE_PAPERS["firm_size"]


def test_failure_diagnostic_by_hand(cases, instrument):
    diag = adoption.failure_diagnostic(cases, instrument)
    assert diag.shape[0] == 18
    # the retailer: S3 reality 2, O4 2, P1 2 -> exposed; I2 3, C3 4, C4 3 -> not
    retailer = diag.loc["Large retailer"]
    assert retailer.loc[retailer["exposed"]].index.tolist() == ["blind_adoption", "culture_mismatch", "flawed_processes"]
    assert diag.groupby("firm", sort=False)["exposed"].sum().to_dict() == {
        "Large retailer": 3, "Mid-size distributor": 4, "Small design studio": 3}
    strict = adoption.failure_diagnostic(cases, instrument, threshold=3)
    assert strict.groupby("firm", sort=False)["exposed"].sum().tolist() == [5, 6, 5]
    assert not adoption.failure_diagnostic(cases, instrument, threshold=0)["exposed"].any()
    with pytest.raises(ParameterError, match="threshold must be a whole score from 0 to 5"):
        adoption.failure_diagnostic(cases, instrument, threshold=6)
    old = instrument[instrument["practice_id"] != "C3"]
    with pytest.raises(SpecificationError, match="practice 'C3' \\(detects 'single_method'\\) is missing"):
        adoption.failure_diagnostic(cases[cases["practice_id"] != "C3"], old)


def test_failure_diagnostic_plot(cases, instrument):
    diag = adoption.failure_diagnostic(cases, instrument)
    ax = adoption.plot_failure_diagnostic(diag)
    frames = [p for p in ax.patches if p.get_gid()]
    assert len(frames) == int(diag["exposed"].sum()) == 10
    assert ax.get_title() and ax.get_xlabel() == "case firm"
    plt.close("all")
