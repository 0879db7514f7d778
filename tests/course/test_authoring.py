"""`crmlab new`: a notebook made from the template, in a temporary copy of the course, passes the checks
the course's own notebooks pass (nbval, the notebook and exercise tests), is in the course map, the site,
both editions, the nbgrader edition and the exercise registry. The real notebooks/ is never touched."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from crmlab import course, datasets
from crmlab.course import authoring
from crmlab.errors import CrmlabError

ROOT = course.ROOT
NAME = "90_repeat_buyers"
TITLE = "Repeat buyers and customer age"


def run(copy: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """A command in the copy, with the copy's crmlab imported (so its exercise registry is the copy's)."""
    env = dict(os.environ, PYTHONPATH=str(copy))
    result = subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """A small copy of the course: the package, the data, notebook 00 and its course-map entry."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "crmlab", root / "crmlab", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root)
    (root / "tests" / "course").mkdir(parents=True)
    for name in ("conftest.py", "nbval_sanitize.cfg", "test_notebooks.py", "course/__init__.py", "course/test_exercises.py"):
        shutil.copy(ROOT / "tests" / name, root / "tests" / name)
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", root / "notebooks")
    entries = yaml.safe_load((ROOT / "notebooks" / "course.yaml").read_text(encoding="utf-8"))["notebooks"]
    first = yaml.safe_dump([entries[0]], sort_keys=False, default_flow_style=None)
    (root / "notebooks" / "course.yaml").write_text("# the course map\nnotebooks:\n" + first, encoding="utf-8")
    before = sorted(p.name for p in (ROOT / "notebooks").iterdir())
    made = run(root, "-m", "crmlab.cli", "new", NAME, "--title", TITLE, "--minutes", "40", "--course-dir", str(root))
    assert sorted(p.name for p in (ROOT / "notebooks").iterdir()) == before  # the real course is untouched
    assert f"wrote {root / 'notebooks' / (NAME + '.ipynb')}" in made.stdout
    run(root, "-m", "crmlab.cli", "refresh", f"notebooks/{NAME}.ipynb")
    return root


def outputs(nb) -> list[str]:
    return [o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
            for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_new_writes_the_notebook_its_exercises_and_its_course_map_entry(copy):
    entries = yaml.safe_load((copy / "notebooks" / "course.yaml").read_text(encoding="utf-8"))["notebooks"]
    assert entries[-1] == {"notebook": f"{NAME}.ipynb", "minutes": 40, "prerequisites": ["00"],
                           "data": ["cdnow_summary"]}
    assert (copy / "crmlab" / "course" / "exercises" / "nb90.py").is_file()
    nb = nbformat.read(copy / "notebooks" / f"{NAME}.ipynb", as_version=4)
    headings = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()
                if line.startswith("#")]
    assert headings == [f"# {TITLE}", "## Learning objectives", "## Theory", "## Worked analysis",
                        "## Check your understanding", "### Self-check questions", "## Summary", "## References"]
    assert "setup()" in nb.cells[2].source and "versions()" in nb.cells[-1].source


def test_the_refreshed_notebook_computes_the_right_answers(copy):
    """The stored outputs hold the answers, cross-checked against a direct computation here."""
    nb = nbformat.read(copy / "notebooks" / f"{NAME}.ipynb", as_version=4)
    text = "\n".join(outputs(nb))
    summary = datasets.load_cdnow_summary()
    assert f"{(summary['frequency'] >= 2).mean():.3f}\n" in text  # 0.215
    assert f"{summary.loc[summary['frequency'] > 0, 'frequency'].mean():.2f} repeat purchases" in text  # 2.60
    assert f"{int((summary['T'] > 36).sum()):,} customers" in text  # 478
    assert text.count("Correct: well done") == 3 and text.count("[90.q") == 6
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def test_nbval_and_the_courses_own_notebook_and_exercise_tests_pass(copy):
    nbval = run(copy, "-m", "pytest", f"notebooks/{NAME}.ipynb", "-p", "no:cacheprovider", "-q")
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(copy / "notebooks" / f"{NAME}.ipynb", as_version=4).cells)
    assert f"{code_cells} passed" in nbval.stdout
    own = run(copy, "-m", "pytest", "tests/test_notebooks.py", "tests/course/test_exercises.py", "-k", "90",
              "-p", "no:cacheprovider", "-v", "--no-header")
    passed = {line.split(" PASSED")[0].split("::")[1] for line in own.stdout.splitlines() if " PASSED" in line}
    assert f"test_notebook_is_stored_executed_and_clean[{NAME}.ipynb]" in passed
    for k in ("90.1", "90.2", "90.3"):
        assert f"test_every_exercise_states_its_precision_in_the_notebook[{k}]" in passed
        assert f"test_every_exercise_accepts_its_answer_at_its_stated_precision[{k}]" in passed
    assert "test_migrated_notebooks_have_three_to_five_explained_questions[90]" in passed
    assert " FAILED" not in own.stdout


