"""crmlab.stats: Wilson intervals, the chi-squared test of independence, p-value adjustment, weighted means, logit helpers."""

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

from crmlab import stats as cstats


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


# ---------------------------------------------------------------------------------------------------
# Proportions, p-value adjustment, weighted means: statsmodels does the work


def _holm_by_hand(p):
    """Holm (1979) step-down: sorted p_(j) -> max_{i <= j} min(1, (m - i + 1) p_(i)), back in input order."""
    p = np.asarray(p, dtype=float)
    m = p.size
    order = np.argsort(p)
    adjusted = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.maximum.accumulate(adjusted)
    out = np.empty(m)
    out[order] = adjusted
    return out


@pytest.mark.parametrize("p", [[0.01, 0.04, 0.03], [0.2, 0.001, 0.049, 0.5, 0.011], [0.9], [0.04, 0.04, 0.04]])
def test_holm_equals_the_step_down_by_hand_and_multipletests(p):
    from statsmodels.stats.multitest import multipletests

    np.testing.assert_allclose(cstats.adjust_pvalues(p, "holm"), _holm_by_hand(p), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(cstats.adjust_pvalues(p, "holm"), multipletests(p, method="holm")[1])


def test_bonferroni_equals_min_one_m_p():
    p = np.array([0.01, 0.2, 0.3, 0.0125])
    np.testing.assert_array_equal(cstats.adjust_pvalues(p, "bonferroni"), np.minimum(1.0, 4 * p))


def test_adjustment_skips_tests_that_could_not_be_computed():
    out = cstats.adjust_pvalues([0.01, np.nan, 0.03], "holm")
    np.testing.assert_allclose(out[[0, 2]], [0.02, 0.03])
    assert np.isnan(out[1])


@pytest.mark.parametrize(("p", "method"), [([1.2], "holm"), ([], "holm"), ([0.1], "tukey")])
def test_adjustment_rejects_bad_input(p, method):
    with pytest.raises(ParameterError):
        cstats.adjust_pvalues(p, method)


def test_servqual_holm_column_is_multipletests():
    from statsmodels.stats.multitest import multipletests

    from crmlab import survey

    gaps = survey.gap_scores(datasets.load_servqual_survey())
    np.testing.assert_array_equal(gaps["p_holm"].to_numpy(), multipletests(gaps["p"].to_numpy(), method="holm")[1])
    np.testing.assert_allclose(gaps["p_holm"].to_numpy(), _holm_by_hand(gaps["p"]), rtol=1e-12, atol=1e-300)


def test_barrier_bonferroni_column_is_multipletests(survey):
    from statsmodels.stats.multitest import multipletests

    table = adoption.barrier_profile_test(survey, n_permutations=99)
    per_barrier = table.iloc[:-1]
    np.testing.assert_array_equal(per_barrier["p_bonferroni"].to_numpy(),
                                  multipletests(per_barrier["p_value"].to_numpy(), method="bonferroni")[1])
    np.testing.assert_allclose(per_barrier["p_bonferroni"], np.minimum(1.0, 4 * per_barrier["p_value"]))


def test_proportion_table_intervals_are_statsmodels_wilson(survey):
    from statsmodels.stats.proportion import proportion_confint

    table = cstats.proportion_table(survey, "adopted", "sector")
    low, high = proportion_confint(table["count"], table["n"], alpha=0.05, method="wilson")
    np.testing.assert_allclose(table["ci_low"].to_numpy(), np.asarray(low), rtol=1e-14)
    np.testing.assert_allclose(table["ci_high"].to_numpy(), np.asarray(high), rtol=1e-14)
    assert table["n"].sum() == len(survey)
    assert list(table.index) == list(dict.fromkeys(survey["sector"]))  # order of appearance without `order`


def test_proportion_table_order_puts_groups_first():
    df = pd.DataFrame({"y": [1, 0, 1, 1, 0], "g": ["b", "a", "c", "a", "c"]})
    table = cstats.proportion_table(df, "y", "g", order=["c", "zz"])
    assert list(table.index) == ["c", "b", "a"]
    assert table.loc["a", "share"] == 0.5 and table.loc["c", "count"] == 1


def test_weighted_mean_by_hand():
    # (1*1 + 0*3 + 0*3 + 1*1) / 8 = 0.25; Kish n_eff = 8^2 / (1 + 9 + 9 + 1) = 3.2
    out = cstats.weighted_mean([1, 0, 0, 1], [1, 3, 3, 1])
    assert out.to_dict() == {"mean": 0.25, "unweighted": 0.5, "n": 4.0, "n_effective": 3.2}


@pytest.mark.parametrize(("values", "weights"), [([1, 0], [1]), ([1, np.nan], [1, 1]), ([1, 0], [-1, 2]),
                                                 ([1, 0], [0, 0])])
def test_weighted_mean_rejects_bad_input(values, weights):
    with pytest.raises(ParameterError):
        cstats.weighted_mean(values, weights)
