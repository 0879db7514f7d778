"""The feedback mechanism on hand-made answers, and every registered exercise end to end."""

import numpy as np
import pandas as pd
import pytest

from crmlab.errors import CrmlabError
from crmlab.course.exercises import check, compare, exercises
from crmlab.course.i18n import tr


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
    assert tr(ex.prompt).strip()
    right = check(exercise_id, ex.expected())
    assert right.correct, right.message
    assert not check(exercise_id, None).correct
    for wrong, diagnosis in ex.mistakes:
        fb = check(exercise_id, wrong())
        assert not fb.correct and fb.message == tr(diagnosis), f"{exercise_id}: mistake not recognised"


def test_every_notebook_has_at_least_three_exercises():
    from crmlab import course

    for path in course.notebooks():
        prefix = path.name[:2] + "."
        assert sum(1 for k in BANK if k.startswith(prefix)) >= 3, path.name


# --- stated precision, hints and self-check questions ----------------------------------------------

import re  # noqa: E402

import nbformat  # noqa: E402

from crmlab import course  # noqa: E402
from crmlab.course.exercises import (  # noqa: E402
    Exercise,
    Option,
    Question,
    ask,
    decimal_tolerance,
    hint,
    precision_text,
    questions,
    reset_hints,
    states_precision,
)