def test_it_is_in_the_exercise_registry_the_course_map_and_the_nbgrader_edition(copy):
    probe = run(copy, "-c", (
        "from crmlab.course import editions, site\n"
        "from crmlab.course.exercises import exercises, questions\n"
        "print(sorted(k for k in exercises() if k.startswith('90.')))\n"
        "print(sorted(k for k in questions() if k.startswith('90.')))\n"
        "cmap = site.course_map()\n"
        "print(list(cmap.index), cmap.loc['90', 'title'], len(cmap.loc['90', 'objectives']))\n"
        "(path,) = editions.write_nbgrader_course('graded', notebooks=['90_repeat_buyers.ipynb'])\n"
        "import nbformat; nb = nbformat.read(path, as_version=4)\n"
        "print(nb.metadata['crmlab']['graded_exercises'])\n"
    ))
    lines = probe.stdout.splitlines()
    assert lines[0] == "['90.1', '90.2', '90.3']" and lines[1] == "['90.q1', '90.q2', '90.q3']"
    assert lines[2] == f"['00', '90'] {TITLE} 3"
    assert lines[3] == "['90.1', '90.2', '90.3']"


def test_it_is_on_the_site_and_in_the_student_edition(copy):
    run(copy, "-m", "crmlab.cli", "build", "--no-execute", "--output", "site")
    index = (copy / "site" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{NAME}.html">{TITLE}</a>' in index
    page = (copy / "site" / f"{NAME}.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page and "<strong>Contents</strong>" in page
    run(copy, "-m", "crmlab.cli", "build", "--edition", "student", "--output", "student")
    nb = nbformat.read(copy / "student" / "notebooks" / f"{NAME}.ipynb", as_version=4)
    assert not [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    exercise_outputs = [o for c in nb.cells if "exercise" in c.metadata.get("tags", []) and c.cell_type == "code"
                        for o in c.outputs]
    assert len(exercise_outputs) == 6  # three exercises, three questions, each "no answer yet"
    assert all("no answer yet" in str(o.get("data", {}).get("text/plain", "")) for o in exercise_outputs)


def test_new_refuses_a_taken_number_a_bad_name_and_a_folder_that_is_not_a_course(copy, tmp_path):
    again = run(copy, "-m", "crmlab.cli", "new", "90_other", "--title", "x", "--course-dir", str(copy), check=False)
    assert again.returncode == 2 and "notebook number 90 is taken by ['90_repeat_buyers.ipynb']" in again.stderr
    with pytest.raises(CrmlabError, match="must look like 07_pricing"):
        authoring.new_notebook("7-pricing", "Pricing", course_dir=copy)
    with pytest.raises(CrmlabError, match="give the notebook a title"):
        authoring.new_notebook("91_pricing", "  ", course_dir=copy)
    with pytest.raises(CrmlabError, match=r"is not a crmlab course: it lacks \['notebooks/course.yaml'"):
        authoring.new_notebook("91_pricing", "Pricing", course_dir=tmp_path)
    with pytest.raises(CrmlabError, match=r"datasets \['no_such_data'\] are not in the catalogue"):
        authoring.new_notebook("91_pricing", "Pricing", course_dir=copy, data=["no_such_data"])
    assert not (copy / "crmlab" / "course" / "exercises" / "nb91.py").exists()
