"""What an export shows: a Filter built from command-line words, and the shown events."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..model.dataset import Dataset
from ..model.dates import EDTFError, FuzzyDate
from ..model.filter import Filter
from ..model.records import MIN_FIT_SPAN
from .atomic import ExportError


def build_filter(
    ds: Dataset,
    *,
    actors: list[str] | None = None,
    categories: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    search: str | None = None,
) -> Filter:
    """A Filter from names as a user types them.  ``actors``: any name or alias (a state
    brings its members); ``date_from`` uses the EDTF date's lower bound, ``date_to`` its
    upper bound.  Raises ExportError naming what is wrong."""
    flt = Filter()
    if actors:
        try:
            flt = flt.replace(actors=ds.expand_actors(actors))
        except KeyError as exc:
            known = ", ".join(sorted({a.name for a in ds.actors.values()}))
            raise ExportError(f"no actor named {exc.args[0]!r} (known: {known})") from None
    if categories:
        unknown = [c for c in categories if c not in ds.categories]
        if unknown:
            known = ", ".join(ds.categories) or "none"
            raise ExportError(f"no category {unknown[0]!r} (known: {known})")
        flt = flt.replace(categories=categories)
    lo, hi = -math.inf, math.inf
    for text, which in ((date_from, "from"), (date_to, "to")):
        if not text:
            continue
        try:
            date = FuzzyDate.parse(text)
        except EDTFError as exc:
            raise ExportError(f"--{which} {text!r} is not an EDTF date: {exc}") from None
        if which == "from":
            lo = float(date.lower)
        else:
            hi = float(date.upper)
    if lo > hi:
        raise ExportError(f"--from {date_from} is after --to {date_to}")
    if date_from or date_to:
        flt = flt.replace(window=(lo, hi))
    if search and search.strip():
        flt = flt.replace(text=search.strip())
    return flt


@dataclass(frozen=True)
class Shown:
    """A dataset, the filter and its mask: everything an export needs to know."""

    dataset: Dataset
    filter: Filter
    mask: np.ndarray

    @property
    def shown_ids(self) -> list[str]:
        return [e.id for e, m in zip(self.dataset.events, self.mask, strict=True) if m]

    def describe(self, isolate: Callable[[str], str] = str) -> str:
        return self.filter.describe(self.dataset, isolate)


def select(ds: Dataset, flt: Filter | None = None) -> Shown:
    flt = flt or Filter()
    return Shown(ds, flt, flt.mask(ds))


def bounds_of(records: list[dict], pad: float = 0.08) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around these map records (markers and arrow heads),
    widened by ``pad`` of the span on each side and to at least MIN_FIT_SPAN across;
    None for no record."""
    lats: list[float] = []
    lons: list[float] = []
    for r in records:
        lats.append(r["lat"])
        lons.append(r["lon"])
        if isinstance(r.get("to"), dict):
            lats.append(r["to"]["lat"])
            lons.append(r["to"]["lon"])
    if not lats:
        return None
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    dx = max((east - west) * pad, (MIN_FIT_SPAN - (east - west)) / 2)
    dy = max((north - south) * pad, (MIN_FIT_SPAN - (north - south)) / 2)
    return (
        max(west - dx, -180.0),
        max(south - dy, -85.0),
        min(east + dx, 180.0),
        min(north + dy, 85.0),
    )


def shown_records(records: list[dict], shown: set[str] | list[str]) -> list[dict]:
    keep = set(shown)
    return [r for r in records if r["id"] in keep]
