"""Editions of a course notebook: instructor, student, and an nbgrader source version for grading.

A course notebook marks its exercises with cell tags (see ``CONTRIBUTING.md``):

* a markdown cell tagged ``exercise`` states the question;
* a code cell tagged ``exercise`` runs as it is (``answer = None``) and ends with ``check("NN.k", answer)``;
* one or more cells tagged ``solution`` (markdown and code) compute ``answer`` and call ``check`` again.

Self-check questions (``ask("NN.qk", ...)``) follow the same tags and are never graded.

The editions are nbconvert preprocessors applied to a copy of the notebook:

``instructor``
    the notebook as it is.
``student``
    :class:`nbconvert.preprocessors.TagRemovePreprocessor` with ``remove_cell_tags={"solution"}`` and
    ``remove_all_outputs_tags={"exercise"}``: no solutions, and exercise cells without the stored
    feedback, so they run as they are.
``nbgrader``
    :class:`NbgraderPreprocessor`: the nbgrader "source" version of the notebook. Each exercise's
    code cell becomes a solution cell whose solution (the ``solution`` cells, their prose as comments)
    sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, followed by a locked autograded test
    cell worth ``points`` that asserts ``check("NN.k", answer)``. Self-check questions are left
    ungraded, as in the student edition. :func:`write_nbgrader_course` writes one nbgrader assignment
    per notebook and the ``nbgrader_config.py`` that makes ``nbgrader generate_assignment`` put
    ``answer = None  # your code here`` where the solution was.

References: nbgrader documentation, "Developing assignments with the assignment toolbar" (cell
metadata schema version 3) and "Autograding", https://nbgrader.readthedocs.io (version 0.9).
"""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import nbformat
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import Float, Unicode

from crmlab.course import run as course
from crmlab.course.i18n import Language, language_preprocessor, set_setup_language
from crmlab.errors import CrmlabError

Edition = Literal["instructor", "student", "nbgrader"]
EDITIONS: tuple[str, ...] = ("instructor", "student", "nbgrader")

#: What a student sees where a solution was: the exercise cell's own first line.
CODE_STUB = "answer = None  # your code here"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
NBGRADER_SCHEMA_VERSION = 3

_CHECK = re.compile(r"""\bcheck\(\s*["'](?P<id>\d\d\.\d+)["']""")
_STUB_LINE = re.compile(r"^\s*answer\s*=\s*(None|\.\.\.)\b.*$")


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_id(cell: nbformat.NotebookNode) -> str | None:
    """The id ``"NN.k"`` of the exercise a code cell checks with ``check("NN.k", answer)``, if any.

    Parameters
    ----------
    cell
        A notebook cell.

    Returns
    -------
    str or None
        The id, or ``None`` for a markdown cell or a code cell without a ``check`` call.

    Examples
    --------
    >>> exercise_id(nbformat.v4.new_code_cell('answer = 0.25; check("03.2", answer)'))
    '03.2'
    """
    if cell.cell_type != "code":
        return None
    match = _CHECK.search(cell.source)
    return match.group("id") if match else None


def student_preprocessor() -> TagRemovePreprocessor:
    """The student edition: cells tagged ``solution`` removed, outputs of cells tagged ``exercise`` cleared.

    Returns
    -------
    nbconvert.preprocessors.TagRemovePreprocessor
        nbconvert's own preprocessor, configured for the student edition.

    Examples
    --------
    >>> sorted(student_preprocessor().remove_cell_tags), sorted(student_preprocessor().remove_all_outputs_tags)
    (['solution'], ['exercise'])
    """
    return TagRemovePreprocessor(remove_cell_tags={"solution"}, remove_all_outputs_tags={"exercise"})


