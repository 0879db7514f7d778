"""crmlab.adoption.firms: size classes, tiers, adoption rates with Wilson intervals, the adoption logit and its curve."""

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


def test_weighted_share_is_the_design_weighted_mean(survey):
    shares = adoption.weighted_share(survey)
    assert shares["weighted"] == pytest.approx(np.average(survey["adopted"], weights=survey["weight"]), abs=1e-15)
    assert shares["unweighted"] == pytest.approx(survey["adopted"].mean(), abs=1e-15)
    # notebook 05 prints 0.411 (sample) and 0.342 (all enterprises 10+), close to Eurostat's 33% for 2019
    assert (round(shares["unweighted"], 3), round(shares["weighted"], 3)) == (0.411, 0.342)
    w = survey["weight"]
    assert shares["n"] == 1500 and shares["n_effective"] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    services = adoption.weighted_share(survey[survey["offering"] == "services"])
    assert round(services["weighted"], 3) == 0.354 and round(services["unweighted"], 3) == 0.449


def test_weighted_share_by_hand_and_errors():
    df = pd.DataFrame({"adopted": [1, 1, 0, 0], "weight": [1.0, 1.0, 3.0, 3.0]})
    assert adoption.weighted_share(df).to_dict() == {"weighted": 0.25, "unweighted": 0.5, "n": 4.0, "n_effective": 3.2}
    with pytest.raises(DataValidationError, match="0 or 1") as info:
        adoption.weighted_share(df.assign(adopted=[1, pd.NA, 0, 0]))
    assert info.value.column == "adopted" and info.value.rows == [1]
    with pytest.raises(DataValidationError, match="design weight") as info:
        adoption.weighted_share(df.assign(weight=[1.0, -1.0, 3.0, 3.0]))
    assert info.value.column == "weight" and info.value.rows == [1]
    with pytest.raises(MissingColumnError):
        adoption.weighted_share(df, weight="w")
