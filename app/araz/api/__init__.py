"""Araz from Python: open any file Araz reads, filter it as the app does, and hand the
events to geopandas, pyarrow or folium.  No Qt is imported (a notebook or a server needs
none); geopandas, pandas, pyarrow and folium are imported by the functions that use them.

>>> import araz
>>> from araz.paths import default_dataset
>>> events = araz.open(default_dataset())           # any format Araz reads
>>> iran = events.filter(actors="Iran", since="2021", until="2023-06")
>>> frame = iran.to_geodataframe()                   # one row per event, EPSG:4326
>>> list(frame.columns[:4])
['id', 'title', 'date', 'date_display']
>>> fmap = araz.to_folium(iran)                      # a folium.Map, offline
>>> type(fmap).__name__
'Map'

In a notebook, ``iran.map()`` (or ``.explore()``, or ``araz.to_folium(iran)``) displays
the map.  It needs no network: Leaflet is inlined from the installed ``xstatic-leaflet``
and the land, borders, rivers and lakes are Araz's bundled Natural Earth basemap; pass
``tiles="OpenStreetMap"`` for a tile layer from the network instead.
"""

from __future__ import annotations

import os
from typing import Any

from ..io.problems import Problem
from .events import Events, make_filter

__all__ = ["Events", "OpenError", "make_filter", "open", "to_folium"]


class OpenError(Exception):
    """A file Araz could not read; ``problems`` says why (the first in the message)."""

    def __init__(self, path: str | os.PathLike, problems: list[Problem]) -> None:
        self.path = os.fspath(path)
        self.problems = list(problems)
        first = problems[0].message if problems else "unreadable"
        more = len(problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(f"cannot open {self.path}: {first}{tail}")


def open(path: str | os.PathLike, **options: Any) -> Events:  # araz.open, beside the builtin
    """Read ``path`` (a curated .yaml dataset, ACLED .csv, GeoJSON, a TimelineJS or
    StoryMapJS story, and every format :func:`araz.io.read_path` reads) into
    :class:`Events`, all shown.

    ``options`` go to :func:`araz.io.read_path` (``date_property=`` and
    ``actor_property=`` for GeoJSON, ``compute_countries=False`` to skip the
    place-in-country lookup, ``progress=``/``cancel=`` callbacks).  What was read with
    warnings (records skipped or kept with a note) is in ``events.problems``; a file that
    cannot be read at all raises :class:`OpenError` with every problem in
    ``.problems``."""
    from ..io import read_path

    result = read_path(path, **options)
    if result.dataset is None:
        raise OpenError(path, result.problems)
    return Events(result.dataset, problems=result.problems)


def to_folium(events: Events, **options: Any):
    """``events.to_folium(**options)``: a ``folium.Map`` of the shown events."""
    return events.to_folium(**options)
