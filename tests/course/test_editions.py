"""Editions of a notebook: instructor (as is), student (nbconvert's TagRemovePreprocessor) and the nbgrader
source version (solutions in regions, each exercise's check an autograded test cell, questions ungraded)."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from crmlab import course
from crmlab.course import editions, site
from crmlab.errors import CrmlabError
from crmlab.course.exercises import exercises


def cell(kind, source, *tags, outputs=None):
    c = new_code_cell(source) if kind == "code" else new_markdown_cell(source)
    if tags:
        c.metadata["tags"] = list(tags)
    if outputs:
        c.outputs = [new_output("stream", text=outputs)]
        c.execution_count = 7
    return c


def course_like_notebook():
    """One exercise (question, cell that runs as is, two solution cells) and one self-check question."""
    return new_notebook(cells=[
        cell("markdown", "# 99 · Test"),
        cell("code", "x = 2"),
        cell("markdown", "**Exercise 99.1.** Double x, as a whole number.", "exercise"),
        cell("code", 'from crmlab.course.exercises import check\n\nanswer = None  # your code here\ncheck("99.1", answer)',
             "exercise", outputs="[99.1] Not yet"),
        cell("markdown", "**Solution 99.1.** Multiply by 2.\nThat is all.", "solution"),
        cell("code", 'answer = 2 * x\nprint(answer)\ncheck("99.1", answer)', "solution", outputs="4"),
        cell("markdown", "**Question 99.q1.** Why? (a) … (b) …", "exercise"),
        cell("code", 'ask("99.q1", None)', "exercise", outputs="no answer yet"),
        cell("code", 'ask("99.q1", "b")', "solution", outputs="(b) right"),
        cell("markdown", "## Summary"),
    ])


def test_site_make_edition_is_the_editions_one():
    assert site.make_edition is editions.make_edition


def test_student_edition_drops_solutions_and_clears_exercise_outputs():
    nb = course_like_notebook()
    student = editions.make_edition(nb, "student")
    assert [c.source[:14] for c in student.cells] == [
        "# 99 · Test", "x = 2", "**Exercise 99.", "from crmlab.co", "**Question 99.", 'ask("99.q1", N', "## Summary"]
    assert all(c.outputs == [] and c.execution_count is None for c in student.cells if c.cell_type == "code"
               and "exercise" in c.metadata.get("tags", []))
    assert len(nb.cells) == 10 and nb.cells[3].outputs  # the notebook passed in is untouched
    assert editions.make_edition(nb, "instructor") == nb
    with pytest.raises(CrmlabError, match="unknown edition 'teacher'"):
        editions.make_edition(nb, "teacher")


@pytest.mark.parametrize("path", course.notebooks(), ids=[p.name for p in course.notebooks()])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_student_edition_of_every_notebook_is_the_source_without_solutions(path, lang):
    """Cross-check against a direct computation of what the edition must be: no solution, no cell of
    the other language, the setup call in the edition's language."""
    nb = nbformat.read(path, as_version=4)
    student = editions.make_edition(nb, "student", lang=lang)
    other = "lang-zh" if lang == "en" else "lang-en"
    kept = [c for c in nb.cells if not {"solution", other} & set(c.metadata.get("tags", []))]
    assert len(student.cells) == len(kept)
    setup_seen = False
    for got, want in zip(student.cells, kept):
        if not setup_seen and got.cell_type == "code" and "setup(" in want.source:
            setup_seen = True
            assert got.source == (want.source if lang == "en" else want.source.replace("setup()", 'setup(lang="zh")'))
            continue
        assert got.source == want.source and got.cell_type == want.cell_type
        if got.cell_type == "code" and "exercise" in want.metadata.get("tags", []):
            assert got.outputs == [] and got.execution_count is None
        elif got.cell_type == "code":
            assert got.outputs == want.outputs and got.execution_count == want.execution_count


