"""The events as one ``pyarrow.Table``: its layout, built from the columns and read back.

One row per event:

* ``id``: string;
* ``summary``: string (large string past 2 GiB of text), each text followed by a NUL
  (the readers' buffer as they fill it, taken without a copy;
  :class:`~araz.model.columns.TextColumn` and the search read the texts without it);
* ``title``, ``date``, ``actors``, ``places``, ``category``, ``certainty`` and
  ``extra:<key>`` for each ``extra`` key: dictionary<int8/int16/int32, string> arrays,
  the indices the columns' codes in the narrowest type that holds the dictionary
  (:func:`~araz.model.columns.code_type`: most ACLED columns have a handful of values,
  a byte an event), missing: null, with -1 under it, so that the codes are a view of
  the indices buffer; the dictionary the distinct values written as text by the
  column's *kind* (:mod:`araz.model.kinds`; the kinds in :data:`KINDS_KEY` of the
  schema's metadata).

Arrays are built from numpy buffers (``pa.array`` imports pandas, half a second the
first time, even for a list of text) and read as numpy views of theirs
(``Array.to_numpy`` imports pandas too).  Text is written with "surrogatepass": a lone
surrogate (GeoJSON may hold one) survives; such a column is not valid UTF-8 for Arrow,
and :func:`columns` is only given tables that :func:`check` accepted.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa

from .columns import CODE_TYPES, Coded, Strings, TextColumn, _pylist, narrow
from .kinds import check, decode, encode, kind_of

CODED = ("title", "date", "actors", "places", "category", "certainty")
KINDS_KEY = b"araz.kinds"
_CODE_TYPES = {pa.from_numpy_dtype(t): t for t in CODE_TYPES}  # the indices' types


def validity(missing: np.ndarray) -> pa.Buffer | None:
    """The validity bitmap of an array whose ``missing`` rows are null (None if none)."""
    if not missing.any():
        return None
    return pa.py_buffer(np.packbits(~missing, bitorder="little"))


def numbers(values: Any, dtype: Any, kind: pa.DataType) -> pa.Array:
    """A numeric column from a numpy array (no nulls) or a list (None: null)."""
    if isinstance(values, np.ndarray):
        data, missing = np.ascontiguousarray(values, dtype), np.zeros(len(values), bool)
    elif None not in values:
        data, missing = np.array(values, dtype), np.zeros(len(values), bool)
    else:
        missing = np.fromiter((v is None for v in values), bool, len(values))
        data = np.array([0 if v is None else v for v in values], dtype)
    return pa.Array.from_buffers(kind, len(data), [validity(missing), pa.py_buffer(data)])


def text(values: list, large: bool = False) -> pa.Array:
    """A string column from a list of ``str`` (None: null)."""
    n = len(values)
    if None in values:
        missing = np.fromiter((v is None for v in values), bool, n)
        values = ["" if v is None else v for v in values]
    else:
        missing = np.zeros(n, bool)
    joined = "".join(values)
    data = joined.encode("utf-8", "surrogatepass")
    # ASCII (as most is): a text's bytes are its characters, no encoding one by one
    if len(data) == len(joined):
        sizes = np.fromiter(map(len, values), np.int64, n)
    else:
        sizes = np.fromiter((len(v.encode("utf-8", "surrogatepass")) for v in values), np.int64, n)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    if not large and offsets[-1] >= 2**31:
        large = True
    kind, width = (pa.large_string(), np.int64) if large else (pa.string(), np.int32)
    buffers = [validity(missing), pa.py_buffer(offsets.astype(width)), pa.py_buffer(data)]
    return pa.Array.from_buffers(kind, n, buffers)


def dictionary(codes: np.ndarray, texts: pa.Array) -> pa.DictionaryArray:
    """Dictionary-encoded ``texts`` over ``codes`` (-1: null; contiguous, of a code type,
    the indices' type), without a copy."""
    missing = codes < 0
    kind = pa.from_numpy_dtype(codes.dtype)
    indices = pa.Array.from_buffers(kind, len(codes), [validity(missing), pa.py_buffer(codes)])
    return pa.DictionaryArray.from_arrays(indices, texts)


_GIVEN = frozenset({"places", "date", "actors"})  # kinds whose texts a reader may give


def build(
    ids: Any, summary: Any, coded: dict[str, Coded]
) -> tuple[pa.Table, Strings, TextColumn, dict[str, Coded]]:
    """The Arrow table of these columns (``coded``: name -> column, the extra keys as
    ``extra:<key>``), and the columns read from it: the ids as :class:`Strings`, the
    summaries over the table's buffer, the coded columns with codes (in the narrowest
    type that holds their values) that are the indices' own memory (their values kept,
    not decoded again)."""
    n = len(ids)
    id_array = ids.array if isinstance(ids, Strings) else text(list(ids))
    if not isinstance(summary, TextColumn):
        summary = TextColumn(summary)
    data = summary._data
    offsets = summary.offsets()
    if offsets.dtype == np.int32:  # under 2 GiB of text (TextColumn): 4 bytes a text
        summary_array = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), _buffer(data))
    else:
        offsets = np.ascontiguousarray(offsets, np.int64)
        summary_array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), _buffer(data))
    arrays = {"id": id_array, "summary": summary_array}
    kinds, out = {}, {}
    for name, column in coded.items():
        if name == "places" and column.texts is not None and column._values is None:
            # a reader's places not made yet (Coded.lazy) with their texts: the place
            # ids, one a value, each value one place (kind "places"); made only if read
            codes = narrow(column.codes, len(column.texts))
            kinds[name] = "places"
            arrays[name] = dictionary(codes, column.texts)
            out[name] = Coded.lazy(codes, partial(getattr, column, "values"), column.missing)
            continue
        values = column.values
        codes = narrow(column.codes, len(values))
        kinds[name] = kind = kind_of(name, values)
        # the reader's own array of these texts (one per value): its places' ids, its
        # dates' and actors' JSON (the ACLED reader: what encode gives, written in bulk)
        texts = column.texts
        if texts is None or kind not in _GIVEN or len(texts) != len(values):
            texts = text(encode(kind, values))
        arrays[name] = dictionary(codes, texts)
        out[name] = Coded(codes, values, column.missing)
    table = pa.Table.from_arrays(list(arrays.values()), names=list(arrays))
    table = table.replace_schema_metadata({KINDS_KEY: json.dumps(kinds).encode()})
    return table, Strings(id_array), TextColumn.from_offsets(data, offsets), out


