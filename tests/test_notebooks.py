"""The stored notebooks: executed top to bottom in one kernel, set up and closed the same way, with
clean outputs. nbval (run by the same pytest command) re-executes them and compares every output."""

import nbformat
import pytest

from crmlab import course
from crmlab.course.notebook import FIGURE_WARNING

NOTEBOOKS = course.notebooks()


def test_the_seven_course_notebooks_are_there():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_executed_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "run `make refresh`"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "setup()" in code[0].source and "from crmlab.course.notebook import setup" in code[0].source
    assert "versions()" in code[-1].source
    for cell in code:
        assert "execution" not in cell.metadata, "timing metadata makes refreshes differ"
        for out in cell.outputs:
            assert out.output_type != "error", f"cell {cell.execution_count} stored an error"
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert FIGURE_WARNING not in text, f"cell {cell.execution_count}: {text[:300]}"
            assert "Warning" not in text or "CrmlabWarning" in text, f"cell {cell.execution_count}: {text[:300]}"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for section in ("Learning objectives", "Check your understanding", "Summary", "References"):
        assert section in markdown, f"{path.name} has no {section} section"
