"""pyproject.toml is the source of truth: environment.yml, the lock file, README and CI follow it."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def lock() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def all_requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra if not r.startswith("crmlab")]
    return reqs


def test_environment_yml_mirrors_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    assert python == "python" + PYPROJECT["project"]["requires-python"]
    assert "pip" in deps
    pip = next(d for d in deps if isinstance(d, dict))["pip"]
    # conda users install the package itself with its dev extra: no second list of packages to drift
    assert pip == ["-e .[dev]"]
    assert set(PYPROJECT["project"]["optional-dependencies"]) >= {"dev"}
    conda_packages = [d for d in deps if isinstance(d, str)]
    assert conda_packages == [python, "pip"], "list dependencies in pyproject.toml, not in environment.yml"


def test_lock_pins_every_declared_dependency_within_its_range():
    pins = lock()
    for req in all_requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not pinned in requirements/lock.txt"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} violates {req.specifier}"


def test_lifetimes_is_pinned_to_the_version_whose_breakages_are_worked_around():
    assert "lifetimes==0.11.3" in PYPROJECT["project"]["dependencies"]


def test_readme_quick_start_and_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:\w+)?\n(.*?)```", quick, re.S).group(1)
    assert [line.strip() for line in block.strip().splitlines()] == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.startswith("#")]
    assert commands[-1] == "make test"


def test_licences_declared():
    assert PYPROJECT["project"]["license"] == "BSD-3-Clause"
    assert "BSD 3-Clause" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0" in (ROOT / "LICENSE-notebooks.md").read_text(encoding="utf-8")
