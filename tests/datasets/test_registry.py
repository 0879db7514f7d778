"""crmlab.datasets.registry: the catalogue, provenance on every loaded frame, missing files, the generated README."""

import sys
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


# ----------------------------------------------------------------------------------------------
# One metadata source for catalogue() and datasets/README.md

ROOT = TESTS.parent
sys.path.insert(0, str(ROOT / "datasets"))
import make_readme  # noqa: E402


def test_committed_readme_is_the_generated_one():
    committed = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    assert make_readme.render(committed) == committed, "run python datasets/make_readme.py"


def test_readme_states_each_catalogue_field_once_and_as_the_catalogue_does():
    readme = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    sections = readme.split("\n## ")[1:]
    cat = datasets.catalogue()
    assert [s.split("`")[1] for s in sections] == list(cat.index)
    for section, (name, row) in zip(sections, cat.iterrows(), strict=True):
        assert section.count("- Licence: ") == 1 and f"- Licence: {row['licence']}\n" in section, name
        assert f"- Source: {row['source']}\n" in section and f"- Citation: {row['citation']}\n" in section, name
        assert f"`{row['loader']}(" in section, name
        assert ("SYNTHETIC" if row["synthetic"] else "real") in section.splitlines()[0], name


def test_a_note_that_states_a_licence_is_refused():
    committed = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    broken = committed.replace("CDNOW was an online CD retailer.", "CDNOW was an online CD retailer.\nLicence: public domain.")
    assert broken != committed
    with pytest.raises(SystemExit, match="cdnow_transactions.*licence"):
        make_readme.render(broken)


def test_generated_catalogue_follows_the_metadata():
    """Change a licence in the registry and the README section changes with it (and nothing else)."""
    from crmlab.datasets import registry

    before = registry.readme_catalogue()
    prov, loader = registry._CATALOGUE["glossary"]
    try:
        registry._CATALOGUE["glossary"] = (registry.Provenance(**{**prov.__dict__, "licence": "CC0"}), loader)
        after = registry.readme_catalogue()
    finally:
        registry._CATALOGUE["glossary"] = (prov, loader)
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("- Licence: CC BY 4.0 (crmlab)", "- Licence: CC0")]


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "datasets").glob("make_*.py") if p.name != "make_readme.py"))
def test_generator_scripts_state_the_catalogue_licence(script):
    """A generator that states a licence states the catalogue's licence of the file it writes."""
    text = (ROOT / "datasets" / script).read_text(encoding="utf-8")
    cat = datasets.catalogue()
    written = [name for name, row in cat.iterrows() if f"datasets/{script}" in row["source"]]
    assert len(written) == 1, f"no catalogue entry names {script} as its generator"
    licence = cat.loc[written[0], "licence"]
    stated = [line for line in text.splitlines() if "Licence" in line or "licence" in line]
    for line in stated:
        assert licence in line, f"{script} states {line.strip()!r}; the catalogue says {licence!r}"


def test_provenance_lookup_and_loader_calls():
    from crmlab.datasets import registry

    assert registry.provenance("glossary").licence == "CC BY 4.0 (crmlab)"
    assert registry.loader_call("readiness_cases") == "crmlab.datasets.load_readiness_cases(profiles=False)"
    with pytest.raises(KeyError, match="no dataset 'nope'"):
        registry.provenance("nope")


def test_data_dir_set_on_the_package_redirects_every_loader(monkeypatch, tmp_path):
    (tmp_path / "glossary.csv").write_text(
        "term_en,term_zh,definition,definition_zh,notebook\nchurn,客户流失,Customers lost.,,03\n", encoding="utf-8")
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path)
    assert datasets.load_glossary()["term_en"].tolist() == ["churn"]
