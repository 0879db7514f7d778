"""The course as files: find the notebooks, execute them deterministically, render the site.

``execute`` is what ``make refresh`` runs: a fresh kernel per notebook, top to bottom, outputs stored
in place without timing metadata, so two runs give byte-identical files.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from crmlab.errors import CrmlabError

#: The repository a clone runs from (meaningless for an installed wheel).
ROOT = Path(__file__).resolve().parents[2]
#: The course notebooks: shipped in the wheel as ``crmlab/course/notebooks``; in a clone (or an editable
#: install) the repository's ``notebooks/``.
NOTEBOOK_DIR = next((d for d in (Path(__file__).with_name("notebooks"), ROOT / "notebooks")
                     if (d / "course.yaml").is_file()), ROOT / "notebooks")

#: Environment every notebook runs under (the Makefile sets the same for nbval).
DETERMINISTIC_ENV = {
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "SOURCE_DATE_EPOCH": "0",
}


def notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The course notebooks in order (``00_…``, ``01_…``, …).

    Parameters
    ----------
    directory
        The folder holding them (default: the course's, :data:`NOTEBOOK_DIR`).

    Returns
    -------
    list of pathlib.Path
        Every ``NN_*.ipynb`` of ``directory``, sorted by name.

    Examples
    --------
    >>> [p.name[:2] for p in notebooks()][:3]
    ['00', '01', '02']
    """
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def execute(
    path: Path, output: Path | None = None, *, timeout: int = 900, workdir: Path | None = None
) -> nbformat.NotebookNode:
    """Run ``path`` in a fresh kernel and write it to ``output`` (default: in place).

    Parameters
    ----------
    path
        The notebook to execute.
    output
        Where to write the executed notebook; ``None`` overwrites ``path`` (what ``make refresh`` does).
    timeout
        Seconds a cell may run.
    workdir
        The folder the kernel starts in (default: the notebook's own folder).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, without timing metadata, so that two runs give identical files.

    Examples
    --------
    Re-execute notebook 03 in place (what ``make refresh NB=notebooks/03_bgnbd_lifetime_estimation.ipynb``
    runs; not run here, it takes a minute)::

        execute(find_notebook("03"))
    """
    os.environ.update(DETERMINISTIC_ENV)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir or path.parent)}},
        record_timing=False,
        coalesce_streams=True,  # stdout may arrive in one chunk or several: store it as one
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, output or path)
    return nb


def find_notebook(name: str) -> Path:
    """A course notebook by number (``"03"``) or by path.

    Parameters
    ----------
    name
        A number (``"3"`` or ``"03"``) or the path of an ``.ipynb`` file.

    Returns
    -------
    pathlib.Path
        The notebook; a :class:`~crmlab.errors.CrmlabError` lists the course's notebooks when there is
        none by that number.

    Examples
    --------
    >>> find_notebook("3").name
    '03_bgnbd_lifetime_estimation.ipynb'
    """
    path = Path(name)
    if path.suffix == ".ipynb":
        if not path.is_file():
            raise CrmlabError(f"no such notebook: {name}")
        return path
    matches = [p for p in notebooks() if p.name.startswith(name.zfill(2) + "_")]
    if not matches:
        raise CrmlabError(f"no course notebook numbered {name!r}; the notebooks are {[p.name for p in notebooks()]}")
    return matches[0]


def parse_parameter(value: str, name: str = "") -> object:
    """A command-line parameter value as the notebook would write it.

    ``None``/``null``, ``true``/``false``, integers and floats become Python values; a value written as
    a list, mapping or tuple — JSON or YAML flow syntax, ``"[0, 3, 5, 7]"``, ``"{Sat: [s1, s2]}"``,
    ``"[[Qual, Sat]]"``, ``"(1, 7)"`` — becomes a list or dict; anything else (paths, dates, names)
    stays text.

    Parameters
    ----------
    value
        The text given on the command line (``-p NAME VALUE``).
    name
        The parameter's name, for error messages.

    Returns
    -------
    object
        ``None``, a bool, int, float, list, dict, or the text itself.

    Raises
    ------
    CrmlabError
        A value that starts like a list or mapping but is not valid JSON/YAML, naming the parameter.

    Examples
    --------
    >>> parse_parameter("[0, 3, 5, 7]"), parse_parameter("(1, 7)"), parse_parameter("0.25")
    ([0, 3, 5, 7], [1, 7], 0.25)
    >>> parse_parameter("{Satisfaction: [s1, s2]}"), parse_parameter("data/my survey.csv")
    ({'Satisfaction': ['s1', 's2']}, 'data/my survey.csv')
    """
    text = value.strip()
    lowered = text.lower()
    if lowered in {"none", "null"}:
        return None
    if lowered in {"true", "false"}:
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text[:1] in "[{(" and text:
        from crmlab.errors import DataFileError
        from crmlab.files import parse_yaml

        literal = "[" + text[1:-1] + "]" if text.startswith("(") and text.endswith(")") else text
        where = f"parameter {name!r}" if name else "a parameter"
        try:  # bounded: nesting, aliases and duplicate keys are refused as crmlab errors
            return parse_yaml(literal, what=where)
        except DataFileError as exc:
            detail = str(exc).split(": ", 1)[-1].splitlines()[0]
            raise CrmlabError(
                f"{where}: {value!r} looks like a list or mapping but is not valid JSON/YAML "
                f"({detail}); write it like \"[1, 7]\", \"[[Quality, Satisfaction]]\" "
                "or \"{Satisfaction: [s1, s2, s3]}\" and quote it for the shell"
            ) from None
    return value