class NbgraderPreprocessor(Preprocessor):
    """Turn a course notebook into an nbgrader source notebook.

    Each code cell tagged ``exercise`` that calls ``check("NN.k", answer)`` becomes

    1. a solution cell (``grade_id`` ``ex_NN_k_answer``): the exercise cell with its ``answer = None``
       line replaced by the solution region and its ``check`` call removed;
    2. an autograded test cell (``grade_id`` ``ex_NN_k``, locked, ``points`` points) asserting that
       ``check("NN.k", answer)`` is correct and printing its feedback.

    The ``solution`` cells that follow the exercise fill the region: code as it is (minus the
    ``check`` call), markdown as comments. Every other ``solution`` cell (a self-check answer) is
    removed and the outputs of every other ``exercise`` cell cleared, as in the student edition; they
    carry no nbgrader metadata, so nbgrader leaves them ungraded.
    """

    points = Float(1.0, help="points of each exercise's autograded test cell").tag(config=True)
    code_stub = Unicode(CODE_STUB, help="the line a student sees in place of the solution").tag(config=True)

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        if self.points <= 0:
            raise CrmlabError(f"points must be positive (got {self.points}); give each exercise at least 1")
        cells = list(nb.cells)
        out: list[nbformat.NotebookNode] = []
        graded: list[str] = []
        i = 0
        while i < len(cells):
            cell = cells[i]
            ex_id = exercise_id(cell) if "exercise" in _tags(cell) else None
            if ex_id is None:
                if "solution" not in _tags(cell):
                    if "exercise" in _tags(cell) and cell.cell_type == "code":
                        cell.outputs, cell.execution_count = [], None
                    out.append(cell)
                i += 1
                continue
            if ex_id in graded:
                raise CrmlabError(f"exercise {ex_id} has two exercise cells; give each exercise one cell "
                                  "tagged 'exercise' that calls check")
            solutions = []
            i += 1
            while i < len(cells) and "solution" in _tags(cells[i]):
                solutions.append(cells[i])
                i += 1
            if not any(c.cell_type == "code" for c in solutions):
                raise CrmlabError(
                    f"exercise {ex_id} has no code cell tagged 'solution' after its exercise cell; "
                    "add the worked solution so the nbgrader edition can mark it"
                )
            out.extend(self._graded_cells(cell, ex_id, solutions))
            graded.append(ex_id)
        nb.cells = out
        nb.metadata["crmlab"] = {"edition": "nbgrader", "graded_exercises": graded, "points": self.points}
        return nb, resources

    def _graded_cells(
        self, cell: nbformat.NotebookNode, ex_id: str, solutions: list[nbformat.NotebookNode]
    ) -> list[nbformat.NotebookNode]:
        region = [BEGIN_SOLUTION]
        for sol in solutions:
            if sol.cell_type == "markdown":
                region += [f"# {line}".rstrip() for line in sol.source.splitlines()]
            else:
                region += [line for line in sol.source.splitlines() if not _is_check_call(line, ex_id)]
        region.append(END_SOLUTION)
        lines, placed = [], False
        for line in cell.source.splitlines():
            if _is_check_call(line, ex_id):
                continue
            if not placed and _STUB_LINE.match(line):
                lines += region
                placed = True
            else:
                lines.append(line)
        if not placed:
            lines += region
        key = "ex_" + ex_id.replace(".", "_")
        answer = nbformat.v4.new_code_cell("\n".join(lines))
        answer.metadata = {"tags": ["exercise"], "nbgrader": _nbgrader_metadata(f"{key}_answer", solution=True)}
        test = nbformat.v4.new_code_cell(
            f"# autograded: exercise {ex_id}, {self.points:g} point{'s' if self.points != 1 else ''}\n"
            "from crmlab.course.exercises import check\n\n"
            f'feedback = check("{ex_id}", answer)\n'
            "print(feedback)\n"
            "assert feedback.correct, feedback.message"
        )
        test.metadata = {"nbgrader": _nbgrader_metadata(key, grade=True, locked=True, points=self.points)}
        return [answer, test]


def _is_check_call(line: str, ex_id: str) -> bool:
    return re.match(rf"""^\s*check\(\s*["']{re.escape(ex_id)}["']\s*,.*\)\s*(#.*)?$""", line) is not None


