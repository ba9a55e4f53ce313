"""Events stored by column: what lets a dataset hold 100,000 events in a few tens of MB.

One :class:`~araz.model.entities.Event` object per event costs about 1.5 kB at ACLED
scale (the object, its ``extra`` dict, its actors tuple, the strings).  An
:class:`EventTable` keeps instead one list of ids, the summaries in one UTF-8 buffer
(:class:`TextColumn`), and for every value that repeats (title, date, actors, places,
category, certainty, each ``extra`` key) a :class:`Coded` column: the distinct values
once and one small integer per event.  It is a ``Sequence[Event]``: ``table[i]`` and
iteration build the ``Event`` on demand, so code that reads events one at a time does
not change; code that works over all events uses the columns (``table.date.codes`` …)
and never builds 100,000 objects.

A table made :meth:`from events <EventTable.from_events>` (the curated story,
TimelineJS/StoryMapJS) keeps those objects and hands back the same ones (its ``extra``
columns are empty: each event's ``extra`` stays on the event); a table built row by row
with an :class:`EventTableBuilder` (the ACLED and GeoJSON readers) keeps only columns.
"""

from __future__ import annotations

import builtins
from array import array
from collections.abc import Hashable, Iterator, Mapping, Sequence
from operator import index, itemgetter
from typing import Any, TypeVar, overload

import numpy as np

from .entities import Event, EventDate, PlaceRef, Quote


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
    """``[values[i] for i in rows]``, at C speed."""
    rows = np.asarray(rows, np.intp).tolist()
    if len(rows) < 2:
        return [values[i] for i in rows]
    return list(itemgetter(*rows)(values))


class Rows(Sequence[T]):
    """Sequence plumbing shared by the column classes: ``self[i]`` for any integer
    (negative counts from the end, out of range raises IndexError), a slice gives a
    list.  A subclass gives ``__len__`` and ``_row(k)`` for ``0 <= k < len(self)``."""

    __slots__ = ()

    def _row(self, k: int) -> T:
        raise NotImplementedError

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
    """A column of repeated values: ``values`` once each, ``codes`` (int32) per row;
    code -1 reads as ``missing``."""

    __slots__ = ("codes", "missing", "values")

    def __init__(self, codes: np.ndarray, values: list, missing: Any = None):
        self.codes = np.asarray(codes, np.int32)
        self.values = values
        self.missing = missing

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

    def per_value(self, fn) -> np.ndarray:
        """``fn(value)`` for every distinct value, spread to the rows (bool/float arrays)."""
        per = [fn(v) for v in self.values]
        if len(self.codes) and int(self.codes.min()) < 0:
            per.append(fn(self.missing))  # last: where code -1 reads it
        if not per:
            return np.zeros(len(self.codes))
        return np.array(per)[self.codes]


class TextColumn(Rows[str]):
    """Texts kept as one UTF-8 buffer, each followed by a NUL, and where each ends: about
    a byte a character and no object per text (a summary as a ``str`` costs 49 bytes
    more, and 100,000 small objects scatter the heap).  ``column[i]`` decodes one text;
    search sees them as one Arrow array over the same buffer."""

    __slots__ = ("_data", "_ends")

    def __init__(self, texts: Sequence[str] = ()):
        parts = [t.encode("utf-8", "surrogatepass") for t in texts]
        self._data: bytes | bytearray = b"".join(p + b"\x00" for p in parts)
        sizes = np.fromiter((len(p) + 1 for p in parts), np.int64, count=len(parts))
        self._ends = np.cumsum(sizes) - 1

    @classmethod
    def from_buffer(cls, data: bytes | bytearray, ends: Sequence[int] | np.ndarray) -> TextColumn:
        """A column over UTF-8 ``data`` where text ``i`` ends at byte ``ends[i]`` and is
        followed by a NUL (text ``i + 1`` starts after it)."""
        col = cls()
        col._data, col._ends = data, np.asarray(ends, np.int64)
        return col

    def __len__(self) -> int:
        return len(self._ends)

    def _row(self, k: int) -> str:
        start = int(self._ends[k - 1]) + 1 if k else 0
        return self._data[start : int(self._ends[k])].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        data, start = self._data, 0
        for end in self._ends.tolist():
            yield data[start:end].decode("utf-8", "surrogatepass")
            start = end + 1

    def buffers(self) -> tuple[bytes | bytearray, np.ndarray]:
        """The UTF-8 buffer and where each text ends (its NUL), for a zero-copy view
        (:func:`araz.model.search.summaries_array`)."""
        return self._data, self._ends


