"""Exercises with feedback: ``check(exercise_id, answer)`` confirms a right answer or says what is off.

Each notebook's exercises live in a module of this package named after it (``nb01`` for notebook 01,
…), as a list ``EXERCISES`` of :class:`Exercise`. The expected answer is computed by crmlab itself
(a zero-argument callable), so it is never typed into the notebook a student sees.

Feedback is specific: a known mistake (``mistakes``) gets its own hint; otherwise numbers are compared
with a tolerance and the hint says how far off and in which direction (a sign error, a factor of 100,
…); tables are compared on shape, columns and values.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmlab.errors import CrmlabError


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (``"03.2"``), what it asks, and how to compute the right answer."""

    id: str
    prompt: str
    expected: Callable[[], Any]
    rtol: float = 1e-3
    atol: float = 0.0
    hint: str = ""
    mistakes: Sequence[tuple[Callable[[], Any], str]] = field(default_factory=tuple)


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


def exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id."""
    bank: dict[str, Exercise] = {}
    for module in pkgutil.iter_modules(__path__):
        for ex in importlib.import_module(f"{__name__}.{module.name}").EXERCISES:
            bank[ex.id] = ex
    return bank


def check(exercise_id: str, answer: Any) -> Feedback:
    """Compare ``answer`` with the exercise's expected answer and say what is right or off."""
    bank = exercises()
    if exercise_id not in bank:
        raise CrmlabError(f"no exercise {exercise_id!r}; the exercises are {sorted(bank)}")
    ex = bank[exercise_id]
    if answer is None or answer is Ellipsis:
        return Feedback(ex.id, False, "no answer yet: replace `answer = None` with your computation.")
    expected = ex.expected()
    verdict = compare(answer, expected, rtol=ex.rtol, atol=ex.atol)
    if verdict is None:
        return Feedback(ex.id, True, "well done, that is right.")
    for wrong, hint in ex.mistakes:
        if compare(answer, wrong(), rtol=ex.rtol, atol=ex.atol) is None:
            return Feedback(ex.id, False, hint)
    return Feedback(ex.id, False, " ".join(s for s in (verdict, ex.hint) if s))


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
        if expected != 0 and math.isclose(value, expected * factor, rel_tol=rtol):
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
