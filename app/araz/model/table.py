"""Events stored by column, over one ``pyarrow.Table``: about 185 bytes an event at
100,000 synthetic ACLED rows, summaries and the gazetteer included (``benchmarks/load.py``).

One :class:`~araz.model.entities.Event` object per event costs about 1.5 kB at ACLED
scale.  An :class:`EventTable` keeps instead one Arrow table (:attr:`EventTable.arrow`,
its layout in :mod:`araz.model.arrow_table`): the ids and the summaries as string
columns, and every value that repeats (title, date, actors, places, category,
certainty, each ``extra`` key) dictionary-encoded, the distinct values once and one
code per event (int8, int16 or int32: the narrowest that holds the values).  The views
read it through the column types of :mod:`araz.model.columns` (``table.date.codes`` is
a numpy view of the Arrow indices, ``table.date.values`` the distinct
:class:`EventDate` objects).  It is a ``Sequence[Event]``: ``table[i]`` and iteration
build the ``Event`` on demand, so code that reads events one at a time does not change;
code that works over all events uses the columns and never builds a million objects.

A table made with the constructor (the readers give their columns as numpy codes and
the distinct values, :class:`Coded`, and the summaries as one buffer, :class:`TextColumn`)
is encoded into Arrow at once, without copying the codes or the summaries; one made
from a cached Arrow file wraps it (:meth:`EventTable.from_arrow`).  A table made
:meth:`from events <EventTable.from_events>` (the curated story, TimelineJS/StoryMapJS)
keeps those objects and hands back the same ones (its ``extra`` columns are empty: each
event's ``extra`` stays on the event); its Arrow table is built on first use of
``arrow``, so that the bundled story starts without importing pyarrow.  Quotes (curated
only) are kept by row, outside the Arrow table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .builder import ColumnsBuilder
from .columns import (
    Coded,
    IdIndex,
    Rows,
    Strings,
    TextColumn,
    distinct_objects,
    distinct_values,
    take,
)
from .entities import Event, Quote

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "Coded",
    "EventTable",
    "EventTableBuilder",
    "IdIndex",
    "Rows",
    "Strings",
    "TextColumn",
    "distinct_objects",
    "distinct_values",
    "take",
]

CODED = ("title", "date", "actors", "places", "category", "certainty")


class EventTable(Rows[Event]):
    """Events by column (see the module's docs).  Immutable."""

    def __init__(
        self,
        ids: Sequence[str],
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
        self.quotes = quotes or {}
        self._objects = objects
        self._arrow: pa.Table | None = None
        coded = dict(zip(CODED, (title, date, actors, places, category, certainty), strict=True))
        coded |= {f"extra:{k}": c for k, c in (extra or {}).items()}
        if objects is None:  # a reader's columns: into Arrow now, the codes not copied
            from .arrow_table import build

            self._arrow, ids, summary, coded = build(ids, summary, coded)
        self._set(ids, summary, coded)

    def _set(self, ids: Sequence[str], summary: Sequence[str], coded: dict[str, Coded]) -> None:
        self.ids = ids
        self.summary = summary
        self.title = coded["title"]
        self.date = coded["date"]
        self.actors = coded["actors"]
        self.places = coded["places"]
        self.category = coded["category"]
        self.certainty = coded["certainty"]
        self.extra = {k[6:]: c for k, c in coded.items() if k.startswith("extra:")}

    @classmethod
    def from_arrow(cls, table: pa.Table) -> EventTable:
        """The events of an Arrow table in :mod:`~araz.model.arrow_table`'s layout (one
        chunk per column), wrapped without a copy once checked (raises
        :class:`~araz.model.kinds.Corrupt` or an Arrow error for another table)."""
        from .arrow_table import columns

        ids, summary, coded = columns(table)
        self = cls.__new__(cls)
        self.quotes, self._objects, self._arrow = {}, None, table
        self._set(ids, summary, coded)
        return self

    def __getstate__(self) -> dict:
        """A table of event objects is pickled without its Arrow table (the bundled
        story's cache, :mod:`araz.io.bundled_cache`: unpickling it must not import
        pyarrow); it is built again on demand."""
        state = self.__dict__.copy()
        if self._objects is not None:
            state["_arrow"] = None
        return state

    @property
    def arrow(self) -> pa.Table:
        """The events as one Arrow table (see :mod:`araz.model.arrow_table`); for a table
        made from event objects, built now (once)."""
        if self._arrow is None:
            from .arrow_table import build

            columns = {name: getattr(self, name) for name in CODED}
            columns |= {f"extra:{k}": c for k, c in self.extra.items()}
            self._arrow = build(self.ids, self.summary, columns)[0]
        return self._arrow

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
        extra: dict[str, Any] = {}
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


class EventTableBuilder(ColumnsBuilder):
    """Builds an :class:`EventTable` one event at a time, keeping only columns.

    ``extra`` values must be hashable (text, numbers, booleans, None): each key becomes
    a coded column.
    """

    def build(self) -> EventTable:
        return EventTable(*self.columns())
