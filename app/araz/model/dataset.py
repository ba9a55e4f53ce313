"""A Dataset: events with their actors and places, and the indexes views need."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import cast

import numpy as np

from .columns import Spread, spread
from .entities import Actor, Event, EventDate, Place, PlaceRef
from .masks import picked
from .palette import Palette
from .places import Places, PlaceTuples, RefTuples
from .search import SearchIndex, fold
from .table import Coded, EventTable, IdIndex, take

Pairs = tuple[np.ndarray, np.ndarray]  # (distinct actor tuple, actor or state) per pair


@dataclass(frozen=True, slots=True)
class SeedInfo:
    """The article a curated dataset is drawn from."""

    text: str
    title: str
    author: str
    path: str = ""
    published: str | None = None


# a reader's gazetteer up to this many places keeps its Place objects (the curated
# story's, handed back as made); a larger one becomes columns only (araz.model.places)
KEEP_PLACE_OBJECTS = 10_000


class Dataset:
    """Events, the actor registry and the gazetteer, immutable once built."""

    def __init__(
        self,
        events: Sequence[Event] | EventTable,
        actors: dict[str, Actor],
        places: Mapping[str, Place] | Places,
        *,
        title: str = "",
        source: str = "",
        seed: SeedInfo | None = None,
        categories: list[str] | None = None,
        place_tuples: PlaceTuples | None = None,
    ):
        # the events by column (see araz.model.table): a Sequence[Event] to read one at
        # a time, columns to work over all of them
        self.events: EventTable = (
            events if isinstance(events, EventTable) else EventTable.from_events(events)
        )
        self.actors = dict(actors)
        # the gazetteer by column (araz.model.places): a Mapping[str, Place] to read one
        # place at a time, columns to work over all of them; a large reader's dict is
        # turned into columns and its objects let go (see KEEP_PLACE_OBJECTS)
        self.places: Places = Places.from_objects(places, len(places) <= KEEP_PLACE_OBJECTS)
        if place_tuples is not None:  # the table cache's (araz.io._table_arrow)
            self.__dict__["place_tuples"] = place_tuples
            self._place_refs_when_read()
        elif self.places._objects is None:
            self._place_refs_as_rows()
        self.title = title
        self.source = source
        self.seed = seed
        cats = list(categories or [])
        known = set(cats)
        for c in self.events.category.values:
            if c and c not in known:
                known.add(c)
                cats.append(c)
        self.categories = cats

    @cached_property
    def index(self) -> IdIndex:
        """Row of each event id (a read-only mapping)."""
        return IdIndex(self.events.ids)

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        return f"<Dataset {self.title!r}: {len(self.events)} events>"

    def event(self, event_id: str) -> Event:
        return self.events[self.index[event_id]]

    # ------------------------------------------------------------ actors

    def state_of(self, actor_id: str | None) -> str | None:
        """The state id an actor belongs to (a state belongs to itself)."""
        if actor_id is None:
            return None
        actor = self.actors.get(actor_id)
        return actor.state_id if actor else actor_id

    def main_state(self, event: Event) -> str | None:
        return self.state_of(event.main_actor)

    def members(self, state_id: str) -> list[Actor]:
        """The people and organisations of a state, in registry order."""
        return list(self._members.get(state_id, ()))

    @cached_property
    def _members(self) -> dict[str, list[Actor]]:
        """Members per state, found in one pass (not one pass per state)."""
        out: dict[str, list[Actor]] = {}
        for a in self.actors.values():
            if a.state and a.state != a.id:
                out.setdefault(a.state, []).append(a)
        return out

    def expand_actors(self, names: list[str]) -> set[str]:
        """Actor ids for names or ids (any alias, any case); a state brings its members.

        Raises KeyError naming the first name that matches no actor.
        """
        by_name: dict[str, set[str]] = {}
        for a in self.actors.values():
            for n in (a.id, *a.names()):
                by_name.setdefault(fold(n), set()).add(a.id)
        out: set[str] = set()
        for name in names:
            ids = by_name.get(fold(name))
            if not ids:
                raise KeyError(name)
            for actor_id in ids:
                out.add(actor_id)
                if self.actors[actor_id].kind == "state":
                    out.update(m.id for m in self.members(actor_id))
        return out

    @cached_property
    def actor_counts(self) -> Counter:
        """Events per actor id, and per state counting its members' events once."""
        by_actor = self.events_by_actor
        groups: dict[str, list[np.ndarray]] = {}
        for a, rows in by_actor.items():
            groups.setdefault(a, []).append(rows)
            s = self.state_of(a)
            if s is not None and s != a:
                groups.setdefault(s, []).append(rows)
        counts: Counter = Counter()
        for a, parts in groups.items():
            counts[a] = len(parts[0]) if len(parts) == 1 else _distinct(np.concatenate(parts))
        return counts

    @cached_property
    def palette(self) -> Palette:
        """Colours for the states, the state with most events as main actor first."""
        col = self.events.actors
        counts = np.bincount(col.codes, minlength=len(col.values)).tolist()
        states: Counter = Counter()
        for actors, n in zip(col.values, counts, strict=True):  # first appearance order
            if actors:
                states[self.state_of(actors[0])] += n
        return Palette([s for s, _ in states.most_common() if s])

    def colour(self, event: Event) -> str:
        return self.palette.colour(self.main_state(event))

    def actor_names(self, event: Event) -> str:
        return ", ".join(self.actors[a].name if a in self.actors else a for a in event.actors)

    # ------------------------------------------------------------ places

    def event_places(self, event: Event) -> list[Place]:
        return [self.places[r.place] for r in event.places if r.place in self.places]

    def first_point(self, event: Event) -> Place | None:
        for p in self.event_places(event):
            if p.has_point:
                return p
        return None

    @cached_property
    def place_codes(self) -> tuple[np.ndarray, list[tuple[PlaceRef, ...]]]:
        """Per event the index of its places in a list of the distinct place tuples
        (the readers share one tuple per place).  Decodes every tuple: code that works
        over all events reads :attr:`place_tuples`."""
        return self.events.places.codes, self.events.places.values

    @cached_property
    def place_tuples(self) -> PlaceTuples:
        """The events' distinct place tuples as rows of :attr:`places` (see
        :class:`~araz.model.places.PlaceTuples`; the table cache keeps them)."""
        return self.places.tuples(self.events.places)

    def _place_refs_as_rows(self) -> None:
        """A large read's tuples of PlaceRef (one per distinct place: some 50 bytes an
        event) let go once read as :attr:`place_tuples`: the events' ``places`` values
        are decoded again from their Arrow dictionary if asked for (as after a cached
        open)."""
        table = self.events
        arrow = table._arrow
        if table._objects is not None or arrow is None:
            return
        from .arrow_table import kinds_of
        from .columns import _pylist
        from .kinds import decode

        if kinds_of(arrow).get("places") != "places" or arrow.column("places").num_chunks != 1:
            return
        texts = arrow.column("places").chunk(0).dictionary
        column = table.places
        tuples = self.places.tuples_of_ids(column.codes, texts)
        self.__dict__["place_tuples"] = tuples if tuples is not None else self.place_tuples
        if not self._place_refs_when_read():
            table.places = Coded.lazy(
                column.codes, lambda: decode("places", _pylist(texts)), column.missing
            )

    def _place_refs_when_read(self) -> bool:
        """The events' place tuples made from :attr:`place_tuples` one at a time, when
        read (:class:`~araz.model.places.RefTuples`), if they can be: True if so."""
        tuples, column = self.place_tuples, self.events.places
        if tuples.roles is not None or (len(tuples.rows) and int(tuples.rows.min()) < 0):
            return False
        refs = RefTuples(tuples, self.places.ids)  # a Sequence, read as the list of values
        self.events.places = Coded(column.codes, cast(list, refs), column.missing)
        return True

    @cached_property
    def unplaced_mask(self) -> np.ndarray:
        """Per event: True when it has no place on the map."""
        tuples = self.place_tuples
        placed = tuples.any(self.places.has_point)
        return ~np.append(placed, False)[tuples.codes]  # code -1: no place

    def place_names(self) -> list[str]:
        """Per distinct place tuple (:attr:`place_tuples`): its places' names, joined
        by ", " ("" for none)."""
        tuples, places = self.place_tuples, self.places
        known = tuples.rows >= 0
        names = np.full(len(tuples.rows), None, object)
        names[known] = take(places.name.values, places.name.codes[tuples.rows[known]])
        flat = names.tolist()
        return [
            ", ".join(n for n in flat[a:b] if n is not None)
            for a, b in pairwise(tuples.starts.tolist())
        ]

    @property
    def unplaced(self) -> list[str]:
        """Ids of events with no place on the map."""
        return take(self.events.ids, np.flatnonzero(self.unplaced_mask))

    # ------------------------------------------------------------ arrays for filtering

    @cached_property
    def date_codes(self) -> tuple[np.ndarray, list[EventDate | None]]:
        """Per event the index of its date in a list of the distinct date objects (the
        readers share one object per distinct date: a few thousand for 100k events)."""
        return self.events.date.codes, self.events.date.values

    @cached_property
    def arrays(self) -> Spread:
        """Columns over all events for filtering (wide bounds, has a date, category
        codes): per distinct date or category here, each spread to the events when read
        (21 bytes an event not kept)."""
        dates, category = self.events.date, self.events.category
        cat_codes = {c: k for k, c in enumerate(self.categories)}
        lower = dates.lut(lambda d: d.value.wide_lower if d else -np.inf, float)
        upper = dates.lut(lambda d: d.value.wide_upper if d else np.inf, float)
        has = dates.lut(lambda d: d is not None, bool)
        cats = category.lut(lambda c: cat_codes.get(c, -1), np.int32)
        return Spread(
            {
                "wide_lower": (lower, dates.codes),
                "wide_upper": (upper, dates.codes),
                "has_date": (has, dates.codes),
                "category": (cats, category.codes),
            }
        )

    def in_window(self, lo: float, hi: float) -> np.ndarray:
        """Per event: does its date's wide range meet ``[lo, hi]`` (days)?  Decided per
        distinct date, then spread to the events."""
        columns = self.arrays.columns
        (lower, codes), (upper, _), (has, _) = (
            columns[k] for k in ("wide_lower", "wide_upper", "has_date")
        )
        return spread(has & (lower <= hi) & (upper >= lo), codes)

    @cached_property
    def events_by_actor(self) -> dict[str, np.ndarray]:
        """Rows of the events of each actor id, in order of the actors' first appearance."""
        col = self.events.actors
        order = np.argsort(col.codes, kind="stable")
        bounds = np.searchsorted(col.codes[order], np.arange(len(col.values) + 1)).tolist()
        parts: dict[str, list[np.ndarray]] = {}
        for k, actors in enumerate(col.values):
            rows = order[bounds[k] : bounds[k + 1]]
            for a in dict.fromkeys(actors):
                parts.setdefault(a, []).append(rows)
        width = np.int32 if len(col.codes) < 2**31 else np.int64  # 4 bytes a row, not 8
        return {
            a: (p[0] if len(p) == 1 else np.sort(np.concatenate(p))).astype(width)
            for a, p in parts.items()
        }

    @cached_property
    def main_actor_code(self) -> tuple[np.ndarray, list[str]]:
        """Per event the index of its main actor in a list of actor ids (-1: no actor)."""
        col = self.events.actors
        ids = list(dict.fromkeys(t[0] for t in col.values if t))
        where = {a: k for k, a in enumerate(ids)}
        per_value = np.array([where[t[0]] if t else -1 for t in col.values], np.int64)
        return per_value[col.codes] if len(col.values) else np.zeros(0, np.int64), ids

    def actor_tally(
        self, mask: np.ndarray | None = None
    ) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """[main, involved] event counts per actor id, over the events in ``mask``: the
        actor's own (``own``) and, per state, its and its members' together (``group``).
        "Main" counts the events whose main actor it is (the one that decides the colour);
        "involved" those it takes part in.  Linear in the distinct actor tuples."""
        ids, main_own, main_group, inv_own, inv_group = self._actor_incidence
        col = self.events.actors
        codes = col.codes if mask is None or mask.all() else picked(col.codes, mask)
        k = np.bincount(codes, minlength=len(col.values)).astype(np.int64)
        n = len(ids)

        def tally(main: np.ndarray, inv: tuple[np.ndarray, np.ndarray]) -> dict[str, list[int]]:
            has = main >= 0
            m = np.bincount(main[has], weights=k[has], minlength=n).astype(np.int64)
            i = np.bincount(inv[1], weights=k[inv[0]], minlength=n).astype(np.int64)
            hit = np.flatnonzero(i)
            return {
                ids[a]: [x, y]
                for a, x, y in zip(hit.tolist(), m[hit].tolist(), i[hit].tolist(), strict=True)
            }

        return tally(main_own, inv_own), tally(main_group, inv_group)

    @cached_property
    def _actor_incidence(self) -> tuple[list[str], np.ndarray, np.ndarray, Pairs, Pairs]:
        """Per distinct actor tuple (once per dataset, so that a tally is a few bincounts):
        the index of its main actor and of that actor's state (-1: no actor), and the
        (tuple, actor) and (tuple, state) pairs of the actors and states taking part."""
        where: dict[str, int] = {}
        values = self.events.actors.values
        main_own = np.full(len(values), -1, np.int64)
        main_group = np.full(len(values), -1, np.int64)
        pairs: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        state_of = self.state_of
        for v, actors in enumerate(values):
            if not actors:
                continue
            main_own[v] = where.setdefault(actors[0], len(where))
            main_group[v] = where.setdefault(state_of(actors[0]) or actors[0], len(where))
            for a in dict.fromkeys(actors):
                pairs[0].append(v)
                pairs[1].append(where.setdefault(a, len(where)))
            for s in dict.fromkeys(state_of(a) or a for a in actors):
                pairs[2].append(v)
                pairs[3].append(where.setdefault(s, len(where)))
        arr = [np.array(p, np.int64) for p in pairs]
        return list(where), main_own, main_group, (arr[0], arr[1]), (arr[2], arr[3])

    def search_mask(self, text: str) -> np.ndarray:
        """Per event: does any of the search's terms (see :meth:`search_terms`) occur,
        case- and accent-insensitively, in its title, summary, category, or a name (any
        alias) of one of its actors or places?  (:mod:`araz.model.search`)"""
        # NUL ends each summary in the searched text: never part of a term
        found_in = [u for t in self.search_terms(text) if (u := t.replace("\x00", " ").strip())]
        # a term that contains another adds nothing ("astara district" once "astara")
        terms = [t for t in found_in if not any(o != t and o in t for o in found_in)]
        if not terms:
            return np.ones(len(self.events), bool)
        return self._search.mask(sorted(terms, key=len, reverse=True))

    @cached_property
    def _search(self) -> SearchIndex:
        return SearchIndex(self)

    @cached_property
    def colours(self) -> list[str]:
        """Per event: the colour of its main actor's state."""
        palette, state_of, col = self.palette, self.state_of, self.events.actors
        per = [palette.colour(state_of(t[0] if t else None)) for t in col.values]
        return list(Coded(col.codes, per))

    @cached_property
    def _alias_groups(self) -> dict[str, frozenset[str]]:
        groups: dict[str, set[str]] = {}
        places = self.places
        # a place without aliases adds no other name: only those with some are read
        has_aliases = np.array([bool(a) for a in places.aliases.values], bool)
        aliased = np.flatnonzero(np.append(has_aliases, False)[places.aliases.codes])
        names = [a.names() for a in self.actors.values()] + places.names(aliased)
        for entity_names in names:
            folded = {fold(n) for n in entity_names if n.strip()}
            for n in folded:
                groups.setdefault(n, set()).update(folded)
        return {k: frozenset(v) for k, v in groups.items()}

    def search_terms(self, needle: str) -> frozenset[str]:
        """The folded needle and, when it names an actor or place, all its other names:
        "Raisi" also looks for "Reisi", "Kapan" for "Kafan"."""
        needle = fold(needle.strip())
        return self._alias_groups.get(needle, frozenset()) | {needle}

    @cached_property
    def sha(self) -> str:
        """A short hash of the content: the same data gives the same hash."""
        h = hashlib.sha256()
        for e in self.events:
            h.update(
                json.dumps(
                    [
                        e.id,
                        e.title,
                        e.summary,
                        e.date.edtf if e.date else None,
                        e.actors,
                        [(r.place, r.role) for r in e.places],
                        e.category,
                        e.certainty,
                    ],
                    ensure_ascii=False,
                ).encode()
            )
        places = self.places
        if places._objects is not None:  # as they were given (an int latitude stays one)
            rows = [[p.id, p.name, p.lat, p.lon] for p in places.values()]
        else:
            lat = [None if v != v else v for v in places.lat.tolist()]  # NaN: none
            lon = [None if v != v else v for v in places.lon.tolist()]
            names = places.name.take(np.arange(len(places)))
            rows = [list(r) for r in zip(places.ids, names, lat, lon, strict=True)]
        for row in rows:
            h.update(json.dumps(row, ensure_ascii=False).encode())
        return h.hexdigest()[:12]


def _distinct(values: np.ndarray) -> int:
    """How many distinct values: np.unique's count without np.unique, whose plain form
    imports numpy.ma (some 30 ms of a start)."""
    if not values.size:
        return 0
    ordered = np.sort(values)
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1
