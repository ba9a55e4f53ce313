"""Coded columns for the ACLED block reader: each dictionary column as codes (int8,
int16 or int32: the narrowest for its count of values) over its distinct values, and
the distinct combinations of several, so that a rule runs once per distinct value
(:mod:`araz.io._acled_build`), never once per row in Python."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

import numpy as np

from ..model.columns import Strings, _pylist, code_type

# at most this many batches coded together (:class:`araz.io._acled_arrow.Gathered`: a
# few Arrow calls a group, while the next batches are parsed)
GROUP = 32


class CodedColumn:
    """Global codes for one dictionary column, gathered part by part (a group of
    batches, or one): each part's dictionary is unified with the values met so far, in
    Arrow (the values keep their codes, new ones are numbered on in order of first
    appearance; no Python per value), and its codes mapped to theirs then, while the
    next batches are parsed; :meth:`done` joins the parts, strips the values and merges
    those equal once stripped.  The codes come in the narrowest type of their values'
    count."""

    def __init__(self) -> None:
        self.codes: list[np.ndarray] = []  # each part's, over the values of its time
        self.values = None  # an Arrow string array: the values met so far

    def add(self, arr) -> None:
        """A part's column ``arr`` (dictionary-encoded)."""
        self._add(_indices(arr), arr.dictionary)

    def add_known(self, arr) -> None:
        """A part's column ``arr`` (dictionary-encoded) whose dictionary begins with the
        values met so far, in their order (its dictionary unified after theirs): its
        codes are kept as they are."""
        values = arr.dictionary
        self.codes.append(_indices(arr).astype(code_type(len(values))))
        self.values = values

    def _add(self, codes: np.ndarray, dictionary) -> None:
        if self.values is None:
            values, lut = dictionary, None
        else:
            values, luts = unified([self.values, dictionary])
            lut = luts[1]
        kind = code_type(len(values))
        self.codes.append(codes.astype(kind) if lut is None else lut.astype(kind)[codes])
        self.values = values

    def _done(self, skip: int) -> tuple[np.ndarray, object] | None:
        """The codes (the first ``skip`` rows cut) and the values, as Arrow gives them."""
        codes, self.codes = self.codes, []
        values, self.values = self.values, None
        if not codes:
            return None
        # (the widest type is the last part's: that of every value)
        joined = np.concatenate(codes) if len(codes) > 1 else codes[0]
        return joined[skip:], values

    def done(self, skip: int) -> tuple[np.ndarray, Sequence[str]]:
        got = self._done(skip)
        if got is None:
            return np.zeros(0, np.int32), []
        return stripped(got[0], _pylist(got[1]))


def unified(dictionaries: list) -> tuple[object, list[np.ndarray]]:
    """The distinct values of several dictionaries (Arrow string arrays), in order of
    first appearance (an Arrow array), and for each dictionary the unified code of each
    of its values: Arrow's unification over one row per value (not per row of data)."""
    import pyarrow as pa

    kind = pa.dictionary(pa.int32(), dictionaries[0].type)
    upto = pa.py_buffer(np.arange(max(map(len, dictionaries)), dtype=np.int32))
    parts = [pa.DictionaryArray.from_buffers(kind, len(d), [None, upto], d) for d in dictionaries]
    chunks = pa.chunked_array(parts, kind).unify_dictionaries().chunks
    return chunks[0].dictionary, [_indices(c) for c in chunks]


