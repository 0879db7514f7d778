"""The feedback mechanism on hand-made answers, and every registered exercise end to end."""

import numpy as np
import pandas as pd
import pytest

from crmlab.errors import CrmlabError
from crmlab.exercises import check, compare, exercises


def test_numbers_within_tolerance_and_specific_hints():
    assert compare(1.0005, 1.0, rtol=1e-3) is None
    assert compare(-2.0, 2.0) == "right size, wrong sign."
    assert "100 times too large" in compare(25.0, 0.25)
    assert "100 times too small" in compare(0.25, 25.0)
    assert compare(1.1, 1.0) == "your answer 1.1 is too high by 10.0%."
    assert compare(0.5, 1.0) == "your answer 0.5 is too low by 50.0%."
    assert compare(float("nan"), 1.0).startswith("your answer is NaN")
    assert compare("abc", 1.0) == "expected a number, got str."
    assert compare(0.2, 0.0) == "your answer 0.2 should be 0."


def test_arrays_tables_and_dicts():
    assert compare([1, 2, 3], np.array([1.0, 2.0, 3.0])) is None
    assert compare([1, 2], [1, 2, 3]) == "expected shape (3,), got (2,)."
    assert compare([1, 5, 3], [1, 2, 3]) == "1 of 3 values differ (the first at position 1)."
    want = pd.DataFrame({"tier": ["gold", "lead"], "share": [0.2, 0.8]})
    assert compare(want.copy(), want) is None
    assert compare(want[["tier"]], want) == "columns missing: ['share']."
    assert compare(want.assign(extra=1), want) == "unexpected columns: ['extra']."
    assert compare(want.iloc[:1], want) == "expected 2 rows x 2 columns, got 1 x 2."
    assert compare(want.assign(share=[0.3, 0.7]), want).startswith("column 'share': 2 of 2 values differ")
    assert compare(want.assign(tier=["gold", "iron"]), want) == "column 'tier': values differ."
    assert compare([1], want) == "expected a DataFrame, got list."
    assert compare({"a": 1.0}, {"a": 1.0}) is None
    assert compare({"a": 1.0}, {"b": 1.0}) == "expected the keys ['b'], got ['a']."
    assert compare({"a": 2.0}, {"a": 1.0}).startswith("'a': your answer 2 is too high")
    assert compare(" Gold ", "gold") is None and compare(True, True) is None
    assert compare(False, True) == "that is not it (you gave False)."


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(CrmlabError, match="no exercise '99.9'"):
        check("99.9", 1)


def test_feedback_repr_and_truth():
    fb = check("00.1", None)
    assert not fb and repr(fb).startswith("[00.1] Not yet: no answer yet")
    assert "<b>00.1</b>" in fb._repr_html_()


BANK = exercises()


@pytest.mark.parametrize("exercise_id", sorted(BANK))
def test_every_exercise_accepts_its_answer_and_explains_its_mistakes(exercise_id):
    ex = BANK[exercise_id]
    assert ex.prompt.strip()
    right = check(exercise_id, ex.expected())
    assert right.correct, right.message
    assert not check(exercise_id, None).correct
    for wrong, hint in ex.mistakes:
        fb = check(exercise_id, wrong())
        assert not fb.correct and fb.message == hint, f"{exercise_id}: mistake not recognised"


def test_every_notebook_has_at_least_three_exercises():
    from crmlab import course

    for path in course.notebooks():
        prefix = path.name[:2] + "."
        assert sum(1 for k in BANK if k.startswith(prefix)) >= 3, path.name
