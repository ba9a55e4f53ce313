"""The column types of an :class:`~araz.model.table.EventTable`, as the views see them.

* :class:`Coded`: a repeated value (title, date, actors, places, category, certainty, an
  ``extra`` key): ``codes`` (a signed integer numpy array, -1 for missing: int8, int16
  or int32, the narrowest that holds the values' count, :func:`code_type`) and the
  distinct ``values``.  Over an Arrow dictionary column, ``codes`` is a view of its
  indices buffer and ``values`` are decoded from its dictionary on first use, once.
* :class:`TextColumn`: texts (the summaries) in one UTF-8 buffer, each followed by a NUL,
  and where each starts: ``column[i]`` decodes one text; search reads the buffer
  (:meth:`TextColumn.buffers`).  The Arrow ``summary`` column is this very buffer.
* :class:`Strings`: an Arrow string array (the ids) read as a ``Sequence[str]``, one
  text decoded per access: no ``str`` object per row kept.
* :class:`IdIndex`: the row of each id.

No pyarrow is imported here: the bundled story's table (made from event objects) never
needs it.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from itertools import pairwise
from operator import index, itemgetter
from typing import Any, TypeVar, overload

import numpy as np

CODE_TYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32))
# values a code type may number: a few short of its largest, so that the count of
# values (and one more) fits too (``np.where(codes < 0, len(values), codes)``)
_ROOM = 7


def code_type(n_values: int) -> np.dtype:
    """The narrowest code type for a column of ``n_values`` distinct values: int8 up to
    120, int16 up to 32,760, else int32 (an ACLED code column's 4 bytes an event become
    1: most have a handful of values)."""
    for dtype in CODE_TYPES[:2]:
        if n_values <= np.iinfo(dtype).max - _ROOM:
            return dtype
    return CODE_TYPES[2]


def as_codes(codes: Any) -> np.ndarray:
    """``codes`` as a code array: as they are (no copy) when of a code type, else int32."""
    codes = np.asarray(codes)
    return codes if codes.dtype in CODE_TYPES else codes.astype(np.int32)


def narrow(codes: np.ndarray, n_values: int) -> np.ndarray:
    """``codes`` in :func:`code_type` of ``n_values`` (a copy when not already)."""
    return np.ascontiguousarray(codes, code_type(n_values))


def distinct_objects(values: Sequence) -> tuple[np.ndarray, list]:
    """Codes and the distinct objects, by identity: ``values[i] is objs[codes[i]]``.

    For values the readers share (dates, place tuples): a few thousand objects to work
    on instead of one per event.  The objects come in order of first appearance.
    """
    if not len(values):
        return np.zeros(0, np.int32), []
    keys = np.fromiter(map(id, values), np.uint64, count=len(values))
    _, first, codes = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first)  # the sorted-by-id codes -> first-appearance codes
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes.reshape(-1)].astype(np.int32), [values[i] for i in first[order]]


def distinct_values(values: Sequence[Hashable]) -> tuple[np.ndarray, list]:
    """Codes and the distinct values, by equality, in order of first appearance."""
    table: dict = {}
    setdefault = table.setdefault
    codes = np.fromiter((setdefault(v, len(table)) for v in values), np.int32, count=len(values))
    return codes, list(table)


T = TypeVar("T")


def take(values: Sequence[T], rows: np.ndarray | Sequence[int]) -> list[T]:
    """``[values[i] for i in rows]``, at C speed (for :class:`Strings`, in Arrow)."""
    if isinstance(values, Strings):
        return values.take(rows)  # type: ignore[return-value]
    rows = np.asarray(rows, np.intp).tolist()
    if len(rows) < 2:
        return [values[i] for i in rows]
    return list(itemgetter(*rows)(values))


class Rows(Sequence[T]):
    """Sequence plumbing shared by the column classes: ``self[i]`` for any integer
    (negative counts from the end, out of range raises IndexError), a slice gives a
    list.  A subclass gives ``__len__`` and ``_row(k)`` for ``0 <= k < len(self)``."""

    __slots__ = ()

    @abstractmethod
    def _row(self, k: int) -> T: ...

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i):
        n = len(self)
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(n))]
        k = index(i)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"row {i} of {n}")
        return self._row(k)


class Coded(Rows[Any]):
    """A column of repeated values: ``values`` once each, ``codes`` per row (a code type:
    int8, int16 or int32 kept as given, any other made int32); code -1 reads as
    ``missing``.  ``Coded.lazy`` takes, instead of the values, what
    gives them: called on the first use of ``values``, once."""

    __slots__ = ("_decode", "_values", "codes", "missing", "texts")

    def __init__(self, codes: np.ndarray, values: list, missing: Any = None):
        self.codes = as_codes(codes)
        # the values as the text of their Arrow dictionary, when a reader holds that
        # array already (an ACLED read's place ids: the gazetteer's own id column, not
        # written a second time); else None, written from the values
        self.texts: Any = None
        self._values: list | None = values
        self._decode: Callable[[], list] | None = None
        self.missing = missing

    @classmethod
    def lazy(cls, codes: np.ndarray, decode: Callable[[], list], missing: Any = None) -> Coded:
        column = cls(codes, [], missing)
        column._values, column._decode = None, decode
        return column

    @property
    def values(self) -> list:
        if self._values is None:
            assert self._decode is not None
            self._values, self._decode = self._decode(), None
        return self._values

    @values.setter
    def values(self, values: list) -> None:
        self._values, self._decode = values, None

    def __len__(self) -> int:
        return len(self.codes)

    def _row(self, k: int) -> Any:
        code = int(self.codes[k])
        return self.values[code] if code >= 0 else self.missing

    def __iter__(self) -> Iterator:
        values = self.values
        if not len(self.codes):
            return iter(())
        if (self.codes >= 0).all():
            return iter(self.take(np.arange(len(self.codes))))
        missing = self.missing
        return (values[c] if c >= 0 else missing for c in self.codes.tolist())

    def take(self, rows: np.ndarray | Sequence[int]) -> list:
        """The values at these rows, as a list (C speed; no -1 codes allowed)."""
        return take(self.values, self.codes[np.asarray(rows, np.intp)])

    def lut(self, fn, dtype: Any = None) -> np.ndarray:
        """``fn(value)`` for every distinct value and, last (where code -1 reads it),
        ``fn(missing)``: what :meth:`per_value` spreads to the rows."""
        return np.array([*map(fn, self.values), fn(self.missing)], dtype)

    def per_value(self, fn) -> np.ndarray:
        """``fn(value)`` for every distinct value, spread to the rows (bool/float arrays)."""
        per = [fn(v) for v in self.values]
        if len(self.codes) and int(self.codes.min()) < 0:
            per.append(fn(self.missing))  # last: where code -1 reads it
        if not per:
            return np.zeros(len(self.codes))
        return spread(np.array(per), self.codes)


def _decode_utf8(data: Any) -> str:
    return str(data, "utf-8", "surrogatepass")


class TextColumn(Rows[str]):
    """Texts kept as one UTF-8 buffer, each followed by a NUL, and where each starts
    (``offsets``, one more than texts; int32 under 2 GiB): about a byte a character and
    no object per text (a summary as a ``str`` costs 49 bytes more, and 100,000 small
    objects scatter the heap).  ``column[i]`` decodes one text.  Lone surrogates are
    kept ("surrogatepass")."""

    __slots__ = ("_data", "_offsets")

    def __init__(self, texts: Sequence[str] = ()):
        parts = [t.encode("utf-8", "surrogatepass") for t in texts]
        self._data: Any = b"".join(p + b"\x00" for p in parts)
        offsets = np.zeros(len(parts) + 1, np.int64)
        sizes = np.fromiter((len(p) + 1 for p in parts), np.int64, len(parts))
        np.cumsum(sizes, out=offsets[1:])
        self._offsets = _narrow_offsets(offsets)

    @classmethod
    def from_buffer(cls, data: Any, ends: Sequence[int] | np.ndarray) -> TextColumn:
        """A column over UTF-8 ``data`` (bytes, bytearray, a uint8 array) where text
        ``i`` ends at byte ``ends[i]`` and is followed by a NUL (text ``i + 1`` starts
        after it)."""
        ends = np.asarray(ends)
        last = int(ends[-1]) + 1 if len(ends) else 0
        offsets = np.zeros(len(ends) + 1, np.int32 if last < 2**31 else np.int64)
        np.add(ends, 1, out=offsets[1:], casting="unsafe")  # the type checked above
        return cls.from_offsets(data, offsets)

    @classmethod
    def from_offsets(cls, data: Any, offsets: np.ndarray) -> TextColumn:
        """A column over ``data`` where text ``i`` is ``data[offsets[i]:offsets[i+1]-1]``
        (the byte before each next offset, its NUL, is not part of it)."""
        col = cls.__new__(cls)
        col._data, col._offsets = data, offsets
        return col

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _row(self, k: int) -> str:
        return _decode_utf8(self._data[int(self._offsets[k]) : int(self._offsets[k + 1]) - 1])

    def __iter__(self) -> Iterator[str]:
        data, bounds = self._data, self._offsets.tolist()
        for start, end in pairwise(bounds):
            yield _decode_utf8(data[start : end - 1])

    def buffers(self) -> tuple[Any, np.ndarray]:
        """The UTF-8 buffer and :meth:`offsets`, for a zero-copy Arrow view (each text
        with its NUL: :func:`araz.model.search.summaries_array`)."""
        return self._data, self._offsets

    def offsets(self) -> np.ndarray:
        """Where each text starts, and one past the last NUL (one more than texts): int32
        (Arrow's string offsets) under 2 GiB of text, else int64."""
        return self._offsets


def _narrow_offsets(offsets: np.ndarray) -> np.ndarray:
    """int64 text offsets as int32 when they fit (4 bytes a text less)."""
    return offsets.astype(np.int32) if not len(offsets) or offsets[-1] < 2**31 else offsets


class Strings(Rows[str]):
    """An Arrow string (or large string) array as a ``Sequence[str]``: a text is decoded
    when it is read; :func:`take` and iteration decode in Arrow, in bulk."""

    __slots__ = ("_data", "_offsets", "array")

    def __init__(self, array: Any):
        self.array = array
        _, offsets, data = array.buffers()
        width = np.dtype(np.int64 if str(array.type) == "large_string" else np.int32)
        at = array.offset * width.itemsize
        self._offsets = np.frombuffer(offsets, width, count=len(array) + 1, offset=at)
        self._data = memoryview(data) if data is not None else b""

    def __len__(self) -> int:
        return len(self.array)

    def __eq__(self, other: object) -> bool:
        """Equal to a list, tuple or Strings of the same texts (as the list of ids the
        table held before it was Arrow)."""
        if isinstance(other, Strings):
            return self.array.equals(other.array) or list(self) == list(other)
        if isinstance(other, list | tuple):
            return len(other) == len(self) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Strings: {len(self)} texts>"

    def _row(self, k: int) -> str:
        return _decode_utf8(self._data[int(self._offsets[k]) : int(self._offsets[k + 1])])

    def __iter__(self) -> Iterator[str]:
        step = 65536
        for start in range(0, len(self.array), step):
            yield from _pylist(self.array.slice(start, step))

    def take(self, rows: np.ndarray | Sequence[int]) -> list[str]:
        import pyarrow as pa

        rows = np.ascontiguousarray(rows, np.int64)
        if len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= len(self)):
            raise IndexError("a row out of range")
        picked = pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(rows)])
        return _pylist(self.array.take(picked))


