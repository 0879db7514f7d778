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
