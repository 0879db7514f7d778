"""crmlab.datasets.registry: the catalogue, provenance on every loaded frame, missing files, the generated README."""

from pathlib import Path

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.errors import (
    CrmlabError,
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
)


TESTS = Path(__file__).resolve().parents[1]


PROVENANCE = ("name", "description", "source", "citation", "licence", "synthetic")


def test_catalogue_lists_every_loader_with_provenance():
    cat = datasets.catalogue()
    for name in ("cdnow_transactions", "cdnow_summary", "donations", "ecsi_mobi"):
        assert name in cat.index
    assert cat["licence"].str.len().gt(0).all()
    assert cat["source"].str.len().gt(0).all()
    assert cat["synthetic"].map(type).eq(bool).all()
    for loader in cat["loader"]:
        assert callable(getattr(datasets, loader.rsplit(".", 1)[1]))


def test_catalogue_readme_documents_every_dataset():
    readme = (Path(datasets.__file__).parents[2] / "datasets" / "README.md").read_text(encoding="utf-8")
    for name in datasets.catalogue().index:
        assert f"`{name}`" in readme, f"datasets/README.md does not describe {name}"


@pytest.mark.parametrize("name", list(datasets.catalogue().index))
def test_every_catalogued_loader_returns_data_with_its_provenance(name):
    entry = datasets.catalogue().loc[name]
    loaded = getattr(datasets, entry["loader"].rsplit(".", 1)[1])()
    assert len(loaded) > 0 if hasattr(loaded, "__len__") else loaded is not None
    for key in PROVENANCE:
        assert loaded.attrs[key] == entry[key] if key != "name" else loaded.attrs[key] == name
    if entry["synthetic"]:
        words = ("synthetic", "illustrative", "constructed", "placeholder")
        assert any(w in entry["description"].lower() for w in words), f"{name}: say in the description that it is synthetic"


def test_missing_own_data_file_says_how_to_get_it_back(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    with pytest.raises(DataFileError, match=r"servqual_ecommerce.csv is missing .*python datasets/make_servqual.py"):
        datasets.load_servqual_survey()
    with pytest.raises(DataFileError, match="restore it from the crmlab repository"):
        datasets.load_adoption_statistics()
