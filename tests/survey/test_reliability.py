"""crmlab.survey.reliability: Reliability and validity (split from the survey tests by module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import survey
from crmlab.datasets import MOBI_BLOCKS, load_ecsi_mobi, package_file
from crmlab.errors import DataValidationError, MissingColumnError, ParameterError


def _coef(result: survey.PLSResult, source: str, target: str) -> float:
    pc = result.path_coefficients.set_index(["source", "target"])["estimate"]
    return float(pc[(source, target)])


@pytest.fixture(scope="module")
def corp_rep() -> pd.DataFrame:
    raw = pd.read_csv(package_file("seminr", "datasets", "corp_rep_data.csv"))
    raw = raw.replace(-99, np.nan)
    return raw.fillna(raw.mean(numeric_only=True))


CORP_BLOCKS = {"COMP": ["comp_1", "comp_2", "comp_3"], "LIKE": ["like_1", "like_2", "like_3"],
               "CUSA": ["cusa"], "CUSL": ["cusl_1", "cusl_2", "cusl_3"]}


def test_alpha_matches_hair_et_al(corp_rep: pd.DataFrame) -> None:
    # Hair, Hult, Ringle, Sarstedt, Danks & Ray (2021), "Partial Least Squares Structural Equation Modeling
    # (PLS-SEM) Using R", Springer, ch. 4 (simple corporate reputation model, -99 = missing, mean
    # replacement): Cronbach's alpha COMP 0.776, LIKE 0.831, CUSL 0.831; rho_C 0.865, 0.899, 0.899;
    # AVE 0.681, 0.747, 0.748. SmartPLS/seminr compute alpha on standardised items.
    model = survey.PathModel(CORP_BLOCKS, [("COMP", "CUSA"), ("COMP", "CUSL"), ("LIKE", "CUSA"),
                                           ("LIKE", "CUSL"), ("CUSA", "CUSL")])
    fit = survey.pls_path_model(corp_rep, model, scheme="path")
    table = survey.reliability_table(corp_rep, CORP_BLOCKS, fit.outer_loadings)
    assert table.loc[["COMP", "LIKE", "CUSL"], "alpha_std"].round(3).tolist() == [0.776, 0.831, 0.831]
    assert table.loc[["COMP", "LIKE", "CUSL"], "rho_c"].round(3).tolist() == [0.865, 0.899, 0.899]
    assert table.loc[["COMP", "LIKE", "CUSL"], "ave"].round(3).tolist() == [0.681, 0.747, 0.748]
    # the book's structural paths (Table 6.x): LIKE -> CUSA 0.424, CUSA -> CUSL 0.504
    assert _coef(fit, "LIKE", "CUSA") == pytest.approx(0.424, abs=5e-4)
    assert _coef(fit, "CUSA", "CUSL") == pytest.approx(0.504, abs=5e-4)


def test_alpha_by_hand_and_feldt_interval() -> None:
    # three items: variances 1, 1, 1, all covariances 0.5 -> alpha = 3/2 (1 - 3 / 6) = 0.75
    rng = np.random.default_rng(0)
    cov = np.full((3, 3), 0.5) + 0.5 * np.eye(3)
    x = rng.multivariate_normal(np.zeros(3), cov, size=200_000)
    est = survey.cronbach_alpha(pd.DataFrame(x, columns=["a", "b", "c"]))
    assert est["alpha"] == pytest.approx(0.75, abs=0.003)
    # tiny data set computed by hand: item variances 1, 1, 1 (ddof 1), total variance 7
    small = pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3], "c": [2, 3, 1]})
    total = small.sum(axis=1).var()
    alpha = 1.5 * (1 - 3 / total)
    got = survey.cronbach_alpha(small)
    assert got["alpha"] == pytest.approx(alpha)
    # Feldt (1965): (1 - alpha) / (1 - a) ~ F(n - 1, (n - 1)(k - 1))
    from scipy import stats

    mobi = load_ecsi_mobi()
    res = survey.cronbach_alpha(mobi, MOBI_BLOCKS["Quality"])
    n, k = 250, 7
    lo = 1 - (1 - res["alpha"]) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
    hi = 1 - (1 - res["alpha"]) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((lo, hi), abs=1e-3)  # pingouin rounds to 3 dp


def test_item_analysis_and_omega(mobi: pd.DataFrame) -> None:
    items = MOBI_BLOCKS["Image"]
    table = survey.item_analysis(mobi, items)
    rest = mobi[items].drop(columns="IMAG3")
    assert table.loc["IMAG3", "alpha_if_deleted"] == pytest.approx(survey.cronbach_alpha(rest)["alpha"])
    assert table.loc["IMAG1", "item_total_r"] == pytest.approx(
        np.corrcoef(mobi["IMAG1"], mobi[items[1:]].sum(axis=1))[0, 1])
    omega = survey.mcdonald_omega(mobi, MOBI_BLOCKS["Quality"])
    lam = omega.filter(like="loading_").to_numpy()
    assert omega["omega"] == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()))
    assert 0.85 < omega["omega"] < 0.9  # congeneric omega close to alpha 0.872 for this block
    assert survey.composite_reliability([0.7, 0.7]) == pytest.approx(1.96 / (1.96 + 1.02))
    assert survey.average_variance_extracted([0.6, 0.8]) == pytest.approx(0.5)


def test_discriminant_validity(mobi: pd.DataFrame, centroid: survey.PLSResult) -> None:
    h = survey.htmt(mobi, {"Value": MOBI_BLOCKS["Value"], "Complaints": ["CUSCO"]})
    r = mobi[["PERV1", "PERV2", "CUSCO"]].corr().abs()
    expected = (r.loc["PERV1", "CUSCO"] + r.loc["PERV2", "CUSCO"]) / 2 / np.sqrt(r.loc["PERV1", "PERV2"])
    assert h.loc["Complaints", "Value"] == pytest.approx(expected)
    ave = centroid.outer_loadings.assign(sq=lambda d: d["loading"] ** 2).groupby("latent")["sq"].mean()
    fl = survey.fornell_larcker(centroid.scores, ave)
    assert fl.loc["Quality", "Quality"] == pytest.approx(np.sqrt(ave["Quality"]))
    assert all(isinstance(pair, tuple) for pair in fl.attrs["violations"])


def test_reliability_errors(mobi: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="at least 2 items"):
        survey.cronbach_alpha(mobi, ["CUSCO"])
    with pytest.raises(MissingColumnError):
        survey.cronbach_alpha(mobi, ["IMAG1", "NOPE"])
    holes = mobi.astype(float)
    holes.loc[7, "IMAG2"] = np.nan
    with pytest.raises(DataValidationError, match="missing") as err:
        survey.cronbach_alpha(holes, MOBI_BLOCKS["Image"])
    assert err.value.rows == [7]
    with pytest.raises(ParameterError):
        survey.cronbach_alpha(mobi, MOBI_BLOCKS["Image"], level=1.5)
    with pytest.raises(DataValidationError, match="at least 3 items"):
        survey.mcdonald_omega(mobi, MOBI_BLOCKS["Value"])
    with pytest.raises(DataValidationError, match="at least 3 items"):
        survey.item_analysis(mobi, MOBI_BLOCKS["Value"])
    with pytest.raises(MissingColumnError, match="NOPE"):
        survey.htmt(mobi, {"Value": ["PERV1", "NOPE"]})
