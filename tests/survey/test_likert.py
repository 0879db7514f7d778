"""crmlab.survey.likert: Likert data (split from the survey tests by module)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlab import survey
from crmlab.datasets import MOBI_BLOCKS
from crmlab.errors import (
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    SpecificationError,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _questionnaire() -> survey.Questionnaire:
    return survey.Questionnaire([
        survey.Item("q1", 1, 5, block="service"),
        survey.Item("q2", 1, 5, reverse=True, block="service"),
        survey.Item("q3", 1, 5, block="service"),
    ], name="test")


def test_clean_and_reverse() -> None:
    data = pd.read_csv(DATA / "survey_clean.csv")
    q = _questionnaire()
    out = survey.clean_responses(data, q)
    assert out["q2"].tolist() == (6 - data["q2"]).tolist()
    assert out["q1"].dtype == "int64"
    assert survey.reverse_code(out, q)["q2"].tolist() == data["q2"].tolist()  # involution
    cats = survey.as_ordered(out, q)
    assert cats["q1"].cat.ordered and list(cats["q1"].cat.categories) == [1, 2, 3, 4, 5]
    dist = survey.item_distribution(out, q)
    assert np.allclose(dist.sum(axis=1), 1.0)
    assert q.blocks == {"service": ["q1", "q2", "q3"]}
    assert survey.check_responses(data, q).empty
    with pytest.raises(MissingColumnError, match="q9"):
        survey.reverse_code(out, q, items=["q9"])


def test_check_responses_reports_every_problem() -> None:
    data = pd.read_csv(DATA / "survey_invalid.csv")
    report = survey.check_responses(data, _questionnaire())
    got = {(int(r.respondent), r.item, r.problem) for r in report.itertuples()}
    assert got == {(1, "q1", "out of range"), (2, "q2", "not an integer"), (3, "q3", "not a number"),
                   (4, "q1", "missing"), (5, "q3", "out of range")}


def test_clean_responses_errors() -> None:
    q = _questionnaire()
    with pytest.raises(DataValidationError, match="invalid answer") as err:
        survey.clean_responses(pd.read_csv(DATA / "survey_invalid.csv"), q)
    assert err.value.column == "q1" and err.value.rows == [1]
    missing = pd.read_csv(DATA / "survey_missing.csv")
    with pytest.raises(DataValidationError, match="missing answer") as err:
        survey.clean_responses(missing, q)
    assert err.value.rows == [1, 3]
    with pytest.raises(MissingColumnError):
        survey.clean_responses(missing.drop(columns="q3"), q)
    with pytest.raises(EmptyDataError):
        survey.clean_responses(missing.iloc[:0], q)
    with pytest.raises(SpecificationError, match="missing="):
        survey.clean_responses(missing, q, missing="impute")  # type: ignore[arg-type]


def test_missing_policies_are_reported() -> None:
    q = _questionnaire()
    missing = pd.read_csv(DATA / "survey_missing.csv")
    with pytest.warns(CrmlabWarning, match="2 respondent"):
        listwise = survey.clean_responses(missing, q, missing="listwise")
    assert len(listwise) == len(missing) - 2 and listwise.attrs["missing"]["respondents"] == [1, 3]
    with pytest.warns(CrmlabWarning, match="item mean"):
        mean = survey.clean_responses(missing, q, missing="mean", reverse=False)
    assert mean.loc[1, "q1"] == pytest.approx(missing["q1"].mean())
    with pytest.warns(CrmlabWarning, match="NaN"):
        kept = survey.clean_responses(missing, q, missing="keep")
    assert kept.isna().sum().sum() == 2
    assert survey.missing_summary(missing, q).loc["q1", "missing"] == 1


def test_questionnaire_specification_errors() -> None:
    with pytest.raises(SpecificationError) as err:
        survey.Questionnaire([survey.Item("a", 5, 1), survey.Item("a", 1, 5), survey.Item("b", 1.0, 5)])  # type: ignore[arg-type]
    text = str(err.value)
    assert "listed twice" in text and "empty or reversed" in text and "integers" in text
    with pytest.raises(SpecificationError, match="no items"):
        survey.Questionnaire([])
    with pytest.raises(SpecificationError, match="unknown items"):
        survey.Questionnaire.from_blocks({"b": ["x"]}, reverse=["y"])
    q = survey.Questionnaire([survey.Item("a", 1, 5), survey.Item("b", 1, 7)])
    with pytest.raises(SpecificationError, match="different scales"):
        survey.item_distribution(pd.DataFrame({"a": [1], "b": [2]}), q)


def test_likert_plot_and_mobi_questionnaire(mobi: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    q = survey.mobi_questionnaire()
    assert q.names == [i for items in MOBI_BLOCKS.values() for i in items]
    assert survey.check_responses(mobi, q).empty
    ax = survey.plot_likert(mobi, q, MOBI_BLOCKS["Satisfaction"])
    # the bars of one item span exactly 100 % of respondents
    widths = sum(p.get_width() for p in ax.patches[:: len(MOBI_BLOCKS["Satisfaction"])])
    assert widths == pytest.approx(100)
    assert ax.get_title() and ax.get_xlabel()
    plt.close("all")