class IdIndex(Mapping[str, int]):
    """The row of each id: a read-only mapping over the ids' hashes, sorted, and their
    rows (two arrays, 1.6 MB at 100,000 events; a dict of them costs 9 MB).  A lookup
    is a binary search, then a comparison with the id itself (hashes may collide)."""

    def __init__(self, ids: Sequence[str]):
        self._ids = ids
        hashes = np.fromiter(map(hash, ids), np.int64, count=len(ids))
        self._order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[self._order]

    def __getitem__(self, key: str) -> int:
        if not isinstance(key, str):
            raise KeyError(key)
        h = hash(key)
        k = int(np.searchsorted(self._hashes, h))
        while k < len(self._hashes) and self._hashes[k] == h:
            row = int(self._order[k])
            if self._ids[row] == key:
                return row
            k += 1
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def _code(by: dict, values: list, key: Any, value: Any) -> int:
    """The code of ``value`` (found under ``key``), adding it if it is new."""
    code = by.get(key)
    if code is None:
        code = by[key] = len(values)
        values.append(value)
    return code


class EventTableBuilder:
    """Builds an :class:`EventTable` one event at a time, keeping only columns.

    ``extra`` values must be hashable (text, numbers, booleans, None): each key becomes
    a coded column.
    """

    def __init__(self) -> None:
        self.ids: list[str] = []
        # summaries go straight into one UTF-8 buffer: no str per row kept until the
        # end (they would scatter the heap between the rows' freed cells)
        self._summary = bytearray()
        self._summary_ends = array("q")
        # per coded column: {key: code}, the distinct values, the codes per row
        self._cols: dict[str, tuple[dict, list, list[int]]] = {
            k: ({}, [], []) for k in ("title", "date", "actors", "places", "category", "certainty")
        }
        self._quotes: dict[int, tuple[Quote, ...]] = {}
        # per extra key: {value: code}, the distinct values, the rows that have it, codes
        self._extra: dict[str, tuple[dict, list, list[int], list[int]]] = {}
        # extra keys declared up front, given per row as a tuple: {value: code}, values,
        # a code per row
        self._fixed_keys: tuple[str, ...] = ()
        self._fixed: list[tuple[dict, list, list[int]]] = []

    def set_extra_keys(self, keys: Sequence[str]) -> None:
        """Declare extra keys that every row gives, in this order, as ``append(...,
        extra_values=(...))`` (a value of ``None`` or ``""`` is absent): faster than a
        dict per row when a reader knows its columns (ACLED).  Before any row."""
        if self.ids:
            raise RuntimeError("extra keys are declared before the first row")
        self._fixed_keys = tuple(keys)
        self._fixed = [({}, [], []) for _ in self._fixed_keys]

    def __len__(self) -> int:
        return len(self.ids)

    def append(
        self,
        id: str,
        title: str,
        date: EventDate | None,
        summary: str = "",
        actors: tuple[str, ...] = (),
        places: tuple[PlaceRef, ...] = (),
        category: str = "",
        certainty: str = "reported",
        quotes: tuple[Quote, ...] = (),
        extra: dict | None = None,
        extra_values: Sequence | None = None,
    ) -> None:
        row = len(self.ids)
        self.ids.append(id)
        self._summary += summary.encode("utf-8", "surrogatepass")
        self._summary_ends.append(len(self._summary))
        self._summary += b"\x00"  # TextColumn's separator
        cols = self._cols
        by, values, codes = cols["title"]
        codes.append(_code(by, values, title, title))
        by, values, codes = cols["date"]  # readers share one object per date: by identity
        codes.append(_code(by, values, builtins.id(date), date))
        by, values, codes = cols["actors"]
        codes.append(_code(by, values, actors, actors))
        by, values, codes = cols["places"]  # and one tuple per place
        codes.append(_code(by, values, builtins.id(places), places))
        by, values, codes = cols["category"]
        codes.append(_code(by, values, category, category))
        by, values, codes = cols["certainty"]
        codes.append(_code(by, values, certainty, certainty))
        if quotes:
            self._quotes[row] = quotes
        if extra:
            columns = self._extra
            for key, value in extra.items():
                col = columns.get(key)
                if col is None:
                    col = columns[key] = ({}, [], [], [])
                # keyed with the type: True, 1 and 1.0 are equal but not the same value
                by, k = col[0], (value.__class__, value)
                code = by.get(k)
                if code is None:
                    code = by[k] = len(col[1])
                    col[1].append(value)
                col[2].append(row)
                col[3].append(code)
        if self._fixed:
            if extra_values is None:
                extra_values = (None,) * len(self._fixed)
            for (by, values, codes), value in zip(self._fixed, extra_values, strict=True):
                if value is None or value == "":
                    codes.append(-1)
                else:
                    code = by.get(value)
                    if code is None:
                        code = by[value] = len(values)
                        values.append(value)
                    codes.append(code)
        elif extra_values:
            raise ValueError("extra_values without set_extra_keys")

    def build(self) -> EventTable:
        n = len(self.ids)
        extra = {}
        for key, (_, values, codes) in zip(self._fixed_keys, self._fixed, strict=True):
            if values:
                extra[key] = Coded(np.array(codes, np.int32), values)
        for key, (_, values, rows, codes) in self._extra.items():
            if key in extra:
                raise ValueError(f"extra key {key!r} given both ways")
            per_row = np.full(n, -1, np.int32)
            per_row[rows] = codes
            extra[key] = Coded(per_row, values)
        cols = {k: Coded(np.array(c, np.int32), v) for k, (_, v, c) in self._cols.items()}
        return EventTable(
            self.ids,
            cols["title"],
            cols["date"],
            TextColumn.from_buffer(self._summary, np.frombuffer(self._summary_ends, np.int64)),
            cols["actors"],
            cols["places"],
            cols["category"],
            cols["certainty"],
            self._quotes,
            extra,
        )


