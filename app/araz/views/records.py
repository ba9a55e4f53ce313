"""What the map and the timeline draw, built from a Dataset as plain dicts.

Pure Python so that the app's views, the standalone HTML export and the benchmarks all
draw the same thing from the same code.
"""

from __future__ import annotations

import math
import weakref
from itertools import pairwise
from typing import Any

import numpy as np

from ..model.dataset import Dataset
from ..model.entities import Event, Place
from ..model.table import Coded, take
from .timeline.data import LazyTexts

LINE_KINDS = frozenset({"river", "border", "line"})
MIN_FIT_SPAN = 3.0  # degrees: the smallest extent a "fit" frames (one place shows its region)
#: The first view when nothing else frames one: Tehran, Baku, Kafan, the Araz and Shusha,
#: as (west, south, east, north) in degrees.  resources/web/map.js repeats it for the page.
HOME_BOX = (44.5, 35.3, 51.8, 41.0)


def _latlon(place: Place) -> dict[str, float]:
    assert place.lat is not None and place.lon is not None  # callers check has_point
    return {"lat": float(place.lat), "lon": float(place.lon)}


def _is_line(place: Place) -> bool:
    geometry = place.geometry or {}
    return place.kind in LINE_KINDS or geometry.get("type") in {"LineString", "MultiLineString"}


def map_record(ds: Dataset, event: Event) -> dict | None:
    """One event as the map draws it, or None when it has no place with a point.

    The marker goes at the ``from`` place if there is one, else the first place with a
    point; a ``to`` place becomes the arrow's head; an event placed on a line (the Araz)
    is flagged ``line`` so the map highlights the river.
    """
    refs = [(r, ds.places[r.place]) for r in event.places if r.place in ds.places]
    origin = next((p for r, p in refs if r.role == "from" and p.has_point), None)
    origin = origin or next((p for _, p in refs if p.has_point), None)
    if origin is None:
        return None
    target = next((p for r, p in refs if r.role == "to" and p.has_point and p is not origin), None)
    rec = {
        "id": event.id,
        "title": event.title,
        "date": event.date.display if event.date else "no date",
        "actors": ds.actor_names(event),
        "color": ds.colour(event),
        **_latlon(origin),
    }
    if target is not None:
        rec["to"] = _latlon(target)
    if origin.radius_m:
        rec["radius"] = float(origin.radius_m)
    if any(_is_line(p) for _, p in refs):
        rec["line"] = True
    return rec


def map_columns(ds: Dataset) -> dict[str, list]:
    """The same as :func:`map_records`, as columns (fast at 100k events): ids, lat, lon,
    title, date, actors, color, and ``to`` ([index, lat, lon]) and ``line`` (indexes);
    ``radius`` (metres of location uncertainty per marker) when any place has one."""
    places, tuples = ds.places, ds.place_tuples
    lines = line_places(ds)
    # per distinct tuple of places: the marker (its place's row), the arrow's head, the
    # line flag; from the gazetteer's columns and the tuples' rows (no Place objects)
    origin, heads = tuple_markers(ds)
    on_line = tuples.any(lines) if lines.any() else np.zeros(len(tuples), bool)
    codes = tuples.codes
    has = np.append(origin >= 0, False)  # code -1 (no places) reads False
    # a tuple with no marker reads the row past the gazetteer's end (NaN; its events are
    # not drawn): a dataset may have events and no place at all
    at = np.where(origin >= 0, origin, len(places))
    lat, lon = np.append(places.lat, np.nan)[at], np.append(places.lon, np.nan)[at]
    # a radius where the place gives one (not none, not 0), when any place does
    given = np.nan_to_num(places.radius_m) != 0
    radius_m = np.append(np.where(given, places.radius_m, 0.0), 0.0)[at]
    radii = bool(given.any())
    rows = np.flatnonzero(has[codes])
    kinds = codes[rows]  # per drawn event, its tuple of places
    ev = ds.events
    date_codes, dates = ds.date_codes
    shown = [d.display if d is not None else "no date" for d in dates]
    names = actor_names_column(ds)
    colours = ds.colours
    arrows = np.flatnonzero(np.isin(kinds, list(heads))).tolist() if heads else []
    kind_list = kinds.tolist()
    cols = {
        "ids": take(ev.ids, rows),
        "lat": lat[kinds].tolist(),
        "lon": lon[kinds].tolist(),
        "title": ev.title.take(rows),
        "date": take(shown, date_codes[rows]),
        "actors": take(names, rows),
        "color": take(colours, rows),
        "to": [[i, *heads[kind_list[i]]] for i in arrows],
        "line": np.flatnonzero(on_line[kinds]).tolist() if lines.any() else [],
    }
    # location uncertainty (metres) of each marker's place, when the data gives any
    if radii:
        radius = np.where(origin >= 0, radius_m, 0.0)
        cols["radius"] = radius[kinds].tolist()
    return cols


def line_places(ds: Dataset) -> np.ndarray:
    """Per place of the gazetteer: is it a line (a river, a border)?"""
    places = ds.places
    by_kind = np.array([k in LINE_KINDS for k in places.kind.values] + [False], bool)
    lines = by_kind[places.kind.codes]
    for row in places.geometry:  # the few places with a geometry
        geometry = places.geometry_at(row) or {}
        if geometry.get("type") in {"LineString", "MultiLineString"}:
            lines[row] = True
    return lines


