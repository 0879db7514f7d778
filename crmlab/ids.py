"""Customer ids to integer codes in sorted-id order, without sorting the rows.

Every summary of a transaction log groups rows by customer, and the summaries list customers in sorted
id order. ``pd.factorize(ids, sort=True)`` gives such codes, but on text ids most of its time goes to
hashing and sorting millions of row strings. :func:`customer_codes` reaches the same codes faster:

* integer ids whose range is under four times the number of rows are their own codes (id - min);
* ``category`` ids carry codes already: only the categories are ranked (in sorted id order, not in
  category order), and unused categories never appear in a result;
* text ids (pandas ``str``, ``string``, Arrow-backed strings and ``object`` columns of ``str``) are read
  as UTF-8 bytes from their Arrow buffers. Ids of at most 8 bytes (``"C000123"``, most shop and CRM
  keys) become one unsigned 64-bit integer each, the bytes in big-endian order and zero-padded, which
  orders them exactly as the strings (UTF-8 byte order is code-point order, and zero padding keeps a
  prefix before its extensions when no id contains a NUL byte). Each 16-bit lane of that integer is
  replaced by its rank among the values seen in the lane (a 65,536-bin count per lane), and the lanes
  are combined in mixed radix: an order-preserving integer code computed in a few linear passes, with
  no hash table and no sort of the rows. Longer ids (UUIDs, e-mail hashes) are dictionary-encoded by
  Arrow's hash kernel and only the distinct ids are sorted; the rows' codes are remapped through the
  rank permutation;
* anything else (floats, dates, mixed objects, missing values) falls back to
  ``pd.factorize(ids, sort=True)``.

:func:`factorize_sorted` returns the dense codes and the sorted distinct ids, equal to
``pd.factorize(ids, sort=True)`` for non-missing ids (for ``category`` ids, equal to the factorization
of the ids as values, in sorted order).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

#: Widest id (in UTF-8 bytes) that the integer-key path handles; longer ids are hashed by Arrow.
KEY_BYTES = 8
#: From this many rows on, the integer-key path runs its row passes in two halves on two threads
#: (numpy releases the GIL in them).
PARALLEL_ROWS = 1 << 20

# word masks keeping the first L bytes in memory order (whatever the byte order), for L = 0..8
_PREFIX_MASK = (np.arange(KEY_BYTES)[None, :] < np.arange(KEY_BYTES + 1)[:, None]).astype(np.uint8) * np.uint8(255)
_PREFIX_MASK = _PREFIX_MASK.view(np.uint64).ravel()


class CustomerCodes(NamedTuple):
    """Integer codes of customer ids, in sorted-id order.

    ``codes`` holds one code per row (``int32`` while the codes fit, else ``int64``), >= 0 and ordered
    as the ids: ``codes[i] < codes[j]`` exactly when ``ids[i] < ids[j]``. Codes lie in
    ``range(n_codes)`` and may leave gaps; ``ids_of(codes)`` returns the ids of the given codes as a
    :class:`pandas.Index` of the input's dtype.
    """

    codes: np.ndarray
    n_codes: int
    ids_of: Callable[[np.ndarray], pd.Index]


#: What the functions take: one id per row.
IdValues = pd.Series | pd.Index | pd.api.extensions.ExtensionArray | np.ndarray


def customer_codes(customers: IdValues) -> CustomerCodes:
    """Codes of customer ids in sorted-id order (see the module notes for the method per dtype).

    Parameters
    ----------
    customers : Series, Index or array
        One id per row; ids must not be missing (a missing id falls back to ``pd.factorize``, whose
        code for it is -1).

    Returns
    -------
    CustomerCodes
        ``codes`` (an integer per row), ``n_codes`` (codes lie in ``range(n_codes)``) and ``ids_of``.

    Examples
    --------
    >>> codes, n, ids_of = customer_codes(pd.Series(["b", "a", "b", "c"]))
    >>> codes.tolist(), n, ids_of(np.array([0, 2])).tolist()
    ([1, 0, 1, 2], 3, ['a', 'c'])
    """
    if isinstance(customers, (pd.Series, pd.Index)):
        values = customers.array
    elif isinstance(customers, np.ndarray):
        values = pd.arrays.NumpyExtensionArray(customers)
    else:
        values = pd.array(customers, copy=False)
    dtype = values.dtype
    if len(values) == 0:
        return _factorized(values)
    if pd.api.types.is_integer_dtype(dtype):
        coded = _integer_codes(values)
    elif isinstance(dtype, pd.CategoricalDtype):
        coded = _category_codes(values)
    elif _is_text_dtype(dtype):
        coded = _text_codes(values)
    else:
        coded = None
    return coded if coded is not None else _factorized(values)


def factorize_sorted(values: IdValues) -> tuple[np.ndarray, pd.Index]:
    """Dense codes and sorted distinct ids, as ``pd.factorize(values, sort=True)``, by :func:`customer_codes`.

    Parameters
    ----------
    values : Series, Index or array
        One id per row, none missing.

    Returns
    -------
    codes : numpy.ndarray
        ``int64``, one per value, ``0 .. len(uniques) - 1``.
    uniques : pandas.Index
        The distinct values in sorted order, with the input's dtype.

    Examples
    --------
    >>> codes, uniques = factorize_sorted(pd.Series(["C2", "C10", "C2"]))
    >>> codes.tolist(), uniques.tolist()
    ([1, 0, 1], ['C10', 'C2'])
    """
    codes, n_codes, ids_of = customer_codes(values)
    codes = codes.astype(np.int64, copy=False)
    if len(codes) == 0:
        return codes, ids_of(codes)
    seen = np.zeros(n_codes, dtype=bool)
    seen[codes] = True
    used = np.flatnonzero(seen)
    if len(used) == n_codes:
        return codes, ids_of(used)
    dense = np.cumsum(seen) - 1
    return dense[codes], ids_of(used)


# ---------------------------------------------------------------------------------------------------
# one function per kind of id; each returns None when its fast path does not apply


def _factorized(values: pd.api.extensions.ExtensionArray) -> CustomerCodes:
    if type(values) is pd.arrays.NumpyExtensionArray:
        values = values.to_numpy()
    codes, uniques = pd.factorize(values, sort=True)
    uniques = pd.Index(uniques)
    return CustomerCodes(codes.astype(np.int64, copy=False), len(uniques), uniques.take)


def _integer_codes(values: pd.api.extensions.ExtensionArray) -> CustomerCodes | None:
    """Dense integer ids (range under 4 times the rows) are their own codes, id - min."""
    if not isinstance(values.dtype, np.dtype) and values.isna().any():
        return None
    ints = values.to_numpy(dtype="int64")
    low, high = int(ints.min()), int(ints.max())
    if high - low >= 4 * len(ints):
        return None
    dtype = values.dtype
    return CustomerCodes(ints - low, high - low + 1, lambda codes: pd.Index(codes + low).astype(dtype))


def _category_codes(values: pd.Categorical) -> CustomerCodes | None:
    """Codes from the categories ranked by value, so the order is the ids' order, not the categories'."""
    row_codes = np.asarray(values.codes)
    if (row_codes < 0).any():
        return None
    categories = values.categories
    rank, _ = factorize_sorted(categories)  # a permutation: categories are distinct
    position = np.empty(len(categories), dtype=np.int64)
    position[rank] = np.arange(len(categories))
    dtype = values.dtype

    def ids_of(codes: np.ndarray) -> pd.Index:
        return pd.CategoricalIndex(pd.Categorical.from_codes(position[codes], dtype=dtype))

    return CustomerCodes(rank[row_codes], len(categories), ids_of)


def _is_object(dtype: object) -> bool:
    return getattr(dtype, "numpy_dtype", dtype) == np.dtype(object)


def _is_text_dtype(dtype: object) -> bool:
    if _is_object(dtype) or isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        kind = dtype.pyarrow_dtype
        return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    return False


def _arrow_strings(values: pd.api.extensions.ExtensionArray) -> list | None:
    """The ids as a list of Arrow string arrays (chunks) without nulls, or None if they are not text."""
    import pyarrow as pa

    try:
        if _is_object(values.dtype):
            converted = pa.array(np.asarray(values, dtype=object), from_pandas=True)
        else:
            converted = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError):  # mixed types, bytes, lone surrogates
        return None
    chunks = converted.chunks if isinstance(converted, pa.ChunkedArray) else [converted]
    out = []
    for chunk in chunks:
        if pa.types.is_string_view(chunk.type):
            chunk = chunk.cast(pa.large_string())
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)) or chunk.null_count:
            return None
        out.append(chunk)
    return out


def _offsets_and_bytes(chunk: object) -> tuple[np.ndarray, np.ndarray]:
    """Row start offsets (n + 1, int64) and the UTF-8 data bytes of an Arrow (large) string array."""
    import pyarrow as pa

    _, offsets_buffer, data_buffer = chunk.buffers()
    offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return offsets.astype(np.int64, copy=False), data


def _text_codes(values: pd.api.extensions.ExtensionArray) -> CustomerCodes | None:
    chunks = _arrow_strings(values)
    if chunks is None:
        return None
    coded = _short_text_codes(chunks, len(values))
    if coded is None:
        coded = _hashed_text_codes(chunks)
    codes, n_codes = coded
    return CustomerCodes(codes, n_codes, _take_ids(values, codes, n_codes))


def _take_ids(
    values: pd.api.extensions.ExtensionArray, codes: np.ndarray, n_codes: int
) -> Callable[[np.ndarray], pd.Index]:
    """``ids_of`` by taking, for each code, one row that carries it (the input's dtype is kept)."""
    row_of: list[np.ndarray] = []

    def ids_of(wanted: np.ndarray) -> pd.Index:
        if not row_of:
            index_type = np.int32 if len(codes) < 2**31 else np.int64
            rows = np.zeros(n_codes, dtype=index_type)

            def scatter(block: slice) -> None:  # any row of a code will do, so the halves may race
                rows[codes[block]] = np.arange(block.start, block.stop, dtype=index_type)

            _each(scatter, _halves(len(codes)))
            row_of.append(rows)
        taken = values.take(row_of[0][np.asarray(wanted, dtype=np.int64)].astype(np.int64))
        if type(taken) is pd.arrays.NumpyExtensionArray:  # object ids stay object, not str
            return pd.Index(taken.to_numpy(), dtype=taken.dtype.numpy_dtype)
        return pd.Index(taken)

    return ids_of


def _halves(n: int) -> list[slice]:
    """Row blocks for the parallel passes: two halves from :data:`PARALLEL_ROWS` rows on, else one."""
    if n < PARALLEL_ROWS or (os.cpu_count() or 1) < 2:
        return [slice(0, n)]
    return [slice(0, n // 2), slice(n // 2, n)]


def _each(function: Callable[[Any], object], items: Iterable[Any]) -> list:
    """``function`` on every item (a row block), on one thread per item when there are several."""
    items = list(items)
    if len(items) == 1:
        return [function(items[0])]
    with ThreadPoolExecutor(min(len(items), 2)) as pool:
        return list(pool.map(function, items))


def _chunk_keys(chunk: object, keys: np.ndarray) -> int | None:
    """Write the 8-byte word of each id of one Arrow chunk into ``keys``; the longest id's length, or
    None when an id is longer than 8 bytes or the data hold a NUL byte."""
    offsets, data = _offsets_and_bytes(chunk)
    n = len(offsets) - 1
    if n == 0:
        return 0
    lengths = np.diff(offsets)
    shortest, longest = int(lengths.min()), int(lengths.max())
    low, high = int(offsets[0]), int(offsets[-1])
    if longest > KEY_BYTES or (high > low and int(data[low:high].min()) == 0):
        return None  # too long, or a NUL byte that could collide with the zero padding
    if longest == 0:  # only empty ids
        keys[:] = 0
    elif shortest == longest == KEY_BYTES:  # fixed width 8: the data buffer is the keys
        keys[:] = np.ndarray(shape=(n,), dtype=np.uint64, buffer=data, offset=low, strides=(KEY_BYTES,))
    else:
        padded = np.zeros(high - low + KEY_BYTES, dtype=np.uint8)
        padded[: high - low] = data[low:high]
        if shortest == longest:  # fixed width: the word of row i starts at byte i * width
            keys[:] = np.ndarray(shape=(n,), dtype=np.uint64, buffer=padded, strides=(shortest,))
            keys &= _PREFIX_MASK[shortest]  # clear the next id's bytes
        else:  # the 8 bytes starting at every byte position (an unaligned view), taken at the offsets
            words = np.ndarray(shape=(high - low + 1,), dtype=np.uint64, buffer=padded, strides=(1,))
            keys[:] = words[offsets[:-1] - low]
            keys &= _PREFIX_MASK[lengths]
    return longest


def _short_text_codes(chunks: list, n_rows: int) -> tuple[np.ndarray, int] | None:
    """Order-preserving integer codes of ids of at most 8 UTF-8 bytes without NUL bytes, else None.

    Each id's bytes are read as one 8-byte word, zero-padded after the id; its four 16-bit lanes, each
    read as a big-endian number and compared in turn, order the ids exactly as the strings.
    """
    keys = np.empty(n_rows, dtype=np.uint64)
    pieces, done = [], 0  # (Arrow chunk or half of one, its rows in keys)
    for chunk in chunks:
        for block in _halves(len(chunk)):
            pieces.append((chunk.slice(block.start, block.stop - block.start), done + block.start))
        done += len(chunk)
    longest = _each(lambda piece: _chunk_keys(piece[0], keys[piece[1] : piece[1] + len(piece[0])]), pieces)
    if any(width is None for width in longest):
        return None
    lanes = keys.view(np.uint16).reshape(n_rows, KEY_BYTES // 2)[:, : (max(longest, default=0) + 1) // 2]
    return _lane_codes(lanes, swapped=sys.byteorder == "little")


# 16-bit values with their two bytes exchanged (a little-endian lane read as a big-endian number)
_SWAP16 = np.arange(1 << 16, dtype=np.uint16).byteswap()


def _seen(values: np.ndarray, size: int) -> np.ndarray:
    """Which of ``0 .. size - 1`` occur in ``values`` (integers), with a parallel scatter."""
    def mark(block: slice) -> np.ndarray:
        seen = np.zeros(size, dtype=bool)
        seen[values[block]] = True
        return seen

    tables = _each(mark, _halves(len(values)))
    return tables[0] if len(tables) == 1 else np.logical_or(tables[0], tables[1])


def _lane_codes(lanes: np.ndarray, swapped: bool = False) -> tuple[np.ndarray, int]:
    """Order-preserving codes of rows of 16-bit lanes (compared left to right): each lane ranked among
    the values it takes, the ranks combined in mixed radix.

    With ``swapped``, each lane holds its two bytes in little-endian order and is ranked by the
    byte-swapped (big-endian) value, through a 65,536-entry table, so the rows are never byte-swapped.
    The code range is the product of the lanes' numbers of distinct values. Whenever it would grow
    past 16 times the number of rows, and at the end when it is not under 4 times the rows, the codes
    are made dense again (:func:`_densify`). Codes are int32 while they fit.
    """
    n = len(lanes)
    limit = 16 * n + (1 << 16)
    codes: np.ndarray | None = None
    n_codes = 1
    for column in range(lanes.shape[1]):
        lane = lanes[:, column]
        seen = _seen(lane, 1 << 16)
        radix = int(np.count_nonzero(seen))
        if radix == 1:
            continue  # the same two bytes in every id: no information
        if codes is not None and n_codes * radix > limit:
            codes, n_codes = _densify(codes, n_codes)
        code_type = np.int32 if n_codes * radix < 2**31 else np.int64
        if swapped:  # rank of value v = number of seen values whose swapped value is below swap(v)
            rank = (np.cumsum(seen[_SWAP16]) - 1).astype(code_type)[_SWAP16]
        else:
            rank = (np.cumsum(seen) - 1).astype(code_type)
        if codes is None:
            codes = np.empty(n, dtype=code_type)

            def first(block: slice) -> None:
                codes[block] = rank[lane[block]]

            _each(first, _halves(n))
        else:
            codes = codes.astype(code_type, copy=False)

            def combine(block: slice) -> None:
                part = codes[block]
                part *= radix
                part += rank[lane[block]]

            _each(combine, _halves(n))
        n_codes *= radix
    if codes is None:
        return np.zeros(n, dtype=np.int32), 1
    if n_codes >= 4 * n:
        codes, n_codes = _densify(codes, n_codes)
    return codes, n_codes


def _densify(codes: np.ndarray, n_codes: int) -> tuple[np.ndarray, int]:
    """Codes ``0 .. k - 1`` in the same order: through a table of the codes seen while it is at most 16
    times the rows, else by ``pd.factorize(sort=True)`` on the integers."""
    if n_codes <= 16 * len(codes) + (1 << 16):
        dense = np.cumsum(_seen(codes, n_codes), dtype=np.int64) - 1
        n_dense = int(dense[-1]) + 1
        dense = dense.astype(np.int32 if n_dense < 2**31 else np.int64)
        out = np.empty(len(codes), dtype=dense.dtype)

        def gather(block: slice) -> None:
            out[block] = dense[codes[block]]

        _each(gather, _halves(len(codes)))
        return out, n_dense
    dense, uniques = pd.factorize(codes, sort=True)
    return dense.astype(np.int64, copy=False), len(uniques)


def _hashed_text_codes(chunks: list) -> tuple[np.ndarray, int]:
    """Arrow's hash kernel codes the rows; only the distinct ids are sorted, then codes are remapped."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = chunks[0] if len(chunks) == 1 else pa.concat_arrays([c.cast(pa.large_string()) for c in chunks])
    encoded = pc.dictionary_encode(array)
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[encoded.indices.to_numpy(zero_copy_only=False)], len(order)