class _PapermillInspectionFilter(logging.Filter):
    """Drop papermill's guesses about the parameters cell ("Unable to parse line", "Passed unknown
    parameter"): its line parser trips over comments holding "=", and the parameters have already been
    checked against the cell here, so those warnings would only mislead."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Unable to parse line") or message.startswith("Passed unknown parameter"))


def _crmlab_error_names() -> frozenset[str]:
    """Names of CrmlabError and every subclass of it that is defined (in crmlab.errors or elsewhere)."""
    names, todo = set(), [CrmlabError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return frozenset(names)


def run_with_parameters(name: str, parameters: dict[str, str], output: Path | None = None) -> Path:
    """Execute a copy of a notebook with papermill, its ``parameters`` cell overridden.

    Values given as text are read with :func:`parse_parameter` (lists and mappings arrive as such);
    paths given as parameters are made absolute, since the notebook runs in its own folder. A crmlab
    error raised by the notebook (a missing or inconsistent parameter, invalid data) is raised again
    with its own message.

    Parameters
    ----------
    name
        The notebook, by number or path (:func:`find_notebook`).
    parameters
        Parameter name → value; each name must be assigned in the notebook's ``parameters`` cell.
    output
        The executed copy (default: ``NN_name-run.ipynb`` in the current folder).

    Returns
    -------
    pathlib.Path
        The executed copy.

    Examples
    --------
    Notebook 04 on one's own 7-point survey (what ``crmlab run 04 -p survey_csv my.csv …`` does)::

        run_with_parameters("04", {"survey_csv": "my.csv", "scale": "[1, 7]",
                                   "blocks": "{Quality: [q1, q2], Satisfaction: [s1, s2, s3]}",
                                   "paths": "[[Quality, Satisfaction]]"})
    """
    import papermill

    source = find_notebook(name)
    nb = nbformat.read(source, as_version=4)
    declared = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if declared is None:
        raise CrmlabError(f"{source.name} has no cell tagged 'parameters'; it cannot be run on other data")
    values = {k: parse_parameter(v, k) if isinstance(v, str) else v for k, v in parameters.items()}
    unknown = [k for k in values if not re.search(rf"^{re.escape(k)}\s*=", declared.source, re.M)]
    if unknown:
        raise CrmlabError(
            f"{source.name} has no parameter {unknown}; its parameters cell is:\n{declared.source}"
        )
    for key, value in values.items():
        if isinstance(value, str) and Path(value).exists():
            values[key] = str(Path(value).resolve())
    output = Path(output or f"{source.stem}-run.ipynb").resolve()
    os.environ.update(DETERMINISTIC_ENV)
    quiet = _PapermillInspectionFilter()
    loggers = [logging.getLogger("papermill"), logging.getLogger("papermill.translators")]
    for logger in loggers:
        logger.addFilter(quiet)
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=values, cwd=str(source.parent), kernel_name="python3",
            progress_bar=False,
        )
    except papermill.PapermillExecutionError as exc:
        if exc.ename in _crmlab_error_names():  # the notebook explained the problem: pass its message on
            raise CrmlabError(
                f"{source.name}: {exc.evalue}\n(the partly executed copy is {output})"
            ) from None
        raise CrmlabError(
            f"{source.name} stopped at cell [{exc.exec_count}] with {exc.ename}: {exc.evalue}\n"
            f"The partly executed copy, with the full traceback, is {output}"
        ) from None
    finally:
        for logger in loggers:
            logger.removeFilter(quiet)
    return output