def test_nbgrader_edition_marks_the_solution_region_and_grades_the_check():
    nb = course_like_notebook()
    graded = editions.make_edition(nb, "nbgrader", points=2)
    sources = [c.source for c in graded.cells]
    assert len(graded.cells) == 8  # the solution cells are folded into the exercise; the question's answer goes
    answer, test = graded.cells[3], graded.cells[4]
    assert answer.source == (
        "from crmlab.course.exercises import check\n\n"
        "### BEGIN SOLUTION\n# **Solution 99.1.** Multiply by 2.\n# That is all.\nanswer = 2 * x\nprint(answer)\n"
        "### END SOLUTION"
    )
    assert answer.metadata["nbgrader"] == {"grade": False, "grade_id": "ex_99_1_answer", "locked": False,
                                           "schema_version": 3, "solution": True, "task": False}
    assert 'feedback = check("99.1", answer)' in test.source and "assert feedback.correct" in test.source
    assert test.metadata["nbgrader"] == {"grade": True, "grade_id": "ex_99_1", "locked": True, "points": 2.0,
                                         "schema_version": 3, "solution": False, "task": False}
    # the self-check question stays, ungraded and unanswered, as in the student edition
    assert 'ask("99.q1", None)' in sources and 'ask("99.q1", "b")' not in sources
    question = graded.cells[6]
    assert "nbgrader" not in question.metadata and question.outputs == []
    assert not [c for c in graded.cells if "solution" in c.metadata.get("tags", [])]
    assert graded.metadata["crmlab"]["graded_exercises"] == ["99.1"]


@pytest.mark.parametrize("path", course.notebooks(), ids=[p.name for p in course.notebooks()])
def test_nbgrader_edition_of_every_notebook_grades_exactly_its_registered_exercises(path):
    nb = nbformat.read(path, as_version=4)
    graded = editions.make_edition(nb, "nbgrader")
    registered = sorted(k for k in exercises() if k.startswith(path.name[:2] + "."))
    assert sorted(graded.metadata["crmlab"]["graded_exercises"]) == registered
    tests = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade")]
    solutions = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert len(tests) == len(solutions) == len(registered)
    assert sum(c.metadata["nbgrader"]["points"] for c in tests) == len(registered)
    for sol in solutions:
        assert sol.source.count("### BEGIN SOLUTION") == sol.source.count("### END SOLUTION") == 1
        assert "check(" not in sol.source.split("### END SOLUTION")[0].split("### BEGIN SOLUTION")[1]
    assert not [c for c in graded.cells if "solution" in c.metadata.get("tags", [])]
    ids = [c.metadata["nbgrader"]["grade_id"] for c in graded.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids))


def test_an_exercise_without_a_solution_cannot_be_graded():
    nb = course_like_notebook()
    del nb.cells[4:6]
    with pytest.raises(CrmlabError, match="exercise 99.1 has no code cell tagged 'solution'"):
        editions.make_edition(nb, "nbgrader")
    with pytest.raises(CrmlabError, match="points must be positive"):
        editions.make_edition(course_like_notebook(), "nbgrader", points=0)


def test_write_nbgrader_course_layout_and_refusals(tmp_path):
    out = tmp_path / "grading"
    written = editions.write_nbgrader_course(out, notebooks=["00_start_here.ipynb"])
    assert written == [out / "source" / "00_start_here" / "00_start_here.ipynb"]
    config = (out / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.ClearSolutions.code_stub = {\"python\": 'answer = None  # your code here'}" in config
    # written again into the same course: replaced, not refused
    assert editions.write_nbgrader_course(out, notebooks=["00_start_here.ipynb"]) == written
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(CrmlabError, match="is not an nbgrader course"):
        editions.write_nbgrader_course(other)
    with pytest.raises(CrmlabError, match=r"no course notebook \['99_nothing.ipynb'\]"):
        editions.write_nbgrader_course(tmp_path / "x", notebooks=["99_nothing.ipynb"])