def tuple_markers(ds: Dataset) -> tuple[np.ndarray, dict[int, tuple[float, float]]]:
    """Per distinct place tuple (:attr:`Dataset.place_tuples`), the row of the marker's
    place (-1: none) and, where a ``to`` place is another, the arrow's head (lat, lon),
    as :func:`map_record` places them."""
    places, tuples = ds.places, ds.place_tuples
    if tuples.roles is None:  # no roles to weigh: the first place with a point
        return tuples.first(places.has_point), {}
    has_point = places.has_point.tolist()
    rows, roles = tuples.rows.tolist(), tuples.roles
    origins = np.full(len(tuples), -1, np.int64)
    heads: dict[int, tuple[float, float]] = {}
    for j, (a, b) in enumerate(pairwise(tuples.starts.tolist())):
        usable = [(rows[i], roles[i]) for i in range(a, b) if rows[i] >= 0 and has_point[rows[i]]]
        origin = next((r for r, role in usable if role == "from"), None)
        origin = next((r for r, _ in usable), None) if origin is None else origin
        target = next((r for r, role in usable if role == "to" and r != origin), None)
        if origin is not None:
            origins[j] = origin
            if target is not None:
                heads[j] = (float(places.lat[target]), float(places.lon[target]))
    return origins, heads


def actor_names_column(ds: Dataset) -> list[str]:
    """Per event: its actors' names, as :meth:`Dataset.actor_names` (kept in the
    dataset weakly: the map and the timeline both show them)."""
    names = _ACTOR_NAMES.get(ds)
    if names is None:
        col = ds.events.actors
        per = [", ".join(ds.actors[a].name if a in ds.actors else a for a in t) for t in col.values]
        names = _ACTOR_NAMES[ds] = list(Coded(col.codes, per))
    return names


# per dataset, its events' actor names (the values never refer back to their dataset)
_ACTOR_NAMES: weakref.WeakKeyDictionary[Dataset, list[str]] = weakref.WeakKeyDictionary()


def map_records(ds: Dataset) -> list[dict]:
    """One record per event with a place (events without one are not drawn)."""
    return [r for e in ds.events if (r := map_record(ds, e)) is not None]


def timeline_columns(ds: Dataset) -> dict:
    """Columns over the dated events, in the shape of the timeline's TimelineData: strict
    bounds in days, how to draw each end, colour (ARGB), label, tooltip, lanes."""
    date_codes, dates = ds.date_codes
    rows = np.flatnonzero(np.array([d is not None for d in dates], bool)[date_codes]).tolist()
    kinds = date_codes[rows].tolist()  # per dated event, its distinct date
    values = [d.value if d is not None else None for d in dates]
    per_date = [
        (v.lower, v.upper, v.precision, *v.approximate, v.start is None, v.end is None)
        if v is not None
        else None
        for v in values
    ]
    argb = {c: 0xFF000000 | int(c.lstrip("#"), 16) for c in set(ds.colours)}
    lane_names: dict[str | None, str] = {}
    lane_of_main: dict[str | None, str] = {}
    ev = ds.events
    for actors in ev.actors.values:  # lanes by main actor, in order of first appearance
        main = actors[0] if actors else None
        if main in lane_of_main:
            continue
        state = ds.state_of(main)
        if state not in lane_names:
            lane_names[state] = (
                ds.actors[state].name if state in ds.actors else (state or "No actor")
            )
        lane_of_main[main] = lane_names[state]
    names = actor_names_column(ds)
    colours = ds.colours
    titles = ev.title.take(rows)
    cols: dict[str, Any] = {"ids": take(ev.ids, rows)}
    for n, key in enumerate(("start", "end", "precision", "fade_start", "fade_end")):
        cols[key] = [per_date[k][n] for k in kinds]
    cols["open_start"] = [per_date[k][5] for k in kinds]
    cols["open_end"] = [per_date[k][6] for k in kinds]
    cols["color"] = [argb[colours[i]] for i in rows]
    cols["label"] = titles
    shown = [d.display if d is not None else "" for d in dates]
    # one tooltip is shown at a time: made on demand, not 100,000 strings up front
    # (it keeps its rows as arrays: lists of 100,000 ints would cost 8 MB)
    row_of, kind_of = np.array(rows, np.int32), np.array(kinds, np.int32)
    cols["tooltip"] = LazyTexts(
        len(rows), lambda j: f"{titles[j]}\n{shown[kind_of[j]]}\n{names[row_of[j]]}".strip()
    )
    lane_per = [lane_of_main[t[0] if t else None] for t in ev.actors.values]
    cols["lane_actor"] = take(lane_per, ev.actors.codes[rows])
    lanes_cat = [c or "uncategorised" for c in ev.category.values]
    cols["lane_category"] = take(lanes_cat, ev.category.codes[rows])
    return {k: cols[k] for k in TIMELINE_FIELDS}


TIMELINE_FIELDS = (
    "ids",
    "start",
    "end",
    "precision",
    "fade_start",
    "fade_end",
    "open_start",
    "open_end",
    "color",
    "label",
    "tooltip",
    "lane_actor",
    "lane_category",
)


def timeline_records(ds: Dataset) -> list[dict]:
    """The same as :func:`timeline_columns`, one dict per dated event."""
    cols = timeline_columns(ds)
    keys = [("id" if k == "ids" else k) for k in TIMELINE_FIELDS]
    return [
        dict(zip(keys, row, strict=True))
        for row in zip(*(cols[k] for k in TIMELINE_FIELDS), strict=True)
    ]


def date_extent(ds: Dataset) -> tuple[float, float] | None:
    """First and last day covered by the dataset's strict date bounds."""
    dates = [d for d in ds.events.date.values if d is not None]
    lows = [d.value.lower for d in dates]
    highs = [d.value.upper for d in dates]
    if not lows:
        return None
    lo, hi = float(min(lows)), float(max(highs))
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None
