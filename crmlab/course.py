"""The course as files: find the notebooks, execute them deterministically, render the site.

``execute`` is what ``make refresh`` runs: a fresh kernel per notebook, top to bottom, outputs stored
in place without timing metadata, so two runs give byte-identical files.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

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


def execute(path: Path, output: Path | None = None, timeout: int = 900) -> nbformat.NotebookNode:
    """Run ``path`` in a fresh kernel from its own folder and write it to ``output`` (default: in place)."""
    os.environ.update(DETERMINISTIC_ENV)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, output or path)
    return nb
