"""The actors, states and places of one ACLED file, built by the rules of
:mod:`araz.io._acled_rules`: the one table both ACLED readers fill (the row reader once
per row, the block reader once per distinct value), so that both give the same ids."""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat

import numpy as np

from ..model.columns import Coded, Strings
from ..model.entities import Actor, Place
from ..model.kinds import make
from ..model.places import Places
from ._acled_rules import state_named_in
from ._common import Ids, slug

# a base that is another base and a number (one base's ids could be another's)
_NUMBERED = re.compile(r"(.+)-[0-9]+")
# what makes a place (see AcledTables.new_places)
PlaceRow = tuple[str, str, str, float, float, str, float | None, str, str, str]


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a load, then on again (if it was) with what
    it tracks frozen: the load's objects would all be young, and the collector would
    scan every one of them at its first allocation after (0.2 s at 1M rows) to find no
    cycle.  The app's loader freezes them anyway; reference counting still frees them.
    Garbage waiting before the load is collected first, or the freeze would keep it for
    good (a collection then skips what earlier loads froze: it is cheap)."""
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


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
        self.gazetteer: Places | None = None  # the block reader's (place_columns)
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
        smallest first (the row reader: one place at a time)."""
        texts = self.texts.setdefault  # admin names and countries repeat over thousands
        out = []
        for location, lat_t, lon_t, lat, lon, country, radius, a3, a2, a1 in rows:
            location, country = texts(location, location), texts(country, country)
            within = self.within(location, texts(a3, a3), texts(a2, a2), texts(a1, a1))
            out += self.add_places(
                [location], [lat_t], [lon_t], [lat], [lon], [country], [radius], [within]
            )
        return out

    def within(self, location: str, a3: str, a2: str, a1: str) -> tuple[str, ...]:
        """The admin regions a place lies in, smallest first (not its own name)."""
        within = self.within_of.get(key := (location, a3, a2, a1))
        if within is None:
            names: list[str] = []
            for a in (a3, a2, a1):
                if a and a != location and a not in names:
                    names.append(a)
            t = tuple(names)
            within = self.within_of[key] = self.region_tuples.setdefault(t, t)
        return within

    def add_places(
        self,
        location: list[str],
        lat_t: list[str],
        lon_t: list[str],
        lat: list[float],
        lon: list[float],
        country: list[str],
        radius: list[float | None],
        within: list[tuple[str, ...]],
    ) -> list[str]:
        """New places, one per item of these columns (what :meth:`new_places` takes,
        the admin regions as :meth:`within` gives them): their ids, the objects made in
        bulk (the row reader's; the block reader's are columns: :meth:`place_columns`)."""
        n = len(location)
        names = list(location)
        for i in [i for i, loc in enumerate(location) if not loc]:
            names[i] = f"{lat_t[i]}, {lon_t[i]}"
        slugs = self.place_slugs
        for loc in set(location).difference(slugs):
            slugs[loc] = slug(loc or "place", "place")
        ids = make_ids(self.place_ids, list(map(slugs.__getitem__, location)))
        countries = [c or None for c in country]
        columns = [ids, names, repeat("site"), lat, lon, repeat(()), repeat(None), countries]
        self.places.update(zip(ids, make(Place, [*columns, radius, within], n), strict=True))
        return ids

    def place_columns(
        self,
        location: Coded,
        lat_t: Coded,
        lon_t: Coded,
        lat: np.ndarray,
        lon: np.ndarray,
        country: Coded,
        radius: np.ndarray,
        within: Coded,
    ) -> Sequence[str]:
        """New places as :meth:`add_places` makes them, one per row of these columns
        (the texts coded: per place a code into their distinct values; ``radius`` NaN
        for none), kept as :attr:`gazetteer`, a :class:`Places` by column: no
        :class:`Place` made (the block reader's one call).  Their ids."""
        values = location.values
        codes = location.codes.astype(np.int32)  # one more name per place without location
        names = list(values)
        empty = np.array([v == "" for v in values] or [False], bool)
        for i in np.flatnonzero(empty[codes]).tolist():
            codes[i] = len(names)  # no location: named by its coordinates
            names.append(f"{lat_t[i]}, {lon_t[i]}")
        slugs = self.place_slugs
        for loc in set(values).difference(slugs):
            slugs[loc] = slug(loc or "place", "place")
        per_value = list(map(slugs.__getitem__, values))
        ids: Sequence[str] | None = None
        if not self.place_ids.taken and not self.place_ids.counts:
            ids = numbered_ids(per_value, location.codes)
        if ids is None:
            bases = list(map(per_value.__getitem__, location.codes.tolist()))
            ids = make_ids(self.place_ids, bases, keep=False)
        # a country "" is none (code -1)
        cv = country.values
        lut = np.full(len(cv) + 1, -1, np.int32)
        kept = [k for k, v in enumerate(cv) if v]
        lut[kept] = np.arange(len(kept), dtype=np.int32)
        countries = Coded(lut[country.codes], [cv[k] for k in kept])
        self.gazetteer = Places.from_columns(
            ids, Coded(codes, names), lat, lon, countries, radius, within
        )
        self.place_ids = Ids()  # no place is made after: the registry goes
        return ids


