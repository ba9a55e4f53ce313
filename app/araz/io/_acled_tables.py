"""The actors, states and places of one ACLED file, built by the rules of
:mod:`araz.io._acled_rules`: the one table both ACLED readers fill (the row reader once
per row, the block reader once per distinct value), so that both give the same ids."""

from __future__ import annotations

from collections.abc import Iterable

from ..model.entities import Actor, Place
from ._acled_rules import state_named_in
from ._common import Ids, slug

# what makes a place (see AcledTables.new_places)
PlaceRow = tuple[str, str, str, float, float, str, float | None, str, str, str]


class AcledTables:
    """Actors grouped under states, and places, each made once and named by an id."""

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self.actor_ids = Ids()
        self.actor_by_key: dict[tuple[str, str], str] = {}
        self.state_by_country: dict[str, str] = {}
        self.places: dict[str, Place] = {}
        self.place_ids = Ids()
        self.place_slugs: dict[str, str] = {}
        self.texts: dict[str, str] = {}  # one copy of each repeated value
        self.region_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.within_of: dict[tuple[str, str, str, str], tuple[str, ...]] = {}

    # ------------------------------------------------------------ actors

    def row_actors(self, cells: Iterable[tuple[str, bool, str]], country: str) -> tuple[str, ...]:
        """The actor ids of one row, in column order, each once: ``cells`` gives each
        actor column present as (its text, whether it holds several ";"-separated
        names, the text of its inter code)."""
        actors: list[str] = []
        for value, several, inter in cells:
            if not value:
                continue
            for name in value.split(";") if several else (value,):
                name = name.strip()
                if name:
                    aid = self.actor(name, country, inter)
                    if aid not in actors:
                        actors.append(aid)
        return tuple(actors)

    def actor(self, name: str, country: str, inter: str) -> str:
        """The id of the actor ``name`` in a row of ``country``: an organisation under
        the state its name gives (:func:`state_named_in`), else under the row's country;
        a name that is the state itself is the state."""
        key = (name, country)
        aid = self.actor_by_key.get(key)
        if aid is not None:
            return aid
        state = state_named_in(name, inter) or country or "Unknown country"
        sid = self.state(state)
        if name == state:
            self.actor_by_key[key] = sid
            return sid
        # one actor per (name, state): the same name under another state is another actor
        skey = (name, "\x00" + state)
        aid = self.actor_by_key.get(skey)
        if aid is None:
            base = slug(name, "actor")
            if base in self.actor_ids.taken:
                base = f"{base}-{slug(state, 'unknown')}"
            aid = self.actor_ids.make(base)
            self.actors[aid] = Actor(aid, name, "organisation", sid)
            self.actor_by_key[skey] = aid
        self.actor_by_key[key] = aid
        return aid

    def state(self, country: str) -> str:
        sid = self.state_by_country.get(country)
        if sid is None:
            sid = self.actor_ids.make(slug(country, "unknown"))
            self.actors[sid] = Actor(sid, country, "state")
            self.state_by_country[country] = sid
        return sid

    # ------------------------------------------------------------ places

    def new_places(self, rows: Iterable[PlaceRow]) -> list[str]:
        """A new place for each row: (location, the latitude and longitude as written,
        then as numbers, country, radius, admin3, admin2, admin1).  A place is named by
        its location (else by its coordinates) and lies within its admin regions,
        smallest first.  One loop for many places: the block reader makes every place
        of a file in one call."""
        texts = self.texts.setdefault  # admin names and countries repeat over thousands
        slugs, make, places = self.place_slugs, self.place_ids.make, self.places
        regions, within_of = self.region_tuples.setdefault, self.within_of
        out = []
        for location, lat_t, lon_t, lat, lon, country, radius, a3, a2, a1 in rows:
            within = within_of.get(wkey := (location, a3, a2, a1))
            if within is None:
                names: list[str] = []
                for a in (a3, a2, a1):
                    if a and a != location and a not in names:
                        names.append(texts(a, a))
                within = within_of[wkey] = regions(t := tuple(names), t)
            name = texts(location, location) if location else f"{lat_t}, {lon_t}"
            base = slugs.get(location)
            if base is None:
                base = slugs[location] = slug(location or "place", "place")
            pid = make(base)
            places[pid] = Place(
                pid,
                name,
                "site",
                lat,
                lon,
                (),
                None,
                texts(country, country) or None,
                radius,
                within,
            )
            out.append(pid)
        return out
