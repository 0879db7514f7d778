"""The course as files: find the notebooks, execute them deterministically, render the site.

``execute`` is what ``make refresh`` runs: a fresh kernel per notebook, top to bottom, outputs stored
in place without timing metadata, so two runs give byte-identical files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from crmlab.errors import CrmlabError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"

#: Environment every notebook runs under (the Makefile sets the same for nbval).
DETERMINISTIC_ENV = {
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "SOURCE_DATE_EPOCH": "0",
}


def notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The course notebooks in order (``00_…`` to ``05_…``)."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def execute(
    path: Path, output: Path | None = None, *, timeout: int = 900, workdir: Path | None = None
) -> nbformat.NotebookNode:
    """Run ``path`` in a fresh kernel and write it to ``output`` (default: in place).

    The kernel starts in ``workdir`` (default: the notebook's own folder).
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
    """A course notebook by number (``"03"``) or by path."""
    path = Path(name)
    if path.suffix == ".ipynb":
        if not path.is_file():
            raise CrmlabError(f"no such notebook: {name}")
        return path
    matches = [p for p in notebooks() if p.name.startswith(name.zfill(2) + "_")]
    if not matches:
        raise CrmlabError(f"no course notebook numbered {name!r}; the notebooks are {[p.name for p in notebooks()]}")
    return matches[0]


def parse_parameter(value: str) -> object:
    """A command-line parameter value as the notebook would write it: None, a bool, a number or text."""
    lowered = value.strip().lower()
    if lowered in {"none", "null"}:
        return None
    if lowered in {"true", "false"}:
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def run_with_parameters(name: str, parameters: dict[str, str], output: Path | None = None) -> Path:
    """Execute a copy of a notebook with papermill, its ``parameters`` cell overridden.

    Paths given as parameters are made absolute, since the notebook runs in its own folder.
    """
    import papermill

    source = find_notebook(name)
    nb = nbformat.read(source, as_version=4)
    declared = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if declared is None:
        raise CrmlabError(f"{source.name} has no cell tagged 'parameters'; it cannot be run on other data")
    values = {k: parse_parameter(v) for k, v in parameters.items()}
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
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=values, cwd=str(source.parent), kernel_name="python3",
            progress_bar=False,
        )
    except papermill.PapermillExecutionError as exc:
        raise CrmlabError(
            f"{source.name} stopped at cell [{exc.exec_count}] with {exc.ename}: {exc.evalue}\n"
            f"The partly executed copy, with the full traceback, is {output}"
        ) from None
    return output
