"""crmlab.survey.servqual: SERVQUAL (split from the survey tests by module)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crmlab import survey
from crmlab.datasets import load_servqual_survey
from crmlab.errors import DataValidationError, MissingColumnError, ParameterError, SpecificationError

ROOT = Path(__file__).resolve().parents[2]


def test_servqual_gaps() -> None:
    data = load_servqual_survey()
    items = survey.gap_scores(data)
    assert len(items) == 22
    assert items.loc[5, "gap"] == pytest.approx((data["P05"] - data["E05"]).mean())
    from scipy import stats

    assert items.loc[5, "p"] == pytest.approx(stats.ttest_rel(data["P05"], data["E05"]).pvalue)
    assert (items["p_holm"] >= items["p"]).all()
    weights = {d: f"W_{d}" for d in survey.SERVQUAL_DIMENSIONS}
    dims = survey.dimension_gaps(data, weights=weights)
    assert list(dims.index) == list(survey.SERVQUAL_DIMENSIONS)
    # the simulated reliability gap (-0.95 before clipping) is the largest shortfall
    assert dims["gap"].idxmin() == "reliability"
    assert dims["weight"].sum() == pytest.approx(100)
    w = dims.attrs["weighted_gap"]
    assert w["ci_low"] < w["mean"] < w["ci_high"] < 0


def test_servqual_errors() -> None:
    data = load_servqual_survey()
    with pytest.raises(MissingColumnError, match="P22"):
        survey.gap_scores(data.drop(columns="P22"))
    holes = data.astype({"E03": float})
    holes.loc["R0002", "E03"] = np.nan
    with pytest.raises(DataValidationError, match="both E and P") as err:
        survey.gap_scores(holes)
    assert err.value.rows == ["R0002"]
    bad = data.copy()
    bad.loc["R0001", "W_empathy"] += 10
    weights = {d: f"W_{d}" for d in survey.SERVQUAL_DIMENSIONS}
    with pytest.raises(DataValidationError, match="sum to 100") as err:
        survey.dimension_gaps(bad, weights=weights)
    assert err.value.rows == ["R0001"]
    with pytest.raises(SpecificationError, match="no weight column"):
        survey.dimension_gaps(data, weights={"tangibles": "W_tangibles"})
    with pytest.raises(SpecificationError, match="two dimensions"):
        survey.servqual_columns(dimensions={"a": [1, 2], "b": [2, 3]})
    with pytest.raises(ParameterError):
        survey.gap_scores(data, level=2)


def test_servqual_generator_is_reproducible(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "datasets" / "make_servqual.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    assert (tmp_path / "servqual_ecommerce.csv").read_bytes() == (ROOT / "crmlab" / "datasets" / "data" / "servqual_ecommerce.csv").read_bytes()


def test_servqual_loader() -> None:
    data = load_servqual_survey()
    assert data.shape == (400, 52)
    assert data.attrs["synthetic"] is True
    weights = data[[f"W_{d}" for d in survey.SERVQUAL_DIMENSIONS]]
    assert (weights.sum(axis=1) == 100).all()
    assert data.filter(regex=r"^[EP]\d\d$").stack().between(1, 7).all()
    assert data["recommend"].between(0, 10).all()
