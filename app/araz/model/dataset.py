"""A Dataset: events with their actors and places, and the indexes views need."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .entities import Actor, Event, Place
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
        counts: Counter = Counter()
        for e in self.events:
            for a in set(e.actors):
                counts[a] += 1
            for s in {self.state_of(a) for a in e.actors} - set(e.actors):
                counts[s] += 1
        return counts

    @cached_property
    def palette(self) -> Palette:
        states = Counter(self.main_state(e) for e in self.events if e.actors)
        return Palette([s for s, _ in states.most_common() if s])

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
    def unplaced_mask(self) -> np.ndarray:
        """Per event: True when it has no place on the map."""
        return np.fromiter(
            (self.first_point(e) is None for e in self.events), bool, count=len(self.events)
        )

    @property
    def unplaced(self) -> list[str]:
        """Ids of events with no place on the map."""
        return [e.id for e, u in zip(self.events, self.unplaced_mask, strict=True) if u]

    # ------------------------------------------------------------ arrays for filtering

    @cached_property
    def arrays(self) -> dict[str, np.ndarray]:
        """Columns over all events for fast filtering (wide bounds, codes)."""
        n = len(self.events)
        lo = np.full(n, -np.inf)
        hi = np.full(n, np.inf)
        has_date = np.zeros(n, bool)
        for i, e in enumerate(self.events):
            if e.date is not None:
                lo[i] = e.date.value.wide_lower
                hi[i] = e.date.value.wide_upper
                has_date[i] = True
        cat_codes = {c: k for k, c in enumerate(self.categories)}
        category = np.array([cat_codes.get(e.category, -1) for e in self.events], np.int32)
        return {"wide_lower": lo, "wide_upper": hi, "has_date": has_date, "category": category}

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
        return [palette.colour(state_of(e.actors[0]) if e.actors else None) for e in self.events]

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
