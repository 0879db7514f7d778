"""The layout of crmlab.clv and crmlab.value: layers one way, no private names across files, one
definition per concept, every public name documented (numpydoc Parameters, Returns, Examples)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import crmlab

ROOT = Path(crmlab.__file__).parent
OWNED = ("clv", "value")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """Every import of a file (inside functions too): (module, names imported from it)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _graph() -> dict[str, set[str]]:
    """Module -> crmlab modules it imports; importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` too."""
    files = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        edges = set()
        for module, names in _imports(path):
            if not module.startswith("crmlab"):
                continue
            targets = [module] + [f"{module}.{n}" for n in names if f"{module}.{n}" in files]
            for target in targets:
                parts = target.split(".")
                edges |= {".".join(parts[:i]) for i in range(2, len(parts) + 1) if ".".join(parts[:i]) in files}
        edges.discard(name)
        # a package's own __init__ runs before its submodules: not an edge back from them
        graph[name] = {e for e in edges if not name.startswith(e + ".")}
    return graph


def _cycle_through(graph: dict[str, set[str]], start: str) -> list[str] | None:
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def _owned_files() -> list[Path]:
    return sorted(p for sub in OWNED for p in (ROOT / sub).rglob("*.py"))


@pytest.mark.parametrize("path", _owned_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_cycle_through_clv_or_value(path):
    cycle = _cycle_through(_graph(), _module_name(path))
    assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize("path", _owned_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_imported_from_another_file(path):
    private = [(module, n) for module, names in _imports(path) if module.startswith("crmlab")
               for n in names if n.startswith("_")]
    private += [(module, "") for module, _ in _imports(path) if module.startswith("crmlab")
                and any(part.startswith("_") for part in module.split("."))]
    assert private == []


def test_layers_point_one_way():
    """clv is below value (value's RFM is a view of clv's summary kernel): clv never imports value, and
    neither imports the course layer."""
    graph = _graph()
    for name, edges in graph.items():
        if name.startswith("crmlab.clv"):
            assert not any(e.startswith("crmlab.value") for e in edges), name
        if name.startswith(("crmlab.clv", "crmlab.value")):
            assert not any(e.startswith(("crmlab.course", "crmlab.cli")) for e in edges), name


def test_one_place_for_concentration_and_playbook():
    """cumsum-based shares, playbook tables and time-unit maps are written once."""
    sources = {p: p.read_text(encoding="utf-8") for p in _owned_files()}
    cumsum = [str(p.relative_to(ROOT)) for p, s in sources.items() if "cumsum(" in s and "value_share" in s]
    assert cumsum == ["clv/segments.py"]
    assert [str(p.relative_to(ROOT)) for p, s in sources.items() if "one-to-one" in s] == ["clv/segments.py"]
    assert not any("TIME_UNITS = " in s or "PERIOD_UNITS = " in s for s in sources.values())


def _public_objects():
    for sub in OWNED:
        package = importlib.import_module(f"crmlab.{sub}")
        modules = [package] + [importlib.import_module(m.name) for m in
                               pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
        for module in modules:
            for name, obj in vars(module).items():
                if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                    continue
                if getattr(obj, "__module__", None) != module.__name__:
                    continue
                yield f"{module.__name__}.{name}", obj


@pytest.mark.parametrize("name,obj", list(_public_objects()), ids=lambda v: v if isinstance(v, str) else "")
def test_public_names_have_numpydoc_sections(name, obj):
    doc = inspect.getdoc(obj) or ""
    wanted = ["Examples"] + (["Parameters"] if inspect.isclass(obj) else ["Parameters", "Returns"])
    if inspect.isfunction(obj) and not inspect.signature(obj).parameters:
        wanted.remove("Parameters")
    missing = [section for section in wanted if f"{section}\n{'-' * len(section)}" not in doc]
    assert missing == [], f"{name} lacks {missing}"
