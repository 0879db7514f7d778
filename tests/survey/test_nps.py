"""crmlab.survey.nps: NPS (split from the survey tests by module)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import survey
from crmlab.datasets import load_servqual_survey
from crmlab.errors import DataValidationError, EmptyDataError, ParameterError


def test_nps_hand_example() -> None:
    # 10 answers: promoters 9, 10, 10, 9 (4); passives 7, 8 (2); detractors 0, 3, 6, 5 (4) -> NPS 0
    scores = [9, 10, 10, 9, 7, 8, 0, 3, 6, 5]
    res = survey.net_promoter_score(scores)
    assert (res["promoters"], res["passives"], res["detractors"]) == (0.4, 0.2, 0.4)
    assert res["nps"] == 0
    # Var = (0.4 + 0.4 - 0^2) / 10 = 0.08 -> se = 100 sqrt(0.08) = 28.28
    assert res["se"] == pytest.approx(100 * np.sqrt(0.08))
    assert res["ci_high"] == pytest.approx(1.959964 * 100 * np.sqrt(0.08), abs=1e-4)
    skew = survey.net_promoter_score([10, 10, 10, 8, 2])  # 60 % - 20 % = 40
    assert skew["nps"] == pytest.approx(40)
    assert skew["se"] == pytest.approx(100 * np.sqrt((0.8 - 0.16) / 5))
    assert survey.nps_groups([6, 7, 8, 9]).tolist() == ["detractor", "passive", "passive", "promoter"]


def test_nps_bootstrap_and_segments() -> None:
    data = load_servqual_survey()
    res = survey.net_promoter_score(data["recommend"], n_boot=2000, seed=5)
    assert res["boot_ci_low"] == pytest.approx(res["ci_low"], abs=1.5)
    assert res["boot_ci_high"] == pytest.approx(res["ci_high"], abs=1.5)
    by = survey.nps_by_segment(data, "recommend", "segment")
    new, rep = by.loc["new"], by.loc["repeat"]
    assert rep["diff"] == pytest.approx(rep["nps"] - new["nps"])
    assert rep["diff_se"] == pytest.approx(np.hypot(rep["se"], new["se"]))
    assert rep["p"] < 0.05 and 0 <= by.attrs["chi2_p"] <= 1
    assert int(by["n"].sum()) == len(data)


def test_nps_errors() -> None:
    with pytest.raises(DataValidationError, match="0 to 10") as err:
        survey.net_promoter_score([5, 11, 7.5, None])
    assert err.value.rows == [1, 2, 3]
    with pytest.raises(EmptyDataError):
        survey.net_promoter_score([])
    with pytest.raises(ParameterError):
        survey.net_promoter_score([5, 6], n_boot=10)
    with pytest.raises(ParameterError):
        survey.net_promoter_score([5, 6], level=0)
    df = pd.DataFrame({"r": [9, 5, 7, 10], "s": ["a", "a", "a", None]})
    with pytest.raises(DataValidationError, match="missing segment"):
        survey.nps_by_segment(df, "r", "s")
    with pytest.raises(DataValidationError, match="only one segment"):
        survey.nps_by_segment(df.dropna(), "r", "s")
    df["s"] = ["a", "b", "a", "b"]
    with pytest.raises(ParameterError, match="reference"):
        survey.nps_by_segment(df, "r", "s", reference="c")