def _buffer(data: Any) -> pa.Buffer:
    return data if isinstance(data, pa.Buffer) else pa.py_buffer(data)


def kinds_of(table: pa.Table) -> dict[str, str]:
    """The kind of each coded column (from the schema's metadata)."""
    kinds = json.loads((table.schema.metadata or {})[KINDS_KEY])
    check(type(kinds) is dict, "kinds")
    return kinds


def columns(table: pa.Table) -> tuple[Strings, TextColumn, dict[str, Coded]]:
    """The columns of a table in this layout (one chunk each), checked first: types,
    lengths, codes within their dictionaries, the summaries' offsets and NULs, every text
    valid UTF-8 (the ids' and summaries', the bulk of it, in a thread while the rest is
    checked), the values of every kind but ``str`` decoded (and their types checked);
    raises :class:`~araz.model.kinds.Corrupt` (or an Arrow error) for a table this module
    did not write.  The ids, summaries and codes are views of the table's buffers; the
    ``str`` values are decoded on first use."""
    kinds = kinds_of(table)
    n = table.num_rows
    names = table.column_names
    check(names[:2] == ["id", "summary"] and names[2:] == list(kinds), "columns")
    check(names[2:8] == list(CODED), "columns")
    check(all(k.startswith("extra:") for k in names[8:]), "columns")
    col = {name: _one_chunk(table.column(name), name) for name in names}
    ids = col["id"]
    check(ids.type in (pa.string(), pa.large_string()) and not ids.null_count, "id: type")
    arr = col["summary"]
    check(arr.type in (pa.string(), pa.large_string()) and arr.offset == 0, "summary: type")
    # the full checks of the two big text columns (offsets, UTF-8: ~40 ms at a million
    # events, without the GIL) run in a thread while this one checks and decodes the
    # rest; nothing is returned before they have passed
    joined = _in_thread(lambda: (ids.validate(full=True), arr.validate(full=True)))
    try:
        summary = _summary(arr, n)
        coded = {name: _coded(col[name], kinds[name], name) for name in names[2:]}
    except BaseException:
        joined(False)  # waited for: what this thread found is the error said
        raise
    joined(True)  # raises what the thread raised
    return Strings(ids), summary, coded


