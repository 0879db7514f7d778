"""Layers that point one way: no import cycle between crmlab's files (imports inside functions
included), data below analysis below the course, and no file importing another file's private names."""

import ast
from pathlib import Path

import nbformat
import pytest

from crmlab import course

PACKAGE = Path(course.ROOT) / "crmlab"

#: Layers, lowest first: a module may import its own layer and the layers below it.
LAYERS = {
    "data": ("crmlab.errors", "crmlab.validation", "crmlab.files", "crmlab.ids", "crmlab.transactions",
             "crmlab.datasets", "crmlab.stats", "crmlab.plotting"),
    "analysis": ("crmlab.value", "crmlab.valuechain", "crmlab.clv", "crmlab.segmentation", "crmlab.survey",
                 "crmlab.adoption"),
    "course": ("crmlab.course", "crmlab.cli", "crmlab.notebook", "crmlab.exercises"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> str:
    for name, prefixes in LAYERS.items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name
    return "package"  # crmlab/__init__.py


def imports(module: str) -> list[tuple[str, list[str], int]]:
    """(imported crmlab module, names taken from it, line) for every import statement of ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("crmlab")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if not base.startswith("crmlab"):
                continue
            names = [a.name for a in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            others = [n for n in names if f"{base}.{n}" not in MODULES]
            found += [(m, [], node.lineno) for m in submodules]
            if others or not submodules:
                found.append((base, others, node.lineno))
    return found


GRAPH = {m: sorted({target for target, _, _ in imports(m) if target in MODULES and target != m}) for m in MODULES}


def cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_files():
    assert not cycles(), "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles())


def test_imports_point_down_the_layers():
    order = list(LAYERS)
    wrong = []
    for module in MODULES:
        if layer(module) == "package":
            continue
        for target, _, line in imports(module):
            if target in MODULES and layer(target) in order and order.index(layer(target)) > order.index(layer(module)):
                wrong.append(f"{module}:{line} ({layer(module)}) imports {target} ({layer(target)})")
    assert not wrong, "\n".join(wrong)


def test_no_file_imports_another_files_private_names():
    private = []
    for module in MODULES:
        for target, names, line in imports(module):
            hidden = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if any(part.startswith("_") and not part.startswith("__") for part in target.split(".")):
                hidden.append(target)
            if hidden and target != module:
                private.append(f"{module}:{line} imports {hidden} from {target}")
    assert not private, "\n".join(private)


def test_the_data_layer_loads_without_the_analysis_modules():
    import subprocess
    import sys

    code = ("import sys, crmlab.datasets, crmlab.transactions, crmlab.validation\n"
            "print(sorted(m for m in sys.modules if m.split('.')[:2] in (['crmlab', 'value'], ['crmlab', 'clv'],"
            " ['crmlab', 'valuechain'], ['crmlab', 'adoption'], ['crmlab', 'survey'], ['crmlab', 'course'])))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


#: Longest code cell a notebook may carry outside solutions: longer computations belong in crmlab.
MAX_CELL_LINES = 12


@pytest.mark.parametrize("path", course.notebooks(), ids=[p.name for p in course.notebooks()])
def test_notebooks_call_rather_than_compute(path):
    nb = nbformat.read(path, as_version=4)
    long = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
            continue
        lines = [line for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#")]
        if len(lines) > MAX_CELL_LINES:
            long.append(f"cell {k}: {len(lines)} lines: {cell.source.strip()[:60]!r}")
    assert not long, "\n".join(long)
