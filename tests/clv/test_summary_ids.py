"""crmlab.ids: customer ids coded in sorted-id order equal ``pd.factorize(ids, sort=True)`` for every
id dtype, and the summaries on text, category and Arrow-backed ids equal the summary on object ids.

The property tests draw id lists that mix the cases the coding treats differently: ids of at most 8
UTF-8 bytes (one integer key per id) and longer ones (Arrow's hash kernel), empty strings, strings that
look missing ("nan", "None", "<NA>", ...), non-ASCII text, NUL bytes, and categories in an order that is
not the sorted order, with categories that no row uses.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlab import clv
from crmlab import ids as ids_module
from crmlab.ids import KEY_BYTES, customer_codes, factorize_sorted
from crmlab.errors import CrmlabWarning

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MISSING_LOOKING = ["", "nan", "NaN", "None", "NA", "<NA>", "null", "NULL", "N/A", "-", " ", "0"]
TEXT_DTYPES = {
    "object": object,
    "str": "str",
    "string[python]": pd.StringDtype("python"),
    "string[pyarrow]": pd.StringDtype("pyarrow"),
    "arrow string": pd.ArrowDtype(pa.string()),
    "arrow large_string": pd.ArrowDtype(pa.large_string()),
}


def _as(ids: list[str], kind: str, rng: np.random.Generator | None = None) -> pd.Series:
    """The ids as a Series of one dtype; ``category`` gets a shuffled category order and unused categories."""
    if kind != "category":
        return pd.Series(ids, dtype=TEXT_DTYPES[kind])
    categories = sorted(set(ids)) + ["zz-unused", "\u00e9-unused", "!unused"]
    order = (rng or np.random.default_rng(0)).permutation(len(categories))
    return pd.Series(pd.Categorical(ids, categories=[categories[i] for i in order]))


def _assert_same_as_factorize(series: pd.Series) -> None:
    codes, uniques = factorize_sorted(series)
    expected_codes, expected_uniques = pd.factorize(series.astype(object), sort=True)
    np.testing.assert_array_equal(codes, expected_codes)
    assert codes.dtype == np.int64
    assert list(uniques) == list(expected_uniques)
    assert uniques.dtype == series.dtype  # ids keep their dtype (category: the same categories)


short_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=4)  # at most 16 bytes, mostly <= 8
ascii_codes = st.from_regex(r"[A-C][0-9]{0,7}", fullmatch=True)  # shop-style codes, many distinct lanes
long_text = st.text(min_size=9, max_size=40)  # always hashed (more than 8 bytes)
one_id = st.one_of(short_text, ascii_codes, long_text, st.sampled_from(MISSING_LOOKING))
id_lists = st.lists(one_id, min_size=1, max_size=60)


@PROPERTY
@given(ids=id_lists, kind=st.sampled_from([*TEXT_DTYPES, "category"]), seed=st.integers(0, 2**32 - 1))
def test_coding_equals_sorted_factorize_for_every_dtype(ids: list[str], kind: str, seed: int) -> None:
    _assert_same_as_factorize(_as(ids, kind, np.random.default_rng(seed)))


@PROPERTY
@given(ids=st.lists(st.one_of(short_text, ascii_codes, st.sampled_from(MISSING_LOOKING)), min_size=1, max_size=60),
       kind=st.sampled_from(list(TEXT_DTYPES)))
def test_short_ids_are_coded_without_hashing(ids: list[str], kind: str) -> None:
    """Ids of at most 8 bytes (the integer-key path) in every text dtype, against pd.factorize."""
    ids = [i for i in ids if len(i.encode()) <= KEY_BYTES and "\x00" not in i] or ["x"]
    _assert_same_as_factorize(_as(ids, kind))


def test_hand_checked_codes() -> None:
    codes, n_codes, ids_of = customer_codes(pd.Series(["b", "a", "b", "c"]))
    assert codes.tolist() == [1, 0, 1, 2] and n_codes == 3
    assert ids_of(np.array([0, 2])).tolist() == ["a", "c"]
    # code-point order, which is UTF-8 byte order: "Z" < "a" < "é" < "日"; "" first; a prefix first
    codes, uniques = factorize_sorted(pd.Series(["日", "é", "a", "Z", "", "ab", "a"]))
    assert uniques.tolist() == ["", "Z", "a", "ab", "é", "日"]
    assert codes.tolist() == [5, 4, 2, 1, 0, 3, 2]


@pytest.mark.parametrize("ids", [
    ["a", "a\x00", "\x00", "a\x00b", "a"],  # trailing NUL bytes: the zero padding would collide, so hashed
    ["C%07d" % i for i in np.random.default_rng(1).integers(0, 10**7, 3000)],  # 8 bytes, digits
    [f"{i:08x}" for i in np.random.default_rng(2).integers(0, 2**32, 3000)],  # 8 random hex digits
    ["".join(map(chr, row)) for row in np.random.default_rng(3).integers(33, 127, (3000, 8))],  # any byte
    [str(i) for i in np.random.default_rng(4).integers(0, 10**12, 3000)],  # mixed lengths, some > 8 bytes
    [f"user{i}@example.com" for i in np.random.default_rng(5).integers(0, 400, 3000)],
    ["same"] * 5,
    [""] * 3,
])
@pytest.mark.parametrize("kind", [*TEXT_DTYPES, "category"])
def test_coding_paths_equal_sorted_factorize(ids: list[str], kind: str) -> None:
    """Wide lanes (many distinct byte pairs) force the codes to be made dense on the way."""
    _assert_same_as_factorize(_as(ids, kind))


@pytest.mark.parametrize("ids", [
    ["C%07d" % i for i in np.random.default_rng(6).integers(0, 10**7, 5000)],  # fixed width 8
    ["C%d" % i for i in np.random.default_rng(7).integers(0, 10**6, 5000)],  # mixed widths
    [f"{i:08x}" for i in np.random.default_rng(8).integers(0, 2**32, 5000)],  # densified on the way
])
@pytest.mark.parametrize("kind", ["str", "object", "arrow string"])
def test_parallel_halves_give_the_same_codes(ids: list[str], kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """From ids.PARALLEL_ROWS rows on, the row passes run in two halves on two threads."""
    monkeypatch.setattr(ids_module, "PARALLEL_ROWS", 100)
    monkeypatch.setattr(ids_module.os, "cpu_count", lambda: 2)
    _assert_same_as_factorize(_as(ids, kind))
    codes, n_codes, ids_of = customer_codes(_as(ids, kind))
    assert ids_of(codes).tolist() == ids  # every row's code maps back to its own id


def test_chunked_and_sliced_arrow_ids() -> None:
    """Arrow ids in several chunks, one of them a slice with an offset, code as one column."""
    whole = pa.array(["d", "b", "zz", "a", "b", "c", "a", "longer than eight", "d"])
    chunked = pa.chunked_array([whole.slice(0, 3), whole.slice(3), pa.array(["b", "ab"])])
    series = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    _assert_same_as_factorize(series)
    short = pa.chunked_array([whole.slice(1, 2), pa.array(["b", "ab", "a"], type=pa.string())])
    _assert_same_as_factorize(pd.Series(pd.arrays.ArrowExtensionArray(short)))
    codes = pa.array(["C0000003", "C0000001", "C0000002", "C0000001", "C0000000"])  # fixed width 8
    fixed = pa.chunked_array([codes.slice(1, 3), codes.slice(3), pa.array(["C0000009"], type=pa.string())])
    _assert_same_as_factorize(pd.Series(pd.arrays.ArrowExtensionArray(fixed)))


def test_category_codes_follow_the_ids_not_the_categories() -> None:
    series = pd.Series(pd.Categorical(["b", "a", "c", "b"], categories=["c", "b", "a", "unused"]))
    codes, n_codes, ids_of = customer_codes(series)
    assert codes.tolist() == [1, 0, 2, 1]  # sorted ids a < b < c, not the category order c, b, a
    index = ids_of(np.array([0, 1, 2]))
    assert isinstance(index, pd.CategoricalIndex) and index.dtype == series.dtype
    assert index.tolist() == ["a", "b", "c"]
    codes, uniques = factorize_sorted(series)
    assert uniques.tolist() == ["a", "b", "c"]  # the unused category does not appear


def test_integer_ids() -> None:
    dense = pd.Series([12, 10, 12, 15])
    codes, n_codes, ids_of = customer_codes(dense)
    assert codes.tolist() == [2, 0, 2, 5] and n_codes == 6  # id - min: gaps are allowed
    assert ids_of(np.array([0, 5])).tolist() == [10, 15] and ids_of(np.array([0])).dtype == dense.dtype
    sparse = pd.Series([10**12, 5, 10**12, -3])
    _assert_same_as_factorize(sparse)
    _assert_same_as_factorize(pd.Series([3, 1, 3], dtype="Int64"))
    _assert_same_as_factorize(pd.Series(pd.Categorical([30, 10, 30], categories=[30, 20, 10])))


def test_other_ids_fall_back_to_factorize() -> None:
    for series in (pd.Series([2.5, 1.0, 2.5]), pd.Series(pd.to_datetime(["2020-01-02", "2020-01-01"])),
                   pd.Series(["a", b"b", "a"], dtype=object)):
        codes, uniques = factorize_sorted(series)
        expected_codes, expected_uniques = pd.factorize(series, sort=True)
        np.testing.assert_array_equal(codes, expected_codes)
        assert list(uniques) == list(expected_uniques)


# ---------------------------------------------------------------------------------------------------
# the summaries on every dtype


def _log(n_customers: int, n_rows: int, seed: int, width: int) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    owner = np.r_[np.arange(n_customers), rng.integers(0, n_customers, n_rows - n_customers)]
    days = rng.integers(0, 120, n_rows)
    names = [f"C{i:0{width}d}" for i in range(n_customers)]
    frame = pd.DataFrame({
        "customer_id": np.array(names, dtype=object)[owner],
        "date": pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D")
        + pd.to_timedelta(rng.integers(0, 86_400, n_rows), unit="s"),
        "amount": rng.integers(1, 400, n_rows) / 4,
        "owner": owner,
    })
    return frame, names


@pytest.mark.parametrize("width", [3, 12])  # "C012" (integer keys) and "C000000000012" (hashed)
@pytest.mark.parametrize("kind", [*TEXT_DTYPES, "category"])
def test_rfm_summary_on_every_dtype_equals_object_ids(kind: str, width: int) -> None:
    frame, names = _log(300, 2000, seed=width, width=width)
    reference = clv.rfm_summary(frame, monetary_col="amount", freq="D", freq_multiplier=7)
    typed = frame.assign(customer_id=_as(frame["customer_id"].tolist(), kind))
    out = clv.rfm_summary(typed, monetary_col="amount", freq="D", freq_multiplier=7)
    assert list(out.index) == names == list(reference.index)  # sorted ids (zero-padded, so id order)
    assert out.index.dtype == typed["customer_id"].dtype and out.index.name == "customer_id"
    pd.testing.assert_frame_equal(out.reset_index(drop=True), reference.reset_index(drop=True), check_exact=True)

    # the same log with integer ids gives the same numbers, customer by customer
    by_number = clv.rfm_summary(frame.assign(customer_id=frame["owner"]), monetary_col="amount", freq="D",
                                freq_multiplier=7)
    pd.testing.assert_frame_equal(out.reset_index(drop=True), by_number.reset_index(drop=True), check_exact=True)

    cal_ref = clv.calibration_holdout(frame, "2021-03-15", monetary_col="amount", freq="D", freq_multiplier=7)
    cal = clv.calibration_holdout(typed, "2021-03-15", monetary_col="amount", freq="D", freq_multiplier=7)
    assert list(cal.index) == list(cal_ref.index) and cal.index.dtype == typed["customer_id"].dtype
    pd.testing.assert_frame_equal(cal.reset_index(drop=True), cal_ref.reset_index(drop=True), check_exact=True)


def test_summary_of_a_hand_checked_text_log() -> None:
    """Three customers, ids in non-sorted row order, unicode and a missing-looking id."""
    log = pd.DataFrame({
        "customer_id": ["zoë", "nan", "zoë", "Al", "nan", "zoë"],
        "date": pd.to_datetime(["2021-01-10", "2021-01-01", "2021-01-03", "2021-01-05", "2021-01-01",
                                "2021-01-03"]),
        "amount": [4.0, 1.0, 2.0, 3.0, 5.0, 6.0],
    })
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CrmlabWarning)  # "nan" looks like a missing id: kept, with a warning
        out = clv.rfm_summary(log, monetary_col="amount", observation_end="2021-01-10")
    assert out.index.tolist() == ["Al", "nan", "zoë"]
    assert out["frequency"].tolist() == [0, 0, 1]  # zoë: days 3 (twice) and 10
    assert out["recency"].tolist() == [0.0, 0.0, 7.0]
    assert out["T"].tolist() == [5.0, 9.0, 7.0]
    assert out["monetary_value"].tolist() == [0.0, 0.0, 4.0]
