"""crmlab.datasets.schema.survey: one description of each instrument, used by the loaders, the generator
and the analyses."""

import sys
from pathlib import Path

from crmlab import datasets, survey
from crmlab.datasets.schema import survey as schema

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "datasets"))
import make_servqual  # noqa: E402


def test_servqual_instrument_has_22_items_in_five_dimensions():
    items = [i for numbers in schema.SERVQUAL_DIMENSIONS.values() for i in numbers]
    assert items == list(range(1, 23))
    assert list(schema.SERVQUAL_ITEM_LABELS) == items
    assert schema.SERVQUAL_ITEMS[:2] == ["E01", "E02"] and schema.SERVQUAL_ITEMS[-1] == "P22"
    assert schema.SERVQUAL_WEIGHTS == ["W_tangibles", "W_reliability", "W_responsiveness", "W_assurance", "W_empathy"]


def test_generator_loader_and_analysis_share_the_description():
    assert make_servqual.DIMENSIONS is schema.SERVQUAL_DIMENSIONS
    columns = survey.servqual_columns()
    assert list(columns["expectation"]) + list(columns["perception"]) == schema.SERVQUAL_ITEMS
    data = datasets.load_servqual_survey()
    assert ["respondent_id", *data.columns] == schema.SERVQUAL_SURVEY_COLUMNS
    assert list(data["segment"].cat.categories) == list(schema.SERVQUAL_SEGMENTS)
    lo, hi = schema.SERVQUAL_SCALE
    answers = data[schema.SERVQUAL_ITEMS]
    assert answers.min().min() >= lo and answers.max().max() <= hi


def test_generated_survey_is_the_committed_file(tmp_path):
    make_servqual.generate().to_csv(tmp_path / "s.csv", index=False, lineterminator="\n")
    assert (tmp_path / "s.csv").read_bytes() == (datasets.DATA_DIR / make_servqual.OUTPUT).read_bytes()


def test_ecsi_blocks_wording_and_paths_agree_with_the_survey_modules():
    """The questionnaire and the ECSI model describe the same instrument as the schema leaf."""
    blocks = schema.MOBI_BLOCKS
    assert sum(len(items) for items in blocks.values()) == 24
    assert list(schema.MOBI_WORDING) == [item for items in blocks.values() for item in items]
    questionnaire = survey.mobi_questionnaire()
    table = questionnaire.table()
    assert table["wording"].to_dict() == schema.MOBI_WORDING
    assert set(table["scale"]) == {f"{schema.MOBI_SCALE[0]}-{schema.MOBI_SCALE[1]}"}
    model = survey.ecsi_model()
    assert {lv: list(items) for lv, items in model.blocks.items()} == blocks
    assert [tuple(p) for p in model.paths] == list(schema.ECSI_PATHS)
    assert list(datasets.load_ecsi_mobi().columns) == list(schema.MOBI_WORDING)