def _in_thread(work: Callable[[], object]) -> Callable[[bool], None]:
    """Start ``work`` in a thread of its own; the function returned waits for it and,
    given True, raises what it raised."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # given to the caller, raised there
            failed.append(exc)

    thread = threading.Thread(target=run, name="araz-table-check", daemon=True)
    thread.start()

    def join(raising: bool) -> None:
        thread.join()
        if failed and raising:
            raise failed[0]

    return join


def _one_chunk(column: pa.ChunkedArray, name: str) -> pa.Array:
    check(column.num_chunks == 1, f"{name}: one chunk")
    return column.chunk(0)


def _summary(arr: pa.Array, n: int) -> TextColumn:
    """The summaries over the table's buffers, their offsets and NULs checked (their
    full validation, UTF-8 included, is :func:`columns`')."""
    check(arr.type in (pa.string(), pa.large_string()) and arr.offset == 0, "summary: type")
    check(not arr.null_count, "summary: a null")
    _, offsets_buf, data_buf = arr.buffers()
    width = np.int32 if arr.type == pa.string() else np.int64
    offsets = np.frombuffer(offsets_buf, width, count=n + 1)
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    end = int(offsets[-1])
    check(offsets[0] == 0 and end <= len(data), "summary: offsets outside the data")
    check(bool((np.diff(offsets) >= 1).all()), "summary: offsets not increasing")
    check(not n or not data[offsets[1:] - 1].any(), "summary: a text without its NUL")
    return TextColumn.from_offsets(data[:end], offsets)


def codes_of(arr: pa.DictionaryArray, size: int, name: str) -> np.ndarray:
    """The codes of a dictionary column (null: -1), checked against its dictionary's
    ``size``: a view of the indices buffer when -1 is what lies under each null (as
    :func:`dictionary` writes), else a copy."""
    indices = arr.indices
    dtype = _CODE_TYPES.get(indices.type)
    check(dtype is not None and indices.offset == 0, f"{name}: indices")
    assert dtype is not None
    n = len(indices)
    bitmap, data = indices.buffers()
    check(data is not None and data.size >= dtype.itemsize * n, f"{name}: indices cut short")
    codes: np.ndarray = np.frombuffer(data, dtype, count=n)
    low = 0
    if indices.null_count:
        check(bitmap is not None and bitmap.size * 8 >= n, f"{name}: validity cut short")
        valid = np.unpackbits(np.frombuffer(bitmap, np.uint8), count=n, bitorder="little")
        if not np.array_equal(codes < 0, valid == 0):
            codes = np.where(valid.view(bool), codes, dtype.type(-1))
            check(np.array_equal(codes < 0, valid == 0), f"{name}: codes out of range")
        low = -1
    if n:
        check(int(codes.min()) >= low and int(codes.max()) < size, f"{name}: codes out of range")
    return codes


def _coded(arr: pa.Array, kind: str, name: str) -> Coded:
    check(isinstance(arr, pa.DictionaryArray), f"{name}: not a dictionary column")
    texts = arr.dictionary
    check(texts.type in (pa.string(), pa.large_string()), f"{name}: not text")
    check(not texts.null_count, f"{name}: a null")
    texts.validate(full=True)  # offsets and UTF-8
    codes = codes_of(arr, len(texts), name)
    if kind in ("str", "places"):  # any text is one of these (no check to make): later
        return Coded.lazy(codes, lambda: decode(kind, _pylist(texts)))
    return Coded(codes, decode(kind, _pylist(texts)))
