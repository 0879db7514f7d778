"""crmlab.adoption and its data: intervals and tests against hand/scipy values, the synthetic survey's
reproducibility and calibration, logit recovery on simulated data, the statistics file's sources, and
the readiness scorecard's validation."""

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

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(ROOT / "datasets"))
import make_firm_survey


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


# ---------------------------------------------------------------------------------------------------
# Wilson interval and chi-squared test


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    # Newcombe, R. G. (1998), Statistics in Medicine 17, 857-872, Table I (Wilson score method)
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_newcombe(x, n, low, high):
    lo, hi = adoption.wilson_interval(x, n)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_interval_by_hand_and_vectorised():
    # 8 of 20 at 95%: z = 1.959964; centre (0.4 + z²/40) / (1 + z²/20); half z √(0.012 + z²/1600) / (1 + z²/20)
    z = 1.959963984540054
    centre = (0.4 + z**2 / 40) / (1 + z**2 / 20)
    half = z * np.sqrt(0.4 * 0.6 / 20 + z**2 / 1600) / (1 + z**2 / 20)
    lo, hi = adoption.wilson_interval(np.array([8, 8]), np.array([20, 20]))
    np.testing.assert_allclose(lo, centre - half)
    np.testing.assert_allclose(hi, centre + half)
    lo90, hi90 = adoption.wilson_interval(8, 20, confidence=0.90)
    assert lo[0] < lo90 < 0.4 < hi90 < hi[0]


@pytest.mark.parametrize(("x", "n", "confidence"), [(5, 0, 0.95), (6, 5, 0.95), (-1, 5, 0.95), (2, 5, 1.0)])
def test_wilson_interval_rejects_bad_input(x, n, confidence):
    with pytest.raises(ParameterError):
        adoption.wilson_interval(x, n, confidence)


def test_chi2_independence_by_hand():
    # rows: a 10/20/30, b 20/20/20 -> expected 15/20/25 in both rows;
    # X² = 2 (25/15 + 0 + 25/25) = 16/3, dof 2, p = exp(-X²/2), V = √(X² / 120)
    table = {("a", "x"): 10, ("a", "y"): 20, ("a", "z"): 30, ("b", "x"): 20, ("b", "y"): 20, ("b", "z"): 20}
    df = pd.DataFrame([k for k, m in table.items() for _ in range(m)], columns=["row", "col"])
    result = adoption.chi2_independence(df, "row", "col")
    assert result["chi2"] == pytest.approx(16 / 3)
    assert result["dof"] == 2
    assert result["p_value"] == pytest.approx(np.exp(-8 / 3))
    assert result["cramers_v"] == pytest.approx(np.sqrt(16 / 3 / 120))
    assert result["min_expected"] == pytest.approx(15)


def test_chi2_independence_matches_scipy_on_survey(survey):
    result = adoption.chi2_independence(survey, "size_class", "adopted")
    chi2, p, dof, _ = stats.chi2_contingency(pd.crosstab(survey["size_class"], survey["adopted"]), correction=False)
    assert result["chi2"] == pytest.approx(chi2)
    assert result["p_value"] == pytest.approx(p)
    assert result["dof"] == dof == 2
    assert result["cramers_v"] == pytest.approx(np.sqrt(chi2 / len(survey)))


def test_chi2_independence_needs_two_levels():
    with pytest.raises(DataValidationError, match="only one level"):
        adoption.chi2_independence(pd.DataFrame({"a": ["x", "x"], "b": ["u", "v"]}), "a", "b")


def test_adoption_by_size_counts_and_intervals(survey):
    table = adoption.adoption_by_size(survey)
    assert list(table.index) == list(adoption.SIZE_CLASSES)
    assert table["n"].tolist() == [800, 450, 250]
    for cls, row in table.iterrows():
        part = survey[survey["size_class"] == cls]
        assert row["count"] == part["adopted"].sum()
        lo, hi = adoption.wilson_interval(row["count"], row["n"])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi))
        assert row["ci_low"] < row["share"] < row["ci_high"]


