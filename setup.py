"""Ship the course notebooks inside the wheel: ``crmlab start`` copies them out of the installed package.

The notebooks live in ``notebooks/`` at the top of the repository, where students and nbval find them;
the wheel carries a copy as ``crmlab/course/notebooks/``. Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class BuildWithNotebooks(build_py):
    """``build_py`` that also copies ``notebooks/*.ipynb`` and ``course.yaml`` into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads notebooks/ in place
        target = Path(self.build_lib) / "crmlab" / "course" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) + [NOTEBOOKS / "course.yaml"]:
            shutil.copy2(path, target / path.name)


setup(cmdclass={"build_py": BuildWithNotebooks})
