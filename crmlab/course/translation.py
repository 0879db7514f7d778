"""Is a notebook's Chinese edition complete? The checks a translator runs, and the tests run.

``python -m crmlab.course.translation notebooks/NN_name.ipynb`` (or ``python -m crmlab.course.i18n``)
prints, for one notebook:

* cells without their counterpart, and Chinese cells written without Chinese (:func:`~crmlab.course.i18n.pairing_problems`);
* pairs changed in one language since they were last reviewed together (:func:`~crmlab.course.i18n.drift_problems`);
* glossary concepts whose Chinese term a Chinese cell does not use (:func:`~crmlab.course.i18n.glossary_problems`);
* exercise statements whose Chinese cell does not state the precision in Chinese;
* exercise and question texts without a Chinese version;
* then it executes the Chinese instructor edition and prints every figure text missing from the label
  table and any error.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import nbformat

from crmlab.course import run
from crmlab.course.editions import make_edition
from crmlab.course.exercises import UNIT_PHRASES, exercises, precision_text, questions, states_precision
from crmlab.course.i18n import (
    cell_language,
    drift_problems,
    glossary_problems,
    has_all_languages,
    pairing_problems,
    stamp_pairs,
    tr,
)
from crmlab.course.notebook import FIGURE_WARNING
from crmlab.datasets import load_glossary

_EXERCISE = re.compile(r"Exercise\s+(\d\d\.\d+)")


def glossary_terms() -> dict[str, str]:
    """English term → Chinese term, from the course glossary (:func:`crmlab.datasets.load_glossary`).

    Returns
    -------
    dict
        One entry per glossary row.

    Examples
    --------
    >>> glossary_terms()["value chain"]
    '价值链'
    """
    glossary = load_glossary()
    return dict(zip(glossary["term_en"], glossary["term_zh"]))


def statement_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Exercise statements whose Chinese counterpart does not state the expected precision in Chinese.

    The English statement is the markdown cell tagged ``exercise`` that names "Exercise NN.k"; its
    Chinese counterpart is the ``lang-zh`` cell right after it.

    Parameters
    ----------
    nb
        A course notebook.

    Returns
    -------
    list of str
        One line per statement that lacks its Chinese or its precision.

    Examples
    --------
    >>> md = nbformat.v4.new_markdown_cell
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     md("**Exercise 06.4.** To 3 decimals, as a share between 0 and 1.", metadata={"tags": ["exercise", "lang-en"]}),
    ...     md("**练习 06.4.** 保留 3 位小数。", metadata={"tags": ["exercise", "lang-zh"]})])
    >>> statement_problems(nb)
    ["exercise 06.4: the Chinese statement must say '保留 3 位小数，以 0 到 1 之间的比例表示'"]
    """
    problems = []
    bank = exercises()
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown" or "exercise" not in cell.metadata.get("tags", []):
            continue
        match = _EXERCISE.search(cell.source)
        if not match or match.group(1) not in bank or cell_language(cell) == "zh":
            continue
        ex_id = match.group(1)
        zh = cells[i + 1] if i + 1 < len(cells) and cell_language(cells[i + 1]) == "zh" else None
        if zh is None:
            problems.append(f"exercise {ex_id}: no Chinese statement after the English one")
        elif not states_precision(zh.source, ex_id, "zh"):
            problems.append(f"exercise {ex_id}: the Chinese statement must say {precision_text(ex_id, 'zh')!r}")
    return problems


