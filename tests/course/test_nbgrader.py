"""The nbgrader round trip: `crmlab build --edition nbgrader` writes a source course, nbgrader generates
the student version of notebook 00 and autogrades a right and a wrong submission; the scores are asserted
per exercise."""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from crmlab import cli, course
from crmlab.course.exercises import exercises

pytest.importorskip("nbgrader", reason="nbgrader is the optional extra crmlab[nbgrader]; make test installs it")

ASSIGNMENT = "00_start_here"
EXERCISES = sorted(k for k in exercises() if k.startswith("00."))  # 00.1, 00.2, …
STUB = "answer = None  # your code here"


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # nbgrader runs its database migrations with the `alembic` command of the same environment
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def region(source: str) -> str:
    return re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S).group(1)


def submit(root: Path, student: str, answers: dict[str, str]) -> None:
    """The released notebook with the stub of each named solution cell replaced by the student's code."""
    nb = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for c in nb.cells:
        grade_id = c.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            c.source = c.source.replace(STUB, answers[grade_id])
    target = root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(nb, target)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    assert cli.main(["build", "--edition", "nbgrader", "--output", str(root)]) == 0
    nbgrader(root, "generate_assignment", ASSIGNMENT)
    source = nbformat.read(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: region(c.source)
                 for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    submit(root, "alice", solutions)  # every exercise solved as in the instructor edition
    # 00.1 wrong (every customer counted), 00.2 right, the others not attempted
    submit(root, "bob", {"ex_00_1_answer": "answer = 2357", "ex_00_2_answer": solutions["ex_00_2_answer"]})
    nbgrader(root, "autograde", ASSIGNMENT, "--create")
    return root


def test_the_source_course_has_one_assignment_per_notebook(graded):
    assert sorted(p.name for p in (graded / "source").iterdir()) == [p.stem for p in course.notebooks()]


def test_the_released_notebook_has_stubs_not_solutions(graded):
    released = nbformat.read(graded / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    text = "\n".join(c.source for c in released.cells)
    assert "### BEGIN SOLUTION" not in text and text.count(STUB) == len(EXERCISES) >= 3
    assert "answer = int(" not in text and "print(f" not in "".join(
        c.source for c in released.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert "Solution 00.1" not in text
    tests = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata["nbgrader"]["points"] for c in tests] == [1.0] * len(EXERCISES)


def test_autograde_scores_the_right_and_the_wrong_submission(graded):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gb:
        scores = {}
        for student in ("alice", "bob"):
            nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            scores[student] = {g.name: g.score for g in nb.grades}
            assert gb.find_submission(ASSIGNMENT, student).max_score == len(EXERCISES)
        ids = ["ex_" + k.replace(".", "_") for k in EXERCISES]
        assert scores["alice"] == dict.fromkeys(ids, 1.0)
        assert scores["bob"] == {**dict.fromkeys(ids, 0.0), "ex_00_2": 1.0}
        assert gb.find_submission(ASSIGNMENT, "alice").score == len(EXERCISES)
        assert gb.find_submission(ASSIGNMENT, "bob").score == 1.0


def test_the_autograded_notebook_keeps_the_feedback(graded):
    nb = nbformat.read(graded / "autograded" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex_00_1")
    text = "".join(o.get("text", "") + o.get("evalue", "") for o in test.outputs)
    assert "Not yet" in text and "AssertionError" in "".join(o.get("ename", "") for o in test.outputs)
