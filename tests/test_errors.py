import numpy as np
import pandas as pd
import pytest

from crmlab import errors


def test_every_error_is_a_value_error():
    for cls in (errors.DataValidationError, errors.EmptyDataError, errors.MissingColumnError,
                errors.SpecificationError, errors.ParameterError, errors.ConvergenceError, errors.DataFileError):
        assert issubclass(cls, errors.CrmlabError) and issubclass(cls, ValueError)


def test_validation_message_shows_at_most_five_rows_and_the_fix():
    df = pd.DataFrame({"amount": [-1.0, 2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0]})
    rows = errors.offending_rows(df["amount"] < 0)
    err = errors.DataValidationError("negative amount", column="amount", rows=rows, fix="remove refunds", data=df)
    text = str(err)
    assert text.splitlines()[0] == "column 'amount': negative amount"
    assert "7 offending row(s) (showing the first 5): [0, 2, 3, 4, 5]" in text
    assert "-6.0" in text and "-7.0" not in text  # the excerpt stops after five rows
    assert text.endswith("How to fix: remove refunds")
    assert err.column == "amount" and err.rows == [0, 2, 3, 4, 5, 6, 7]


def test_offending_rows_treats_missing_as_false():
    mask = pd.Series([True, np.nan, False, True], index=[10, 11, 12, 13], dtype=object)
    assert errors.offending_rows(mask) == [10, 13]


def test_missing_column_names_what_is_there():
    with pytest.raises(errors.MissingColumnError) as info:
        errors.require_columns(pd.DataFrame({"a": [1], "b": [2]}), ["a", "c", "d"], what="the survey")
    assert "the survey has no column 'c', 'd'" in str(info.value)
    assert "['a', 'b']" in str(info.value)
    assert info.value.missing == ["c", "d"]


def test_empty_data():
    with pytest.raises(errors.EmptyDataError, match="the log has no rows"):
        errors.require_rows(pd.DataFrame({"a": []}), what="the log")


def test_specification_error_lists_every_problem():
    err = errors.SpecificationError("value chain", ["unknown activity 'sales'", "shares sum to 0.9"], fix="see the template")
    lines = str(err).splitlines()
    assert lines == ["value chain: 2 problem(s)", "  - unknown activity 'sales'", "  - shares sum to 0.9",
                     "How to fix: see the template"]