class EventTable(Rows[Event]):
    """Events by column (see the module's docs).  Immutable."""

    def __init__(
        self,
        ids: list[str],
        title: Coded,
        date: Coded,
        summary: Sequence[str],
        actors: Coded,
        places: Coded,
        category: Coded,
        certainty: Coded,
        quotes: dict[int, tuple[Quote, ...]] | None = None,
        extra: dict[str, Coded] | None = None,
        objects: tuple[Event, ...] | None = None,
    ):
        n = len(ids)
        for name, column in (
            ("title", title),
            ("date", date),
            ("summary", summary),
            ("actors", actors),
            ("places", places),
            ("category", category),
            ("certainty", certainty),
            *((f"extra {k!r}", c) for k, c in (extra or {}).items()),
        ):
            if len(column) != n:
                raise ValueError(f"column {name} has {len(column)} rows for {n} events")
        self.ids = ids
        self.title = title
        self.date = date
        self.summary = summary
        self.actors = actors
        self.places = places
        self.category = category
        self.certainty = certainty
        self.quotes = quotes or {}
        self.extra = extra or {}
        self._objects = objects

    @classmethod
    def from_events(cls, events: Sequence[Event]) -> EventTable:
        """Columns over these events; the table hands back these very objects."""
        events = tuple(events)
        ids = [e.id for e in events]
        title = Coded(*distinct_values([e.title for e in events]))
        date = Coded(*distinct_objects([e.date for e in events]))
        actors = Coded(*distinct_values([e.actors for e in events]))
        places = Coded(*distinct_objects([e.places for e in events]))
        category = Coded(*distinct_values([e.category for e in events]))
        certainty = Coded(*distinct_values([e.certainty for e in events]))
        quotes = {i: e.quotes for i, e in enumerate(events) if e.quotes}
        return cls(
            ids,
            title,
            date,
            [e.summary for e in events],
            actors,
            places,
            category,
            certainty,
            quotes,
            None,
            objects=events,
        )

    # ------------------------------------------------------------ Sequence[Event]

    def __len__(self) -> int:
        return len(self.ids)

    def _row(self, k: int) -> Event:
        return self._objects[k] if self._objects is not None else self._event(k)

    def __iter__(self) -> Iterator[Event]:
        if self._objects is not None:
            return iter(self._objects)
        return map(self._event, range(len(self.ids)))

    def __repr__(self) -> str:
        return f"<EventTable: {len(self)} events>"

    def _event(self, i: int) -> Event:
        extra = {}
        for key, column in self.extra.items():
            code = int(column.codes[i])
            if code >= 0:
                extra[key] = column.values[code]
        return Event(
            self.ids[i],
            self.title[i],
            self.date[i],
            self.summary[i],
            self.actors[i],
            self.places[i],
            self.category[i],
            self.certainty[i],
            self.quotes.get(i, ()),
            extra,
        )
