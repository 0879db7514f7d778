"""Exercises with feedback: ``check(exercise_id, answer)`` confirms a right answer or says what is off.

Each notebook's exercises live in a module of this package named after it (``nb01`` for notebook 01,
…), as a list ``EXERCISES`` of :class:`Exercise` and a list ``QUESTIONS`` of :class:`Question`. The
expected answer is computed by crmlab itself (a zero-argument callable), so it is never typed into the
notebook a student sees.

Precision: an exercise states how precise an answer must be (``decimals``) and in which unit
(``unit``); :func:`precision_text` renders both in words, and the exercise's statement in the notebook
says the same. An answer is right when it rounds to the expected value at that precision.

Feedback is specific: a known mistake (``mistakes``) gets its own diagnosis, compared at the same
precision; otherwise the message says how far off and in which direction (a sign error, a factor of
100, right only at fewer decimals, …) and points to :func:`hint`, which gives the hints of the exercise
one at a time: the first names the idea, the second the crmlab function. Self-check questions
(:class:`Question`, answered with :func:`ask`) explain why each choice is right or wrong.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import CrmlabError

#: Units with a fixed wording in :func:`precision_text`; any other unit ``u`` reads "in u".
UNIT_PHRASES = {
    "share": "as a share between 0 and 1",
    "share (0-1)": "as a share between 0 and 1",
    "share (0–1)": "as a share between 0 and 1",
    "percent": "in percent (0 to 100)",
    "%": "in percent (0 to 100)",
    "count": "as a count",
    "letter": "as a letter",
}


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (``"03.2"``), what it asks, and how to compute the right answer.

    Parameters
    ----------
    id, prompt
        ``"NN.k"`` (notebook NN, exercise k) and the question in one or two sentences.
    expected
        Zero-argument callable returning the right answer (number, list/array, dict, DataFrame or text).
    decimals
        The precision the exercise states: a number is right when
        :math:`|a - e| \\le \\tfrac12 10^{-d}` (plus a hair for float error), that is when it rounds to
        the expected value at ``d`` decimals; answers with more digits are fine. Lists, arrays and
        tables are compared element by element. ``None`` (legacy) compares with ``rtol``/``atol``.
    unit
        What the number measures, e.g. ``"weeks"``, ``"share"`` (0–1), ``"percent"``, ``"US$"``.
    hints
        Hints in order, shown one per call of :func:`hint`: the first names the idea, the second the
        crmlab function (with its arguments) that computes it.
    mistakes
        ``(callable, diagnosis)`` pairs: known wrong answers and what went wrong, compared at the same
        precision as the right answer.
    rtol, atol
        Relative and absolute tolerance, used when ``decimals`` is ``None`` (an exercise that states a
        relative precision, e.g. "within 0.1%").
    hint
        Legacy single hint, used when ``hints`` is empty.
    """

    id: str
    prompt: str
    expected: Callable[[], Any]
    rtol: float = 1e-3
    atol: float = 0.0
    hint: str = ""
    mistakes: Sequence[tuple[Callable[[], Any], str]] = field(default_factory=tuple)
    decimals: int | None = None
    unit: str = ""
    hints: Sequence[str] = field(default_factory=tuple)

    @property
    def all_hints(self) -> tuple[str, ...]:
        """The hints in the order :func:`hint` shows them."""
        return tuple(self.hints) or ((self.hint,) if self.hint else ())

    @property
    def tolerance(self) -> dict[str, float]:
        """Keyword arguments of :func:`compare` for this exercise's precision."""
        if self.decimals is None:
            return {"rtol": self.rtol, "atol": self.atol}
        return {"rtol": 0.0, "atol": decimal_tolerance(self.decimals)}


def decimal_tolerance(decimals: int) -> float:
    """Half a unit in the last stated decimal, plus a hair for binary float error.

    ``decimal_tolerance(3)`` is 0.0005 (+1e-9 of it): 0.0604 and 0.06 are both "0.060 to 3 decimals".
    """
    half = 0.5 * 10.0 ** (-decimals)
    return half * (1 + 1e-9) + 1e-12


