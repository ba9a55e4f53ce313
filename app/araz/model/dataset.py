"""A Dataset: events with their actors and places, and the indexes views need."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .entities import Actor, Event, EventDate, Place, PlaceRef
from .palette import Palette


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search: 'Şuşa' -> 'susa'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class SeedInfo:
    """The article a curated dataset is drawn from."""

    text: str
    title: str
    author: str
    path: str = ""
    published: str | None = None


def distinct_objects(values: list) -> tuple[np.ndarray, list]:
    """Codes and the distinct objects, by identity: ``values[i] is objs[codes[i]]``.

    For values the readers share (dates, place tuples): a few thousand objects to work
    on instead of one per event.  The objects come in order of first appearance.
    """
    if not values:
        return np.zeros(0, np.intp), []
    keys = np.fromiter(map(id, values), np.uint64, count=len(values))
    _, first, codes = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first)  # the sorted-by-id codes -> first-appearance codes
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes.reshape(-1)].astype(np.intp), [values[i] for i in first[order]]


class Dataset:
    """Events, the actor registry and the gazetteer, immutable once built."""

    def __init__(
        self,
        events: list[Event],
        actors: dict[str, Actor],
        places: dict[str, Place],
        *,
        title: str = "",
        source: str = "",
        seed: SeedInfo | None = None,
        categories: list[str] | None = None,
    ):
        self.events: tuple[Event, ...] = tuple(events)
        self.actors = dict(actors)
        self.places = dict(places)
        self.title = title
        self.source = source
        self.seed = seed
        self.index = {e.id: i for i, e in enumerate(self.events)}
        cats = list(categories or [])
        for e in self.events:
            if e.category and e.category not in cats:
                cats.append(e.category)
        self.categories = cats
        # derived data the views draw (map records, timeline arrays), computed once,
        # possibly in a loading thread; never part of the data itself
        self.cache: dict = {}

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
        return [a for a in self.actors.values() if a.state == state_id and a.id != state_id]

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
            counts[a] = len(parts[0]) if len(parts) == 1 else len(np.unique(np.concatenate(parts)))
        return counts

    @cached_property
    def palette(self) -> Palette:
        states: Counter = Counter()
        for main, n in Counter(self._main_actors).items():  # first appearance order
            if main is not None:
                states[self.state_of(main)] += n
        return Palette([s for s, _ in states.most_common() if s])

    @cached_property
    def _main_actors(self) -> list[str | None]:
        """Per event: its main actor's id, or None."""
        return [e.actors[0] if e.actors else None for e in self.events]

    def colour(self, event: Event) -> str:
        i = self.index.get(event.id)
        if i is not None and self.events[i] is event:
            return self.colours[i]
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
        (the readers share one tuple per place)."""
        return distinct_objects([e.places for e in self.events])

    @cached_property
    def unplaced_mask(self) -> np.ndarray:
        """Per event: True when it has no place on the map."""
        points = {pid for pid, p in self.places.items() if p.has_point}
        codes, refs = self.place_codes
        unplaced = [not any(r.place in points for r in t) for t in refs]
        return np.array(unplaced, bool)[codes]

    @property
    def unplaced(self) -> list[str]:
        """Ids of events with no place on the map."""
        return [e.id for e, u in zip(self.events, self.unplaced_mask, strict=True) if u]

    # ------------------------------------------------------------ arrays for filtering

    @cached_property
    def date_codes(self) -> tuple[np.ndarray, list[EventDate | None]]:
        """Per event the index of its date in a list of the distinct date objects (the
        readers share one object per distinct date: a few thousand for 100k events)."""
        return distinct_objects([e.date for e in self.events])

    @cached_property
    def arrays(self) -> dict[str, np.ndarray]:
        """Columns over all events for fast filtering (wide bounds, codes)."""
        codes, dates = self.date_codes
        lo = np.array([d.value.wide_lower if d else -np.inf for d in dates], float)
        hi = np.array([d.value.wide_upper if d else np.inf for d in dates], float)
        dated = np.array([d is not None for d in dates], bool)
        cat_codes = {c: k for k, c in enumerate(self.categories)}
        category = np.array([cat_codes.get(e.category, -1) for e in self.events], np.int32)
        return {
            "wide_lower": lo[codes],
            "wide_upper": hi[codes],
            "has_date": dated[codes],
            "category": category,
        }

    @cached_property
    def events_by_actor(self) -> dict[str, np.ndarray]:
        rows: dict[str, list[int]] = {}
        for i, e in enumerate(self.events):
            for a in set(e.actors):
                rows.setdefault(a, []).append(i)
        return {a: np.array(r, np.int64) for a, r in rows.items()}

    @cached_property
    def search_blobs(self) -> list[str]:
        """Per event: folded title, summary, actor and place names with every alias."""
        names = {a.id: fold("\n".join(a.names())) for a in self.actors.values()}
        place_names = {
            p.id: fold("\n".join([*p.names(), p.country or ""])) for p in self.places.values()
        }
        blobs = []
        for e in self.events:
            parts = [fold(e.title), fold(e.summary), e.category]
            parts += [names.get(a, a) for a in e.actors]
            parts += [place_names.get(r.place, "") for r in e.places]
            blobs.append("\n".join(parts))
        return blobs

    @cached_property
    def colours(self) -> list[str]:
        """Per event: the colour of its main actor's state."""
        palette, state_of = self.palette, self.state_of
        mains = self._main_actors
        by_main = {m: palette.colour(state_of(m)) for m in dict.fromkeys(mains)}
        return list(map(by_main.__getitem__, mains))

    @cached_property
    def _alias_groups(self) -> dict[str, frozenset[str]]:
        groups: dict[str, set[str]] = {}
        entities: list[Actor | Place] = [*self.actors.values(), *self.places.values()]
        for entity in entities:
            names = {fold(n) for n in entity.names() if n.strip()}
            for n in names:
                groups.setdefault(n, set()).update(names)
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
        for p in self.places.values():
            h.update(json.dumps([p.id, p.name, p.lat, p.lon], ensure_ascii=False).encode())
        return h.hexdigest()[:12]