class TextCodedColumn(CodedColumn):
    """Global codes for one column of many distinct values (the coordinates: half the
    rows of a file each have their own), given as plain text, a group of batches at a
    time (:class:`araz.io._acled_arrow.Gathered`), each dictionary-encoded in Arrow (a
    batch's own dictionary would be most of its rows), the groups unified once at the
    end."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[tuple[np.ndarray, object]] = []  # (codes, dictionary) a group

    def add(self, arr) -> None:
        import pyarrow as pa

        encoded = arr if pa.types.is_dictionary(arr.type) else arr.dictionary_encode()
        values = encoded.dictionary
        self.parts.append((_indices(encoded).astype(code_type(len(values))), values))

    def _done(self, skip: int) -> tuple[np.ndarray, object] | None:
        """The groups unified once, at the end (unified as they come, the values met
        so far, most of them distinct, would be hashed again at each group)."""
        parts, self.parts = self.parts, []
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0][0][skip:], parts[0][1]
        values, luts = unified([d for _, d in parts])
        out = np.empty(sum(len(c) for c, _ in parts), code_type(len(values)))
        at = 0
        for (codes, _), lut in zip(parts, luts, strict=True):
            out[at : at + len(codes)] = lut[codes]
            at += len(codes)
        return out[skip:], values

    def done(self, skip: int) -> tuple[np.ndarray, Sequence[str]]:
        got = self._done(skip)
        if got is None:
            return np.zeros(0, np.int32), []
        codes, values = got
        if not may_strip(values).any():  # no text to strip: kept in Arrow (no str
            return codes, Strings(values)  # per coordinate, made only if read)
        texts, changed = stripped_values(values)  # only the texts that may change
        return merged(codes, texts) if changed else (codes, texts)


def stripped(codes: np.ndarray, values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Distinct ``values`` stripped as ``str.strip`` strips them, those equal once
    stripped merged (the first one's code), and ``codes`` renumbered to match."""
    texts = [v.strip() for v in values]
    if all(map(str.__eq__, texts, values)):  # the values are distinct already
        return codes, values
    return merged(codes, texts)