def test_proportion_table_rejects_non_binary_outcome():
    df = pd.DataFrame({"adopted": [0, 1, 2, 1], "size_class": ["10-49"] * 4})
    with pytest.raises(DataValidationError, match="0 or 1") as err:
        adoption.proportion_table(df, "adopted", "size_class")
    assert err.value.column == "adopted" and err.value.rows == [2]


# ---------------------------------------------------------------------------------------------------
# Synthetic survey: reproducible and calibrated


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


# ---------------------------------------------------------------------------------------------------
# Logit models

TRUE_COEFS = {"Intercept": -3.0, "np.log(employees)": 0.5, "C(sector)[T.manufacturing]": -0.4,
              "C(sector)[T.services_sector]": 0.6, "C(offering)[T.services]": 0.3}


def _simulate(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    employees = np.floor(np.exp(rng.uniform(np.log(10), np.log(5000), n)))
    sector = rng.choice(["construction", "manufacturing", "services_sector"], n)
    offering = rng.choice(["goods", "services"], n)
    eta = (TRUE_COEFS["Intercept"] + TRUE_COEFS["np.log(employees)"] * np.log(employees)
           + TRUE_COEFS["C(sector)[T.manufacturing]"] * (sector == "manufacturing")
           + TRUE_COEFS["C(sector)[T.services_sector]"] * (sector == "services_sector")
           + TRUE_COEFS["C(offering)[T.services]"] * (offering == "services"))
    adopted = (rng.uniform(size=n) < expit(eta)).astype(int)
    return pd.DataFrame({"employees": employees, "sector": sector, "offering": offering, "adopted": adopted})


@pytest.fixture(scope="module")
def simulated():
    data = _simulate(20000, seed=7)
    return data, adoption.fit_adoption_logit(data)


def test_logit_recovers_known_coefficients(simulated):
    _, result = simulated
    for name, true in TRUE_COEFS.items():
        assert abs(result.params[name] - true) < 3 * result.bse[name], name
        assert abs(result.params[name] - true) < 0.15, name


def test_average_marginal_effect_is_mean_derivative(simulated):
    data, result = simulated
    ame = adoption.average_marginal_effects(result)
    p = result.predict(data)
    by_hand = np.mean(result.params["np.log(employees)"] * p * (1 - p))
    assert ame.loc["np.log(employees)", "ame"] == pytest.approx(by_hand, rel=1e-6)
    # dummies: discrete change, averaged over firms
    on = result.predict(data.assign(offering="services"))
    off = result.predict(data.assign(offering="goods"))
    assert ame.loc["C(offering)[T.services]", "ame"] == pytest.approx(np.mean(on - off), rel=1e-6)
    assert (ame["ci_low"] < ame["ame"]).all() and (ame["ame"] < ame["ci_high"]).all()


def test_adoption_curve_is_average_prediction_with_band(simulated):
    data, result = simulated
    curve = adoption.adoption_curve(result, data, employees=[10, 100, 1000])
    for row in curve.itertuples():
        assert row.p == pytest.approx(result.predict(data.assign(employees=row.employees)).mean())
        assert row.ci_low < row.p < row.ci_high
    assert curve["p"].is_monotonic_increasing
    with pytest.raises(ParameterError):
        adoption.adoption_curve(result, data, employees=[0, 10])


def test_fit_logit_errors_and_dropped_rows():
    data = _simulate(400, seed=3)
    with pytest.raises(SpecificationError, match="formula"):
        adoption.fit_logit(data, "adopted ~ np.log(staff)")
    separated = data.assign(adopted=(data["employees"] > 300).astype(int))
    with pytest.raises(ConvergenceError, match="separation"):
        adoption.fit_logit(separated, "adopted ~ np.log(employees)")
    gappy = data.astype({"employees": "float64"})
    gappy.loc[[0, 5], "employees"] = np.nan
    with pytest.warns(CrmlabWarning, match="2 row"):
        adoption.fit_logit(gappy, "adopted ~ np.log(employees)")
    with pytest.raises(DataValidationError, match="positive") as err:
        adoption.fit_adoption_logit(data.assign(employees=data["employees"].where(data.index != 4, 0)))
    assert err.value.rows == [4]


def test_success_logit_odds_ratios(survey):
    result = adoption.fit_success_logit(survey)
    assert result.nobs == (survey["adopted"] == 1).sum()
    table = adoption.odds_ratios(result)
    assert list(table.index) == list(adoption.SUCCESS_FACTORS)
    np.testing.assert_allclose(table["odds_ratio"], np.exp(result.params.drop("Intercept")))
    assert (table["ci_low"] < table["odds_ratio"]).all() and (table["odds_ratio"] < table["ci_high"]).all()
    # the factors the generator gives the largest effects are found, the null ones are not
    assert table.loc["cond_top_management", "ci_low"] > 1
    assert table.loc["sf_change_management", "ci_low"] > 1
    assert table.loc["cond_team", "p_value"] > 0.05


# ---------------------------------------------------------------------------------------------------
# Barriers


def test_barrier_profile_test_matches_scipy(survey):
    table = adoption.barrier_profile_test(survey, n_permutations=199)
    asked = survey[survey["crm_status"] != "not_considering"]
    for col, label in adoption.BARRIERS.items():
        chi2, p, dof, _ = stats.chi2_contingency(pd.crosstab(asked["size_class"], asked[col]), correction=False)
        assert table.loc[label, "chi2"] == pytest.approx(chi2)
        assert table.loc[label, "p_value"] == pytest.approx(p)
        assert table.loc[label, "p_bonferroni"] == pytest.approx(min(1.0, 4 * p))
    joint = table.loc["all barriers (sum, permutation test)"]
    assert joint["chi2"] == pytest.approx(table["chi2"].iloc[:4].sum())
    assert joint["p_value"] == pytest.approx(1 / 200)  # cost differs strongly by size


def test_barrier_profile_test_identical_profiles():
    # every group has the same barrier pattern: X² = 0 for each barrier and the permutation p-value is 1
    block = pd.DataFrame({"barrier_cost": [1, 0, 0, 1], "barrier_consulting": [0, 1, 0, 0],
                          "barrier_skills": [0, 0, 1, 0], "barrier_long_implementation": [1, 1, 0, 0]})
    df = pd.concat([block.assign(size_class=c) for c in adoption.SIZE_CLASSES], ignore_index=True)
    table = adoption.barrier_profile_test(df, n_permutations=99)
    np.testing.assert_allclose(table["chi2"], 0, atol=1e-12)
    assert table.loc["all barriers (sum, permutation test)", "p_value"] == 1.0
    with pytest.raises(ParameterError):
        adoption.barrier_profile_test(df, n_permutations=10)


# ---------------------------------------------------------------------------------------------------
# Published statistics


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


def test_series_break_in_2023(statistics):
    new = statistics[statistics["indicator"] == "crm_use_2023q"]
    assert (new["year"] == 2023).all() and new["break_in_series"].all()
    assert not statistics.loc[statistics["indicator"] == "crm_use", "break_in_series"].any()
    assert new.query("geography == 'EU27_2020'")["value"].item() == 25.8


def test_statistics_without_source_are_rejected():
    raw = pd.read_csv(DATA / "adoption_statistics_no_source.csv")
    with pytest.raises(DataValidationError, match="no source") as err:
        adoption.validate_statistics(raw)
    assert err.value.column == "source" and err.value.rows == [1]
    with pytest.raises(MissingColumnError):
        adoption.validate_statistics(raw.drop(columns="verified"))


def test_size_class_gaps(statistics):
    gaps = adoption.size_class_gaps(statistics).set_index(["geography", "year", "indicator"])
    assert gaps.loc[("EU27_2020", 2019, "erp_use"), "gap_pp"] == 50
    assert gaps.loc[("EU28", 2017, "website"), ["small", "large"]].tolist() == [74, 94]


def test_statistics_plots(statistics):
    for plot in (adoption.plot_eu_crm_level, adoption.plot_country_bars):
        ax = plot(statistics)
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        plt.close(ax.figure)
    ax = adoption.plot_size_gaps(adoption.size_class_gaps(statistics))
    assert ax.get_xlabel() == "% of enterprises"
    plt.close(ax.figure)
    with pytest.raises(DataValidationError, match="no rows"):
        adoption.plot_country_bars(statistics, indicator="crm_use", year=2030)


# ---------------------------------------------------------------------------------------------------
# Size classes and tiers


@pytest.mark.parametrize(("employees", "cls"), [(0, "0-9"), (9, "0-9"), (10, "10-49"), (49, "10-49"),
                                                (50, "50-249"), (249, "50-249"), (250, "250+")])
def test_eurostat_size_class(employees, cls):
    assert adoption.eurostat_size_class(employees) == cls


@pytest.mark.parametrize(("employees", "regions", "tier"), [(25, 1, "SME CRM"), (199, 8, "SME CRM"),
                                                            (200, 1, "mid-market CRM"), (999, 9, "mid-market CRM"),
                                                            (1000, 4, "mid-market CRM"), (1000, 5, "enterprise CRM")])
def test_crm_tier(employees, regions, tier):
    assert adoption.crm_tier(employees, regions) == tier


def test_tier_and_class_reject_bad_input():
    with pytest.raises(ParameterError):
        adoption.crm_tier(0, 1)
    with pytest.raises(ParameterError):
        adoption.crm_tier(10, 0)
    with pytest.raises(ParameterError):
        adoption.eurostat_size_class(-1)


# ---------------------------------------------------------------------------------------------------
# Readiness scorecards


def test_instrument_covers_gartners_blocks(instrument):
    assert set(instrument["building_block"]) == set(adoption.BUILDING_BLOCKS)
    assert instrument["practice_id"].is_unique
    factors = set(instrument["source_factor"]) - {""}
    assert {"e-business vision", "e-CRM assessment", "touchpoint understanding",
            "outside-in process re-engineering", "change management"} <= factors
    assert {"top-management support", "capable team", "staff training", "suitable software and hardware"} <= factors


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


# ---------------------------------------------------------------------------------------------------
# Provenance, the market figures of the supply-chain paper, forecasts vs outcomes


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


def test_eu_bars_are_drawn_by_provenance(statistics):
    ax = adoption.plot_eu_crm_level(statistics)
    bars = {int(float(t.get_text())): p for t, p in zip(ax.get_xticklabels(), ax.patches, strict=False)}
    assert bars[2017].get_gid() == "derived" and bars[2017].get_hatch() == ".."
    assert bars[2019].get_gid() == "primary" and not bars[2019].get_hatch()
    assert bars[2023].get_gid() == "secondary" and bars[2023].get_hatch() == "//"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["primary source seen", "derived from a primary source", "not verified"]
    plt.close(ax.figure)


def test_supply_chain_paper_market_figures_are_unsourced_claims(statistics):
    market = adoption.market_figures(statistics)
    paper = market[market["indicator"] == "crm_market_revenue"].set_index("year")
    assert paper["value"].to_dict() == {1999: 7.6, 2000: 12.0, 2004: 67.0}
    assert (paper["provenance"] == "unsourced").all() and paper.loc[2004, "forecast"]
    assert not paper.loc[[1999, 2000], "forecast"].any()
    later = market[market["indicator"] != "crm_market_revenue"]
    assert (later["provenance"] == "secondary").all() and len(later) >= 10
    raw = statistics[statistics["unit"] == adoption.MARKET_UNIT]
    assert raw["url_or_citation"].where(raw["indicator"] != "crm_market_revenue", "http").str.startswith("http").all()


def test_growth_rates_by_hand(statistics):
    assert adoption.growth_rate(100, 121, 2) == pytest.approx(0.1)
    assert adoption.growth_rate(12, 67, 4) == pytest.approx((67 / 12) ** 0.25 - 1)  # 53.7% a year
    assert adoption.series_growth(statistics, "crm_software_revenue", 2008, 2015) == pytest.approx(
        (26.3 / 9.15) ** (1 / 7) - 1)  # 16.3% a year
    with pytest.raises(ParameterError):
        adoption.growth_rate(0, 1, 1)
    with pytest.raises(ParameterError):
        adoption.growth_rate(1, 2, 0)
    with pytest.raises(DataValidationError, match="no measured 'crm_software_revenue' figure for \\[2009\\]"):
        adoption.series_growth(statistics, "crm_software_revenue", 2009, 2015)


def test_forecast_vs_outcome(statistics):
    table = adoption.forecast_vs_outcome(statistics).set_index(["indicator", "year"])
    licence = table.loc[("crm_software_new_licence_revenue", 2002)]
    assert licence["forecast"] == 3.6 and licence["outcome"] == 2.8
    assert licence["error"] == pytest.approx(3.6 / 2.8 - 1)  # 28.6% too high
    assert table.loc[("crm_software_new_licence_revenue", 2003), "error"] == pytest.approx(4.0 / 3.387 - 1)
    paper = table.loc[("crm_market_revenue", 2004)]
    assert np.isnan(paper["outcome"]) and np.isnan(paper["error"])
    assert paper["nearest"] == "crm_software_new_licence_revenue 3.456"  # another measure, not its outcome


def test_market_plot(statistics):
    ax = adoption.plot_market_figures(statistics)
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "US$ billion (log scale)" and ax.get_xlabel() == "year"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "10" in labels and not any("^" in t or "times" in t for t in labels)
    assert any(t.get_text() == "forecast 67" for t in ax.texts)
    plt.close(ax.figure)


def test_odds_ratio_axis_has_plain_labels(survey):
    ax = adoption.plot_odds_ratios(adoption.odds_ratios(adoption.fit_success_logit(survey)))
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "1" in labels and all(t.replace(".", "", 1).isdigit() for t in labels)
    assert not ax.get_xticklabels(minor=True) or all(t.get_text() == "" for t in ax.get_xticklabels(minor=True))
    plt.close(ax.figure)


# ---------------------------------------------------------------------------------------------------
# Success factors and conditions on the instrument; the failure diagnostic


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


# ---------------------------------------------------------------------------------------------------
# Notebook 05 exercises at the precision they state


def test_exercises_accept_answers_copied_at_the_printed_precision():
    from crmlab.course.exercises import check

    # the Wilson interval as the table prints it; at 3 decimals it equals the Wald interval, which must
    # therefore be accepted, not diagnosed as a mistake
    fb = check("05.1", [0.425, 0.517])
    assert fb.correct, fb.message
    assert check("05.3", 0.085).correct  # the AME as printed
    assert not check("05.3", 0.393).correct and "logit coefficient" in check("05.3", 0.393).message


def test_exercise_diagnoses_at_the_stated_precision(survey):
    from crmlab.course.exercises import check

    services = survey[survey["offering"] == "services"]
    unweighted = round(float(services["adopted"].mean()), 3)
    assert "unweighted" in check("05.5", unweighted).message
    assert check("05.5", round(float(np.average(services["adopted"], weights=services["weight"])), 3)).correct
    assert check("05.6", {"Large retailer": 5, "Mid-size distributor": 6, "Small design studio": 5}).correct
    assert "default threshold 2" in check("05.6", {"Large retailer": 3, "Mid-size distributor": 4,
                                                   "Small design studio": 3}).message
    assert check("05.7", 0.132).correct  # (26.3 / 16) ** 0.25 - 1 = 0.1323
    assert "fourth root" in check("05.7", 0.644).message
