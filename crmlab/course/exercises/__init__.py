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

from crmlab.course.i18n import Language, Text, language, tr
from crmlab.errors import CrmlabError

_SHARE = {"en": "as a share between 0 and 1", "zh": "以 0 到 1 之间的比例表示"}
_PERCENT = {"en": "in percent (0 to 100)", "zh": "以百分数表示（0 到 100）"}
#: Units with a fixed wording in :func:`precision_text`; any other unit ``u`` reads "in u" ("单位：u").
UNIT_PHRASES: dict[str, dict[str, str]] = {
    "share": _SHARE,
    "share (0-1)": _SHARE,
    "share (0–1)": _SHARE,
    "percent": _PERCENT,
    "%": _PERCENT,
    "count": {"en": "as a count", "zh": "以个数表示"},
    "letter": {"en": "as a letter", "zh": "以字母作答"},
}

#: Every sentence ``check``, ``hint`` and ``ask`` write themselves, in both languages; ``{name}`` fields
#: are filled in with :meth:`str.format`. An exercise's own texts (prompt, hints, diagnoses) are
#: :data:`~crmlab.course.i18n.Text` values of the exercise.
MESSAGES: dict[str, dict[str, str]] = {
    "correct": {"en": "Correct", "zh": "正确"},
    "not_yet": {"en": "Not yet", "zh": "尚未答对"},
    "well_done": {"en": "well done, that is right.", "zh": "答对了，做得好。"},
    "no_answer": {"en": "no answer yet: replace `answer = None` with your computation.",
                  "zh": "还没有作答：请把 `answer = None` 换成你的计算。"},
    "fewer_decimals": {"en": "right to {fewer} decimal{s}, but the exercise asks for {decimals}: keep more digits.",
                       "zh": "保留 {fewer} 位小数时是对的，但本题要求保留 {decimals} 位小数：请多保留几位。"},
    "stuck": {"en": " Stuck? call hint({id!r}).", "zh": "需要提示？请调用 hint({id!r})。"},
    "hint": {"en": "Hint {number} of {total}", "zh": "提示 {number}/{total}"},
    "hint_html": {"en": "hint {number} of {total}", "zh": "提示 {number}/{total}"},
    "last_hint": {"en": " (that is the last hint)", "zh": "（这是最后一条提示）"},
    "no_hints": {"en": "this exercise has no hints; reread the section above it.",
                 "zh": "本题没有提示；请重读上面的小节。"},
    "question": {"en": "Question", "zh": "问题"},
    "no_choice": {"en": "no answer yet: replace None with the letter of your choice ({letters}).",
                  "zh": "还没有作答：请把 None 换成你所选选项的字母（{letters}）。"},
    "not_an_option": {"en": "{choice!r} is not an option: answer with one of {letters}.",
                      "zh": "{choice!r} 不是选项：请用 {letters} 中的一个字母作答。"},
    "dict_type": {"en": "expected a dict with keys {keys}, got {got}.", "zh": "应为键为 {keys} 的字典，得到的是 {got}。"},
    "dict_keys": {"en": "expected the keys {keys}, got {got}.", "zh": "应有的键为 {keys}，得到的是 {got}。"},
    "not_it": {"en": "that is not it (you gave {answer!r}).", "zh": "不对（你的答案是 {answer!r}）。"},
    "number_type": {"en": "expected a number, got {got}.", "zh": "应为一个数，得到的是 {got}。"},
    "nan": {"en": "your answer is NaN: look for a division by zero or missing data.",
            "zh": "你的答案是 NaN：请检查是否除以零或有缺失数据。"},
    "sign": {"en": "right size, wrong sign.", "zh": "大小对了，符号错了。"},
    "times_100": {"en": "your answer is 100 times too large: a percentage where a share is asked?",
                  "zh": "你的答案大了 100 倍：题目要比例，你给的是百分数吗？"},
    "times_001": {"en": "your answer is 100 times too small: a share where a percentage is asked?",
                  "zh": "你的答案小了 100 倍：题目要百分数，你给的是比例吗？"},
    "should_be_0": {"en": "your answer {value:.4g} should be 0.", "zh": "你的答案 {value:.4g} 应为 0。"},
    "too_high": {"en": "your answer {value:.4g} is too high by {off:.1%}.", "zh": "你的答案 {value:.4g} 偏高 {off:.1%}。"},
    "too_low": {"en": "your answer {value:.4g} is too low by {off:.1%}.", "zh": "你的答案 {value:.4g} 偏低 {off:.1%}。"},
    "numbers_type": {"en": "expected numbers, got {got}.", "zh": "应为一组数，得到的是 {got}。"},
    "shape": {"en": "expected shape {want}, got {got}.", "zh": "形状应为 {want}，得到的是 {got}。"},
    "values_differ": {"en": "{bad} of {size} values differ (the first at position {first}).",
                      "zh": "{size} 个值中有 {bad} 个不同（第一个在位置 {first}）。"},
    "frame_type": {"en": "expected a DataFrame, got {got}.", "zh": "应为 DataFrame，得到的是 {got}。"},
    "columns_missing": {"en": "columns missing: {cols}.", "zh": "缺少列：{cols}。"},
    "columns_extra": {"en": "unexpected columns: {cols}.", "zh": "多出的列：{cols}。"},
    "frame_shape": {"en": "expected {rows} rows x {cols} columns, got {got_rows} x {got_cols}.",
                    "zh": "应为 {rows} 行 × {cols} 列，得到的是 {got_rows} × {got_cols}。"},
    "column_values": {"en": "values differ.", "zh": "取值不同。"},
    "column": {"en": "column {col!r}: {why}", "zh": "列 {col!r}：{why}"},
    "key": {"en": "{key!r}: {why}", "zh": "{key!r}：{why}"},
}


