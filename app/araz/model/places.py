"""The gazetteer by column: one row per place, not one :class:`Place` object each.

A million ACLED events name about half a million distinct places; as objects (with
their tuples of regions) they cost some 150 bytes each and, opened from the table cache,
half a second to make.  :class:`Places` keeps them as columns, the same ones the cache
writes (:mod:`araz.io._table_arrow`):

* ``ids``: a ``Sequence[str]`` (a list, or the cache's Arrow array read in place);
* ``name``, ``kind``, ``country``, ``aliases``, ``within``: :class:`Coded` columns (the
  distinct values once: text, or tuples of names; ``country`` code -1 for none; codes
  in the narrowest type, :func:`~araz.model.columns.code_type`);
* ``lat``, ``lon``, ``radius_m``: float64 arrays, NaN for none;
* ``geometry``: the few places that have one, row -> GeoJSON geometry (a dict, or its
  JSON text until first read).

It is a read-only ``Mapping[str, Place]``: ``places[pid]`` makes the one
:class:`Place` asked for (and keeps the last few made), so that code reading a place
at a time (the detail panel, an export) does not change; code that works over all
places reads the columns (:attr:`Places.has_point`, :attr:`Places.lat`, …) and never
makes half a million objects.  Made from a reader's dict of places
(:meth:`Places.from_objects`), it keeps those objects when asked to (a small gazetteer:
the curated story's, whose places are handed back as they were made); a large one
(:data:`araz.model.dataset.KEEP_PLACE_OBJECTS`) lets them go, its columns Arrow arrays
when pyarrow is loaded (the ids one string array, the rest dictionary-encoded): 458 →
301 bytes an event kept by a fresh 100,000-row ACLED read, with the events' place refs
(:meth:`Dataset._place_refs_as_rows <araz.model.dataset.Dataset>`).  An ACLED read's
events keep no second copy of the place ids: their ``places`` dictionary is the id
column itself (:attr:`Coded.texts <araz.model.columns.Coded>`).

:class:`PlaceTuples`: the events' place tuples as rows of this table (which places
each distinct tuple of the events' ``places`` column holds, and their roles), what the
map, the search and the exports work from.

pyarrow is imported here only when it is loaded already (a large read) or for an
events table that is Arrow (:meth:`Places.tuples_of_ids`): the bundled story never
imports it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np

from .columns import Coded, IdIndex, as_codes, distinct_values, narrow, take
from .entities import Place, PlaceRef

MADE_KEPT = 4096  # Place objects kept once made (then the keeping starts again)


def _floats(values: list[float | None]) -> np.ndarray:
    """float64, NaN for None."""
    if None not in values:
        return np.array(values, np.float64)
    return np.fromiter((np.nan if v is None else v for v in values), np.float64, len(values))


def _optional(value: float) -> float | None:
    return None if value != value else float(value)  # NaN: none


def _coded_optional(values: list) -> Coded:
    """A coded column where None is code -1 (not a value)."""
    codes, distinct = distinct_values(values)
    if None in distinct:
        k = distinct.index(None)
        del distinct[k]
        codes = np.where(codes == k, -1, np.where(codes > k, codes - 1, codes))
    return Coded(narrow(codes, len(distinct)), distinct)


def _arrow_coded(values: list, tuples: bool = False) -> Coded | None:
    """A column of text (None: code -1) or of tuples of names, dictionary-encoded by
    Arrow (hashed in C++, five times faster than a dict), its values decoded on first
    use; None for tuples that joining by U+001F would not give back (an empty name, or
    one holding U+001F)."""
    from .arrow_table import codes_of, text
    from .columns import _pylist
    from .kinds import SEP

    if tuples:
        names = list(chain.from_iterable(values))
        joined = list(map(SEP.join, values))
        seps = sum(map(len, values)) - (len(values) - values.count(()))
        if not all(names) or "".join(joined).count(SEP) != seps:
            return None
        values = joined
    encoded = text(values).dictionary_encode()
    texts = encoded.dictionary
    codes = narrow(codes_of(encoded, len(texts), "places"), len(texts))
    if tuples:
        return Coded.lazy(codes, lambda: [tuple(v.split(SEP)) if v else () for v in _pylist(texts)])
    return Coded.lazy(codes, lambda: _pylist(texts))


def _arrow_values(column: Coded, tuples: bool = False) -> Coded:
    """``column`` with its values (text, or tuples of names) kept in an Arrow array and
    decoded on first use (kept as they are when joining tuples by U+001F would not give
    them back), its codes in the narrowest type."""
    from .arrow_table import text
    from .columns import _pylist
    from .kinds import SEP

    values = column.values
    codes = narrow(column.codes, len(values))
    if tuples:
        if not all(all(t) and SEP not in "".join(t) for t in values):
            return Coded(codes, values, column.missing)
        texts = text(list(map(SEP.join, values)))
        return Coded.lazy(codes, lambda: [tuple(v.split(SEP)) if v else () for v in _pylist(texts)])
    texts = text(values)
    return Coded.lazy(codes, lambda: _pylist(texts))


class Places(Mapping[str, Place]):
    """A gazetteer by column (see the module's docs).  Immutable."""

    def __init__(
        self,
        ids: Sequence[str],
        name: Coded,
        kind: Coded,
        lat: np.ndarray,
        lon: np.ndarray,
        aliases: Coded,
        geometry: dict[int, Any],
        country: Coded,
        radius_m: np.ndarray,
        within: Coded,
        objects: dict[str, Place] | None = None,
    ):
        n = len(ids)
        for column in (name, kind, lat, lon, aliases, country, radius_m, within):
            if len(column) != n:
                raise ValueError(f"a column of {len(column)} rows for {n} places")
        self.ids = ids
        self.name, self.kind, self.country = name, kind, country
        self.lat, self.lon, self.radius_m = lat, lon, radius_m
        self.aliases, self.within = aliases, within
        self.geometry = geometry
        self._objects = objects
        self._made: dict[str, Place] = {}
        self.made = 0  # Place objects made from the columns so far (tests count them)

    @classmethod
    def from_objects(cls, places: Mapping[str, Place], keep: bool = True) -> Places:
        """The columns of these places (keyed by id); ``keep``: hand back these objects
        (else they are made again from the columns when asked for)."""
        if isinstance(places, Places):
            return places
        objects = list(places.values())
        col = {
            f: list(map(attrgetter(f), objects))
            for f in ("name", "kind", "lat", "lon", "aliases", "within", "country", "radius_m")
        }
        keys = list(places)
        geometry = {k: p.geometry for k, p in enumerate(objects) if p.geometry is not None}
        numbers = [_floats(col[f]) for f in ("lat", "lon", "radius_m")]
        if not keep and "pyarrow" in sys.modules:  # as Arrow arrays: no str per place kept
            from .arrow_table import text
            from .columns import Strings

            made = {f: _arrow_coded(col[f]) for f in ("name", "kind", "country")}
            for f in ("aliases", "within"):
                made[f] = _arrow_coded(col[f], tuples=True)
            c = {f: v for f, v in made.items() if v is not None}
            if len(c) == len(made):
                return cls(
                    Strings(text(keys)), c["name"], c["kind"], numbers[0], numbers[1],
                    c["aliases"], geometry, c["country"], numbers[2], c["within"],
                )  # fmt: skip
        return cls(
            keys,
            Coded(*distinct_values(col["name"])),
            Coded(*distinct_values(col["kind"])),
            numbers[0],
            numbers[1],
            Coded(*distinct_values(col["aliases"])),
            geometry,
            _coded_optional(col["country"]),
            numbers[2],
            Coded(*distinct_values(col["within"])),
            dict(places) if keep else None,
        )

    @classmethod
    def from_columns(
        cls,
        ids: Sequence[str],
        name: Coded,
        lat: np.ndarray,
        lon: np.ndarray,
        country: Coded,
        radius_m: np.ndarray,
        within: Coded,
        kind: str = "site",
    ) -> Places:
        """Places of one ``kind``, no alias and no geometry, from a reader's columns (its
        per-value codes: no :class:`Place` made); with pyarrow loaded, the ids and the
        texts of the coded columns are kept as Arrow arrays (no ``str`` per place)."""
        n = len(ids)
        one = np.zeros(n, np.int8)  # one value: a byte a place
        columns: Sequence[str] = ids
        if "pyarrow" in sys.modules:
            from .arrow_table import text
            from .columns import Strings

            columns = ids if isinstance(ids, Strings) else Strings(text(list(ids)))
            name, country = _arrow_values(name), _arrow_values(country)
            within = _arrow_values(within, tuples=True)
        return cls(
            columns, name, Coded(one, [kind]), lat, lon, Coded(one.copy(), [()]), {},
            country, radius_m, within,
        )  # fmt: skip

    # ------------------------------------------------------------ Mapping[str, Place]

    def __getitem__(self, pid: str) -> Place:
        if self._objects is not None:
            return self._objects[pid]
        place = self._made.get(pid)
        if place is None:
            place = self.place(self.index[pid])
            if len(self._made) >= MADE_KEPT:
                self._made.clear()
            self._made[pid] = place
        return place

    def __contains__(self, pid: object) -> bool:
        if self._objects is not None:
            return pid in self._objects
        return pid in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self._objects if self._objects is not None else self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"<Places: {len(self)} places>"

    @cached_property
    def index(self) -> IdIndex:
        """The row of each place id (made on first use)."""
        return IdIndex(self.ids)

    def place(self, row: int) -> Place:
        """The place at ``row``, made from the columns."""
        self.made += 1
        country = int(self.country.codes[row])
        return Place(
            self.ids[row],
            self.name[row],
            self.kind[row],
            _optional(self.lat[row]),
            _optional(self.lon[row]),
            self.aliases[row],
            self.geometry_at(row),
            self.country.values[country] if country >= 0 else None,
            _optional(self.radius_m[row]),
            self.within[row],
        )

    def geometry_at(self, row: int) -> dict | None:
        """The GeoJSON geometry of the place at ``row`` (None for a point)."""
        geometry = self.geometry.get(row)
        if isinstance(geometry, str):
            geometry = self.geometry[row] = json.loads(geometry)
        return geometry

    # ------------------------------------------------------------ columns

    @cached_property
    def has_point(self) -> np.ndarray:
        """Per place: does it have a point (the marker)?"""
        return ~(np.isnan(self.lat) | np.isnan(self.lon))

    def rows_of(self, ids: Iterable[str]) -> np.ndarray:
        """The row of each of these ids (-1: not a place of this table)."""
        rows = self._rows()
        return np.fromiter((rows.get(i, -1) for i in ids), np.int64)

    def _rows(self) -> dict[str, int]:
        """Row by id, for a lookup in bulk (not kept: 60 bytes a place)."""
        return {pid: k for k, pid in enumerate(self.ids)}

    def names(self, rows: np.ndarray | None = None) -> list[tuple[str, ...]]:
        """Each place's name and aliases (at ``rows``, or all), as :meth:`Place.names`."""
        rows = np.arange(len(self)) if rows is None else np.asarray(rows, np.intp)
        names = take(self.name.values, self.name.codes[rows])
        aliases = take(self.aliases.values, self.aliases.codes[rows])
        return [(n, *a) if a else (n,) for n, a in zip(names, aliases, strict=True)]

    def tuples(self, column: Coded) -> PlaceTuples:
        """The place tuples of an events' ``places`` column as rows of this table."""
        rows = self._rows()
        starts = [0]
        flat: list[int] = []
        roles: list[str | None] = []
        for refs in column.values:
            for r in refs:
                flat.append(rows.get(r.place, -1))
                roles.append(r.role)
            starts.append(len(flat))
        return PlaceTuples(
            as_codes(column.codes),
            np.array(starts, _index_type(len(flat))),
            np.array(flat, _index_type(len(rows))),
            roles if any(roles) else None,
        )

    def tuples_of_ids(self, codes: np.ndarray, texts: Any) -> PlaceTuples | None:
        """The place tuples of an events' ``places`` column of the "places" kind from
        its Arrow dictionary (``texts``: one place id each, or "" for none), matched in
        Arrow (``index_in``); None when a text names several places."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from .arrow_table import text
        from .columns import Strings
        from .kinds import SEP

        ids = self.ids.array if isinstance(self.ids, Strings) else text(list(self.ids))
        if _same_texts(texts, ids):  # the reader's dictionary is this id column: row i
            n = len(ids)
            return PlaceTuples(
                as_codes(codes),
                np.arange(n + 1, dtype=_index_type(n)),
                np.arange(n, dtype=_index_type(n)),
                None,
            )
        if pc.any(pc.match_substring(texts, SEP)).as_py():
            return None
        found = pc.index_in(texts, value_set=ids).cast(pa.int64())
        rows = np.frombuffer(found.buffers()[1], np.int64, len(texts), found.offset * 8)
        if found.null_count:  # -1 where not found (numpy: pc.fill_null imports pandas)
            rows = np.where(np.frombuffer(_bits(pc.is_valid(found)), bool, len(texts)), rows, -1)
        # a text not "" (its offsets, in numpy: a comparison with a scalar imports pandas)
        width = np.dtype(np.int64 if texts.type == pa.large_string() else np.int32)
        offsets = np.frombuffer(
            texts.buffers()[1], width, len(texts) + 1, texts.offset * width.itemsize
        )
        filled = np.diff(offsets) > 0
        starts: np.ndarray = np.zeros(len(texts) + 1, _index_type(len(texts)))
        np.cumsum(filled, out=starts[1:])
        kept: np.ndarray = rows[filled].astype(_index_type(len(self)))
        return PlaceTuples(as_codes(codes), starts, kept, None)


def _same_texts(a: Any, b: Any) -> bool:
    """Whether two Arrow string arrays are views of the same buffers (the same texts,
    without reading them)."""
    if a.type != b.type or len(a) != len(b) or a.offset != b.offset:
        return False
    return all(
        x is y or (x is not None and y is not None and x.address == y.address)
        for x, y in zip(a.buffers()[1:], b.buffers()[1:], strict=True)
    )


def _index_type(n: int) -> type:
    """int32 for rows and positions up to ``n`` when it fits (4 bytes less each)."""
    return np.int32 if n < 2**31 - 1 else np.int64


def _bits(array: Any) -> bytes:
    """A boolean Arrow array (no nulls) as one byte a value."""
    bits = np.frombuffer(array.buffers()[1], np.uint8)
    unpacked = np.unpackbits(bits, bitorder="little")
    return unpacked[array.offset : array.offset + len(array)].tobytes()


class PlaceTuples(NamedTuple):
    """The distinct place tuples of the events' ``places`` column, as rows of their
    :class:`Places`: tuple ``k`` holds ``rows[starts[k]:starts[k + 1]]`` (-1: an id the
    gazetteer does not know), with ``roles`` at the same positions (None when no ref
    has a role); per event its tuple, ``codes`` (-1: none).  ``starts`` and ``rows``
    are int32 (int64 past two billion)."""

    codes: np.ndarray
    starts: np.ndarray
    rows: np.ndarray
    roles: list[str | None] | None

    def __len__(self) -> int:
        return len(self.starts) - 1

    def refs(self, k: int, ids: Sequence[str]) -> tuple[PlaceRef, ...]:
        """Tuple ``k`` as refs (``ids``: the places' ids; an unknown place: "")."""
        lo, hi = int(self.starts[k]), int(self.starts[k + 1])
        roles = self.roles[lo:hi] if self.roles is not None else [None] * (hi - lo)
        return tuple(
            PlaceRef(ids[r] if r >= 0 else "", role)
            for r, role in zip(self.rows[lo:hi].tolist(), roles, strict=True)
        )

    def any(self, per_place: np.ndarray) -> np.ndarray:
        """Per tuple: is ``per_place`` true for one of its (known) places?"""
        hit = np.append(per_place.astype(bool), False)[self.rows]  # row -1 reads False
        before = np.zeros(len(hit) + 1, np.int64)  # hits before each position
        np.cumsum(hit, out=before[1:])
        return before[self.starts[1:]] > before[self.starts[:-1]]

    def first(self, per_place: np.ndarray) -> np.ndarray:
        """Per tuple: the row of its first place where ``per_place`` is true (-1: none)."""
        hit = np.append(per_place.astype(bool), False)[self.rows]
        positions = np.flatnonzero(hit)
        owner = np.searchsorted(self.starts, positions, side="right") - 1
        out = np.full(len(self), -1, np.int64)
        # the first hit of each tuple: positions are sorted, keep each owner's first
        keep = np.ones(len(owner), bool)
        keep[1:] = owner[1:] != owner[:-1]
        out[owner[keep]] = self.rows[positions[keep]]
        return out


class RefTuples(Sequence[tuple[PlaceRef, ...]]):
    """The distinct values of the events' ``places`` column made from their
    :class:`PlaceTuples` one at a time, when read (and kept): showing one event does not
    decode half a million tuples (0.75 s at a million events).  Only for tuples whose
    places are all in the gazetteer and have no role (what the table cache keeps)."""

    def __init__(self, tuples: PlaceTuples, ids: Sequence[str]):
        if tuples.roles is not None or (len(tuples.rows) and int(tuples.rows.min()) < 0):
            raise ValueError("a role, or a place the gazetteer does not know")
        self._tuples, self._ids = tuples, ids
        self._made: dict[int, tuple[PlaceRef, ...]] = {}

    def __len__(self) -> int:
        return len(self._tuples)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = int(k)
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        refs = self._made.get(k)
        if refs is None:
            refs = self._made[k] = self._tuples.refs(k, self._ids)
        return refs
