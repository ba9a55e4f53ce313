"""A filter is a description of what is shown, not a list of rows (glue's SubsetState).

Kinds combine with AND; values within a kind with OR.  ``None`` means "no constraint".
Each view asks for the mask over its dataset and draws what it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .dataset import Dataset


@dataclass(frozen=True, slots=True)
class Filter:
    actors: frozenset[str] | None = None  # actor ids; an event matches if any actor is in
    categories: frozenset[str] | None = None
    certainties: frozenset[str] | None = None
    window: tuple[float, float] | None = None  # day numbers, inclusive; wide bounds overlap
    text: str = ""

    def replace(self, **changes) -> Filter:
        for key in ("actors", "categories", "certainties"):
            if key in changes and changes[key] is not None:
                changes[key] = frozenset(changes[key])
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        """True when nothing is constrained (everything shows)."""
        return self == Filter()

    def mask(self, ds: Dataset) -> np.ndarray:
        n = len(ds)
        m = np.ones(n, bool)
        if self.actors is not None:
            hit = np.zeros(n, bool)
            for a in self.actors:
                rows = ds.events_by_actor.get(a)
                if rows is not None:
                    hit[rows] = True
            m &= hit
        if self.categories is not None:
            codes = [k for k, c in enumerate(ds.categories) if c in self.categories]
            m &= np.isin(ds.arrays["category"], codes)
        if self.certainties is not None:
            wanted = self.certainties
            m &= ds.events.certainty.per_value(lambda c: c in wanted).astype(bool)
        if self.window is not None:
            lo, hi = self.window
            cols = ds.arrays
            m &= cols["has_date"] & (cols["wide_lower"] <= hi) & (cols["wide_upper"] >= lo)
        if self.text.strip():
            m &= ds.search_mask(self.text)
        return m

    def describe(self, ds: Dataset) -> str:
        """The active filters in words: 'Actors: Iran, IRGC · 2021 – 2023-06'."""
        from .dates import iso_day

        parts = []
        if self.actors is not None:
            parts.append("Actors: " + (", ".join(_actor_words(ds, self.actors)) or "none"))
        if self.categories is not None:
            parts.append("Categories: " + (", ".join(sorted(self.categories)) or "none"))
        if self.certainties is not None:
            parts.append("Certainty: " + (", ".join(sorted(self.certainties)) or "none"))
        if self.window is not None:
            lo, hi = (iso_day(x) or "…" for x in self.window)
            parts.append(f"{lo} – {hi}")
        if self.text.strip():
            parts.append(f"Search: “{self.text.strip()}”")
        return " · ".join(parts) if parts else "All events"


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
