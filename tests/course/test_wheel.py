"""The package stands on its own: a wheel built from the repository, installed in a fresh environment
outside the clone, loads its data and hands out the course with ``crmlab start``."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from crmlab import course

ROOT = course.ROOT


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A new virtual environment with the built wheel installed, its dependencies borrowed read-only."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "LICENSE-notebooks.md"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "crmlab", src / "crmlab", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", src / "notebooks", ignore=ignore)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp / "dist"), str(src)], check=True, cwd=tmp, timeout=600)
    wheel = next((tmp / "dist").glob("crmlab-*.whl"))
    env_dir = tmp / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=300)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--target",
                    str(site), str(wheel)], check=True, timeout=300)
    # the dependencies (numpy, pandas, …) of this environment, without its editable crmlab
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    outside = tmp / "elsewhere"
    outside.mkdir()
    return python, outside, wheel


def run(python, cwd, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CRMLAB_DATA_DIR")}
    result = subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_the_wheel_carries_the_notebooks_and_the_data(fresh):
    import zipfile

    _, _, wheel = fresh
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in course.notebooks():
        assert f"crmlab/course/notebooks/{path.name}" in names
    assert "crmlab/course/notebooks/course.yaml" in names
    assert "crmlab/course/labels.csv" in names
    data = {p.name for p in (ROOT / "crmlab" / "datasets" / "data").iterdir() if p.is_file()}
    assert {n.rsplit("/", 1)[-1] for n in names if n.startswith("crmlab/datasets/data/")} == data


def test_installed_package_runs_outside_the_clone(fresh):
    python, outside, _ = fresh
    out = json.loads(run(python, outside, "-c", (
        "import json, crmlab, crmlab.course as c\n"
        "from crmlab import datasets\n"
        "print(json.dumps({'file': crmlab.__file__, 'notebooks': str(c.NOTEBOOK_DIR),\n"
        "  'glossary': len((datasets.DATA_DIR / 'glossary.csv').read_text(encoding='utf-8').splitlines()),\n"
        "  'chain': len(datasets.load_porter_value_chain())}))")))
    site_packages = str(python.parent.parent)
    assert out["file"].startswith(site_packages) and out["notebooks"].startswith(site_packages)
    assert not out["file"].startswith(str(ROOT))
    assert out["glossary"] > 30 and out["chain"] > 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_crmlab_start_hands_out_the_course_from_the_installed_package(fresh, lang):
    python, outside, _ = fresh
    target = outside / f"course-{lang}"
    printed = run(python, outside, "-m", "crmlab.cli", "start", str(target), "--lang", lang)
    assert f"copied {len(course.notebooks())} notebooks (student edition, {lang})" in printed
    copied = sorted(p.name for p in (target / "notebooks").glob("*.ipynb"))
    assert copied == [p.name for p in course.notebooks()]
    assert (target / "notebooks" / "course.yaml").is_file() and list((target / "templates").iterdir())
    other = "lang-en" if lang == "zh" else "lang-zh"
    for name in copied:
        nb = nbformat.read(target / "notebooks" / name, as_version=4)
        tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
        assert "solution" not in tags and other not in tags, name
        first_code = next(c for c in nb.cells if c.cell_type == "code" and "setup(" in c.source)
        assert ('setup(lang="zh")' in first_code.source) == (lang == "zh"), name
