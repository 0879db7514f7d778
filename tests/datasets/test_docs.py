"""Every public function and class of the data layer's loaders and schema leaves, the value-chain and
adoption subpackages and crmlab.stats documents its parameters, what it returns and an example (the
examples run as doctests)."""

import ast
from pathlib import Path

import pytest

import crmlab

ROOT = Path(crmlab.__file__).parent
MODULES = sorted(
    [ROOT / "datasets" / "__init__.py", ROOT / "datasets" / "registry.py", ROOT / "stats.py",
     ROOT / "survey" / "servqual.py",
     *(ROOT / "datasets" / "schema").glob("*.py"), *(ROOT / "valuechain").glob("*.py"),
     *(ROOT / "adoption").glob("*.py")]
)


def _public(path: Path):
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            yield node


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_numpydoc_sections(path):
    missing = []
    for node in _public(path):
        doc = ast.get_docstring(node) or ""
        need = ["Examples"]
        if isinstance(node, ast.FunctionDef):
            need.append("Returns")
            args = node.args
            if args.args or args.kwonlyargs or args.vararg or args.kwarg:
                need.append("Parameters")
        elif any(isinstance(b, ast.AnnAssign) for b in node.body):  # a dataclass: its fields are parameters
            need.append("Parameters")
        missing += [f"{node.name}: {section}" for section in need if f"{section}\n" + "-" * len(section) not in doc]
    assert missing == [], missing
