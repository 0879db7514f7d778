"""crmlab.adoption.barriers: barrier profiles by size class and the success-factor logit."""

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


def test_odds_ratio_axis_has_plain_labels(survey):
    ax = adoption.plot_odds_ratios(adoption.odds_ratios(adoption.fit_success_logit(survey)))
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "1" in labels and all(t.replace(".", "", 1).isdigit() for t in labels)
    assert not ax.get_xticklabels(minor=True) or all(t.get_text() == "" for t in ax.get_xticklabels(minor=True))
    plt.close(ax.figure)
