"""Docs in code: every public function of crmlab has numpydoc Parameters, Returns and Examples sections
(the examples run as doctests in the test command, ``--doctest-modules``)."""

import ast
import re
from pathlib import Path

from crmlab import course

PACKAGE = Path(course.ROOT) / "crmlab"
SECTION = re.compile(r"^\s*(?P<name>Parameters|Returns|Yields|Examples)\s*\n\s*-{3,}\s*$", re.M)


def public_functions() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if any(part.startswith("_") and part != "__init__.py" for part in path.relative_to(PACKAGE).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found.append((f"{path.relative_to(PACKAGE.parent).as_posix()}::{node.name}", node))
    return found


FUNCTIONS = public_functions()


def missing_sections(node: ast.FunctionDef) -> list[str]:
    doc = ast.get_docstring(node) or ""
    present = {m.group("name") for m in SECTION.finditer(doc)}
    needed = ["Examples"]
    if [a for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]:
        needed.append("Parameters")
    returns_none = isinstance(node.returns, ast.Constant) and node.returns.value is None
    if not returns_none and not {"Returns", "Yields"} & present:
        needed.append("Returns")
    return [s for s in needed if s not in present]


def test_every_public_function_has_parameters_returns_and_examples():
    gaps = [f"{name}: {', '.join(missing)}" for name, node in FUNCTIONS if (missing := missing_sections(node))]
    assert not gaps, f"{len(gaps)} of {len(FUNCTIONS)} public functions lack numpydoc sections:\n" + "\n".join(gaps)


def test_every_examples_section_shows_code():
    """An Examples section holds a doctest (``>>>``, run by the test command) or a literal block (``::``)
    for what cannot run in a test (a notebook's first cell)."""
    empty = []
    for name, node in FUNCTIONS:
        doc = ast.get_docstring(node) or ""
        match = re.search(r"^\s*Examples\s*\n\s*-{3,}\s*$(?P<body>.*?)(?=^\s*\w[\w ]*\n\s*-{3,}\s*$|\Z)",
                          doc, re.M | re.S)
        if match and ">>>" not in match.group("body") and "::" not in match.group("body"):
            empty.append(name)
    assert not empty, "Examples without code: " + ", ".join(empty)
