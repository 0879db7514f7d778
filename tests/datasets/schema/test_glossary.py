"""crmlab.datasets.schema.glossary and load_glossary: the bilingual glossary is a validated dataset."""

import pandas as pd
import pytest

from crmlab import datasets
from crmlab.datasets.schema.glossary import GLOSSARY_COLUMNS, validate_glossary
from crmlab.errors import DataValidationError, MissingColumnError


def _glossary(**columns) -> pd.DataFrame:
    base = {"term_en": ["churn", "loyalty"], "term_zh": ["客户流失", "忠诚度"],
            "definition": ["Customers lost.", "Repeat buying."], "definition_zh": ["", ""], "notebook": ["03", "04"]}
    return pd.DataFrame(base | columns)


def test_bundled_glossary_loads_with_provenance():
    glossary = datasets.load_glossary()
    assert tuple(glossary.columns) == GLOSSARY_COLUMNS
    assert len(glossary) >= 30
    assert glossary["term_en"].is_unique and glossary["term_zh"].str.len().gt(0).all()
    assert set(glossary["notebook"]) <= {f"{i:02d}" for i in range(7)}
    assert glossary.loc[glossary["term_en"] == "customer value", "term_zh"].item() == "客户价值"
    assert glossary.attrs["name"] == "glossary" and glossary.attrs["synthetic"] is False
    assert glossary.attrs["licence"] == "CC BY 4.0 (crmlab)"


def test_glossary_matches_the_file_row_for_row():
    raw = pd.read_csv(datasets.DATA_DIR / "glossary.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(datasets.load_glossary(), raw.apply(lambda c: c.str.strip()), check_dtype=False)


def test_duplicate_english_term_is_refused_with_its_rows():
    with pytest.raises(DataValidationError, match="more than once") as info:
        validate_glossary(_glossary(term_en=["Churn", "churn"]))
    assert info.value.column == "term_en" and info.value.rows == [0, 1]


def test_empty_chinese_term_is_refused():
    with pytest.raises(DataValidationError, match="empty Chinese term") as info:
        validate_glossary(_glossary(term_zh=["客户流失", "  "]))
    assert info.value.column == "term_zh" and info.value.rows == [1]


@pytest.mark.parametrize(("column", "values", "fragment"), [
    ("definition", ["Customers lost.", ""], "empty definition"),
    ("notebook", ["3", "04"], "two-digit"),
    ("term_en", ["", "loyalty"], "empty English term"),
])
def test_other_problems_named(column, values, fragment):
    with pytest.raises(DataValidationError, match=fragment):
        validate_glossary(_glossary(**{column: values}))


def test_missing_column_is_named():
    with pytest.raises(MissingColumnError, match="definition_zh"):
        validate_glossary(_glossary().drop(columns="definition_zh"))


def test_empty_chinese_definition_is_allowed_while_translation_goes_on():
    assert validate_glossary(_glossary())["definition_zh"].tolist() == ["", ""]