def merged(codes: np.ndarray, texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """The codes of ``texts`` (equal ones now possible) renumbered to their distinct
    values, in order of first appearance."""
    canon: dict[str, int] = {}
    lut = np.fromiter((canon.setdefault(v, len(canon)) for v in texts), np.int32, len(texts))
    lut = lut.astype(code_type(len(canon)))
    return (lut[codes] if len(lut) else codes), list(canon)


def _indices(arr) -> np.ndarray:
    idx = arr.indices
    return np.frombuffer(idx.buffers()[1], np.int32, count=len(idx), offset=idx.offset * 4)


# the first or last byte of a text that str.strip() may take off: ASCII whitespace,
# the separators \x1c-\x1f, and any byte of a non-ASCII character (a Unicode space)
_MAY_STRIP = np.zeros(256, bool)
_MAY_STRIP[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_MAY_STRIP[128:] = True


def may_strip(values) -> np.ndarray:
    """Of each text of an Arrow string array, whether its first or last byte may be
    whitespace (ASCII, the separators, or any byte of a non-ASCII character): the only
    texts that stripping may change, in ``str.strip``'s sense or Arrow's."""
    n = len(values)
    if not n:
        return np.zeros(0, bool)
    offsets = np.frombuffer(
        values.buffers()[1], np.int32, count=n + 1, offset=values.offset * 4
    ).astype(np.int64)
    data = values.buffers()[2]
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    if not len(raw):
        return np.zeros(n, bool)
    starts, ends = offsets[:-1], offsets[1:]
    first = raw[np.minimum(starts, len(raw) - 1)]
    last = raw[np.maximum(ends - 1, 0)]
    return (ends > starts) & (_MAY_STRIP[first] | _MAY_STRIP[last])


def stripped_values(values) -> tuple[list[str], bool]:
    """The texts of an Arrow string array stripped as ``str.strip`` strips them, and
    whether any changed (only the texts whose first or last byte may be whitespace are
    stripped in Python)."""
    if not len(values):
        return [], False
    look = may_strip(values)
    texts = values.to_pylist()
    if not look.any():
        return texts, False
    changed = False
    for i in np.flatnonzero(look).tolist():
        t = texts[i].strip()
        if t != texts[i]:
            texts[i], changed = t, True
    return texts, changed


def combine(*pairs: tuple[np.ndarray, int]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of several coded columns (each given as its
    codes and its number of values), numbered in order of first appearance, and the
    first row of each combination."""
    key = np.zeros(len(pairs[0][0]), np.int64)
    size = 1
    for codes, n in pairs:
        n = max(n, 1)
        if size * n >= 1 << 62:  # renumber before the key overflows
            key, first = _hashed(key)
            key = key.astype(np.int64)
            size = len(first)
        key = key * n + codes
        size *= n
    n = len(key)
    if size <= max(1 << 16, 2 * n):  # a dense table, small: no hash (a big one costs
        # its page faults more than the hash)
        kind = np.int32 if n < 1 << 31 else np.int64
        first = np.full(size, n, kind)
        np.minimum.at(first, key, np.arange(n, dtype=kind))
        used = np.flatnonzero(first < len(key))
        order = np.argsort(first[used], kind="stable")
        rank = np.empty(size, np.int32)
        rank[used[order]] = np.arange(len(used), dtype=np.int32)
        return rank[key], first[used[order]]
    return _hashed(key)


def _hashed(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct values of ``key`` in order of first appearance, and the
    first row of each: Arrow's hash table (twice a sort's speed at 1M rows)."""
    import pyarrow as pa

    n = len(key)
    key = np.ascontiguousarray(key, np.int64)
    encoded = pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(key)]).dictionary_encode()
    codes = _indices(encoded).copy()
    # the codes come in order of first appearance: their running maximum grows at each
    # first row
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    return codes, first


def floats(texts: Sequence[str]) -> np.ndarray:
    """Each text as a float, NaN where it is not a number (texts kept in Arrow: cast
    there when every one is a number as Arrow reads them, all of which Python reads
    alike)."""
    if isinstance(texts, Strings) and len(texts):
        import pyarrow as pa

        try:
            numbers = texts.array.cast(pa.float64())  # (to_numpy imports pandas)
            return np.frombuffer(numbers.buffers()[1], np.float64, len(numbers), numbers.offset * 8)
        except pa.ArrowInvalid:
            texts = list(texts)
    try:
        return np.array([t or "nan" for t in texts] or ["nan"], np.float64)
    except ValueError:
        pass
    out = np.full(max(len(texts), 1), np.nan)
    for i, t in enumerate(texts):
        with suppress(ValueError):
            out[i] = float(t)
    return out


ID_BYTES = 32  # ids hashed when none is longer (ACLED's: a dozen bytes)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def id_hashes(ids) -> np.ndarray | None:
    """A 64-bit hash of each text of an Arrow string array (none empty), from its bytes
    in numpy; None when a text is empty or longer than :data:`ID_BYTES` bytes.  Texts
    that hash apart differ: :func:`all_apart` proves ids distinct with no hash table
    of strings."""
    n = len(ids)
    if not n:
        return np.zeros(0, np.uint64)
    offsets = np.frombuffer(ids.buffers()[1], np.int32, count=n + 1, offset=ids.offset * 4)
    lengths = np.diff(offsets)
    if int(lengths.min()) <= 0 or int(lengths.max()) > ID_BYTES:
        return None
    width = (int(lengths.max()) + 7) // 8 * 8
    data = np.frombuffer(ids.buffers()[2], np.uint8)
    at = offsets[:-1, None].astype(np.int64) + np.arange(width)
    inside = np.arange(width) < lengths[:, None]
    # the bytes of each text, zero after its end (no text holds a NUL: the reader sends
    # a file with one to the row reader)
    padded = np.where(inside, data[np.minimum(at, len(data) - 1)], np.uint8(0))
    lanes = np.ascontiguousarray(padded, np.uint8).view(np.uint64)
    out = lanes[:, 0].copy()
    for j in range(1, lanes.shape[1]):
        out *= _MIX
        out ^= lanes[:, j]
    return out


def all_apart(hashes: list[np.ndarray | None]) -> bool:
    """Whether the hashes of every part (:func:`id_hashes`) are all different (False:
    maybe not; an empty or long text's part is None)."""
    if any(h is None for h in hashes):
        return False
    joined = np.sort(np.concatenate(hashes)) if hashes else np.zeros(0, np.uint64)
    return not bool((joined[1:] == joined[:-1]).any())
