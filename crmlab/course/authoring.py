"""A notebook of one's own in the course: ``crmlab new NN_topic --title "..."``.

:func:`new_notebook` writes, in a course (a clone of this repository, or a copy of it):

* ``notebooks/NN_topic.ipynb`` from the template ``crmlab/course/templates/new_notebook/notebook.yaml``,
  with the course's sections (learning objectives, theory, worked analysis, exercises, self-check
  questions, summary, references, versions) and a working example to replace;
* ``crmlab/course/exercises/nbNN.py``: its exercises and self-check questions (registered by being there);
* an entry at the end of ``notebooks/course.yaml``, so the notebook is in the course map, the site,
  both editions, nbval and the schedules' ``all`` exercises.

The notebook is written unexecuted; ``crmlab refresh notebooks/NN_topic.ipynb`` (or ``make refresh
NB=...``) executes it and stores its outputs for nbval.

The course is ``course_dir`` (``crmlab new --course-dir DIR``), by default the clone the crmlab package
is imported from. In another copy of the course, the new exercises are registered when crmlab is
imported from that copy (``pip install -e DIR`` there, or ``PYTHONPATH=DIR``), as the tests do.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from crmlab.course import run as course
from crmlab.errors import CrmlabError

TEMPLATE_DIR = Path(__file__).with_name("templates") / "new_notebook"
NAME_PATTERN = re.compile(r"^(?P<number>\d\d)_(?P<topic>[a-z0-9]+(?:_[a-z0-9]+)*)$")


@dataclass(frozen=True)
class NewNotebook:
    """What :func:`new_notebook` wrote."""

    notebook: Path
    exercises: Path
    course_yaml: Path


def course_root(course_dir: Path | str | None = None) -> Path:
    """The course to work in: ``course_dir``, by default the clone crmlab is imported from.

    A course root holds ``notebooks/course.yaml`` and the exercise registry ``crmlab/course/exercises/``.

    Parameters
    ----------
    course_dir
        The folder of a clone of the course; ``None`` means the one crmlab runs from.

    Returns
    -------
    pathlib.Path
        The folder, resolved; a :class:`~crmlab.errors.CrmlabError` when it is not a course.

    Examples
    --------
    >>> (course_root() / "notebooks" / "course.yaml").is_file()
    True
    """
    root = Path(course_dir or course.ROOT).expanduser().resolve()
    missing = [p for p in ("notebooks/course.yaml", "crmlab/course/exercises/__init__.py") if not (root / p).is_file()]
    if missing:
        raise CrmlabError(
            f"{root} is not a crmlab course: it lacks {missing}. Give the folder of a clone of the course "
            "(--course-dir DIR), the one holding notebooks/ and crmlab/"
        )
    return root


def _fill(text: str, number: str, title: str) -> str:
    return text.replace("@@NN@@", number).replace("@@TITLE@@", title)


def _load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def template_notebook(number: str, title: str, questions: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The template notebook for notebook ``number`` titled ``title``, unexecuted.

    Parameters
    ----------
    number, title
        The notebook's number (``"07"``) and title.
    questions
        Self-check question id → its markdown (``Question.markdown()``); the template's question cells
        are filled from it.

    Returns
    -------
    nbformat.NotebookNode
        The new notebook: setup, learning objectives, theory, an exercise with its solution, questions,
        summary, references and the versions cell.

    Examples
    --------
    >>> nb = template_notebook("07", "Pricing", {f"07.q{k}": f"**Question 07.q{k}.** …" for k in (1, 2, 3)})
    >>> nb.cells[0].source.splitlines()[0]
    '# Pricing'
    """
    cells = yaml.safe_load((TEMPLATE_DIR / "notebook.yaml").read_text(encoding="utf-8"))
    nb = nbformat.v4.new_notebook()
    for spec in cells:
        source = _fill(spec["source"], number, title)
        placeholder = re.fullmatch(r"@@QUESTION:(.+)@@", source)
        if placeholder:
            qid = placeholder.group(1)
            if not questions or qid not in questions:
                raise CrmlabError(f"the template asks question {qid}, which its exercise module does not define")
            source = questions[qid]
        make = nbformat.v4.new_code_cell if spec["type"] == "code" else nbformat.v4.new_markdown_cell
        cell = make(source)
        if spec.get("tags"):
            cell.metadata["tags"] = list(spec["tags"])
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def new_notebook(
    name: str,
    title: str,
    *,
    course_dir: Path | str | None = None,
    minutes: int = 45,
    prerequisites: list[str] | None = None,
    data: list[str] | None = None,
) -> NewNotebook:
    """Create notebook ``name`` (``"NN_topic"``) in the course and register it.

    Parameters
    ----------
    name
        ``NN_topic``: a two-digit number not yet used by a notebook or an exercise module, then the
        topic in lower case with underscores (``07_pricing``).
    title
        The notebook's title (its first heading, shown in the course map and on the site).
    course_dir
        The course root (see :func:`course_root`).
    minutes, prerequisites, data
        Its course-map entry: study time, prerequisites (default ``["00"]``) and the catalogued
        datasets it uses (default ``["cdnow_summary"]``, the template's example).

    Returns
    -------
    NewNotebook
        The paths written.

    Examples
    --------
    What ``crmlab new 07_pricing --title "Pricing and customer value"`` runs (it writes into the course,
    so it is not run here; ``tests/course/test_authoring.py`` does it in a copy)::

        new_notebook("07_pricing", "Pricing and customer value")

    A name that is not ``NN_topic`` is refused before anything is written:

    >>> new_notebook("pricing", "Pricing")
    Traceback (most recent call last):
    ...
    crmlab.errors.CrmlabError: notebook name 'pricing' must look like 07_pricing: two digits, an underscore, then lower-case words joined by underscores
    """
    match = NAME_PATTERN.match(name.removesuffix(".ipynb"))
    if not match:
        raise CrmlabError(f"notebook name {name!r} must look like 07_pricing: two digits, an underscore, then "
                          "lower-case words joined by underscores")
    title = " ".join(title.split())
    if not title:
        raise CrmlabError("give the notebook a title: --title \"Pricing and customer value\"")
    if not isinstance(minutes, int) or minutes <= 0:
        raise CrmlabError(f"minutes must be a positive whole number, not {minutes!r}")
    number, stem = match.group("number"), match.group(0)
    root = course_root(course_dir)
    notebooks, registry = root / "notebooks", root / "crmlab" / "course" / "exercises"
    taken = sorted(p.name for p in notebooks.glob(f"{number}_*.ipynb"))
    if taken:
        raise CrmlabError(f"notebook number {number} is taken by {taken}; choose another number")
    module_path = registry / f"nb{number}.py"
    if module_path.exists():
        raise CrmlabError(f"{module_path} exists already; notebook {number} would share its exercises. "
                          "Choose another number")
    from crmlab import datasets

    data = list(data) if data is not None else ["cdnow_summary"]
    unknown = sorted(set(data) - set(datasets.catalogue().index))
    if unknown:
        raise CrmlabError(f"datasets {unknown} are not in the catalogue; see crmlab.datasets.catalogue()")

    module_text = _fill((TEMPLATE_DIR / "exercises.py.tmpl").read_text(encoding="utf-8"), number, title)
    module_path.write_text(module_text, encoding="utf-8")
    try:
        module = _load_module(module_path, f"crmlab_new_nb{number}")
        questions = {q.id: q.markdown() for q in module.QUESTIONS}
        nb = template_notebook(number, title, questions)
        target = notebooks / f"{stem}.ipynb"
        nbformat.validate(nb)
        nbformat.write(nb, target)
    except Exception:
        module_path.unlink(missing_ok=True)
        raise

    entry = {"notebook": target.name, "minutes": minutes, "prerequisites": list(prerequisites or ["00"]),
             "data": data}
    course_yaml = notebooks / "course.yaml"
    text = course_yaml.read_text(encoding="utf-8")
    block = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, default_flow_style=None)
    course_yaml.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")
    from crmlab.course.site import read_course_yaml

    try:
        listed = [e["notebook"] for e in read_course_yaml(notebooks)["notebooks"]]
    except CrmlabError:
        listed = []
    if listed[-1:] != [target.name]:
        course_yaml.write_text(text, encoding="utf-8")
        target.unlink()
        module_path.unlink()
        raise CrmlabError(f"could not append {target.name} to {course_yaml}: its 'notebooks' list must come last "
                          f"in the file. Add this entry to it by hand and run the command again:\n{block}")
    return NewNotebook(notebook=target, exercises=module_path, course_yaml=course_yaml)