def exercise_text_problems(number: str) -> list[str]:
    """Texts of notebook ``number``'s exercises and questions that lack a Chinese version.

    Parameters
    ----------
    number
        The notebook's number, ``"03"``.

    Returns
    -------
    list of str
        One line per prompt, hint, diagnosis, unit, option or explanation without Chinese.

    Examples
    --------
    >>> exercise_text_problems("03")
    []
    """
    problems = []
    for ex in exercises().values():
        if not ex.id.startswith(number + "."):
            continue
        texts = {"prompt": ex.prompt, **{f"hint {k}": h for k, h in enumerate(ex.all_hints, 1)},
                 **{f"mistake {k}": d for k, (_, d) in enumerate(ex.mistakes, 1)}}
        if tr(ex.unit, "en").strip() and tr(ex.unit, "en").strip().lower() not in UNIT_PHRASES:
            texts["unit"] = ex.unit
        problems += [f"exercise {ex.id}: {name} has no Chinese" for name, text in texts.items()
                     if not has_all_languages(text)]
    for q in questions().values():
        if not q.id.startswith(number + "."):
            continue
        texts = {"prompt": q.prompt, **{f"option {k} text": o.text for k, o in enumerate(q.options, 1)},
                 **{f"option {k} explanation": o.explanation for k, o in enumerate(q.options, 1)}}
        problems += [f"question {q.id}: {name} has no Chinese" for name, text in texts.items()
                     if not has_all_languages(text)]
    return problems


def execution_problems(path: Path) -> list[str]:
    """Execute the Chinese edition of ``path``; figure texts missing from the label table, and errors.

    Parameters
    ----------
    path
        A course notebook.

    Returns
    -------
    list of str
        The figure check's lines and the execution error, if any.

    Examples
    --------
    It executes the whole notebook, so it is not run here::

        execution_problems(Path("notebooks/05_crm_adoption_by_firm_size.ipynb"))   # [] when complete
    """
    nb = make_edition(nbformat.read(path, as_version=4), "instructor", lang="zh")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / path.name
        nbformat.write(nb, target)
        try:
            done = run.execute(target, workdir=path.parent)
        except Exception as exc:  # noqa: BLE001 - reported, not handled
            return [f"execution failed: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc!r}"]
    problems = []
    for k, cell in enumerate(done.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            for line in text.splitlines():
                if FIGURE_WARNING in line and line not in problems:
                    problems.append(f"code cell {k}: {line}")
    return problems


def report(path: Path, *, execute: bool = True) -> list[str]:
    """Every problem of ``path``'s Chinese edition (empty when it is complete).

    Parameters
    ----------
    path
        A course notebook.
    execute
        Also execute its Chinese edition (:func:`execution_problems`).

    Returns
    -------
    list of str

    Examples
    --------
    >>> report(run.find_notebook("04"), execute=False)
    []
    """
    nb = nbformat.read(path, as_version=4)
    number = path.name[:2]
    problems = pairing_problems(nb) + drift_problems(nb) + glossary_problems(nb, glossary_terms())
    problems += statement_problems(nb)
    problems += exercise_text_problems(number)
    if execute:
        problems += execution_problems(path)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Print :func:`report` for each notebook named; exit status 1 when anything is missing.

    With ``--stamp``, first record in each Chinese cell the fingerprint of its pair as it is now
    (:func:`~crmlab.course.i18n.stamp_pairs`): run it after reviewing both languages of a changed pair.

    Parameters
    ----------
    argv
        Notebook paths (default: every course notebook), ``--no-execute`` and ``--stamp``; default
        ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status.

    Examples
    --------
    >>> main([str(run.find_notebook("04")), "--no-execute"])
    == 04_satisfaction_surveys.ipynb: 0 problem(s)
    0
    """
    args = sys.argv[1:] if argv is None else argv
    paths = [run.find_notebook(a) for a in args if not a.startswith("--")] or run.notebooks()
    status = 0
    for path in paths:
        if "--stamp" in args:
            nb = nbformat.read(path, as_version=4)
            changed = stamp_pairs(nb)
            nbformat.write(nb, path)
            print(f"{path.name}: {changed} pair(s) stamped")
        problems = report(path, execute="--no-execute" not in args)
        print(f"== {path.name}: {len(problems)} problem(s)")
        for problem in problems:
            print("  -", problem)
        status |= bool(problems)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