def message(key: str, /, **fields: Any) -> str:
    """One of :data:`MESSAGES` in the current language, with its fields filled in.

    Examples
    --------
    >>> message("sign")
    'right size, wrong sign.'
    >>> message("sign") != tr(MESSAGES["sign"], "zh")
    True

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`.
    **fields
        Values of its ``{name}`` fields.

    Returns
    -------
    str
        The sentence in :func:`~crmlab.course.i18n.language`.
    """
    return tr(MESSAGES[key]).format(**fields)


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
    prompt: Text
    expected: Callable[[], Any]
    rtol: float = 1e-3
    atol: float = 0.0
    hint: Text = ""
    mistakes: Sequence[tuple[Callable[[], Any], Text]] = field(default_factory=tuple)
    decimals: int | None = None
    unit: Text = ""
    hints: Sequence[Text] = field(default_factory=tuple)

    @property
    def all_hints(self) -> tuple[Text, ...]:
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

    Parameters
    ----------
    decimals
        The number of decimals an exercise states.

    Returns
    -------
    float
        The absolute tolerance :math:`\\tfrac12 10^{-d}(1 + 10^{-9}) + 10^{-12}`.

    Examples
    --------
    >>> round(decimal_tolerance(3), 9)
    0.0005
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
        mark = message("correct") if self.correct else message("not_yet")
        return f"[{self.exercise_id}] {mark}: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.correct else "#9a6700"
        return f'<p style="color:{colour}"><b>{self.exercise_id}</b> — {self.message}</p>'


def _modules() -> list[Any]:
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]


def exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id.

    Returns
    -------
    dict
        Exercise id → :class:`Exercise`, from every ``nbNN`` module of this package.

    Examples
    --------
    >>> bank = exercises()
    >>> bank["06.4"].decimals, bank["06.4"].unit
    (3, 'share')
    """
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


def precision_text(exercise_id: str, lang: Language | None = None) -> str:
    """The precision and unit an exercise expects, in words, as its statement must say them.

    Parameters
    ----------
    exercise_id
        ``"NN.k"``.
    lang
        ``"en"`` or ``"zh"``; default the current language.

    Returns
    -------
    str
        An exercise with ``decimals=3, unit="share"`` reads "to 3 decimals, as a share between 0 and 1"
        (保留 3 位小数，以 0 到 1 之间的比例表示); ``decimals=0, unit="customers"`` reads "as a whole
        number, in customers".

    Examples
    --------
    >>> precision_text("06.4", "en"), precision_text("06.4", "zh")
    ('to 3 decimals, as a share between 0 and 1', '保留 3 位小数，以 0 到 1 之间的比例表示')
    """
    lang = lang or language()
    return ("，" if lang == "zh" else ", ").join(p for p in _precision_parts(_exercise(exercise_id), lang) if p)


def _precision_parts(ex: Exercise, lang: Language) -> tuple[str, str]:
    zh = lang == "zh"
    if ex.decimals is None:
        if ex.atol and not ex.rtol:
            precision = f"误差在 {ex.atol:g} 以内" if zh else f"to within {ex.atol:g}"
        else:
            share = f"{ex.rtol:.1%}".replace(".0%", "%")
            precision = f"误差在 {share} 以内" if zh else f"to within {share}"
    elif ex.decimals == 0:
        precision = "取整数" if zh else "as a whole number"
    else:
        precision = (f"保留 {ex.decimals} 位小数" if zh
                     else f"to {ex.decimals} decimal" + ("s" if ex.decimals != 1 else ""))
    unit = tr(ex.unit, "en").strip()
    if not unit:
        return precision, ""
    phrase = UNIT_PHRASES.get(unit.lower())
    if phrase is not None:
        return precision, phrase[lang]
    if zh:
        return precision, f"单位：{tr(ex.unit, 'zh').strip()}"
    return precision, unit if re.match(r"^(as|in|per)\b", unit) else f"in {unit}"


def _normalise(text: str, lang: Language) -> str:
    text = re.sub(r"[*_`]", "", text).replace("–", "-").replace("−", "-")
    if lang == "zh":
        return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").replace(":", "：").lower()
    return re.sub(r"\s+", " ", text).strip().lower()


def states_precision(statement: str, exercise_id: str, lang: Language = "en") -> bool:
    """Whether a notebook's statement of an exercise says the precision and unit it expects.

    The statement must contain both parts of :func:`precision_text` in ``lang`` ("to 3 decimals" and
    "as a share between 0 and 1"; 保留 3 位小数 and 以 0 到 1 之间的比例表示), in any order; line breaks,
    Markdown emphasis and dash styles are ignored, "decimal places" counts as "decimals", and in
    Chinese spaces and full- or half-width brackets and colons are not told apart.

    Parameters
    ----------
    statement
        The exercise's statement (a markdown cell).
    exercise_id
        ``"NN.k"``.
    lang
        The language the statement is written in.

    Returns
    -------
    bool
        Whether both parts are there.

    Examples
    --------
    >>> states_precision("Give it to 3 decimals, as a share between 0 and 1.", "06.4")
    True
    >>> states_precision("请保留 3 位小数，以 0 到 1 之间的比例表示。", "06.4", "zh")
    True
    >>> states_precision("Give it to 2 decimals.", "06.4")
    False
    """
    text = _normalise(statement, lang).replace("decimal places", "decimals").replace("decimal place", "decimal")
    return all(_normalise(part, lang) in text for part in _precision_parts(_exercise(exercise_id), lang) if part)


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
    An exercise not yet answered:

    >>> check("05.1", None)
    [05.1] Not yet: no answer yet: replace `answer = None` with your computation.
    """
    ex = _exercise(exercise_id)
    if answer is None or answer is Ellipsis:
        return Feedback(ex.id, False, message("no_answer"))
    expected = ex.expected()
    verdict = compare(answer, expected, **ex.tolerance)
    if verdict is None:
        return Feedback(ex.id, True, message("well_done"))
    for wrong, diagnosis in ex.mistakes:
        if compare(answer, wrong(), **ex.tolerance) is None:
            return Feedback(ex.id, False, tr(diagnosis))
    coarser = _right_at_fewer_decimals(answer, expected, ex.decimals)
    if coarser is not None:
        verdict = message("fewer_decimals", fewer=coarser, s="s" if coarser != 1 else "", decimals=ex.decimals)
    if ex.all_hints:
        verdict += message("stuck", id=ex.id)
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
        more = "" if self.number < self.total else message("last_hint")
        return f"[{self.exercise_id}] {message('hint', number=self.number, total=self.total)}{more}: {self.text}"

    def _repr_html_(self) -> str:
        from html import escape

        return (f"<p><b>{self.exercise_id}</b> — {message('hint_html', number=self.number, total=self.total)}: "
                f"{escape(self.text)}</p>")


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

    Examples
    --------
    >>> reset_hints()
    >>> hint("03.1")
    [03.1] Hint 1 of 2: A repeat purchase is a purchase day after the first...
    """
    ex = _exercise(exercise_id)
    hints = ex.all_hints
    if not hints:
        return Hint(ex.id, 0, 0, message("no_hints"))
    shown = min(_HINTS_SHOWN.get(ex.id, 0) + 1, len(hints))
    _HINTS_SHOWN[ex.id] = shown
    return Hint(ex.id, shown, len(hints), tr(hints[shown - 1]))


def reset_hints() -> None:
    """Start every exercise's hints again from the first.

    Examples
    --------
    >>> _ = hint("03.1"); _ = hint("03.1"); reset_hints()
    >>> hint("03.1").number
    1
    """
    _HINTS_SHOWN.clear()


# ---------------------------------------------------------------------------------------------------
# Self-check questions


@dataclass(frozen=True)
class Option:
    """One choice of a :class:`Question`; ``explanation`` says why it is right or wrong."""

    text: Text
    correct: bool
    explanation: Text


@dataclass(frozen=True)
class Question:
    """A conceptual multiple-choice question (``id`` like ``"03.q1"``) with explained options."""

    id: str
    prompt: Text
    options: Sequence[Option]

    def __post_init__(self) -> None:
        if not 2 <= len(self.options) <= 26:
            raise CrmlabError(f"question {self.id}: give between 2 and 26 options, not {len(self.options)}")
        if not any(o.correct for o in self.options):
            raise CrmlabError(f"question {self.id}: no option is marked correct")
        missing = [tr(o.text, "en") for o in self.options if not tr(o.explanation, "en").strip()]
        if missing:
            raise CrmlabError(f"question {self.id}: options {missing} have no explanation; say why each is "
                              "right or wrong")

    @property
    def letters(self) -> str:
        """The option letters, ``"abcd"`` for four options."""
        return "abcdefghijklmnopqrstuvwxyz"[: len(self.options)]

    def markdown(self, lang: Language | None = None) -> str:
        """The question with lettered options, as the notebook shows it (in ``lang``, default the current
        language)."""
        lang = lang or language()
        lines = [f"**{tr(MESSAGES['question'], lang)} {self.id}.** {tr(self.prompt, lang)}", ""]
        lines += [f"- **({letter})** {tr(o.text, lang)}" for letter, o in zip(self.letters, self.options)]
        return "\n".join(lines)


def questions() -> dict[str, Question]:
    """Every registered self-check question, by id.

    Returns
    -------
    dict
        Question id → :class:`Question`, from every ``nbNN`` module of this package.

    Examples
    --------
    >>> questions()["05.q1"].letters
    'abc'
    """
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

    Examples
    --------
    >>> ask("05.q1", "z")
    [05.q1] Not yet: 'z' is not an option: answer with one of a, b, c.
    """
    bank = questions()
    if question_id not in bank:
        raise CrmlabError(f"no question {question_id!r}; the questions are {sorted(bank)}")
    q = bank[question_id]
    if choice is None or choice is Ellipsis or not str(choice).strip():
        return Feedback(q.id, False, message("no_choice", letters=", ".join(q.letters)))
    letter = str(choice).strip().strip("()").lower()
    if len(letter) != 1 or letter not in q.letters:
        return Feedback(q.id, False, message("not_an_option", choice=choice, letters=", ".join(q.letters)))
    option = q.options[q.letters.index(letter)]
    return Feedback(q.id, option.correct, f"({letter}) {tr(option.explanation)}")


