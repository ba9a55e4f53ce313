"""Text search over a dataset: which events mention any of a search's terms.

An event matches when a term occurs, case- and accent-insensitively (:func:`fold`), in
its title, summary or category, or in a name (any alias) of one of its actors or places
(a place's ``within`` and country too).  Every column is searched per DISTINCT value
(titles, categories, actor and place tuples repeat) and spread to the events by the
column's codes with numpy; only the summaries are searched per event.

Two engines do the one primitive, "which of these texts contain one of these terms":

* :class:`ArrowTexts` (pyarrow.compute): the folded texts made once, as an Arrow string
  array (ASCII texts lower-cased by ``ascii_lower``, only the others folded in Python),
  searched with ``match_substring_regex`` and no case flag: RE2 finds a literal with
  memchr, 2–3× faster here than ``match_substring``'s plain search; a name's aliases make
  one alternation.
* :class:`UnfoldedTexts` (pyarrow.compute), for the summaries: no folded copy (85 MB at
  a million events); searched over the table's own UTF-8 buffer, the ASCII texts with
  RE2's case flag (1–1.5× the folded search's time), only the others kept folded.
* :class:`PythonTexts` (``re``): for a small dataset when pyarrow is not loaded yet —
  importing ``pyarrow.compute`` costs 0.3–0.4 s, more than searching the bundled story
  thousands of times.

:func:`engine_for` picks: Arrow when pyarrow is already imported (every ACLED read
imports it) or the dataset holds at least :data:`ARROW_FROM` events.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import cached_property
from typing import Any, NamedTuple, Protocol

import numpy as np

ARROW_FROM = 20_000
_RE2_SPECIAL = re.compile(r"([\\.^$|?*+()\[\]{}])")


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search: 'Şuşa' -> 'susa', 'Azərbaycan' ->
    'azerbaycan', 'Kırklareli' -> 'kirklareli' (ı and ə have no decomposition)."""
    if text.isascii():
        return text.lower()
    text = text.replace("ı", "i").replace("ə", "e").replace("Ə", "e")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Texts(Protocol):
    """Folded texts that can say which contain a term."""

    def __len__(self) -> int: ...

    def contains(self, terms: Sequence[str]) -> np.ndarray:
        """Per text: does one of these folded, non-empty, NUL-free terms occur in it?"""
        ...


class PythonTexts:
    def __init__(self, texts: Sequence[str]):
        self._texts = [fold(t).replace("\x00", " ") for t in texts]

    def __len__(self) -> int:
        return len(self._texts)

    def contains(self, terms: Sequence[str]) -> np.ndarray:
        search = re.compile("|".join(map(re.escape, terms))).search
        return np.fromiter(
            (search(t) is not None for t in self._texts), bool, count=len(self._texts)
        )


class ArrowTexts:
    def __init__(self, texts: Any):
        """``texts``: a sequence of str, or a pyarrow string array (not yet folded)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not isinstance(texts, pa.Array):  # a NUL in a text reads as a space
            texts = _strings([t.replace("\x00", " ") for t in texts])
        self._folded = _fold_array(texts, pa, pc)

    def __len__(self) -> int:
        return len(self._folded)

    def contains(self, terms: Sequence[str]) -> np.ndarray:
        import pyarrow as pa
        import pyarrow.compute as pc

        hit = pc.match_substring_regex(self._folded, _pattern(terms))
        return _bools(hit, pa)


class UnfoldedTexts:
    """Texts searched as they are, without a folded copy (the summaries: a copy of them
    was 85 MB at a million events): the ASCII ones without regard to case (RE2's case
    folding of a folded term meets in ASCII text only ASCII letters), each of the others
    in its folded form, kept (only those)."""

    def __init__(self, texts: Any):
        """``texts``: a pyarrow string array (not folded), with no NUL inside a text."""
        import pyarrow as pa
        import pyarrow.compute as pc

        self._texts = texts
        self._others = np.zeros(0, np.int64)
        self._folded = None
        if len(texts) and pc.all(pc.string_is_ascii(texts)).as_py() is False:
            ascii_rows = _bools(pc.string_is_ascii(texts), pa, null=True)
            self._others = others = np.flatnonzero(~ascii_rows).astype(np.int64)
            picked = pa.Array.from_buffers(pa.int64(), len(others), [None, pa.py_buffer(others)])
            self._folded = _strings([fold(t) for t in texts.take(picked).to_pylist()])

    def __len__(self) -> int:
        return len(self._texts)

    def contains(self, terms: Sequence[str]) -> np.ndarray:
        import pyarrow as pa
        import pyarrow.compute as pc

        pattern = _pattern(terms)
        hit = _bools(pc.match_substring_regex(self._texts, pattern, ignore_case=True), pa)
        if self._folded is not None:  # the others: by their folded form, not by case
            hit[self._others] = _bools(pc.match_substring_regex(self._folded, pattern), pa)
        return hit


def _pattern(terms: Sequence[str]) -> str:
    """RE2's pattern for any of these terms, each a literal."""
    return "|".join(_RE2_SPECIAL.sub(r"\\\1", t) for t in terms)


