"""A filter is a description of what is shown, not a list of rows (glue's SubsetState).

Kinds combine with AND; values within a kind with OR.  ``None`` means "no constraint".
Each view asks for the mask over its dataset and draws what it needs.

The actors constrain in one of two meanings (``actor_match``):

- ``"main"`` (the default): an event shows when its *main* actor (its first; the one whose
  state gives the marker its colour) is checked.  Unchecking Iran removes every orange
  marker, whoever else took part.
- ``"involved"``: an event shows when *any* of its actors is checked ("Only Iran" then
  shows every event Iran takes part in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .columns import spread
from .dataset import Dataset

ACTOR_MATCHES = ("main", "involved")
KINDS = ("actors", "categories", "certainties", "window", "text")


@dataclass(frozen=True, slots=True)
class Filter:
    actors: frozenset[str] | None = None  # actor ids; which of an event's: actor_match
    categories: frozenset[str] | None = None
    certainties: frozenset[str] | None = None
    window: tuple[float, float] | None = None  # day numbers, inclusive; wide bounds overlap
    text: str = ""
    actor_match: str = "main"  # "main": the main actor is checked; "involved": any actor

    def __post_init__(self) -> None:
        if self.actor_match not in ACTOR_MATCHES:
            raise ValueError(f"unknown actor_match {self.actor_match!r}")

    def replace(self, **changes) -> Filter:
        for key in ("actors", "categories", "certainties"):
            if key in changes and changes[key] is not None:
                changes[key] = frozenset(changes[key])
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        """True when nothing is constrained (everything shows), whatever the meaning of
        the actors."""
        return replace(self, actor_match="main") == Filter()

    def mask(self, ds: Dataset) -> np.ndarray:
        """Per event: shown under every kind of constraint."""
        return combine(self.parts(ds).values(), len(ds))

    def _key(self, kind: str) -> object:
        """What a kind's part depends on (besides the dataset)."""
        if kind == "actors":
            return (self.actors, self.actor_match)
        return getattr(self, kind)

    def parts(
        self, ds: Dataset, before: tuple[Filter, dict[str, np.ndarray]] | None = None
    ) -> dict[str, np.ndarray]:
        """Per constrained kind (see KINDS), the events it lets through.  The counts next
        to one kind's values follow the other kinds: AND of every other part.  ``before``:
        an earlier filter over the same dataset and its parts, whose kinds left as they
        were are taken over (a category unchecked under a search does not search again)."""
        out: dict[str, np.ndarray] = {}
        for kind in KINDS:
            if before is not None and kind in before[1] and before[0]._key(kind) == self._key(kind):
                out[kind] = before[1][kind]
                continue
            part = self._part(kind, ds)
            if part is not None:
                out[kind] = part
        return out

    def _part(self, kind: str, ds: Dataset) -> np.ndarray | None:
        """The events one kind lets through (None: that kind constrains nothing)."""
        if kind == "actors" and self.actors is not None:
            if self.actor_match == "main":
                codes, ids = ds.main_actor_code
                return _pick(codes, [a in self.actors for a in ids])
            hit = np.zeros(len(ds), bool)
            for a in self.actors:
                rows = ds.events_by_actor.get(a)
                if rows is not None:
                    hit[rows] = True
            return hit
        if kind == "categories" and self.categories is not None:
            keep = [c in self.categories for c in ds.categories]
            lut, codes = ds.arrays.columns["category"]  # decided per category, spread
            return spread(_pick(lut, keep), codes)
        if kind == "certainties" and self.certainties is not None:
            wanted = self.certainties
            return ds.events.certainty.per_value(lambda c: c in wanted).astype(bool)
        if kind == "window" and self.window is not None:
            return ds.in_window(*self.window)
        if kind == "text" and self.text.strip():
            return ds.search_mask(self.text)
        return None

    def describe(self, ds: Dataset, isolate: Callable[[str], str] = str) -> str:
        """The active filters in words: 'Actors: Iran, IRGC · 2021 – 2023-06'. Every word
        taken from the data (names, categories, the search text) goes through ``isolate``
        (the sheet passes FSI…PDI, so a right-to-left override in one name cannot reorder
        the rest of the line)."""
        from .dates import iso_day

        parts = []
        if self.actors is not None:
            words = ", ".join(map(isolate, _actor_words(ds, self.actors))) or "none"
            how = "as main actor" if self.actor_match == "main" else "involved"
            parts.append(f"Actors: {words} ({how})")
        if self.categories is not None:
            cats = ", ".join(map(isolate, sorted(self.categories))) or "none"
            parts.append("Categories: " + cats)
        if self.certainties is not None:
            parts.append("Certainty: " + (", ".join(sorted(self.certainties)) or "none"))
        if self.window is not None:
            lo, hi = (iso_day(x) or "…" for x in self.window)
            parts.append(f"{lo} – {hi}")
        if self.text.strip():
            parts.append(f"Search: “{isolate(self.text.strip())}”")
        return " · ".join(parts) if parts else "All events"


def _pick(codes: np.ndarray, keep: list[bool]) -> np.ndarray:
    """Per event: is its code's value kept (a look-up per event, not a search); code -1
    (no value) is never kept."""
    return np.asarray([*keep, False], bool)[codes]


def combine(parts, n: int) -> np.ndarray:
    """AND of masks over n events (all True when there are none)."""
    m = np.ones(n, bool)
    for p in parts:
        m &= p
    return m


def _actor_words(ds: Dataset, actors: frozenset[str]) -> list[str]:
    """Name a state once when it is chosen with all its members, else each actor."""
    words, covered = [], set()
    for a in ds.actors.values():
        if a.kind == "state" and a.id in actors:
            members = {m.id for m in ds.members(a.id)}
            if members <= actors:
                words.append(a.name)
                covered |= members | {a.id}
    words += [ds.actors[a].name for a in sorted(actors - covered) if a in ds.actors]
    return words if len(words) <= 8 else [*words[:7], f"and {len(words) - 7} more"]
