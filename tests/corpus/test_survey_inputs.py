"""Malformed survey data: every measure refuses what it cannot compute with a crmlab error naming the
items and the fix, and cleaning reports say exactly what was done (the warning count is asserted).

Cases are small tables built in the test from one seeded Likert data set (``likert()``), with one
thing broken: a constant item, a block that adds up to a constant (an item keyed the other way),
repeated respondent ids, an item no one answered, true/false or infinite answers, collinear drivers.
A hypothesis test then throws random item matrices at the reliability functions: each answer is a
crmlab error or a finite value in the measure's range.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from crmlab import survey
from crmlab.errors import (
    CrmlabError,
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
    SpecificationError,
)

BLOCK_A, BLOCK_B = ["a1", "a2", "a3"], ["b1", "b2", "b3"]


def likert(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """Two correlated blocks of three 1-5 items (a factor model rounded to the scale)."""
    rng = np.random.default_rng(seed)
    fa = rng.normal(size=n)
    fb = 0.6 * fa + 0.8 * rng.normal(size=n)
    cols = {}
    for name, f in [(c, fa) for c in BLOCK_A] + [(c, fb) for c in BLOCK_B]:
        cols[name] = np.clip(np.round(3 + 1.1 * f + 0.7 * rng.normal(size=n)), 1, 5).astype("int64")
    return pd.DataFrame(cols)


def with_(**columns: object) -> pd.DataFrame:
    """``likert()`` with some columns replaced (a scalar makes the column constant)."""
    data = likert()
    for name, value in columns.items():
        data[name] = value
    return data


def reversed_pair() -> pd.DataFrame:
    """a2 = 6 - a1: the two items add up to 6 for everyone."""
    data = likert()
    data["a2"] = 6 - data["a1"]
    return data


def uncorrelated() -> pd.DataFrame:
    """b1 and b2 with correlation exactly 0 (a balanced 2 x 2 design)."""
    data = likert()
    data["b1"] = np.tile([1, 1, 2, 2], 10)
    data["b2"] = np.tile([1, 2, 1, 2], 10)
    return data


def _questionnaire() -> survey.Questionnaire:
    return survey.Questionnaire([survey.Item("q1", 1, 5), survey.Item("q2", 1, 5, reverse=True),
                                 survey.Item("q3", 1, 5)], name="corpus")


def answers(rows: list[list[object]], index: list[object] | None = None, **extra: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["q1", "q2", "q3"], index=index)
    for name, values in extra.items():
        frame[name] = values
    return frame


GOOD = [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 1], [5, 1, 2]]
Q = _questionnaire()
TWO_BLOCKS = {"A": BLOCK_A, "B": BLOCK_B}
SMALL_MODEL = survey.PathModel(blocks={"A": BLOCK_A, "B": ["b1", "b2"]}, paths=[("A", "B")])

# (id, call, error class, fragments of the message)
REFUSED: list[tuple[str, Callable[[], object], type[CrmlabError], list[str]]] = [
    # cleaning
    ("clean-repeated-index-ids", lambda: survey.clean_responses(answers(GOOD, index=[10, 11, 11, 12, 10]), Q),
     DataValidationError, ["2 respondent id(s) in the index appear more than once: [10, 11]",
                           "4 offending row(s): [0, 1, 2, 4]", "give each respondent one row"]),
    ("clean-repeated-id-column", lambda: survey.clean_responses(
        answers(GOOD, respondent=["r1", "r2", "r3", "r2", "r5"]), Q, id_col="respondent"),
     DataValidationError, ["column 'respondent'", "1 respondent id(s) in 'respondent' appear more than once: ['r2']",
                           "offending row(s): [1, 3]"]),
    ("clean-missing-id", lambda: survey.clean_responses(
        answers(GOOD, respondent=["r1", None, "r3", "r4", "r5"]), Q, id_col="respondent"),
     DataValidationError, ["column 'respondent': missing respondent id", "[1]"]),
    ("clean-id-column-absent", lambda: survey.clean_responses(answers(GOOD), Q, id_col="respondent"),
     MissingColumnError, ["has no column 'respondent'"]),
    ("clean-boolean-answer", lambda: survey.clean_responses(answers([[True, 2, 3], *GOOD[1:]]), Q),
     DataValidationError, ["column 'q1'", "not a number (values [True]", "whole numbers from 1 to 5"]),
    ("clean-infinite-answer", lambda: survey.clean_responses(answers([[1, 2, np.inf], *GOOD[1:]]), Q),
     DataValidationError, ["column 'q3'", "not a number (values [inf]"]),
    ("clean-dont-know-code-99", lambda: survey.clean_responses(answers([[99, 2, 3], *GOOD[1:]]), Q),
     DataValidationError, ["out of range (values [99], scale 1-5)", "'don't know' (e.g. 99) to missing"]),
    ("clean-half-point", lambda: survey.clean_responses(answers([[2.5, 2, 3], *GOOD[1:]]), Q),
     DataValidationError, ["not an integer (values [2.5]"]),
    ("clean-item-column-twice", lambda: survey.clean_responses(
        pd.concat([answers(GOOD), answers(GOOD)[["q1"]]], axis=1), Q),
     DataValidationError, ["item column(s) ['q1'] more than once"]),
    ("clean-mean-on-unanswered-item", lambda: survey.clean_responses(
        answers([[1, 2, None], [2, 3, None], [3, 4, None]]), Q, missing="mean"),
     DataValidationError, ["column 'q3'", "no respondent answered ['q3']", 'missing="keep"']),
    ("clean-listwise-drops-everyone", lambda: survey.clean_responses(
        answers([[1, None, 3], [None, 3, 4], [3, 4, None]]), Q, missing="listwise"),
     EmptyDataError, ["every one of the 3 respondents has at least one missing answer", 'missing="mean"']),
    ("clean-no-rows", lambda: survey.clean_responses(answers(GOOD).iloc[:0], Q), EmptyDataError, ["no rows"]),
    ("clean-unknown-policy", lambda: survey.clean_responses(answers(GOOD), Q, missing="drop"),
     SpecificationError, ["missing='drop' is not one of"]),
    ("reverse-dont-know-code", lambda: survey.reverse_code(answers([[1, 99, 3], *GOOD[1:]]), Q), DataValidationError,
     ["column 'q2': answers that are not numbers from 1-5", "[0]", "check_responses"]),
    ("reverse-undeclared-item", lambda: survey.reverse_code(answers(GOOD, q9=[1] * 5), Q, items=["q9"]),
     SpecificationError, ["items not declared: ['q9']"]),
    ("ordered-off-scale-answer", lambda: survey.as_ordered(answers([[1, 2, 3], [2, 3, 6], *GOOD[2:]]), Q),
     DataValidationError, ["column 'q3': answers that are not on the scale 1-5", "[1]"]),
    ("ordered-half-point", lambda: survey.as_ordered(answers([[1, 2.5, 3], *GOOD[1:]]), Q),
     DataValidationError, ["column 'q2': answers that are not on the scale 1-5"]),
    ("distribution-off-scale-answer", lambda: survey.item_distribution(answers([[1, 2, 3], [0, 3, 4], *GOOD[2:]]), Q),
     DataValidationError, ["column 'q1': answers that are not numbers from 1-5", "[1]"]),
    # reliability
    ("alpha-constant-item", lambda: survey.cronbach_alpha(with_(a2=3), BLOCK_A), DataValidationError,
     ["column 'a2'", "1 item(s) have the same answer from every respondent", "Cronbach's alpha is undefined",
      "['a2'] (answers a2: 3)", "drop these items"]),
    ("alpha-two-constant-items", lambda: survey.cronbach_alpha(with_(a1=5, a3=1), BLOCK_A), DataValidationError,
     ["2 item(s) have the same answer", "['a1', 'a3']"]),
    ("alpha-items-add-up-to-a-constant", lambda: survey.cronbach_alpha(reversed_pair(), ["a1", "a2"]),
     DataValidationError, ["the items ['a1', 'a2'] add up to the same total for every respondent",
                           "zero total variance", "reverse_code"]),
    ("alpha-standardised-reversed-pair", lambda: survey.cronbach_alpha(reversed_pair(), ["a1", "a2"],
                                                                        standardized=True),
     DataValidationError, ["add up to the same total", "Cronbach's alpha is undefined"]),
    ("alpha-one-respondent", lambda: survey.cronbach_alpha(likert().iloc[:1], BLOCK_A), DataValidationError,
     ["needs at least 2 respondents, got 1"]),
    ("alpha-infinite-answer", lambda: survey.cronbach_alpha(with_(a1=[np.inf] + [3] * 39), BLOCK_A),
     DataValidationError, ["column 'a1': infinite value", "[0]"]),
    ("alpha-true-false-item", lambda: survey.cronbach_alpha(with_(a1=[True, False] * 20), BLOCK_A),
     DataValidationError, ["column 'a1': true/false value", "astype(int)"]),
    ("alpha-item-listed-twice", lambda: survey.cronbach_alpha(likert(), ["a1", "a1", "a2"]), DataValidationError,
     ["items listed twice: ['a1']"]),
    ("alpha-text-answer", lambda: survey.cronbach_alpha(with_(a3=["n/a"] + [3] * 39), BLOCK_A),
     DataValidationError, ["column 'a3': not a number", "clean_responses"]),
    ("item-analysis-rest-adds-up", lambda: survey.item_analysis(reversed_pair(), BLOCK_A), DataValidationError,
     ["alpha if 'a3' is deleted", "the items ['a1', 'a2'] add up to the same total"]),
    ("omega-constant-item", lambda: survey.mcdonald_omega(with_(a3=2), BLOCK_A), DataValidationError,
     ["McDonald's omega is undefined", "['a3']"]),
    ("htmt-constant-item", lambda: survey.htmt(with_(b2=4), TWO_BLOCKS), DataValidationError,
     ["HTMT is undefined", "['b2']"]),
    ("htmt-uncorrelated-block", lambda: survey.htmt(uncorrelated(), {"A": BLOCK_A, "B": ["b1", "b2"]}),
     DataValidationError, ["the items of block 'B' ['b1', 'b2'] are uncorrelated (mean |r| = 0)"]),
    ("reliability-table-constant-item", lambda: survey.reliability_table(with_(b1=1), TWO_BLOCKS),
     DataValidationError, ["['b1']", "Cronbach's alpha is undefined"]),
    ("rho-c-loading-above-one", lambda: survey.composite_reliability(pd.Series({"x": 0.8, "y": 1.2})),
     ParameterError, ["between -1 and 1", "{'y': 1.2}", "Heywood"]),
    ("ave-nan-loading", lambda: survey.average_variance_extracted([0.7, np.nan]), ParameterError,
     ["between -1 and 1", "{1: nan}"]),
    ("rho-c-no-loadings", lambda: survey.composite_reliability([]), ParameterError, ["at least one loading"]),
    ("fornell-larcker-constant-score", lambda: survey.fornell_larcker(
        pd.DataFrame({"A": [0.1, -0.2, 0.1], "B": [1.0, 1.0, 1.0]}), {"A": 0.6, "B": 0.6}),
     DataValidationError, ["['B']", "the Fornell-Larcker criterion is undefined"]),
    ("fornell-larcker-ave-absent", lambda: survey.fornell_larcker(
        pd.DataFrame({"A": [0.1, -0.2, 0.1], "B": [1.0, 0.0, 2.0]}), {"A": 0.6}),
     DataValidationError, ["no AVE for ['B']"]),
    ("fornell-larcker-ave-above-one", lambda: survey.fornell_larcker(
        pd.DataFrame({"A": [0.1, -0.2, 0.1], "B": [1.0, 0.0, 2.0]}), {"A": 0.6, "B": 1.5}),
     ParameterError, ["AVE must be between 0 and 1, got {'B': 1.5}"]),
    # PLS
    ("pls-constant-items", lambda: survey.pls_path_model(with_(a1=3, b2=3), SMALL_MODEL), DataValidationError,
     ["2 item(s) have the same answer", "['a1', 'b2']", "the PLS path model (items are standardised)"]),
    ("pls-block-adds-up-to-a-constant", lambda: survey.pls_path_model(
        likert().assign(b2=lambda d: 6 - d["b1"]), SMALL_MODEL),
     DataValidationError, ["the score of ['B'] has zero variance", "[['b1', 'b2']]", "reverse_code"]),
    ("pls-infinite-answer", lambda: survey.pls_path_model(with_(b1=[-np.inf] + [2] * 39), SMALL_MODEL),
     DataValidationError, ["column 'b1': infinite value"]),
    ("pls-missing-answer", lambda: survey.pls_path_model(with_(a2=[np.nan] + [2] * 39), SMALL_MODEL),
     DataValidationError, ["column 'a2': missing answer", "missing='listwise' or 'mean'"]),
    ("pls-nine-respondents", lambda: survey.pls_path_model(likert().iloc[:9], SMALL_MODEL), DataValidationError,
     ["only 9 respondents; PLS needs at least 10"]),
    # drivers
    ("regression-constant-driver", lambda: survey.driver_regression(with_(a2=4), "b1", ["a1", "a2"]),
     DataValidationError, ["['a2']", "the driver regression is undefined"]),
    ("regression-constant-outcome", lambda: survey.driver_regression(with_(b1=5), "b1", ["a1", "a2"]),
     DataValidationError, ["['b1']", "the driver regression is undefined"]),
    ("regression-collinear-drivers", lambda: survey.driver_regression(
        likert().assign(a3=lambda d: d["a1"] + d["a2"]), "b1", BLOCK_A),
     DataValidationError, ["the drivers ['a1', 'a2', 'a3'] are perfectly collinear", "drop a redundant driver"]),
    ("regression-driver-listed-twice", lambda: survey.driver_regression(likert(), "b1", ["a1", "a1"]),
     DataValidationError, ["columns listed twice: ['a1']"]),
    ("relative-weights-collinear", lambda: survey.relative_weights(
        likert().assign(a3=lambda d: 2 * d["a1"]), "b1", BLOCK_A),
     DataValidationError, ["the drivers ['a1', 'a3'] are perfectly collinear"]),
    ("shapley-collinear", lambda: survey.shapley_r2(likert().assign(a3=lambda d: d["a1"] - d["a2"]), "b1", BLOCK_A),
     DataValidationError, ["the drivers ['a1', 'a2', 'a3'] are perfectly collinear"]),
    ("shapley-constant-outcome", lambda: survey.shapley_r2(with_(b2=2), "b2", BLOCK_A), DataValidationError,
     ["['b2']", "the Shapley decomposition is undefined"]),
    ("ordinal-constant-predictor", lambda: survey.ordinal_logit(with_(a1=1), "b1", ["a1", "a2"]),
     DataValidationError, ["['a1']", "the ordinal model is undefined"]),
    ("ipa-infinite-importance", lambda: survey.importance_performance(
        pd.Series({"Quality": 0.5, "Value": np.inf}), pd.Series({"Quality": 70.0, "Value": 60.0})),
     DataValidationError, ["column 'importance': missing, non-numeric or infinite value", "['Value']"]),
    ("ipa-missing-performance", lambda: survey.importance_performance(
        pd.Series({"Quality": 0.5, "Value": 0.2}), pd.Series({"Quality": 70.0, "Value": np.nan})),
     DataValidationError, ["column 'performance'", "['Value']", "a quadrant needs both"]),
    ("performance-weight-absent", lambda: survey.construct_performance(
        likert(), {"A": BLOCK_A}, pd.DataFrame({"item": ["a1", "a2"], "weight": [0.5, 0.5]}), (1, 5)),
     DataValidationError, ["no outer weight for the items ['a3']"]),
    ("performance-constant-item", lambda: survey.construct_performance(
        with_(a2=5), {"A": BLOCK_A}, pd.DataFrame({"item": BLOCK_A, "weight": [0.4, 0.3, 0.3]}), (1, 5)),
     DataValidationError, ["['a2']", "the performance index of 'A' (weights / sd) is undefined"]),
]


@pytest.mark.parametrize(("call", "error", "fragments"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_survey_measures_refuse_what_they_cannot_compute(call: Callable[[], object], error: type[CrmlabError],
                                                        fragments: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a refusal must not also leak warnings from the libraries
        with pytest.raises(error) as info:
            call()
    assert type(info.value) is error
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


# ---------------------------------------------------------------------------------------------------
# Correct results, with exactly the warnings that report what was done

def _crmlab_warnings(call: Callable[[], object]) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [str(w.message) for w in caught if issubclass(w.category, CrmlabWarning)]


def test_listwise_reports_the_rows_it_removed() -> None:
    data = answers([[1, 2, 3], [2, None, 4], [3, 4, 5], [None, 5, None], [5, 1, 2]], index=[101, 102, 103, 104, 105])
    out, messages = _crmlab_warnings(lambda: survey.clean_responses(data, Q, missing="listwise"))
    assert len(messages) == 1
    assert ("3 missing answer(s) from 2 respondent(s) in 3 item(s) {'q1': 1, 'q2': 1, 'q3': 1}: 2 respondent(s) "
            "dropped (2 row(s) removed, 3 left): [102, 104]") in messages[0]
    assert list(out.index) == [101, 103, 105]
    assert out.attrs["cleaning"] | {"ignored_columns": []} == {
        "policy": "listwise", "rows_in": 5, "rows_out": 3, "dropped": [102, 104], "replaced": {},
        "kept_missing": {}, "reversed": ["q2"], "ignored_columns": []}


def test_mean_replacement_reports_the_means_used() -> None:
    data = answers([[1, 2, 3], [2, None, 4], [3, 4, 5], [None, 5, 1], [5, 1, 2]])
    out, messages = _crmlab_warnings(lambda: survey.clean_responses(data, Q, missing="mean", reverse=False))
    assert len(messages) == 1
    assert "replaced by the item mean (q1: 1 by 2.75, q2: 1 by 3)" in messages[0]
    assert out.loc[3, "q1"] == 2.75 and out.loc[1, "q2"] == 3.0
    assert out.attrs["cleaning"]["replaced"] == {"q1": {"answers": 1, "mean": 2.75}, "q2": {"answers": 1, "mean": 3.0}}
    assert out.attrs["cleaning"]["rows_out"] == 5 and out.attrs["cleaning"]["reversed"] == []


def test_clean_data_is_cleaned_silently_with_a_full_report() -> None:
    data = answers(GOOD, respondent=["r1", "r2", "r3", "r4", "r5"], note=list("abcde"))
    out, messages = _crmlab_warnings(lambda: survey.clean_responses(data, Q, id_col="respondent"))
    assert messages == []
    assert list(out.index) == ["r1", "r2", "r3", "r4", "r5"] and out["q2"].tolist() == [4, 3, 2, 1, 5]
    assert out.attrs["cleaning"]["ignored_columns"] == ["note"] and out.attrs["cleaning"]["rows_out"] == 5


def test_ordered_categories_from_text_or_float_answers_keep_every_answer() -> None:
    """'3' (text) and 3.0 (float) are the scale point 3; pandas alone would make them missing."""
    data = pd.DataFrame({"q1": ["1", "5", None], "q2": [2.0, 4.0, 3.0], "q3": pd.array([3, None, 1], dtype="Int64")})
    out, messages = _crmlab_warnings(lambda: survey.as_ordered(data, Q))
    assert messages == []
    assert out["q1"].tolist()[:2] == [1, 5] and out["q2"].tolist() == [2, 4, 3] and out["q3"].tolist()[0] == 3
    assert out.isna().sum().to_dict() == {"q1": 1, "q2": 0, "q3": 1}


def test_distribution_leaves_out_filled_in_means_and_counts_them() -> None:
    data = answers([[1, 2, 3], [2, None, 4], [3, 4, 5], [None, 5, 1], [5, 1, 2]])
    with pytest.warns(CrmlabWarning):
        cleaned = survey.clean_responses(data, Q, missing="mean", reverse=False)
    dist, messages = _crmlab_warnings(lambda: survey.item_distribution(cleaned, Q))
    # q1's filled-in mean 2.75 is left out and counted; q2's mean is exactly 3, a scale point, and counts as a 3
    assert len(messages) == 1 and "1 value(s) between scale points" in messages[0] and "{'q1': 1}" in messages[0]
    assert dist.sum(axis=1).tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert dist.loc["q1"].tolist() == [0.25, 0.25, 0.25, 0.0, 0.25]
    assert dist.loc["q2"].tolist() == [0.2, 0.2, 0.2, 0.2, 0.2]


def test_bootstrap_redraws_samples_with_a_constant_item_and_says_how_many() -> None:
    data = likert(n=40, seed=3)
    data["b2"] = 3
    data.loc[0, "b2"] = 5  # one respondent varies: about a third of resamples leave b2 constant
    result = survey.pls_path_model(data, SMALL_MODEL)
    boot, messages = _crmlab_warnings(lambda: result.bootstrap(n=60, seed=1))
    redrawn = boot.attrs["redrawn"]
    assert redrawn > 0 and len(messages) == 1
    assert messages[0].startswith(f"{redrawn} bootstrap sample(s) had an item with no variation")
    assert np.isfinite(boot[["estimate", "se", "ci_low", "ci_high"]].to_numpy()).all()
    # every resample leaves out respondent 0 with probability (1 - 1/40)^40
    assert 0.2 < redrawn / (60 + redrawn) < 0.5


# ---------------------------------------------------------------------------------------------------
# Property: random item matrices give a crmlab error or a finite value in range

item_matrices = st.integers(2, 5).flatmap(
    lambda k: st.integers(2, 25).flatmap(
        lambda n: arrays(np.int64, (n, k), elements=st.integers(1, 5))))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item_matrices, st.booleans())
def test_alpha_htmt_and_item_analysis_on_random_items(matrix: np.ndarray, standardized: bool) -> None:
    data = pd.DataFrame(matrix, columns=[f"i{j}" for j in range(matrix.shape[1])])
    items = list(data.columns)
    try:
        a = survey.cronbach_alpha(data, items, standardized=standardized)
    except CrmlabError:
        pass
    else:
        assert np.isfinite(a[["alpha", "ci_low", "ci_high"]].to_numpy()).all()
        assert a["alpha"] <= 1 + 1e-9 and a["ci_low"] <= a["alpha"] + 1e-9 <= a["ci_high"] + 2e-9
    if len(items) >= 3:
        try:
            table = survey.item_analysis(data, items)
        except CrmlabError:
            pass
        else:
            assert np.isfinite(table.to_numpy()).all()
            assert (table["item_total_r"].abs() <= 1 + 1e-9).all() and (table["alpha_if_deleted"] <= 1 + 1e-9).all()
    half = len(items) // 2
    try:
        h = survey.htmt(data, {"X": items[:half] or items[:1], "Y": items[half:]})
    except CrmlabError:
        pass
    else:
        value = h.loc["Y", "X"]
        assert np.isfinite(value) and value >= 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(3, 4).flatmap(lambda k: arrays(np.int64, (30, k), elements=st.integers(1, 5))))
def test_omega_on_random_items(matrix: np.ndarray) -> None:
    data = pd.DataFrame(matrix, columns=[f"i{j}" for j in range(matrix.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # semopy's optimiser warnings on random data
        try:
            omega = survey.mcdonald_omega(data)
        except CrmlabError:
            return
    assert np.isfinite(omega.to_numpy()).all()
    assert 0 <= omega["omega"] <= 1 + 1e-9
    assert (omega.filter(like="loading_").abs() <= 1 + 1e-6).all()