def _fold_array(array, pa, pc):
    """``fold`` over an Arrow string array: ASCII rows lower-cased in C++, the rest in
    Python (only those)."""
    if not len(array):
        return array
    ascii_rows = pc.string_is_ascii(array)
    lowered = pc.ascii_lower(array)
    if pc.all(ascii_rows).as_py() is not False:
        return lowered
    others = np.flatnonzero(~_bools(ascii_rows, pa, null=True)).astype(np.int64)
    picked = pa.Array.from_buffers(pa.int64(), len(others), [None, pa.py_buffer(others)])
    folded = [fold(t) for t in array.take(picked).to_pylist()]
    mask = np.zeros(len(array), bool)
    mask[others] = True
    bits = pa.py_buffer(np.packbits(mask, bitorder="little"))
    where = pa.Array.from_buffers(pa.bool_(), len(mask), [None, bits])
    return pc.replace_with_mask(lowered, where, _strings(folded))


def _strings(texts: list[str]) -> Any:
    """An Arrow string array of ``texts``, built from buffers: ``pa.array`` imports pandas
    (a second at the first search of a large dataset)."""
    from .arrow_table import text

    return text(texts)


def _bools(array, pa, null: bool = False) -> np.ndarray:
    """A boolean Arrow array as numpy, a null read as ``null``, without pandas (``to_numpy``
    and ``fill_null``'s scalar would import it)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    lo, hi = array.offset, array.offset + len(array)

    def bits(buffer) -> np.ndarray:
        raw = np.frombuffer(buffer, np.uint8)
        return np.unpackbits(raw, bitorder="little")[lo:hi].astype(bool)

    validity, data = array.buffers()[:2]
    values = bits(data)
    if validity is None:
        return values
    valid = bits(validity)
    return values & valid if not null else values | ~valid


def engine_for(n_events: int) -> type:
    return ArrowTexts if "pyarrow" in sys.modules or n_events >= ARROW_FROM else PythonTexts


def summaries_array(column) -> Any:
    """The summaries as an Arrow string array: over a :class:`~araz.model.table.TextColumn`'s
    own buffer and offsets, no copy (each text keeps the NUL that ends it: no term
    contains one; an int64 copy of the offsets and its int32 one were 20 MB at a million
    events), else built, a NUL inside a text read as a space."""
    import pyarrow as pa

    buffers = getattr(column, "buffers", None)
    data, offsets = buffers() if buffers is not None else (b"", np.zeros(0, np.int32))
    raw = np.frombuffer(data, np.uint8) if len(data) else np.zeros(0, np.uint8)
    n = max(len(offsets) - 1, 0)
    if buffers is None or raw.size - np.count_nonzero(raw) != n:  # NULs inside texts
        return _strings([t.replace("\x00", " ") for t in column])
    if not n:
        return _strings([])
    kind = pa.string() if offsets.dtype == np.int32 else pa.large_string()
    offsets = np.ascontiguousarray(offsets, np.int32 if kind == pa.string() else np.int64)
    return pa.Array.from_buffers(kind, n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


class _Members(NamedTuple):
    """Actors: their distinct names (``names``), which member has which name
    (``owned[k]`` is a name of ``owners[k]``), the column's distinct member tuples
    (``tuples[k]`` holds ``members[k]``) and per row its tuple (``codes``: the column's
    own, of any integer type, -1 for none)."""

    names: Texts
    owned: np.ndarray
    owners: np.ndarray
    n_members: int
    tuples: np.ndarray
    members: np.ndarray
    n_tuples: int
    codes: np.ndarray

    def mask(self, terms: Sequence[str]) -> np.ndarray:
        named = np.zeros(self.n_members, bool)
        named[self.owners[self.names.contains(terms)[self.owned]]] = True
        per_tuple = np.zeros(self.n_tuples, bool)
        per_tuple[self.tuples[named[self.members]]] = True
        return _spread(per_tuple, self.codes)


class _Places(NamedTuple):
    """The places' names: the distinct ``names`` and, per column of the gazetteer (name,
    aliases, within, country), ``(flat, of_value, n_values, codes)``: its distinct
    values' names (``flat[k]``, a name of value ``of_value[k]``) and per place its value
    (the column's own codes, -1 for none); then the events' place ``tuples``
    (:class:`~araz.model.places.PlaceTuples`), and whether each holds one place.  A
    search decides per value, spreads to the places by the codes, then to the tuples
    and the events: no (place, name) pair per place (4 million int32 at a million
    events, for some 70 distinct names)."""

    names: Texts
    columns: tuple[tuple[np.ndarray, np.ndarray, int, np.ndarray], ...]
    n_places: int
    tuples: Any
    one_each: bool  # every tuple holds one place (row -1: unknown)

    def mask(self, terms: Sequence[str]) -> np.ndarray:
        hit = self.names.contains(terms)
        named = np.zeros(self.n_places, bool)
        for flat, of_value, n_values, codes in self.columns:
            values = of_value[hit[flat]]
            if len(values):  # (a column none of whose names is found: nothing to spread)
                per_value = np.zeros(n_values, bool)
                per_value[values] = True
                named |= _spread(per_value, codes)
        tuples = self.tuples
        if not named.any():  # no place named so: no event either
            return np.zeros(len(tuples.codes), bool)
        # each tuple one place (an ACLED file's): its place's flag
        per_tuple = _spread(named, tuples.rows) if self.one_each else tuples.any(named)
        return _spread(per_tuple, tuples.codes)


class SearchIndex:
    """What a dataset's searches need, made on the first search and kept."""

    def __init__(self, ds: Any, engine: type | None = None):
        """``ds``: a :class:`~araz.model.dataset.Dataset` (which imports this module and
        keeps the index: the index keeps the dataset's parts, never the dataset, so
        that a closed dataset is freed without the cycle collector)."""
        self.events, self.actors_of, self.places_of = ds.events, ds.actors, ds.places
        self.place_tuples = ds.place_tuples
        self.engine = engine or engine_for(len(ds.events))

    # per distinct value of a coded column: its texts, and (row -> value) codes
    def _coded(self, column) -> tuple[Texts, np.ndarray]:
        values = [v or "" for v in column.values]
        # the column's own codes (int8/16/32, maybe a view of the table's file): an int64
        # copy of each was 8 MB a column at a million events
        return self.engine(values), column.codes

    @cached_property
    def titles(self) -> tuple[Texts, np.ndarray]:
        return self._coded(self.events.title)

    @cached_property
    def categories(self) -> tuple[Texts, np.ndarray]:
        return self._coded(self.events.category)

    @cached_property
    def summaries(self) -> Texts:
        column = self.events.summary
        if self.engine is ArrowTexts:
            return UnfoldedTexts(summaries_array(column))
        return self.engine(list(column))

    @cached_property
    def places(self) -> _Places:
        """Each place's names (and within, country), per distinct value of the
        gazetteer's columns (no Place objects), and the events' place tuples."""
        places = self.places_of
        names: dict[str, int] = {}
        columns = []
        for column in (places.name, places.aliases, places.within, places.country):
            values = column.values
            per_value = [
                [names.setdefault(t, len(names)) for t in ((v,) if type(v) is str else v) if t]
                for v in values
            ]
            sizes = np.fromiter(map(len, per_value), np.int64, len(per_value))
            flat = np.fromiter((k for v in per_value for k in v), np.int32, int(sizes.sum()))
            of_value = np.repeat(np.arange(len(values), dtype=np.int32), sizes)
            columns.append((flat, of_value, len(values), column.codes))
        tuples = self.place_tuples
        one_each = len(tuples.rows) == len(tuples) and bool(np.all(np.diff(tuples.starts) == 1))
        return _Places(self.engine(list(names)), tuple(columns), len(places), tuples, one_each)

    @cached_property
    def actors(self) -> _Members:
        """Each actor's names (an id missing from the registry: the id), and the events'
        actor tuples."""
        named = {a.id: list(a.names()) for a in self.actors_of.values()}
        column = self.events.actors
        for actors in column.values:
            for a in actors or ():
                named.setdefault(a, [a])
        return self._members(named, column, lambda a: a)

    def _members(self, named: dict[str, list[str]], column, key) -> _Members:
        """(the actors': the places' are read from their columns, :attr:`places`)"""
        # each distinct name once (thousands of places share a district's or a
        # country's name): the search's cost follows the names, not the places
        names: dict[str, int] = {}
        owners: list[int] = []
        owned: list[int] = []
        index: dict[str, int] = {}
        for k, (member, its_names) in enumerate(named.items()):
            index[member] = k
            for name in dict.fromkeys(its_names):
                if name:
                    owners.append(k)
                    owned.append(names.setdefault(name, len(names)))
        tuples: list[int] = []
        members: list[int] = []
        for k, items in enumerate(column.values):
            for item in items or ():
                i = index.get(key(item))
                if i is not None:
                    tuples.append(k)
                    members.append(i)
        return _Members(
            self.engine(list(names)),
            np.array(owned, np.int64),
            np.array(owners, np.int64),
            len(index),
            np.array(tuples, np.int64),
            np.array(members, np.int64),
            len(column.values),
            column.codes,
        )

    def mask(self, terms: Sequence[str]) -> np.ndarray:
        """Per event: does one of these folded terms occur in one of its texts?"""
        n = len(self.events)
        m = np.zeros(n, bool)
        for texts, codes in (self.titles, self.categories):
            m |= _spread(texts.contains(terms), codes)
        m |= self.places.mask(terms)
        m |= self.actors.mask(terms)
        m |= self.summaries.contains(terms)
        return m


def _spread(per_value: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per row, the value's flag (code -1, a missing value: False)."""
    if not len(codes):
        return np.zeros(0, bool)
    # a take wrapping -1 to the appended False: 2-3x faster than indexing with the
    # narrow (int8/int16) codes
    return np.take(np.append(per_value, False), codes, mode="wrap")