def _rounded(value, decimals):
    """An answer as a student copies it from a printout at ``decimals`` decimals."""
    if decimals is None:
        return value
    if isinstance(value, pd.DataFrame):
        return value.apply(lambda c: c.round(decimals) if pd.api.types.is_numeric_dtype(c) else c)
    if isinstance(value, dict):
        return {k: _rounded(v, decimals) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return np.round(np.asarray(value, dtype=float), decimals).tolist()
    if isinstance(value, (bool, str, np.bool_)):
        return value
    return round(float(value), decimals)


def test_decimals_accept_every_answer_right_at_the_stated_precision():
    ex = Exercise(id="99.1", prompt="p", expected=lambda: 0.0604, decimals=3, unit="share")
    tol = ex.tolerance
    assert tol["rtol"] == 0 and tol["atol"] == pytest.approx(0.0005)
    # 0.060 (as printed) and 0.0604 (more digits) are right; 0.061 and 0.059 are not.
    assert compare(0.060, 0.0604, **tol) is None and compare(0.06041, 0.0604, **tol) is None
    assert compare(0.061, 0.0604, **tol) is not None and compare(0.059, 0.0604, **tol) is not None
    # the half-way case is right (float error aside): 0.0605 rounds to 0.061 or 0.060 alike
    assert compare(0.0605, 0.0610, rtol=0, atol=decimal_tolerance(3)) is None
    # element-wise for lists: the Wilson interval at 3 decimals
    assert compare([0.425, 0.517], [0.42531, 0.51688], rtol=0, atol=decimal_tolerance(3)) is None
    assert compare([0.424, 0.517], [0.42531, 0.51688], rtol=0, atol=decimal_tolerance(3)) is not None
    # "100 times too large" still diagnosed at a stated precision
    assert "100 times too large" in compare(6.04, 0.0604, **tol)


def test_precision_text_and_statements(monkeypatch):
    bank = {
        "99.1": Exercise(id="99.1", prompt="p", expected=lambda: 0.06, decimals=3, unit="share"),
        "99.2": Exercise(id="99.2", prompt="p", expected=lambda: 12, decimals=0, unit="customers"),
        "99.3": Exercise(id="99.3", prompt="p", expected=lambda: 1.5, decimals=1, unit="weeks"),
        "99.4": Exercise(id="99.4", prompt="p", expected=lambda: 1.5),
    }
    monkeypatch.setattr("crmlab.course.exercises.exercises", lambda: bank)
    assert precision_text("99.1") == "to 3 decimals, as a share between 0 and 1"
    assert precision_text("99.2") == "as a whole number, in customers"
    assert precision_text("99.3") == "to 1 decimal, in weeks"
    assert precision_text("99.4") == "to within 0.1%"
    assert states_precision("Give P(alive) **to 3 decimal places**,\nas a share between 0 and 1.", "99.1")
    assert not states_precision("Give P(alive) to 3 decimals.", "99.1")  # unit missing
    assert not states_precision("Give P(alive) to 2 decimals, as a share between 0 and 1.", "99.1")


def test_known_mistakes_and_coarse_answers_at_the_stated_precision(monkeypatch):
    ex = Exercise(id="99.1", prompt="p", expected=lambda: 0.23456, decimals=3, unit="share",
                  hints=("idea", "function"), mistakes=[(lambda: 0.31, "unweighted: weight by spend.")])
    monkeypatch.setattr("crmlab.course.exercises.exercises", lambda: {"99.1": ex})
    assert check("99.1", 0.235).correct and check("99.1", 0.2346).correct
    assert check("99.1", 0.310).message == "unweighted: weight by spend."
    assert check("99.1", 0.3104).message == "unweighted: weight by spend."
    coarse = check("99.1", 0.23)
    assert not coarse and coarse.message.startswith("right to 2 decimals, but the exercise asks for 3")
    assert coarse.message.endswith("Stuck? call hint('99.1').")
    assert "23.5 times" not in check("99.1", 23.456).message and "100 times too large" in check("99.1", 23.456).message


def test_hints_are_given_one_at_a_time(monkeypatch):
    ex = Exercise(id="99.1", prompt="p", expected=lambda: 1.0, decimals=1,
                  hints=("the idea: a ratio", "the function: crmlab.value.f"))
    legacy = Exercise(id="99.2", prompt="p", expected=lambda: 1.0, hint="one hint")
    monkeypatch.setattr("crmlab.course.exercises.exercises", lambda: {"99.1": ex, "99.2": legacy})
    reset_hints()
    first, second, again = hint("99.1"), hint("99.1"), hint("99.1")
    assert (first.number, first.text) == (1, "the idea: a ratio")
    assert repr(second) == "[99.1] Hint 2 of 2 (that is the last hint): the function: crmlab.value.f"
    assert again.number == 2
    assert repr(hint("99.2")) == "[99.2] Hint 1 of 1 (that is the last hint): one hint"
    reset_hints()
    assert hint("99.1").number == 1
    with pytest.raises(CrmlabError, match="no exercise '99.9'"):
        hint("99.9")


def test_questions_explain_every_choice(monkeypatch):
    q = Question("99.q1", "Why?", [Option("because A", False, "A is a symptom, not the cause."),
                                   Option("because B", True, "B is the mechanism.")])
    monkeypatch.setattr("crmlab.course.exercises.questions", lambda: {"99.q1": q})
    assert q.letters == "ab" and "- **(b)** because B" in q.markdown()
    right, wrong = ask("99.q1", "b"), ask("99.q1", "(A)")
    assert right.correct and right.message == "(b) B is the mechanism."
    assert not wrong.correct and wrong.message == "(a) A is a symptom, not the cause."
    assert ask("99.q1", None).message.startswith("no answer yet")
    assert ask("99.q1", "c").message == "'c' is not an option: answer with one of a, b."
    with pytest.raises(CrmlabError, match="no question"):
        ask("99.q9", "a")
    with pytest.raises(CrmlabError, match="no option is marked correct"):
        Question("99.q2", "?", [Option("x", False, "no"), Option("y", False, "no")])
    with pytest.raises(CrmlabError, match="no explanation"):
        Question("99.q3", "?", [Option("x", True, "yes"), Option("y", False, " ")])


@pytest.mark.parametrize("exercise_id", sorted(BANK))
def test_every_exercise_accepts_its_answer_at_its_stated_precision(exercise_id):
    ex = BANK[exercise_id]
    expected = ex.expected()
    fb = check(exercise_id, _rounded(expected, ex.decimals))
    assert fb.correct, f"{exercise_id}: the right answer at {ex.decimals} decimals is rejected: {fb.message}"
    for wrong, diagnosis in ex.mistakes:
        fb = check(exercise_id, _rounded(wrong(), ex.decimals))
        assert not fb.correct and fb.message == tr(diagnosis), f"{exercise_id}: rounded mistake not recognised"


def _statements() -> dict[str, tuple[str, str]]:
    """Exercise id -> (notebook, markdown statement) for every exercise cell of every notebook."""
    found = {}
    for path in course.notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and "exercise" in cell.metadata.get("tags", []):
                match = re.search(r"Exercise\s+(\d\d\.\d+)", cell.source)
                if match:
                    found[match.group(1)] = (path.name, cell.source)
    return found


STATEMENTS = _statements()
#: Every notebook with exercises: each exercise states a precision, hints come in two stages, 3-5 questions.
MIGRATED = {k[:2] for k in BANK}


@pytest.mark.parametrize("exercise_id", sorted(k for k in BANK if k[:2] in MIGRATED))
def test_every_exercise_states_its_precision_in_the_notebook(exercise_id):
    ex = BANK[exercise_id]
    assert ex.decimals is not None, f"{exercise_id}: give the precision the answer needs (decimals=...)"
    assert exercise_id in STATEMENTS, f"{exercise_id}: no markdown cell tagged 'exercise' states it"
    notebook, statement = STATEMENTS[exercise_id]
    assert states_precision(statement, exercise_id), (
        f"{notebook}, exercise {exercise_id}: the statement must say {precision_text(exercise_id)!r}"
    )
    assert len(ex.all_hints) >= 2, f"{exercise_id}: two hints, the idea first, then the crmlab function"


QUESTIONS = questions()


@pytest.mark.parametrize("notebook", sorted(MIGRATED))
def test_migrated_notebooks_have_three_to_five_explained_questions(notebook):
    ids = [k for k in QUESTIONS if k.startswith(notebook + ".")]
    assert 3 <= len(ids) <= 5, f"notebook {notebook}: {len(ids)} self-check questions"
    path = course.find_notebook(notebook)
    sources = [c.source for c in nbformat.read(path, as_version=4).cells]
    for qid in ids:
        assert any(f"Question {qid}." in s for s in sources), f"{qid}: not asked in {path.name}"
        assert any(f'ask("{qid}"' in s for s in sources), f"{qid}: no ask() cell in {path.name}"
        assert sum(o.correct for o in QUESTIONS[qid].options) == 1, qid
