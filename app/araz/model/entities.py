"""The things a dataset is made of: actors, places, events and where they come from."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import FuzzyDate

ACTOR_KINDS = ("state", "person", "organisation")
PLACE_KINDS = ("city", "river", "country", "region", "site")
CERTAINTIES = ("reported", "claimed", "speculative")
BASES = ("seed", "inferred", "record", "source")


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str = "state"  # state | person | organisation
    state: str | None = None  # for people and organisations: the id of their state
    aliases: tuple[str, ...] = ()

    @property
    def state_id(self) -> str:
        """The state this actor belongs to (itself for a state)."""
        return self.state or self.id

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    kind: str = "city"
    lat: float | None = None  # a representative point (the marker)
    lon: float | None = None
    aliases: tuple[str, ...] = ()
    geometry: dict | None = None  # GeoJSON geometry for lines and polygons
    country: str | None = None  # computed from geometry, never typed
    radius_m: float | None = None  # location uncertainty, where the source gives one
    # the regions it lies in, smallest first (ACLED's admin3, admin2, admin1): searched,
    # shown, but not other names of the place (searching "Kapan" must not find Syunik)
    within: tuple[str, ...] = ()

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class PlaceRef:
    place: str
    role: str | None = None  # e.g. "from" / "to"


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EventDate:
    value: FuzzyDate
    display: str
    basis: str = "seed"  # seed | inferred | record | source
    note: str | None = None

    @property
    def edtf(self) -> str:
        return self.value.edtf


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    date: EventDate | None
    summary: str = ""
    actors: tuple[str, ...] = ()  # actor ids; the first is the main actor
    places: tuple[PlaceRef, ...] = ()
    category: str = ""
    certainty: str = "reported"
    quotes: tuple[Quote, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def main_actor(self) -> str | None:
        return self.actors[0] if self.actors else None
