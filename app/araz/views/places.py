"""Go to a place: names the map can fly to (pure, no Qt).

Two sources, the dataset's own places first: every name and alias the gazetteer knows
(any script: Kafan, Kapan, Ղափան), then Natural Earth's populated places in the region
(``resources/basemap/places.json``, built by ``packaging/build_places.py``).  Matching
ignores case and accents; an exact name beats a prefix, a prefix beats a word inside.
This is not the event search: it moves the map, it filters nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model.dataset import fold as model_fold


def fold(text: str) -> str:
    """A name as search compares it (the model's fold), without surrounding spaces."""
    return model_fold(text).strip()


@dataclass(frozen=True)
class PlaceHit:
    name: str  # the name that matched
    label: str  # what a list shows: "Kapan — Kafan (in this dataset)"
    lat: float
    lon: float
    zoom: float  # how close to fly


class PlaceIndex:
    """Names to places; :meth:`find` answers a typed text, best first."""

    def __init__(self) -> None:
        self._rows: list[tuple[str, PlaceHit]] = []  # (folded name, hit)
        self._seen: set[tuple[str, float, float]] = set()

    def add(self, names: Iterable[str], label: str, lat: float, lon: float, zoom: float) -> None:
        for name in names:
            name = str(name).strip()
            key = (fold(name), round(lat, 2), round(lon, 2))
            if not name or key in self._seen:
                continue
            self._seen.add(key)
            self._rows.append((key[0], PlaceHit(name, label, lat, lon, zoom)))

    def add_dataset(self, dataset) -> None:
        """The dataset's places with a point: each name and alias (read from the
        gazetteer's columns, no Place objects)."""
        places = dataset.places
        rows = np.flatnonzero(places.has_point)
        country = np.array([k == "country" for k in places.kind.values] + [False], bool)
        zooms = np.where(country[places.kind.codes[rows]], 5.0, 9.0).tolist()
        lats, lons = places.lat[rows].tolist(), places.lon[rows].tolist()
        for names, lat, lon, zoom in zip(places.names(rows), lats, lons, zooms, strict=True):
            self.add(names, f"{names[0]} (in this dataset)", lat, lon, zoom)

    def add_natural_earth(self, path: Path) -> None:
        """Natural Earth's populated places (``[name, ascii, lat, lon, population]``)."""
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for row in rows:
            name, ascii_name, lat, lon = row[0], row[1], float(row[2]), float(row[3])
            self.add([name, ascii_name], name, lat, lon, 10.0)

    def find(self, text: str, limit: int = 20) -> list[PlaceHit]:
        """Places whose name matches ``text``: exact, then prefix, then a word, in the
        order they were added (the dataset's first, then biggest towns first)."""
        want = fold(text)
        if not want:
            return []
        exact, prefix, word = [], [], []
        for key, hit in self._rows:
            if key == want:
                exact.append(hit)
            elif key.startswith(want):
                prefix.append(hit)
            elif f" {want}" in f" {key}":
                word.append(hit)
        return (exact + prefix + word)[:limit]