def _pylist(array: Any) -> list[str]:
    """``array.to_pylist()``, lone surrogates kept (written with "surrogatepass", which
    Arrow does not read)."""
    try:
        return array.to_pylist()
    except UnicodeDecodeError:
        texts = Strings(array)
        return [texts._row(k) for k in range(len(texts))]


def spread(lut: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``lut[codes]``, code -1 reading the last entry: ``np.take`` wrapping, two to three
    times faster than indexing for int8/int16 codes (1 ms for a million)."""
    return np.take(lut, codes, mode="wrap")


class Spread(Mapping[str, np.ndarray]):
    """Arrays over the rows, each made when read from its per-value array and the rows'
    codes (``lut[codes]``, code -1 reading the last entry, as :meth:`Coded.lut` makes
    it): a gather when used, nothing per row kept.  ``columns``: name -> (lut, codes)."""

    def __init__(self, columns: dict[str, tuple[np.ndarray, np.ndarray]]):
        self.columns = columns

    def __getitem__(self, key: str) -> np.ndarray:
        return spread(*self.columns[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


class IdIndex(Mapping[str, int]):
    """The row of each id: a read-only mapping over the ids' hashes, sorted, and their
    rows (12 bytes an event; a dict of them costs 90).  A lookup is a binary search, then
    a comparison with the id itself (hashes may collide).  (pyarrow has no lookup that
    keeps its hash table between calls: ``pc.index`` scans all ids, milliseconds a
    lookup at a million, and the views look up thousands.)

    The hash is :func:`id_hash`, the same in every process (not Python's ``hash``, salted
    per run): the sorted hashes and rows can be kept on disk and given back
    (:meth:`from_parts`, the views' cache, :mod:`araz.views.prepared`)."""

    def __init__(self, ids: Sequence[str]):
        self._ids = ids
        hashes = id_hashes(ids)
        # not a stable sort (a quarter of its time): among equal hashes a lookup
        # compares the ids themselves and takes the first row
        order = np.argsort(hashes)
        self._hashes = hashes[order]
        self._order = order.astype(np.int32) if len(ids) < 2**31 else order

    @classmethod
    def from_parts(cls, ids: Sequence[str], hashes: np.ndarray, order: np.ndarray) -> IdIndex:
        """An index made earlier over the same ids (:attr:`parts`), not made again: the
        caller checks the parts are those of these ids (lengths, rows in range)."""
        if len(hashes) != len(ids) or len(order) != len(ids):
            raise ValueError(f"{len(hashes)} hashes and {len(order)} rows for {len(ids)} ids")
        self = cls.__new__(cls)
        self._ids, self._hashes, self._order = ids, hashes, order
        return self

    @property
    def parts(self) -> tuple[np.ndarray, np.ndarray]:
        """The sorted hashes (int64) and, per hash, its row (int32 or int64)."""
        return self._hashes, self._order

    def __getitem__(self, key: str) -> int:
        if not isinstance(key, str):
            raise KeyError(key)
        h = id_hash(key)
        k = int(np.searchsorted(self._hashes, h))
        found = -1
        while k < len(self._hashes) and self._hashes[k] == h:
            row = int(self._order[k])
            if (found < 0 or row < found) and self._ids[row] == key:
                found = row  # the first row of an id written twice
            k += 1
        if found < 0:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


# the ids' hash: the UTF-8 bytes as a little-endian number modulo a prime under 2**55,
# plus the length (under 256 bytes) times 2**55: an int64, the same in every process
_PRIME = 2**55 - 55
_LONG = 256
_WEIGHTS = np.array([pow(256, j, _PRIME) for j in range(_LONG)], np.uint64)


def id_hash(key: str) -> int:
    """An id's hash (:class:`IdIndex`): the same number in every process."""
    data = key.encode("utf-8", "surrogatepass")
    if len(data) >= _LONG - 1:  # its first 246 bytes and 8 of a digest of it all
        data = data[: _LONG - 9] + hashlib_digest(data)
    return int.from_bytes(data, "little") % _PRIME + (len(data) << 55)


def hashlib_digest(data: bytes) -> bytes:
    """Eight bytes standing for a long id's tail (see :func:`id_hash`)."""
    import hashlib

    return hashlib.blake2b(data, digest_size=8).digest()


def id_hashes(ids: Sequence[str]) -> np.ndarray:
    """:func:`id_hash` of each id (int64): over an Arrow array's own buffers with numpy,
    some 200,000 ids at a time, else one by one."""
    if not isinstance(ids, Strings):
        return np.fromiter(map(id_hash, ids), np.int64, count=len(ids))
    out = np.empty(len(ids), np.int64)
    offsets = ids._offsets.astype(np.int64)
    data = np.frombuffer(ids._data, np.uint8) if len(ids._data) else np.zeros(0, np.uint8)
    step = 1 << 18
    for a in range(0, len(ids), step):
        starts, ends = offsets[a : a + step + 1][:-1], offsets[a + 1 : a + step + 1]
        lengths = ends - starts
        if len(lengths) and int(lengths.max()) >= _LONG - 1:  # a long id: the slow way
            out[a : a + len(lengths)] = [id_hash(ids[k]) for k in range(a, a + len(lengths))]
            continue
        first, last = int(starts[0]), int(ends[-1])
        chunk = np.zeros(last - first + 1, np.uint64)  # one zero past the end
        chunk[:-1] = data[first:last]
        rel = starts - first
        # each byte's position in its id: its index less its id's start
        pos = np.arange(last - first, dtype=np.int64) - np.repeat(rel, lengths)
        chunk[:-1] *= _WEIGHTS[pos]
        chunk %= np.uint64(_PRIME)
        sums = np.add.reduceat(chunk, rel)  # an empty id reads its next byte: zeroed
        sums = np.where(lengths > 0, sums % np.uint64(_PRIME), np.uint64(0))
        out[a : a + len(lengths)] = sums.astype(np.int64) + (lengths << 55)
    return out