@dataclass(frozen=True)
class Feedback:
    """The result of :func:`check`; ``correct`` is true for a right answer."""

    exercise_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        mark = "Correct" if self.correct else "Not yet"
        return f"[{self.exercise_id}] {mark}: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.correct else "#9a6700"
        return f'<p style="color:{colour}"><b>{self.exercise_id}</b> — {self.message}</p>'


def _modules() -> list[Any]:
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]


def exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id."""
    bank: dict[str, Exercise] = {}
    for module in _modules():
        for ex in module.EXERCISES:
            bank[ex.id] = ex
    return bank


def _exercise(exercise_id: str) -> Exercise:
    bank = exercises()
    if exercise_id not in bank:
        raise CrmlabError(f"no exercise {exercise_id!r}; the exercises are {sorted(bank)}")
    return bank[exercise_id]


def precision_text(exercise_id: str) -> str:
    """The precision and unit an exercise expects, in words, as its statement must say them.

    Examples
    --------
    An exercise with ``decimals=3, unit="share"`` reads "to 3 decimals, as a share between 0 and 1";
    ``decimals=0, unit="customers"`` reads "as a whole number, in customers".
    """
    return ", ".join(p for p in _precision_parts(_exercise(exercise_id)) if p)


def _precision_parts(ex: Exercise) -> tuple[str, str]:
    if ex.decimals is None:
        if ex.atol and not ex.rtol:
            precision = f"to within {ex.atol:g}"
        else:
            precision = f"to within {ex.rtol:.1%}".replace(".0%", "%")
    elif ex.decimals == 0:
        precision = "as a whole number"
    else:
        precision = f"to {ex.decimals} decimal" + ("s" if ex.decimals != 1 else "")
    unit = ex.unit.strip()
    if not unit:
        return precision, ""
    phrase = UNIT_PHRASES.get(unit.lower())
    if phrase is None:
        phrase = unit if re.match(r"^(as|in|per)\b", unit) else f"in {unit}"
    return precision, phrase


def _normalise(text: str) -> str:
    text = re.sub(r"[*_`]", "", text).replace("–", "-").replace("−", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


def states_precision(statement: str, exercise_id: str) -> bool:
    """Whether a notebook's statement of an exercise says the precision and unit it expects.

    The statement must contain both parts of :func:`precision_text` ("to 3 decimals" and "as a share
    between 0 and 1"), in any order; line breaks, Markdown emphasis and dash styles are ignored, and
    "decimal places" counts as "decimals".
    """
    text = _normalise(statement).replace("decimal places", "decimals").replace("decimal place", "decimal")
    return all(_normalise(part) in text for part in _precision_parts(_exercise(exercise_id)) if part)


def check(exercise_id: str, answer: Any) -> Feedback:
    """Compare ``answer`` with the exercise's expected answer, at its stated precision, and say what is off.

    Parameters
    ----------
    exercise_id
        ``"NN.k"``, as the notebook states it.
    answer
        The student's answer: a number, list/array, dict, DataFrame or text; ``None`` means not yet.

    Returns
    -------
    Feedback
        True for a right answer. A known mistake gets its diagnosis; any other wrong answer says how it
        differs (sign, factor of 100, right only at fewer decimals, how far off) and points to :func:`hint`.

    Examples
    --------
    With ``decimals=3`` and an expected 0.0604, ``check(id, 0.060)`` and ``check(id, 0.0604)`` are right
    and ``check(id, 0.06)`` is right too (0.060 to 3 decimals); ``check(id, 6.04)`` is "100 times too large".
    """
    ex = _exercise(exercise_id)
    if answer is None or answer is Ellipsis:
        return Feedback(ex.id, False, "no answer yet: replace `answer = None` with your computation.")
    expected = ex.expected()
    verdict = compare(answer, expected, **ex.tolerance)
    if verdict is None:
        return Feedback(ex.id, True, "well done, that is right.")
    for wrong, diagnosis in ex.mistakes:
        if compare(answer, wrong(), **ex.tolerance) is None:
            return Feedback(ex.id, False, diagnosis)
    coarser = _right_at_fewer_decimals(answer, expected, ex.decimals)
    if coarser is not None:
        verdict = (f"right to {coarser} decimal{'s' if coarser != 1 else ''}, but the exercise asks for "
                   f"{ex.decimals}: keep more digits.")
    if ex.all_hints:
        verdict += f" Stuck? call hint({ex.id!r})."
    return Feedback(ex.id, False, verdict)


def _right_at_fewer_decimals(answer: Any, expected: Any, decimals: int | None) -> int | None:
    if not decimals or isinstance(expected, (str, bool, Mapping, pd.DataFrame)):
        return None
    for fewer in range(decimals - 1, -1, -1):
        if compare(answer, expected, rtol=0.0, atol=decimal_tolerance(fewer)) is None:
            return fewer
    return None


_HINTS_SHOWN: dict[str, int] = {}


@dataclass(frozen=True)
class Hint:
    """One hint of an exercise, as :func:`hint` shows it."""

    exercise_id: str
    number: int
    total: int
    text: str

    def __repr__(self) -> str:
        more = "" if self.number < self.total else " (that is the last hint)"
        return f"[{self.exercise_id}] Hint {self.number} of {self.total}{more}: {self.text}"

    def _repr_html_(self) -> str:
        from html import escape

        return f"<p><b>{self.exercise_id}</b> — hint {self.number} of {self.total}: {escape(self.text)}</p>"


def hint(exercise_id: str) -> Hint:
    """The next hint of an exercise: the first call names the idea, the next the crmlab function.

    Parameters
    ----------
    exercise_id
        ``"NN.k"``.

    Returns
    -------
    Hint
        Shown as "[03.1] Hint 1 of 2: …"; after the last hint, further calls repeat it
        (:func:`reset_hints` starts again).
    """
    ex = _exercise(exercise_id)
    hints = ex.all_hints
    if not hints:
        return Hint(ex.id, 0, 0, "this exercise has no hints; reread the section above it.")
    shown = min(_HINTS_SHOWN.get(ex.id, 0) + 1, len(hints))
    _HINTS_SHOWN[ex.id] = shown
    return Hint(ex.id, shown, len(hints), hints[shown - 1])


def reset_hints() -> None:
    """Start every exercise's hints again from the first."""
    _HINTS_SHOWN.clear()


# ---------------------------------------------------------------------------------------------------
# Self-check questions


@dataclass(frozen=True)
class Option:
    """One choice of a :class:`Question`; ``explanation`` says why it is right or wrong."""

    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    """A conceptual multiple-choice question (``id`` like ``"03.q1"``) with explained options."""

    id: str
    prompt: str
    options: Sequence[Option]

    def __post_init__(self) -> None:
        if not 2 <= len(self.options) <= 26:
            raise CrmlabError(f"question {self.id}: give between 2 and 26 options, not {len(self.options)}")
        if not any(o.correct for o in self.options):
            raise CrmlabError(f"question {self.id}: no option is marked correct")
        missing = [o.text for o in self.options if not o.explanation.strip()]
        if missing:
            raise CrmlabError(f"question {self.id}: options {missing} have no explanation; say why each is "
                              "right or wrong")

    @property
    def letters(self) -> str:
        """The option letters, ``"abcd"`` for four options."""
        return "abcdefghijklmnopqrstuvwxyz"[: len(self.options)]

    def markdown(self) -> str:
        """The question with lettered options, as the notebook shows it."""
        lines = [f"**Question {self.id}.** {self.prompt}", ""]
        lines += [f"- **({letter})** {o.text}" for letter, o in zip(self.letters, self.options)]
        return "\n".join(lines)


def questions() -> dict[str, Question]:
    """Every registered self-check question, by id."""
    bank: dict[str, Question] = {}
    for module in _modules():
        for q in getattr(module, "QUESTIONS", ()):
            bank[q.id] = q
    return bank


def ask(question_id: str, choice: str | None) -> Feedback:
    """Answer a self-check question with the letter of an option; the feedback explains the choice.

    Parameters
    ----------
    question_id
        ``"NN.qk"``.
    choice
        The option's letter (``"b"``, ``"B"`` or ``"(b)"``); ``None`` means not answered yet.

    Returns
    -------
    Feedback
        True for the right option; the message is the chosen option's explanation.
    """
    bank = questions()
    if question_id not in bank:
        raise CrmlabError(f"no question {question_id!r}; the questions are {sorted(bank)}")
    q = bank[question_id]
    if choice is None or choice is Ellipsis or not str(choice).strip():
        return Feedback(q.id, False, f"no answer yet: replace None with the letter of your choice "
                                     f"({', '.join(q.letters)}).")
    letter = str(choice).strip().strip("()").lower()
    if len(letter) != 1 or letter not in q.letters:
        return Feedback(q.id, False, f"{choice!r} is not an option: answer with one of {', '.join(q.letters)}.")
    option = q.options[q.letters.index(letter)]
    return Feedback(q.id, option.correct, f"({letter}) {option.explanation}")


def compare(answer: Any, expected: Any, *, rtol: float = 1e-3, atol: float = 0.0) -> str | None:
    """``None`` when ``answer`` matches ``expected``; otherwise a sentence saying how it differs."""
    if isinstance(expected, pd.DataFrame):
        return _compare_frame(answer, expected, rtol, atol)
    if isinstance(expected, (pd.Series, np.ndarray, list, tuple)):
        return _compare_array(answer, expected, rtol, atol)
    if isinstance(expected, Mapping):
        if not isinstance(answer, Mapping):
            return f"expected a dict with keys {sorted(expected)}, got {type(answer).__name__}."
        if set(answer) != set(expected):
            return f"expected the keys {sorted(expected)}, got {sorted(answer)}."
        for key in expected:
            why = compare(answer[key], expected[key], rtol=rtol, atol=atol)
            if why:
                return f"{key!r}: {why}"
        return None
    if isinstance(expected, (bool, np.bool_, str)):
        if isinstance(expected, str):
            same = isinstance(answer, str) and answer.strip().lower() == expected.strip().lower()
        else:
            same = answer == expected
        return None if same else f"that is not it (you gave {answer!r})."
    if isinstance(expected, (int, float, np.integer, np.floating)):
        return _compare_number(answer, float(expected), rtol, atol)
    return None if answer == expected else f"that is not it (you gave {answer!r})."


def _compare_number(answer: Any, expected: float, rtol: float, atol: float) -> str | None:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return f"expected a number, got {type(answer).__name__}."
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return None
    if math.isnan(value):
        return "your answer is NaN: look for a division by zero or missing data."
    if expected != 0 and math.isclose(-value, expected, rel_tol=rtol, abs_tol=atol):
        return "right size, wrong sign."
    for factor, words in ((100.0, "100 times too large: a percentage where a share is asked?"),
                          (0.01, "100 times too small: a share where a percentage is asked?")):
        if expected != 0 and math.isclose(value, expected * factor, rel_tol=rtol, abs_tol=atol * factor):
            return f"your answer is {words}"
    if expected == 0:
        return f"your answer {value:.4g} should be 0."
    off = (value - expected) / abs(expected)
    direction = "too high" if off > 0 else "too low"
    return f"your answer {value:.4g} is {direction} by {abs(off):.1%}."


def _compare_array(answer: Any, expected: Any, rtol: float, atol: float) -> str | None:
    try:
        got = np.asarray(answer, dtype=float)
        want = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return f"expected numbers, got {type(answer).__name__}."
    if got.shape != want.shape:
        return f"expected shape {want.shape}, got {got.shape}."
    bad = ~np.isclose(got, want, rtol=rtol, atol=atol)
    if bad.any():
        first = int(np.flatnonzero(bad.ravel())[0])
        return f"{int(bad.sum())} of {want.size} values differ (the first at position {first})."
    return None


def _compare_frame(answer: Any, expected: pd.DataFrame, rtol: float, atol: float) -> str | None:
    if not isinstance(answer, pd.DataFrame):
        return f"expected a DataFrame, got {type(answer).__name__}."
    missing = [c for c in expected.columns if c not in answer.columns]
    if missing:
        return f"columns missing: {missing}."
    extra = [c for c in answer.columns if c not in expected.columns]
    if extra:
        return f"unexpected columns: {extra}."
    if answer.shape != expected.shape:
        return f"expected {expected.shape[0]} rows x {expected.shape[1]} columns, got {answer.shape[0]} x {answer.shape[1]}."
    for col in expected.columns:
        want, got = expected[col], answer[col]
        if pd.api.types.is_numeric_dtype(want):
            why = _compare_array(got.to_numpy(), want.to_numpy(), rtol, atol)
        else:
            why = None if list(got.astype(str)) == list(want.astype(str)) else "values differ."
        if why:
            return f"column {col!r}: {why}"
    return None