def compare(answer: Any, expected: Any, *, rtol: float = 1e-3, atol: float = 0.0) -> str | None:
    """``None`` when ``answer`` matches ``expected``; otherwise a sentence saying how it differs.

    Parameters
    ----------
    answer
        The student's answer.
    expected
        The right answer: a number, list/array/Series, dict, DataFrame, text or bool.
    rtol, atol
        Relative and absolute tolerance of a number (element by element for arrays and tables).

    Returns
    -------
    str or None
        ``None`` for a match; otherwise the first difference in words (sign, factor of 100, how far off,
        shape, missing columns or keys), in the current language.

    Examples
    --------
    >>> compare(0.0604, 0.0604) is None
    True
    >>> compare(6.04, 0.0604, rtol=0, atol=0.0005)
    'your answer is 100 times too large: a percentage where a share is asked?'
    >>> compare([1, 2, 4], [1, 2, 3])
    '1 of 3 values differ (the first at position 2).'
    """
    if isinstance(expected, pd.DataFrame):
        return _compare_frame(answer, expected, rtol, atol)
    if isinstance(expected, (pd.Series, np.ndarray, list, tuple)):
        return _compare_array(answer, expected, rtol, atol)
    if isinstance(expected, Mapping):
        if not isinstance(answer, Mapping):
            return message("dict_type", keys=sorted(expected), got=type(answer).__name__)
        if set(answer) != set(expected):
            return message("dict_keys", keys=sorted(expected), got=sorted(answer))
        for key in expected:
            why = compare(answer[key], expected[key], rtol=rtol, atol=atol)
            if why:
                return message("key", key=key, why=why)
        return None
    if isinstance(expected, (bool, np.bool_, str)):
        if isinstance(expected, str):
            same = isinstance(answer, str) and answer.strip().lower() == expected.strip().lower()
        else:
            same = answer == expected
        return None if same else message("not_it", answer=answer)
    if isinstance(expected, (int, float, np.integer, np.floating)):
        return _compare_number(answer, float(expected), rtol, atol)
    return None if answer == expected else message("not_it", answer=answer)