def _nbgrader_metadata(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
                       points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NBGRADER_SCHEMA_VERSION,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def make_edition(nb: nbformat.NotebookNode, edition: Edition, *, points: float = 1.0,
                 lang: Language = "en") -> nbformat.NotebookNode:
    """A copy of ``nb`` in the given edition and language (the notebook passed in is left untouched).

    Parameters
    ----------
    nb
        A course notebook (nbformat 4).
    edition
        ``"instructor"`` (as it is), ``"student"`` (no solutions, exercise outputs cleared) or
        ``"nbgrader"`` (nbgrader source version, see :class:`NbgraderPreprocessor`).
    points
        Points of each exercise in the nbgrader edition.
    lang
        ``"en"`` or ``"zh"``: the markdown cells of the other language are dropped and, in Chinese, the
        setup cell becomes ``setup(lang="zh")`` (feedback, hints and figure labels in Chinese).

    Returns
    -------
    nbformat.NotebookNode
        The edition, a new notebook.

    Examples
    --------
    >>> md = nbformat.v4.new_markdown_cell
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("rng = setup()"),
    ...     md("Value", metadata={"tags": ["lang-en"]}), md("价值", metadata={"tags": ["lang-zh"]})])
    >>> [c.source for c in make_edition(nb, "student", lang="zh").cells]
    ['rng = setup(lang="zh")', '价值']
    """
    if edition not in EDITIONS:
        raise CrmlabError(f"unknown edition {edition!r}; use one of {', '.join(repr(e) for e in EDITIONS)}")
    out = copy.deepcopy(nb)
    out, _ = language_preprocessor(lang).preprocess(out, {})
    set_setup_language(out, lang)
    if edition == "student":
        out, _ = student_preprocessor().preprocess(out, {})
    elif edition == "nbgrader":
        out, _ = NbgraderPreprocessor(points=points).preprocess(out, {})
    return out


NBGRADER_CONFIG = '''\
# nbgrader configuration of the crmlab course, written by `crmlab build --edition nbgrader`.
# Run nbgrader from this folder: nbgrader generate_assignment NAME; nbgrader autograde NAME
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "crmlab"
c.CourseDirectory.root = "."
# where a solution region was, the student finds the exercise's own first line
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
# the longest notebook takes a few minutes to execute
c.Execute.timeout = {timeout}
'''


def write_nbgrader_course(
    output: Path,
    *,
    directory: Path | None = None,
    notebooks: Iterable[str] | None = None,
    points: float = 1.0,
    timeout: int = 900,
    lang: Language = "en",
) -> list[Path]:
    """Write an nbgrader course: ``source/<NN_topic>/<NN_topic>.ipynb`` per notebook and its config.

    Parameters
    ----------
    output
        The course folder (created; an existing one must be empty or an earlier nbgrader build).
    directory
        The course's notebook folder (default: the course's ``notebooks/``).
    notebooks
        File names of the notebooks to include (default: every course notebook).
    points
        Points of each exercise.
    timeout
        Seconds a cell may run when nbgrader executes a notebook.
    lang
        The language of the assignments (``"en"`` or ``"zh"``).

    Returns
    -------
    list of Path
        The source notebooks written, one assignment each.

    Examples
    --------
    What ``crmlab build --edition nbgrader --output grading`` runs (it executes every notebook, so it is
    not run here)::

        write_nbgrader_course(Path("grading"), points=2, lang="zh")
    """
    directory = Path(directory) if directory is not None else course.NOTEBOOK_DIR
    available = {p.name: p for p in course.notebooks(directory)}
    names = list(notebooks) if notebooks is not None else list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise CrmlabError(f"no course notebook {unknown} in {directory}; the notebooks are {sorted(available)}")
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        if not (output / "nbgrader_config.py").is_file():
            raise CrmlabError(f"{output} exists and is not an nbgrader course; choose a new folder so nothing "
                              "is overwritten")
        shutil.rmtree(output / "source", ignore_errors=True)
    output.mkdir(parents=True, exist_ok=True)
    (output / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(stub=CODE_STUB, timeout=int(timeout)),
                                               encoding="utf-8")
    written = []
    for name in names:
        nb = make_edition(nbformat.read(available[name], as_version=4), "nbgrader", points=points, lang=lang)
        if not nb.metadata["crmlab"]["graded_exercises"]:
            raise CrmlabError(f"{name} has no exercise cell calling check(...); it cannot be graded")
        assignment = Path(name).stem
        target = output / "source" / assignment / name
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
        written.append(target)
    return written
