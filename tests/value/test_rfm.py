"""crmlab.value.rfm: RFM tables, scores, segments and the calibration/holdout validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlab import value as v
from crmlab.datasets import load_cdnow_summary, load_cdnow_transactions
from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    ParameterError,
    SpecificationError,
)

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def tiny_log() -> pd.DataFrame:
    log = pd.read_csv(DATA / "value_tiny_log.csv", dtype={"customer_id": str})
    log["date"] = pd.to_datetime(log["date"])
    return log


@pytest.fixture(scope="module")
def tiny_calibration(tiny_log) -> pd.DataFrame:
    return tiny_log[tiny_log["date"] <= "2024-01-31"]


# ---------------------------------------------------------------------------------------------------
# RFM

def test_rfm_table_tiny_log(tiny_calibration):
    rfm = v.rfm_table(tiny_calibration, "2024-01-31")
    assert rfm.index.tolist() == list("ABCDE")
    assert rfm["recency"].tolist() == [1, 6, 16, 26, 122]
    assert rfm["frequency"].tolist() == [3, 1, 2, 4, 1]  # D bought twice on 2023-12-01: one occasion
    assert rfm["monetary"].tolist() == [60.0, 100.0, 10.0, 200.0, 15.0]


def test_rfm_scores_tiny_log(tiny_calibration):
    scores = v.rfm_scores(v.rfm_table(tiny_calibration, "2024-01-31"))
    # recency 1 < 6 < 16 < 26 < 122; frequency B and E tie at 1 and share the lower score
    assert scores["R"].tolist() == [5, 4, 3, 2, 1]
    assert scores["F"].tolist() == [4, 1, 3, 5, 1]
    assert scores["M"].tolist() == [3, 4, 1, 5, 2]
    assert scores["rfm_cell"].tolist() == ["543", "414", "331", "255", "112"]
    assert v.rfm_segments(scores).tolist() == ["champions", "promising", "needs attention", "at risk",
                                               "hibernating"]


def test_rfm_scores_do_not_depend_on_row_order(tiny_calibration):
    shuffled = tiny_calibration.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(v.rfm_scores(v.rfm_table(shuffled, "2024-01-31")),
                                  v.rfm_scores(v.rfm_table(tiny_calibration, "2024-01-31")))


def test_quintiles_equal_without_ties():
    rfm = pd.DataFrame({"recency": np.arange(10), "frequency": np.arange(10) + 1, "monetary": np.arange(10.0)})
    scores = v.rfm_scores(rfm)
    assert scores["F"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert scores["R"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert v.rfm_scores(rfm, n_groups=2)["M"].tolist() == [1] * 5 + [2] * 5


def test_rfm_errors(tiny_log):
    # the one observation-end rule: later rows are left out and counted (rows 12-16 of the tiny log)
    with pytest.warns(CrmlabWarning, match="5 transaction row"):
        early = v.rfm_table(tiny_log, "2024-01-31")
    pd.testing.assert_frame_equal(early, v.rfm_table(tiny_log.drop(index=[12, 13, 14, 15, 16]), "2024-01-31"))
    with pytest.raises(EmptyDataError):
        v.rfm_table(tiny_log.iloc[:0])
    # text dates go through the same contract and give the same table
    pd.testing.assert_frame_equal(v.rfm_table(tiny_log.astype({"date": str})), v.rfm_table(tiny_log))
    with pytest.raises(DataValidationError, match="stored as numbers"):
        v.rfm_table(tiny_log.assign(date=20240101))
    bad = tiny_log.copy()
    bad.loc[4, "amount"] = -5
    with pytest.raises(DataValidationError, match="negative amount") as info:
        v.rfm_table(bad)
    assert info.value.rows == [4]
    with pytest.raises(ParameterError, match="n_groups"):
        v.rfm_scores(v.rfm_table(tiny_log), n_groups=10)


def test_segment_rules_must_tile_the_grid():
    rules = v.RFM_SEGMENT_RULES.copy()
    rules.loc[0, "f_min"] = 3  # champions now overlap 'promising' on F = 3
    rules.loc[5, "r_max"] = 1  # and R = 2 is left out of 'hibernating'
    with pytest.raises(SpecificationError) as info:
        v.rfm_segments(pd.DataFrame({"R": [1], "F": [1]}), rules)
    text = str(info.value)
    assert "(R=4, F=3) is in several segments" in text and "(R=2, F=1) is in no segment" in text


def test_holdout_validation_tiny_log(tiny_log):
    with pytest.warns(CrmlabWarning) as record:
        val = v.rfm_holdout_validation(tiny_log, "2024-01-31", "2024-03-31")
    messages = " ".join(str(w.message) for w in record)
    assert "1 transaction row(s) dated after observation_end" in messages and "1 customer(s) first bought" in messages
    assert val.index.tolist() == list("ABCDE")
    assert val["holdout_purchases"].tolist() == [1, 0, 0, 1, 0]
    assert val["holdout_amount"].tolist() == [30.0, 0.0, 0.0, 40.0, 0.0]
    response = v.holdout_response(val, "R")
    assert response["customers"].sum() == 5
    assert response.loc[5, "active_rate"] == 1.0 and response.loc[5, "lift"] == pytest.approx(2.5)
    assert response.loc[1, "active_rate"] == 0.0
    ax = v.plot_holdout_response(response, overall=0.4)
    assert len(ax.patches) == 5 and "%" in ax.get_ylabel()
    assert v.plot_rfm_heatmap(val).get_title()


def test_split_errors(tiny_log):
    with pytest.raises(ParameterError, match="holdout_end .* must be after calibration_end"):
        v.calibration_holdout_split(tiny_log, "2024-03-31", "2024-01-31")
    with pytest.raises(EmptyDataError, match="calibration end"):
        v.calibration_holdout_split(tiny_log, "2020-01-01", "2024-12-31")


@pytest.fixture(scope="module")
def cdnow_validation() -> pd.DataFrame:
    return v.rfm_holdout_validation(load_cdnow_transactions(), "1997-09-30", "1998-06-30")


def test_cdnow_rfm_matches_the_published_summary(cdnow_validation):
    summary = load_cdnow_summary()
    rfm = cdnow_validation.loc[summary.index]
    assert len(cdnow_validation) == 2357
    # repeat purchases x = purchase days - 1; T - t_x = weeks since the last purchase (rounded to 0.01)
    assert ((rfm["frequency"] - 1) == summary["frequency"]).all()
    assert np.abs(rfm["recency"] / 7 - (summary["T"] - summary["recency"])).max() < 0.011


def test_cdnow_recency_predicts_the_holdout(cdnow_validation):
    by_r = v.holdout_response(cdnow_validation, "R")
    assert by_r.index.tolist() == [1, 2, 3, 4, 5]
    assert by_r["customers"].sum() == 2357 and by_r["customers"].between(450, 490).all()
    assert by_r["active_rate"].is_monotonic_increasing
    assert by_r.loc[5, "active_rate"] > 4 * by_r.loc[1, "active_rate"]
    # 1,411 one-time buyers tie on F and share score 1, which leaves score 2 empty
    assert cdnow_validation["F"].value_counts().sort_index().to_dict() == {1: 1411, 3: 439, 4: 214, 5: 293}