def _compare_number(answer: Any, expected: float, rtol: float, atol: float) -> str | None:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return message("number_type", got=type(answer).__name__)
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return None
    if math.isnan(value):
        return message("nan")
    if expected != 0 and math.isclose(-value, expected, rel_tol=rtol, abs_tol=atol):
        return message("sign")
    for factor, key in ((100.0, "times_100"), (0.01, "times_001")):
        if expected != 0 and math.isclose(value, expected * factor, rel_tol=rtol, abs_tol=atol * factor):
            return message(key)
    if expected == 0:
        return message("should_be_0", value=value)
    off = (value - expected) / abs(expected)
    return message("too_high" if off > 0 else "too_low", value=value, off=abs(off))


def _compare_array(answer: Any, expected: Any, rtol: float, atol: float) -> str | None:
    try:
        got = np.asarray(answer, dtype=float)
        want = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return message("numbers_type", got=type(answer).__name__)
    if got.shape != want.shape:
        return message("shape", want=want.shape, got=got.shape)
    bad = ~np.isclose(got, want, rtol=rtol, atol=atol)
    if bad.any():
        first = int(np.flatnonzero(bad.ravel())[0])
        return message("values_differ", bad=int(bad.sum()), size=want.size, first=first)
    return None


def _compare_frame(answer: Any, expected: pd.DataFrame, rtol: float, atol: float) -> str | None:
    if not isinstance(answer, pd.DataFrame):
        return message("frame_type", got=type(answer).__name__)
    missing = [c for c in expected.columns if c not in answer.columns]
    if missing:
        return message("columns_missing", cols=missing)
    extra = [c for c in answer.columns if c not in expected.columns]
    if extra:
        return message("columns_extra", cols=extra)
    if answer.shape != expected.shape:
        return message("frame_shape", rows=expected.shape[0], cols=expected.shape[1],
                       got_rows=answer.shape[0], got_cols=answer.shape[1])
    for col in expected.columns:
        want, got = expected[col], answer[col]
        if pd.api.types.is_numeric_dtype(want):
            why = _compare_array(got.to_numpy(), want.to_numpy(), rtol, atol)
        else:
            why = None if list(got.astype(str)) == list(want.astype(str)) else message("column_values")
        if why:
            return message("column", col=col, why=why)
    return None