def make_ids(ids: Ids, bases: list[str], keep: bool = True) -> list[str]:
    """``[ids.make(b) for b in bases]``, made group by group (a base's ids are base,
    base-2, base-3…) when no id of one base can be another's or is taken already;
    else one by one.  ``keep=False``: no id is made after (the registry then goes), so
    a group's ids are not written into it."""
    counts = Counter(bases)
    taken, made = ids.taken, ids.counts
    # "kapan-2" of the base "kapan" can only be an id of another base if that base is
    # "kapan-2", or "kapan" plus "-" and digits (see _NUMBERED)
    numbered = (_NUMBERED.fullmatch(b) for b in counts)
    if any(m is not None and m.group(1) in counts for m in numbered):
        return [ids.make(b) for b in bases]
    plan: dict[str, list[str]] = {}
    for b, m in counts.items():
        start = made[b] + 1 if b in made else 1
        plan[b] = [b] if start == 1 else [f"{b}-{start}"]
        plan[b] += [f"{b}-{k}" for k in range(start + 1, start + m)]
    if taken and any(not taken.isdisjoint(seq) for seq in plan.values()):
        return [ids.make(b) for b in bases]
    if keep:
        for b, seq in plan.items():
            taken.update(seq)
            made[b] = (made[b] + len(seq)) if b in made else len(seq)
    if len(plan) * 64 > len(bases):  # few rows per base
        nexts = {b: iter(seq).__next__ for b, seq in plan.items()}
        return [nexts[b]() for b in bases]
    # each base's ids laid at its rows in order, in numpy (an object array)
    number = {b: k for k, b in enumerate(plan)}
    group = np.fromiter(map(number.__getitem__, bases), np.int64, len(bases))
    order = np.argsort(group, kind="stable")
    out = np.empty(len(bases), object)
    out[order] = [i for seq in plan.values() for i in seq]
    return out.tolist()


def numbered_ids(bases: list[str], codes: np.ndarray) -> Sequence[str] | None:
    """What ``make_ids(Ids(), [bases[c] for c in codes], keep=False)`` gives (a fresh
    registry: each base's ids base, base-2, base-3… in row order), made in Arrow as
    one string array (no ``str`` per id); None when pyarrow is not loaded or an id of
    one base could be another's (then :func:`make_ids`, one by one)."""
    import sys

    if "pyarrow" not in sys.modules or not len(codes):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    group_of: dict[str, int] = {}
    groups = np.array([group_of.setdefault(b, len(group_of)) for b in bases], np.int64)
    numbered = (_NUMBERED.fullmatch(b) for b in group_of)
    if any(m is not None and m.group(1) in group_of for m in numbered):
        return None
    group = groups[codes]
    n = len(group)
    # each row's rank among the rows of its base, in row order
    # (as int16 when the bases allow: numpy's stable sort is then a radix sort, 6x
    # faster at 500,000 places)
    small = group.astype(np.int16) if len(group_of) <= 1 << 15 else group
    order = np.argsort(small, kind="stable")
    counts = np.bincount(group, minlength=len(group_of))
    starts = np.cumsum(counts) - counts
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n, dtype=np.int64) - np.repeat(starts, counts)
    texts = _arrow_texts(list(group_of))
    base = texts.take(pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(group)]))
    number = pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(rank + 1)])
    numbered_text = pc.binary_join_element_wise(base, pc.cast(number, pa.string()), _dash())
    first = np.packbits(rank == 0, bitorder="little")
    mask = pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(first)])
    return Strings(pc.if_else(mask, base, numbered_text))


def _arrow_texts(values: list[str]):
    from ..model.arrow_table import text

    return text(values)


def _dash():
    """Arrow's "-" (from a buffer: ``pa.scalar`` imports pandas)."""
    return _arrow_texts(["-"])[0]
