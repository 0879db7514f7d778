"""crmlab.survey.drivers: Drivers and IPA (split from the survey tests by module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import survey
from crmlab.datasets import MOBI_BLOCKS
from crmlab.errors import DataValidationError, ParameterError


def _coef(result: survey.PLSResult, source: str, target: str) -> float:
    pc = result.path_coefficients.set_index(["source", "target"])["estimate"]
    return float(pc[(source, target)])


def test_driver_importance_decompositions(centroid: survey.PLSResult) -> None:
    scores = centroid.scores
    drivers = ["Image", "Expectation", "Quality", "Value"]
    reg = survey.driver_regression(scores, "Satisfaction", drivers)
    assert reg.attrs["r_squared"] == pytest.approx(centroid.r_squared["Satisfaction"])
    # on standardised scores the OLS slopes are the PLS path coefficients
    assert reg.loc["Quality", "estimate"] == pytest.approx(_coef(centroid, "Quality", "Satisfaction"))
    assert reg.loc["Quality", "std_beta"] == pytest.approx(reg.loc["Quality", "estimate"])
    rw = survey.relative_weights(scores, "Satisfaction", drivers)
    sh = survey.shapley_r2(scores, "Satisfaction", drivers)
    assert rw["raw"].sum() == pytest.approx(reg.attrs["r_squared"])
    assert sh["raw"].sum() == pytest.approx(reg.attrs["r_squared"])
    assert rw["share"].idxmax() == sh["share"].idxmax() == "Quality"


def test_shapley_two_drivers_by_hand() -> None:
    # two drivers: LMG_1 = (r1^2 + R^2 - r2^2) / 2
    rng = np.random.default_rng(3)
    x = rng.normal(size=(500, 2))
    y = x @ [1.0, 0.5] + rng.normal(size=500)
    df = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y})
    r = df.corr()
    reg = survey.driver_regression(df, "y", ["x1", "x2"])
    lmg1 = (r.loc["x1", "y"] ** 2 + reg.attrs["r_squared"] - r.loc["x2", "y"] ** 2) / 2
    assert survey.shapley_r2(df, "y", ["x1", "x2"]).loc["x1", "raw"] == pytest.approx(lmg1)


def test_ordinal_logit_recovers_parameters() -> None:
    rng = np.random.default_rng(11)
    n = 4000
    x = rng.normal(size=(n, 2))
    latent = x @ [1.0, -0.5] + rng.logistic(size=n)
    y = np.digitize(latent, [-1.0, 0.5, 2.0]) + 1  # categories 1..4
    df = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y})
    fit = survey.ordinal_logit(df, "y", ["x1", "x2"])
    slopes = fit[fit["kind"] == "slope"]
    assert slopes.loc["x1", "estimate"] == pytest.approx(1.0, abs=0.1)
    assert slopes.loc["x2", "estimate"] == pytest.approx(-0.5, abs=0.1)
    assert (slopes["ci_low"] < [1.0, -0.5]).all() and (slopes["ci_high"] > [1.0, -0.5]).all()
    taus = fit[fit["kind"] == "threshold"]["estimate"].to_numpy()
    assert taus == pytest.approx([-1.0, 0.5, 2.0], abs=0.15)
    assert fit.loc["x1", "odds_ratio"] == pytest.approx(np.exp(fit.loc["x1", "estimate"]))
    assert fit.attrs["categories"] == [1, 2, 3, 4]


def test_ordinal_logit_errors() -> None:
    df = pd.DataFrame({"y": [1, 2, 1, 2, 1, 2] * 3, "x": np.arange(18.0)})
    with pytest.raises(DataValidationError, match="at least 3"):
        survey.ordinal_logit(df, "y", ["x"])
    df["y"] = pd.Categorical(["a", "b", "c"] * 6, ordered=False)
    with pytest.raises(DataValidationError, match="unordered"):
        survey.ordinal_logit(df, "y", ["x"])
    with pytest.raises(ParameterError):
        survey.ordinal_logit(df, "y", ["x"], distr="cloglog")
    df["y"] = [1.0, 2.0, np.nan] * 6
    with pytest.raises(DataValidationError, match="outcome"):
        survey.ordinal_logit(df, "y", ["x"])


def test_driver_errors() -> None:
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "a": [1.0, 2, 1, 2, 1, np.nan], "b": [2.0, 4, 2, 4, 2, 4]})
    with pytest.raises(DataValidationError, match="missing") as err:
        survey.driver_regression(df, "y", ["a"])
    assert err.value.rows == [5]
    with pytest.raises(DataValidationError, match="too few"):
        survey.driver_regression(df.head(2), "y", ["b"])
    df["a"] = df["b"] / 2
    with pytest.raises(DataValidationError, match="collinear"):
        survey.relative_weights(df, "y", ["a", "b"])
    with pytest.raises(ParameterError, match="15"):
        survey.shapley_r2(pd.DataFrame(np.ones((3, 17))), 0, list(range(1, 17)))


def test_importance_performance(mobi: pd.DataFrame, centroid: survey.PLSResult) -> None:
    import matplotlib.pyplot as plt

    blocks = {lv: MOBI_BLOCKS[lv] for lv in ["Image", "Expectation", "Quality", "Value"]}
    perf = survey.construct_performance(mobi, blocks, centroid.outer_weights, scale=(1, 10))
    # a one-item block: performance = 100 (mean - 1) / 9; here Value: a weighted mean of the two items
    values = 100 * (mobi[["PERV1", "PERV2"]].mean() - 1) / 9
    assert values.min() <= perf["Value"] <= values.max()
    total = centroid.total_effects.query("target == 'Satisfaction'").set_index("source")["estimate"]
    ipa = survey.importance_performance(total, perf)
    assert ipa.loc["Quality", "quadrant"] in {"Keep up the good work", "Concentrate here"}
    hand = survey.importance_performance(pd.Series({"a": 0.5, "b": 0.1, "c": 0.5, "d": 0.1}),
                                         pd.Series({"a": 40.0, "b": 40.0, "c": 80.0, "d": 80.0}))
    assert hand["quadrant"].to_dict() == {"a": "Concentrate here", "b": "Low priority",
                                          "c": "Keep up the good work", "d": "Possible overkill"}
    ax = survey.plot_ipa(ipa)
    assert ax.get_xlabel() and ax.get_title()
    plt.close("all")
    with pytest.raises(DataValidationError, match="both"):
        survey.importance_performance(total, perf.drop("Value"))
    with pytest.raises(ParameterError):
        survey.construct_performance(mobi, blocks, centroid.outer_weights, scale=(10, 1))
